// Tests of the 6WIND fp-cgnat parser: connection and port block events,
// the "@vrf" log daemon, times after "at", IPv6 (NAT64) endpoints, every
// rejection, and auto-detection against the other vendors' samples.
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/parsers/vendor_test_util.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using testing_util::BadLine;
using testing_util::ExpectNothingFilled;
using testing_util::ExpectOtherVendorsRefused;
using testing_util::ExpectRejected;
using testing_util::Ip;
using testing_util::LineResult;
using testing_util::MustParseLine;
using testing_util::ReadDataLines;
using testing_util::UnixMillis;

LineResult RunSixwind(const std::string& line,
                      absl::TimeZone zone = absl::UTCTimeZone()) {
  return testing_util::RunLine(line, DetectSixwind, ParseSixwind, zone);
}

LineResult MustParse(const std::string& line,
                     absl::TimeZone zone = absl::UTCTimeZone()) {
  return MustParseLine(line, DetectSixwind, ParseSixwind, zone);
}

// The four 6WIND lines of the samples file, and their bodies.
constexpr char kNewConn[] =
    "Jun 14 12:17:35 dut-vm fp-cgnat[2484]: NEW CONN: fwd proto 6 "
    "10.100.0.1:4241 -> 10.200.0.1:33815, back proto 6 10.200.0.1:33815 --> "
    "10.175.0.3:10752";
constexpr char kDestroyConn[] =
    "Jun 14 12:19:04 dut-vm fp-cgnat[2484]: DESTROY CONN: fwd proto 6 "
    "10.100.0.1:4241 -> 10.200.0.1:33815, back proto 6 10.200.0.1:33915 -> "
    "10.175.0.3:10753";
constexpr char kNewBlock[] =
    R"S(Jun 11 08:03:09 vsr fp-cgnat[4269]: USER 100.64.0.1 (matching rule 1): NEW BLOCK (pool "mypool", ip public 192.0.2.33, proto 6, port 1 - 512))S";
constexpr char kDestroyBlock[] =
    R"S(Jun 11 08:07:30 vsr fp-cgnat[4269]: USER 100.64.0.1 (matching rule 1): DESTROY BLOCK (pool "mypool", ip public 192.0.2.33, proto 6, port 1 - 512))S";

// The body after "fp-cgnat[pid]: ".
std::string Body(const std::string& line) {
  return line.substr(line.find("]: ") + 3);
}

// A sample line as collectors write it: as-is (BSD without PRI), bare
// body, program prefix and body, RFC 3164 with PRI, RFC 5424.
std::vector<std::string> Framings(const std::string& line) {
  std::string body = Body(line);
  std::string program = line.substr(line.find("fp-cgnat"));
  return {line, body, program, "<134>" + line,
          "<134>1 2026-06-14T12:17:35.000Z dut-vm fp-cgnat 2484 - - " + body};
}

void ExpectSampleConn(const NatEvent& e) {
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("10.100.0.1"));
  EXPECT_EQ(e.inside_port(), 4241u);
  EXPECT_EQ(e.destination_ip(), Ip("10.200.0.1"));
  EXPECT_EQ(e.destination_port(), 33815u);
  EXPECT_EQ(e.outside_ip(), Ip("10.175.0.3"));
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
  EXPECT_EQ(e.vrf(), "");
  EXPECT_TRUE(e.device().empty());
}

TEST(SixwindParserTest, SampleNewConn) {
  for (const std::string& line : Framings(kNewConn)) {
    LineResult r = MustParse(line);
    EXPECT_EQ(r.event.action(), cgnat::v1::CREATE) << line;
    ExpectSampleConn(r.event);
    EXPECT_EQ(r.event.outside_port(), 10752u);
    EXPECT_FALSE(r.body_time.present);
  }
}

TEST(SixwindParserTest, SampleDestroyConn) {
  for (const std::string& line : Framings(kDestroyConn)) {
    LineResult r = MustParse(line);
    EXPECT_EQ(r.event.action(), cgnat::v1::DELETE) << line;
    ExpectSampleConn(r.event);
    // The sample's reply tuple differs from the fwd destination in its
    // port; the destination is what the subscriber addressed.
    EXPECT_EQ(r.event.outside_port(), 10753u);
  }
}

