// libFuzzer target: the JSON formats (nfacctd records with both nat_event
// numberings, RADIUS accounting, NFWare RADIUS NAT records) on arbitrary
// bytes. Whatever parses must be a well-formed event.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/time/time.h"
#include "cgnat/v1/nat_event.pb.h"
#include "cgnat/v1/radius_accounting.pb.h"
#include "src/parsers/nfacctd_parser.h"
#include "src/parsers/radius_parser.h"

namespace {

void CheckEvent(const cgnat::v1::NatEvent& e) {
  auto ip_ok = [](const std::string& ip) {
    return ip.empty() || ip.size() == 4 || ip.size() == 16;
  };
  if (!ip_ok(e.inside_ip()) || !ip_ok(e.outside_ip()) ||
      !ip_ok(e.destination_ip()) || e.inside_port() > 65535 ||
      e.outside_port() > 65535 || e.destination_port() > 65535 ||
      e.port_block_end() > 65535 || e.protocol() > 255 ||
      e.action() == cgnat::v1::ACTION_UNSPECIFIED) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace netstreams;
  absl::string_view json(reinterpret_cast<const char*>(data), size);
  static const absl::TimeZone kZone = absl::FixedTimeZone(-5 * 3600);
  SyslogTimeContext time{kZone, 1795176000000};
  for (NatEventNumbering n : {NatEventNumbering::kIana,
                              NatEventNumbering::kJunos}) {
    cgnat::v1::NatEvent event;
    BodyTime body_time;
    ParseError error;
    if (ParseNfacctdJson(json, n, time, &event, &body_time, &error)) {
      CheckEvent(event);
    }
  }
  {
    cgnat::v1::NatEvent event;
    BodyTime body_time;
    ParseError error;
    if (ParseRadiusNatEvent(json, &event, &body_time, &error)) {
      CheckEvent(event);
    }
  }
  cgnat::v1::RadiusAccounting acct;
  BodyTime body_time;
  ParseError error;
  if (ParseRadiusAccounting(json, &acct, &body_time, &error)) {
    if (!acct.framed_ip().empty() && acct.framed_ip().size() != 4) {
      std::abort();
    }
  }
  return 0;
}
