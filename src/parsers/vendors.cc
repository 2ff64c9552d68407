#include "src/parsers/nfware_parser.h"
#include "src/parsers/vendor.h"

namespace netstreams {
namespace {

// Detection order: formats whose signatures are most specific first, so
// that a looser test never claims another vendor's line. NFWare's bare
// "A VRF ..." body is checked last among the syslog formats.
constexpr VendorFormat kFormats[] = {
    {"a10", DetectA10, ParseA10},
    {"juniper", DetectJuniper, ParseJuniper},
    {"cisco_asa", DetectCiscoAsa, ParseCiscoAsa},
    {"f5", DetectF5, ParseF5},
    {"sixwind", DetectSixwind, ParseSixwind},
    {"mikrotik", DetectMikrotik, ParseMikrotik},
    {"nfacctd", DetectNfacctd, ParseNfacctd},
    {"nfware", DetectNfware, ParseNfwareMessage},
};

}  // namespace

absl::Span<const VendorFormat> BuiltinFormats() { return kFormats; }

const VendorFormat* FindFormat(absl::string_view name) {
  for (const VendorFormat& f : kFormats) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const VendorFormat* DetectFormat(const SyslogMessage& syslog) {
  for (const VendorFormat& f : kFormats) {
    if (f.detect(syslog)) return &f;
  }
  return nullptr;
}

bool DetectNfware(const SyslogMessage& syslog) {
  // "A VRF ..." / "D VRF ...", runs of spaces allowed (as the parser does).
  absl::string_view m = syslog.message;
  size_t i = 0;
  while (i < m.size() && m[i] == ' ') ++i;
  if (i + 1 >= m.size() || (m[i] != 'A' && m[i] != 'D') || m[i + 1] != ' ') {
    return false;
  }
  i += 2;
  while (i < m.size() && m[i] == ' ') ++i;
  return m.substr(i, 4) == "VRF ";
}

bool ParseNfwareMessage(const VendorInput& input, cgnat::v1::NatEvent* event,
                        BodyTime* body_time, ParseError* error) {
  return ParseNfware(input.syslog.message, event, error);
}

}  // namespace netstreams