TEST(SixwindParserTest, SampleBlocks) {
  for (const char* sample : {kNewBlock, kDestroyBlock}) {
    for (const std::string& line : Framings(sample)) {
      LineResult r = MustParse(line);
      EXPECT_EQ(r.event.action(),
                sample == kNewBlock ? cgnat::v1::CREATE : cgnat::v1::DELETE)
          << line;
      EXPECT_EQ(r.event.mapping(), cgnat::v1::PORT_BLOCK);
      EXPECT_EQ(r.event.inside_ip(), Ip("100.64.0.1"));
      EXPECT_EQ(r.event.outside_ip(), Ip("192.0.2.33"));
      EXPECT_EQ(r.event.protocol(), 6u);
      EXPECT_EQ(r.event.port_block_start(), 1u);
      EXPECT_EQ(r.event.port_block_end(), 512u);
      EXPECT_EQ(r.event.inside_port(), 0u);
      EXPECT_EQ(r.event.outside_port(), 0u);
      EXPECT_TRUE(r.event.destination_ip().empty());
      EXPECT_EQ(r.event.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
    }
  }
}

TEST(SixwindParserTest, SampleFramingKeepsTheSyslogHeader) {
  LineResult r = MustParse(kNewConn);
  EXPECT_EQ(r.syslog.hostname, "dut-vm");
  EXPECT_EQ(r.syslog.app_name, "fp-cgnat");
  EXPECT_EQ(r.syslog.procid, "2484");
  EXPECT_TRUE(r.syslog.has_time);
}

TEST(SixwindParserTest, DeploymentGuideBlockWithTimeAndVrf) {
  // The "@main" tag is not a BSD TAG for the framing, so the program stays
  // in the message; the parser reads the VRF from it.
  LineResult r = MustParse(
      "Jun 11 08:03:09 vrouter fp-cgnat-logd@main[4269]: USER "
      "2001:db8:200::1 (matching rule 1): NEW BLOCK (ip public 32.96.119.1, "
      "proto 6, port 1024 - 1536) at Tue Jun 11 08:03:09 2020");
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.vrf(), "main");
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8:200::1"));
  EXPECT_EQ(r.event.outside_ip(), Ip("32.96.119.1"));
  EXPECT_EQ(r.event.port_block_start(), 1024u);
  EXPECT_EQ(r.event.port_block_end(), 1536u);
  EXPECT_TRUE(r.body_time.present);
  EXPECT_EQ(r.body_time.ms, UnixMillis(2020, 6, 11, 8, 3, 9));

  // The same as RFC 5424, where APP-NAME carries the "@vrf".
  LineResult f = MustParse(
      "<134>1 2020-06-11T08:07:30Z vrouter fp-cgnat-logd@blue 4269 - - USER "
      "100.64.0.1 (matching rule 1): DESTROY BLOCK (pool \"mypool\", ip "
      "public 32.96.119.1, proto 17, port 1024 - 1536) at Thu Jun 11 "
      "08:07:30 2020");
  EXPECT_EQ(f.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(f.event.vrf(), "blue");
  EXPECT_EQ(f.event.protocol(), 17u);
  EXPECT_EQ(f.body_time.ms, UnixMillis(2020, 6, 11, 8, 7, 30));
}

TEST(SixwindParserTest, TimeUsesTheConfiguredZoneAndPaddedDays) {
  LineResult r = MustParse(
      "fp-cgnat-logd[4269]: USER 100.64.0.1: NEW BLOCK (ip public "
      "192.0.2.33, port 2048-3071) at Mon Jun  1 08:03:09 2026",
      absl::FixedTimeZone(2 * 3600));
  EXPECT_EQ(r.body_time.ms, UnixMillis(2026, 6, 1, 6, 3, 9));
  EXPECT_EQ(r.event.protocol(), 0u);
  EXPECT_EQ(r.event.port_block_start(), 2048u);
  EXPECT_EQ(r.event.port_block_end(), 3071u);
}

TEST(SixwindParserTest, ConnWithTime) {
  LineResult r = MustParse(
      "NEW CONN: fwd proto 17 100.64.3.7:5353 -> 8.8.8.8:53, back proto 17 "
      "8.8.8.8:53 -> 192.0.2.40:31000 at Sat Nov 21 10:00:00 2026");
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.outside_port(), 31000u);
  EXPECT_EQ(r.body_time.ms, UnixMillis(2026, 11, 21, 10, 0, 0));
}

