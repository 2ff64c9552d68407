#include "src/parsers/syslog_framing.h"

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace netstreams {
namespace {

int64_t Ms(int y, int mo, int d, int h, int mi, int s, int ms = 0,
           absl::TimeZone zone = absl::UTCTimeZone()) {
  return absl::ToUnixMillis(
             absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), zone)) +
         ms;
}

SyslogTimeContext At(int64_t reference_ms,
                     absl::TimeZone zone = absl::UTCTimeZone()) {
  SyslogTimeContext tc;
  tc.zone = zone;
  tc.reference_ms = reference_ms;
  return tc;
}

TEST(SyslogFramingTest, Rfc5424FullHeader) {
  SyslogMessage m;
  ParseError e;
  ASSERT_TRUE(ParseSyslog(
      "<134>1 2026-11-20T10:00:01.037+01:00 vcgnat-1 vcgnat 1234 NAT "
      "[origin ip=\"192.0.2.1\"][meta x=\"a\\\"]b\"] A VRF 0 INT 10.0.0.1 EXT "
      "100.64.0.1",
      SyslogFraming::kAuto, At(0), &m, &e));
  EXPECT_EQ(m.pri, 134);
  EXPECT_TRUE(m.has_time);
  EXPECT_EQ(m.time_ms, Ms(2026, 11, 20, 9, 0, 1, 37));
  EXPECT_EQ(m.hostname, "vcgnat-1");
  EXPECT_EQ(m.app_name, "vcgnat");
  EXPECT_EQ(m.procid, "1234");
  EXPECT_EQ(m.msgid, "NAT");
  EXPECT_EQ(m.structured_data, "[origin ip=\"192.0.2.1\"][meta x=\"a\\\"]b\"]");
  EXPECT_EQ(m.message, "A VRF 0 INT 10.0.0.1 EXT 100.64.0.1");
}

TEST(SyslogFramingTest, Rfc5424NilValuesAndBom) {
  SyslogMessage m;
  ParseError e;
  ASSERT_TRUE(ParseSyslog("<14>1 - - - - - - \xEF\xBB\xBFhello",
                          SyslogFraming::kRfc5424, At(0), &m, &e));
  EXPECT_FALSE(m.has_time);
  EXPECT_TRUE(m.hostname.empty());
  EXPECT_TRUE(m.app_name.empty());
  EXPECT_EQ(m.message, "hello");
  // No MSG at all is allowed.
  ASSERT_TRUE(ParseSyslog("<14>1 2026-01-01T00:00:00Z h a - - -",
                          SyslogFraming::kRfc5424, At(0), &m, &e));
  EXPECT_TRUE(m.message.empty());
  EXPECT_EQ(m.time_ms, Ms(2026, 1, 1, 0, 0, 0));
}

TEST(SyslogFramingTest, Rfc5424Malformed) {
  SyslogMessage m;
  ParseError e;
  EXPECT_FALSE(ParseSyslog("1 2026-01-01T00:00:00Z h a - - - x",
                           SyslogFraming::kRfc5424, At(0), &m, &e));
  EXPECT_STREQ(e.reason_class, "framing");
  EXPECT_FALSE(ParseSyslog("<14>1 2026-13-01T00:00:00Z h a - - - x",
                           SyslogFraming::kRfc5424, At(0), &m, &e));
  EXPECT_STREQ(e.detail, "RFC 5424: invalid TIMESTAMP");
  EXPECT_FALSE(ParseSyslog("<14>1 2026-01-01T00:00:00Z h a - -",
                           SyslogFraming::kRfc5424, At(0), &m, &e));
  EXPECT_FALSE(ParseSyslog("<14>1 2026-01-01T00:00:00Z h a - - [x y=\"z\" msg",
                           SyslogFraming::kRfc5424, At(0), &m, &e));
  EXPECT_STREQ(e.detail, "RFC 5424: unterminated SD-ELEMENT");
  EXPECT_FALSE(ParseSyslog("<999>1 - - - - - - x", SyslogFraming::kRfc5424,
                           At(0), &m, &e));
}

TEST(SyslogFramingTest, Rfc3164WithHostTagAndPid) {
  SyslogMessage m;
  ParseError e;
  int64_t ref = Ms(2026, 6, 14, 12, 20, 0);
  ASSERT_TRUE(ParseSyslog(
      "Jun 14 12:17:35 dut-vm fp-cgnat[2484]: NEW CONN: fwd proto 6",
      SyslogFraming::kAuto, At(ref), &m, &e));
  EXPECT_EQ(m.pri, -1);
  EXPECT_EQ(m.time_ms, Ms(2026, 6, 14, 12, 17, 35));
  EXPECT_EQ(m.hostname, "dut-vm");
  EXPECT_EQ(m.app_name, "fp-cgnat");
  EXPECT_EQ(m.procid, "2484");
  EXPECT_EQ(m.message, "NEW CONN: fwd proto 6");
}

