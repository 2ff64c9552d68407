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
  absl::string_view m = syslog.message;
  return m.size() > 6 && (m[0] == 'A' || m[0] == 'D') && m[1] == ' ' &&
         m.substr(2, 4) == "VRF ";
}

bool ParseNfwareMessage(const VendorInput& input, cgnat::v1::NatEvent* event,
                        BodyTime* body_time, ParseError* error) {
  return ParseNfware(input.syslog.message, event, error);
}

}  // namespace netstreams