TEST(SixwindParserTest, InboundConnection) {
  // The reply returns to the original source unchanged: the connection
  // came from outside to a mapped address (endpoint-independent
  // filtering).
  LineResult r = MustParse(
      "NEW CONN: fwd proto 17 198.51.100.9:5060 -> 192.0.2.33:20001, back "
      "proto 17 100.64.0.1:5060 --> 198.51.100.9:5060");
  EXPECT_EQ(r.event.direction(), cgnat::v1::INBOUND);
  EXPECT_EQ(r.event.inside_ip(), Ip("100.64.0.1"));
  EXPECT_EQ(r.event.inside_port(), 5060u);
  EXPECT_EQ(r.event.outside_ip(), Ip("192.0.2.33"));
  EXPECT_EQ(r.event.outside_port(), 20001u);
  EXPECT_EQ(r.event.destination_ip(), Ip("198.51.100.9"));
  EXPECT_EQ(r.event.destination_port(), 5060u);
}

TEST(SixwindParserTest, Nat64Endpoints) {
  LineResult r = MustParse(
      "NEW CONN: fwd proto 6 [2001:db8::5]:50000 -> [64:ff9b::5db8:d822]:443, "
      "back proto 6 93.184.216.34:443 --> 192.0.2.33:20000");
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8::5"));
  EXPECT_EQ(r.event.inside_ip().size(), 16u);
  EXPECT_EQ(r.event.destination_ip(), Ip("64:ff9b::5db8:d822"));
  EXPECT_EQ(r.event.outside_ip(), Ip("192.0.2.33"));
  EXPECT_EQ(r.event.outside_port(), 20000u);
  EXPECT_EQ(r.event.direction(), cgnat::v1::OUTBOUND);

  // Unbracketed IPv6 with the port after the last colon; ICMPv6 forward,
  // ICMP back: the event keeps the forward protocol.
  LineResult u = MustParse(
      "DESTROY CONN: fwd proto 58 2001:db8::5:4660 -> 64:ff9b::808:808:4660, "
      "back proto 1 8.8.8.8:4660 --> 192.0.2.33:1025");
  EXPECT_EQ(u.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(u.event.protocol(), 58u);
  EXPECT_EQ(u.event.inside_ip(), Ip("2001:db8::5"));
  EXPECT_EQ(u.event.inside_port(), 4660u);
  EXPECT_EQ(u.event.destination_ip(), Ip("64:ff9b::808:808"));
}

class SixwindRejectTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(SixwindRejectTest, Rejects) {
  LineResult r = RunSixwind(GetParam().line);
  ExpectRejected(r, GetParam().reason_class, GetParam().detail);
  ExpectNothingFilled(r);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, SixwindRejectTest,
    ::testing::Values(
        BadLine{"Jun 11 08:02:46 vsr fp-cgnat-logd[4269]: CGNAT Log listen "
                "on 5001",
                "unrecognized", "sixwind: not a CG-NAT mapping event"},
        BadLine{"fp-cgnat[1]: something else", "unrecognized",
                "sixwind: not a CG-NAT mapping event"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW USER (quota 4)",
                "unrecognized", "sixwind: not a block event"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:70000 -> 10.200.0.1:33815, "
                "back proto 6 10.200.0.1:33815 --> 10.175.0.3:10752",
                "invalid_value", "sixwind: invalid source endpoint"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1 -> 10.200.0.1:33815, "
                "back proto 6 10.200.0.1:33815 --> 10.175.0.3:10752",
                "invalid_value", "sixwind: invalid source endpoint"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.256:33815, "
                "back proto 6 10.200.0.1:33815 --> 10.175.0.3:10752",
                "invalid_value", "sixwind: invalid destination endpoint"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.1:33815, "
                "back proto 6 10.200.0.1:33815 --> 10.175.0.3:99999",
                "invalid_value", "sixwind: invalid destination endpoint"},
        BadLine{"NEW CONN: fwd proto 300 10.100.0.1:1 -> 10.200.0.1:2, back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3",
                "invalid_value", "sixwind: protocol is not 0..255"},
        BadLine{"NEW CONN: fwd proto tcp 10.100.0.1:1 -> 10.200.0.1:2, back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3",
                "invalid_value", "sixwind: protocol is not 0..255"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 => 10.200.0.1:2, back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3",
                "unrecognized", "sixwind: expected '->'"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.1:2 back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3",
                "unrecognized", "sixwind: expected ',' after fwd tuple"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.1:2,",
                "unrecognized", "sixwind: expected fwd/back tuple"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 ->", "unrecognized",
                "sixwind: missing destination endpoint"},
        BadLine{"NEW CONN: fwd proto", "unrecognized",
                "sixwind: missing protocol"},
        BadLine{"NEW CONN: fwd 6 10.100.0.1:1", "unrecognized",
                "sixwind: expected 'proto'"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.1:2, back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3 extra",
                "unrecognized", "sixwind: unexpected text after back"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.1:2, back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3 at Tue Jun 31 "
                "08:03:09 2019",
                "invalid_value", "sixwind: invalid time after 'at'"},
        BadLine{"USER 100.64.0.x (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 6, port 1 - 512)",
                "invalid_value", "sixwind: invalid user address"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 6, port 1 - 70000)",
                "invalid_value", "sixwind: invalid port range"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 6, port 512 - 1)",
                "invalid_value", "sixwind: invalid port range"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 999, port 1 - 512)",
                "invalid_value", "sixwind: protocol is not 0..255"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public, "
                "proto 6, port 1024 - 1536)",
                "invalid_value", "sixwind: invalid public address"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.300, proto 6, port 1024 - 1536)",
                "invalid_value", "sixwind: invalid public address"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (pool \"a\", "
                "proto 6, port 1024 - 1536)",
                "invalid_value", "sixwind: block without public address"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 6)",
                "invalid_value", "sixwind: block without port range"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 6, port 1 - 512",
                "unrecognized", "sixwind: expected ')' after block"},
        BadLine{"USER 100.64.0.1 (matching rule x): NEW BLOCK (ip public "
                "192.0.2.33, port 1 - 512)",
                "unrecognized", "sixwind: malformed matching rule"},
        BadLine{"USER 100.64.0.1 foo: NEW BLOCK (ip public 192.0.2.33, port "
                "1 - 512)",
                "unrecognized", "sixwind: unexpected text after USER"}));

TEST(SixwindParserTest, DetectRejectsEveryOtherVendorSample) {
  EXPECT_GT(ExpectOtherVendorsRefused("sixwind", DetectSixwind, ParseSixwind),
            20u);
}

TEST(SixwindParserTest, EveryFixtureLineParses) {
  int lines = 0, sessions = 0, blocks = 0, creates = 0, deletes = 0;
  for (const std::string& line :
       ReadDataLines("tests/parsers/testdata/sixwind.log")) {
    ++lines;
    LineResult r = MustParse(line);
    if (r.event.mapping() == cgnat::v1::SESSION) ++sessions;
    if (r.event.mapping() == cgnat::v1::PORT_BLOCK) ++blocks;
    if (r.event.action() == cgnat::v1::CREATE) ++creates;
    if (r.event.action() == cgnat::v1::DELETE) ++deletes;
  }
  EXPECT_GE(lines, 30);
  EXPECT_LE(lines, 60);
  EXPECT_GT(sessions, 0);
  EXPECT_GT(blocks, 0);
  EXPECT_GT(creates, 0);
  EXPECT_GT(deletes, 0);
}

}  // namespace
}  // namespace netstreams
