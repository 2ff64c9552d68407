// Helpers for vendor parser tests: frame a whole line as the parse stage
// does (syslog auto-detection), then run one vendor's detect and parse;
// read the fixtures and the public samples of every vendor
// (testdata/public_samples.txt) that each Detect must tell apart.
#ifndef NETSTREAMS_TESTS_PARSERS_VENDOR_TEST_UTIL_H_
#define NETSTREAMS_TESTS_PARSERS_VENDOR_TEST_UTIL_H_

#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
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

// RunLine, expecting the line to be framed, detected and parsed.
inline LineResult MustParseLine(const std::string& line, DetectFn detect,
                                ParseFn parse,
                                absl::TimeZone zone = absl::UTCTimeZone()) {
  LineResult r = RunLine(line, detect, parse, zone);
  EXPECT_TRUE(r.framed) << line;
  EXPECT_TRUE(r.detected) << line;
  EXPECT_TRUE(r.parsed) << line << ": " << r.error.reason_class << " "
                        << r.error.detail << " at " << r.error.offset;
  return r;
}

// Unix milliseconds of a civil time in `zone`.
inline int64_t UnixMillis(int y, int mo, int d, int h, int mi, int s,
                          absl::TimeZone zone = absl::UTCTimeZone()) {
  return absl::ToUnixMillis(
      absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), zone));
}

// The lines of a runfile (a path relative to the workspace root, listed in
// the test's `data`), without empty lines and '#' comments. A file that
// cannot be read is a test failure (and yields no lines).
inline std::vector<std::string> ReadDataLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  EXPECT_TRUE(in.is_open()) << path;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    lines.push_back(line);
  }
  return lines;
}

// `body` as collectors hand it over: bare, behind an RFC 5424 header and
// behind an RFC 3164 header (generic host and app names).
inline std::vector<std::string> BareAndWrapped(const std::string& body) {
  return {body, "<134>1 2025-05-02T11:34:56Z host app - - - " + body,
          "<134>May  2 11:34:56 host app: " + body};
}

// One line of /work/shared/data/cgnat_vendor_samples.txt.
struct PublicSample {
  // "nfware", "a10", "juniper", "cisco_asa", "f5", "sixwind", "mikrotik",
  // "nfacctd", or "radius_attr" (one attribute of the RADIUS record in its
  // attribute-per-line text, which no Detect may take).
  std::string vendor;
  std::string line;  // verbatim
};

// The runfile the public samples are read from: add it to the test's data.
inline constexpr char kPublicSamplesPath[] =
    "tests/parsers/testdata/public_samples.txt";

// Every line of testdata/public_samples.txt ("VENDOR<TAB>LINE").
inline std::vector<PublicSample> PublicSamples() {
  std::vector<PublicSample> samples;
  for (const std::string& line : ReadDataLines(kPublicSamplesPath)) {
    const size_t tab = line.find('\t');
    EXPECT_NE(tab, std::string::npos) << line;
    if (tab == std::string::npos) continue;
    samples.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return samples;
}

// The public sample lines of every vendor but `vendor`.
inline std::vector<std::string> OtherVendorSamples(const std::string& vendor) {
  std::vector<std::string> lines;
  for (PublicSample& s : PublicSamples()) {
    if (s.vendor != vendor) lines.push_back(std::move(s.line));
  }
  return lines;
}

// Runs every public sample of a vendor other than `vendor`, bare and in
// RFC 5424 and RFC 3164 headers, through `detect` and `parse`: none may be
// detected or parsed, and unless `any_reason` parse must refuse each as
// "unrecognized" (not its vendor's message). Returns how many samples were
// run, for the caller to check that the samples file was read.
inline size_t ExpectOtherVendorsRefused(const std::string& vendor,
                                        DetectFn detect, ParseFn parse,
                                        bool any_reason = false) {
  const std::vector<std::string> others = OtherVendorSamples(vendor);
  for (const std::string& sample : others) {
    for (const std::string& line : BareAndWrapped(sample)) {
      LineResult r = RunLine(line, detect, parse);
      EXPECT_TRUE(r.framed) << line;
      EXPECT_FALSE(r.detected) << line;
      EXPECT_FALSE(r.parsed) << line;
      if (!any_reason) {
        EXPECT_STREQ(r.error.reason_class, "unrecognized") << line;
      }
    }
  }
  return others.size();
}

// A line a parser must refuse, and the error it must give.
struct BadLine {
  const char* line;
  const char* reason_class;
  const char* detail;
};

// Expects `r` refused with `reason_class` and `detail`.
inline void ExpectRejected(const LineResult& r, const char* reason_class,
                           const char* detail) {
  const std::string& line = *r.line;
  EXPECT_FALSE(r.parsed) << line;
  EXPECT_STREQ(r.error.reason_class, reason_class) << line;
  EXPECT_STREQ(r.error.detail, detail) << line;
}

// A rejected line that also says whether the vendor's detector claims it
// (a line of the vendor's shape with a bad value is detected, then
// refused by the parser).
struct DetectedBadLine {
  const char* line;
  bool detected;
  const char* reason_class;
  const char* detail;
};

inline void ExpectRejected(const LineResult& r, const DetectedBadLine& bad) {
  EXPECT_EQ(r.detected, bad.detected) << bad.line;
  ExpectRejected(r, bad.reason_class, bad.detail);
}

// Expects a refused line to have left the event and the body time
// untouched (a parser never half-fills).
inline void ExpectNothingFilled(const LineResult& r) {
  EXPECT_EQ(r.event.ByteSizeLong(), 0u) << *r.line;
  EXPECT_FALSE(r.body_time.present) << *r.line;
}

}  // namespace testing_util
}  // namespace netstreams

#endif  // NETSTREAMS_TESTS_PARSERS_VENDOR_TEST_UTIL_H_
