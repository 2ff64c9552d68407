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
#include "tests/fuzz/event_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace netstreams;
  absl::string_view json(reinterpret_cast<const char*>(data), size);
  static const absl::TimeZone kZone = absl::FixedTimeZone(-5 * 3600);
  SyslogTimeContext time{kZone, 1795176000000};
  for (NatEventNumbering n :
       {NatEventNumbering::kIana, NatEventNumbering::kJunos}) {
    cgnat::v1::NatEvent event;
    BodyTime body_time;
    ParseError error;
    if (ParseNfacctdJson(json, n, time, &event, &body_time, &error)) {
      fuzz::CheckEventInvariants(event);
    }
  }
  {
    cgnat::v1::NatEvent event;
    BodyTime body_time;
    ParseError error;
    if (ParseRadiusNatEvent(json, &event, &body_time, &error)) {
      fuzz::CheckEventInvariants(event);
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