TEST(SyslogFramingTest, CiscoTimeWithUtcMarkerIgnoresConfiguredZone) {
  SyslogMessage m;
  ParseError e;
  ASSERT_TRUE(ParseSyslog(
      "<166>Nov 20 2026 10:00:00 UTC: %ASA-6-305011: Built dynamic TCP "
      "translation from inside:10.0.0.1/1 to outside:100.64.0.1/2",
      SyslogFraming::kAuto, At(0, absl::FixedTimeZone(3600)), &m, &e));
  EXPECT_EQ(m.time_ms, Ms(2026, 11, 20, 10, 0, 0));
  EXPECT_EQ(m.hostname, "");
  EXPECT_EQ(m.app_name, "");
  EXPECT_EQ(m.message.substr(0, 14), "%ASA-6-305011:");
}

// "<PRI>1 " followed by something that is not an RFC 5424 TIMESTAMP
// (Huawei CGN's own header) is a bare message under auto framing; a
// broken RFC 5424 timestamp is still a framing error.
TEST(SyslogFramingTest, AutoTreatsNonRfc5424VersionOneAsBareMessage) {
  SyslogMessage m;
  ParseError e;
  ASSERT_TRUE(ParseSyslog("<134>1 2020 Jan 17 11:05:55 68.1.1.1 test - "
                          "NAT444:SessionbasedA [17 10.1.1.2 - 172.16.1.1 0 "
                          "1025 -]",
                          SyslogFraming::kAuto, At(0), &m, &e));
  EXPECT_FALSE(m.has_time);
  EXPECT_EQ(m.pri, 134);
  EXPECT_EQ(m.message.substr(0, 16), "1 2020 Jan 17 11");
  EXPECT_FALSE(ParseSyslog("<134>1 2026-13-20T10:00:01Z h a - - - x",
                           SyslogFraming::kAuto, At(0), &m, &e));
  EXPECT_STREQ(e.reason_class, "framing");
  ASSERT_TRUE(ParseSyslog("<134>1 - h a - - - x", SyslogFraming::kAuto, At(0),
                          &m, &e));
  EXPECT_EQ(m.hostname, "h");
  EXPECT_EQ(m.message, "x");
}

TEST(SyslogFramingTest, TagWithAtSign) {
  SyslogMessage m;
  ParseError e;
  ASSERT_TRUE(ParseSyslog(
      "<30>Jun 14 12:17:55 vsr fp-cgnat-logd@main[4269]: NEW CONN: x",
      SyslogFraming::kAuto, At(Ms(2026, 6, 1, 0, 0, 0)), &m, &e));
  EXPECT_EQ(m.hostname, "vsr");
  EXPECT_EQ(m.app_name, "fp-cgnat-logd@main");
  EXPECT_EQ(m.procid, "4269");
  EXPECT_EQ(m.message, "NEW CONN: x");
}

TEST(SyslogFramingTest, Rfc3164WithoutHostname) {
  SyslogMessage m;
  ParseError e;
  ASSERT_TRUE(ParseSyslog(
      "Dec 17 08:05:30 RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed",
      SyslogFraming::kRfc3164, At(Ms(2026, 12, 17, 9, 0, 0)), &m, &e));
  EXPECT_TRUE(m.hostname.empty());
  EXPECT_EQ(m.app_name, "RT_FLOW");
  EXPECT_EQ(m.message, "RT_FLOW_SESSION_CLOSE: session closed");
}

TEST(SyslogFramingTest, Rfc3164SpacePaddedDayPriAndYear) {
  SyslogMessage m;
  ParseError e;
  ASSERT_TRUE(ParseSyslog("<134>Jun  7 01:02:03 host app: body",
                          SyslogFraming::kAuto, At(Ms(2026, 6, 7, 1, 2, 0)), &m,
                          &e));
  EXPECT_EQ(m.pri, 134);
  EXPECT_EQ(m.time_ms, Ms(2026, 6, 7, 1, 2, 3));
  EXPECT_EQ(m.message, "body");
  // Cisco-style explicit year.
  ASSERT_TRUE(ParseSyslog("Jan 01 2024 12:00:00 fw : body",
                          SyslogFraming::kRfc3164, At(Ms(2026, 6, 7, 1, 2, 0)),
                          &m, &e));
  EXPECT_EQ(m.time_ms, Ms(2024, 1, 1, 12, 0, 0));
}

