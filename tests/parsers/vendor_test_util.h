// Helpers for vendor parser tests: frame a whole line as the parse stage
// does (syslog auto-detection), then run one vendor's detect and parse.
#ifndef NETSTREAMS_TESTS_PARSERS_VENDOR_TEST_UTIL_H_
#define NETSTREAMS_TESTS_PARSERS_VENDOR_TEST_UTIL_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "cgnat/v1/nat_event.pb.h"
#include "gtest/gtest.h"
#include "src/common/ip_address.h"
#include "src/parsers/syslog_framing.h"
#include "src/parsers/vendor.h"

namespace netstreams {
namespace testing_util {

inline std::string Ip(const std::string& text) {
  IpBytes ip;
  EXPECT_TRUE(ParseIp(text, &ip)) << text;
  return std::string(ip.view());
}

struct LineResult {
  // The line the views below point into, on the heap so that moving the
  // result keeps them valid (callers may pass a temporary).
  std::shared_ptr<const std::string> line;
  bool framed = false;
  bool detected = false;
  bool parsed = false;
  SyslogMessage syslog;
  cgnat::v1::NatEvent event;
  BodyTime body_time;
  ParseError error;
};

// Kafka record time used as the BSD-year anchor: 2026-11-20T12:00:00Z.
inline constexpr int64_t kReferenceMs = 1795176000000;

inline LineResult RunLine(const std::string& line, DetectFn detect,
                          ParseFn parse,
                          absl::TimeZone zone = absl::UTCTimeZone(),
                          int64_t reference_ms = kReferenceMs) {
  LineResult r;
  r.line = std::make_shared<const std::string>(line);
  SyslogTimeContext time{zone, reference_ms};
  r.framed =
      ParseSyslog(*r.line, SyslogFraming::kAuto, time, &r.syslog, &r.error);
  if (!r.framed) return r;
  r.detected = detect(r.syslog);
  VendorInput input{r.syslog, time};
  r.parsed = parse(input, &r.event, &r.body_time, &r.error);
  return r;
}

}  // namespace testing_util
}  // namespace netstreams

#endif  // NETSTREAMS_TESTS_PARSERS_VENDOR_TEST_UTIL_H_
