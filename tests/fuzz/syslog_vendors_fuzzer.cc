// libFuzzer target: syslog framing (every framing mode) and every
// built-in vendor parser, on arbitrary bytes. A line must never crash,
// hang or read out of bounds; whatever parses must be a well-formed
// event (addresses of 4 or 16 bytes, ports within 0..65535).
//
//   tools/fuzz.sh syslog_vendors 300     (clang, ASan + UBSan, libFuzzer)
//   bazel test //tests/fuzz:...          (replays the corpus, gcc)

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cgnat/v1/nat_event.pb.h"
#include "src/parsers/syslog_framing.h"
#include "src/parsers/vendor.h"
#include "tests/fuzz/event_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace netstreams;
  absl::string_view line(reinterpret_cast<const char*>(data), size);
  static const absl::TimeZone kZone = absl::FixedTimeZone(3600);
  SyslogTimeContext time{kZone, 1795176000000};
  for (SyslogFraming framing :
       {SyslogFraming::kAuto, SyslogFraming::kRfc3164, SyslogFraming::kRfc5424,
        SyslogFraming::kNone}) {
    SyslogMessage syslog;
    ParseError error;
    if (!ParseSyslog(line, framing, time, &syslog, &error)) continue;
    DetectFormat(syslog);
    for (const VendorFormat& format : BuiltinFormats()) {
      format.detect(syslog);
      cgnat::v1::NatEvent event;
      BodyTime body_time;
      VendorInput input{syslog, time};
      if (format.parse(input, &event, &body_time, &error))
        fuzz::CheckEventInvariants(event);
    }
  }
  return 0;
}