TEST(SyslogFramingTest, Rfc3164YearIsInferredAcrossNewYear) {
  SyslogMessage m;
  ParseError e;
  // Logged on Dec 31, read on Jan 1: last year.
  ASSERT_TRUE(ParseSyslog("Dec 31 23:59:58 h t: x", SyslogFraming::kRfc3164,
                          At(Ms(2027, 1, 1, 0, 0, 5)), &m, &e));
  EXPECT_EQ(m.time_ms, Ms(2026, 12, 31, 23, 59, 58));
  // A device clock slightly ahead on Dec 31: next year.
  ASSERT_TRUE(ParseSyslog("Jan  1 00:00:02 h t: x", SyslogFraming::kRfc3164,
                          At(Ms(2026, 12, 31, 23, 59, 59)), &m, &e));
  EXPECT_EQ(m.time_ms, Ms(2027, 1, 1, 0, 0, 2));
}

TEST(SyslogFramingTest, Rfc3164UsesConfiguredZone) {
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  SyslogMessage m;
  ParseError e;
  ASSERT_TRUE(ParseSyslog("Jul  1 12:00:00 h t: x", SyslogFraming::kRfc3164,
                          At(Ms(2026, 7, 1, 10, 0, 0), berlin), &m, &e));
  EXPECT_EQ(m.time_ms, Ms(2026, 7, 1, 10, 0, 0));  // CEST = UTC+2
}

TEST(SyslogFramingTest, BsdLayoutWithIsoTimestamp) {
  SyslogMessage m;
  ParseError e;
  ASSERT_TRUE(ParseSyslog(
      "2025-05-02T11:34:56.87+00:00 10.254.254.57 cgn0.thn2/cgn-demo  "
      "CEF:0|A10|CFW",
      SyslogFraming::kAuto, At(0), &m, &e));
  EXPECT_EQ(m.time_ms, Ms(2025, 5, 2, 11, 34, 56, 870));
  EXPECT_EQ(m.hostname, "10.254.254.57");
  EXPECT_EQ(m.message, "cgn0.thn2/cgn-demo  CEF:0|A10|CFW");
}

TEST(SyslogFramingTest, AutoWithoutHeaderIsTheBareMessage) {
  SyslogMessage m;
  ParseError e;
  ASSERT_TRUE(ParseSyslog("A VRF 0 INT 10.0.0.1 EXT 100.64.0.1",
                          SyslogFraming::kAuto, At(0), &m, &e));
  EXPECT_FALSE(m.has_time);
  EXPECT_EQ(m.message, "A VRF 0 INT 10.0.0.1 EXT 100.64.0.1");
  // PRI then no recognizable header.
  ASSERT_TRUE(ParseSyslog("<134>A VRF 0 INT 10.0.0.1 EXT 100.64.0.1",
                          SyslogFraming::kAuto, At(0), &m, &e));
  EXPECT_EQ(m.pri, 134);
  EXPECT_EQ(m.message, "A VRF 0 INT 10.0.0.1 EXT 100.64.0.1");
  // Something month-like that is not a timestamp.
  ASSERT_TRUE(
      ParseSyslog("Mar is a month", SyslogFraming::kAuto, At(0), &m, &e));
  EXPECT_EQ(m.message, "Mar is a month");
}

TEST(SyslogFramingTest, ExplicitRfc3164RejectsMissingTimestamp) {
  SyslogMessage m;
  ParseError e;
  EXPECT_FALSE(
      ParseSyslog("host app: body", SyslogFraming::kRfc3164, At(0), &m, &e));
  EXPECT_STREQ(e.reason_class, "framing");
  EXPECT_FALSE(ParseSyslog("Jun 31 25:00:00 h a: b", SyslogFraming::kRfc3164,
                           At(0), &m, &e));
}

TEST(SyslogFramingTest, NoneFramingKeepsEverything) {
  SyslogMessage m;
  ParseError e;
  ASSERT_TRUE(ParseSyslog("<134>1 x", SyslogFraming::kNone, At(0), &m, &e));
  EXPECT_EQ(m.message, "<134>1 x");
}

TEST(SyslogFramingTest, Rfc3339Variants) {
  int64_t ms;
  EXPECT_EQ(ParseRfc3339("2026-01-02T03:04:05Z", &ms), 20u);
  EXPECT_EQ(ms, Ms(2026, 1, 2, 3, 4, 5));
  EXPECT_GT(ParseRfc3339("2026-01-02T03:04:05.123456-0530", &ms), 0u);
  EXPECT_EQ(ms, Ms(2026, 1, 2, 8, 34, 5, 123));
  EXPECT_GT(ParseRfc3339("2026-01-02 03:04:05", &ms), 0u);
  EXPECT_EQ(ms, Ms(2026, 1, 2, 3, 4, 5));
  EXPECT_EQ(ParseRfc3339("2026-01-02T03:04", &ms), 0u);
  EXPECT_EQ(ParseRfc3339("2026-01-02T03:04:05.Z", &ms), 0u);
  EXPECT_EQ(ParseRfc3339("2026-01-02T03:04:05+25:00", &ms), 0u);
}

}  // namespace
}  // namespace netstreams
