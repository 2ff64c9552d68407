// Tests of the F5 BIG-IP CGNAT (LSN) parser: the Splunk key=value form,
// the legacy positional line, port blocks, route domains, IPv6, every
// rejection, and auto-detection against the other vendors' samples.
#include <string>
#include <vector>

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

LineResult RunF5(const std::string& line) {
  return testing_util::RunLine(line, DetectF5, ParseF5);
}

LineResult MustParse(const std::string& line) {
  return MustParseLine(line, DetectF5, ParseF5);
}

// The F5 line of the samples file: BIG-IP's Splunk form with the
// addresses masked by the publisher of the sample.
constexpr char kSample[] =
    R"S(lsn_event="LSN_DELETE",start="1562092616047",cli="X.X.X.X",nat="Y.Y.Y.Y",duration="8080",pem_subscriber_id="No-lookup")S";

// The same line wrapped as collectors write it.
std::vector<std::string> Framings(const std::string& body) {
  return {body, "<134>1 2019-07-02T18:36:56.127Z bigip1 tmm 12345 - - " + body,
          "<134>Jul  2 18:36:56 bigip1 tmm[12345]: " + body};
}

TEST(F5ParserTest, MaskedSampleIsDetectedButItsAddressesAreRejected) {
  for (const std::string& line : Framings(kSample)) {
    LineResult r = RunF5(line);
    EXPECT_TRUE(r.framed) << line;
    EXPECT_TRUE(r.detected) << line;
    EXPECT_FALSE(r.parsed) << line;
    EXPECT_STREQ(r.error.reason_class, "invalid_value");
    EXPECT_STREQ(r.error.detail, "f5: invalid client address");
  }
}

TEST(F5ParserTest, SampleWithAddressesIsAnAddressDelete) {
  std::string body =
      R"(lsn_event="LSN_DELETE",start="1562092616047",cli="100.64.1.20",nat="198.51.100.7",duration="8080",pem_subscriber_id="No-lookup")";
  for (const std::string& line : Framings(body)) {
    LineResult r = MustParse(line);
    const NatEvent& e = r.event;
    EXPECT_EQ(e.action(), cgnat::v1::DELETE);
    EXPECT_EQ(e.mapping(), cgnat::v1::ADDRESS);
    EXPECT_EQ(e.inside_ip(), Ip("100.64.1.20"));
    EXPECT_EQ(e.outside_ip(), Ip("198.51.100.7"));
    EXPECT_EQ(e.inside_port(), 0u);
    EXPECT_EQ(e.protocol(), 0u);
    EXPECT_EQ(e.vrf(), "");
    EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
    // A delete happens at start + duration (milliseconds).
    EXPECT_TRUE(r.body_time.present);
    EXPECT_EQ(r.body_time.ms, 1562092616047 + 8080);
    EXPECT_TRUE(e.device().empty());
  }
}

TEST(F5ParserTest, KeyValuePortMappingWithRouteDomain) {
  LineResult r = MustParse(
      R"(lsn_event="LSN_ADD",start="1700000000123",cli="10.10.10.1%2:20347",nat="192.0.2.1%0:40001",proto="TCP")");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(e.vrf(), "2");
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("10.10.10.1"));
  EXPECT_EQ(e.inside_port(), 20347u);
  EXPECT_EQ(e.outside_ip(), Ip("192.0.2.1"));
  EXPECT_EQ(e.outside_port(), 40001u);
  EXPECT_TRUE(e.destination_ip().empty());
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
  EXPECT_TRUE(r.body_time.present);
  EXPECT_EQ(r.body_time.ms, 1700000000123);
}

TEST(F5ParserTest, KeyValueSession) {
  LineResult r = MustParse(
      R"(lsn_event="LSN_ADD",start="1700000000123",cli="10.10.10.1%0:20347",nat="192.0.2.1%0:40001",dst="198.51.100.7%0:443",proto="6",pem_subscriber_id="No-lookup")");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.vrf(), "0");
  EXPECT_EQ(e.destination_ip(), Ip("198.51.100.7"));
  EXPECT_EQ(e.destination_port(), 443u);
}

TEST(F5ParserTest, KeyValueSeparatePortsSpacesAndRouteDomainKey) {
  LineResult r = MustParse(
      "lsn_event=LSN_DELETE cli=10.10.10.1 cli_port=20347 nat=192.0.2.1 "
      "nat_port=40001 dst=198.51.100.7 dst_port=53 protocol=UDP "
      "route_domain=5");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.vrf(), "5");
  EXPECT_EQ(e.protocol(), 17u);
  EXPECT_EQ(e.inside_port(), 20347u);
  EXPECT_EQ(e.outside_port(), 40001u);
  EXPECT_EQ(e.destination_port(), 53u);
  EXPECT_FALSE(r.body_time.present);
}

TEST(F5ParserTest, KeyValueAfterLocalSyslogPrefix) {
  // BIG-IP's own syslog writes the level before the tag, so the framing
  // leaves "info tmm[...]: " in the message.
  LineResult r = MustParse(
      R"(<134>Jul  2 18:36:56 bigip1 info tmm[12345]: lsn_event="LSN_INBOUND_ADD",start="1562092616047",cli="10.10.10.1%0:20347",nat="192.0.2.1%0:40001",dst="198.51.100.9%0:61000")");
  EXPECT_EQ(r.syslog.hostname, "bigip1");
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.direction(), cgnat::v1::INBOUND);
  EXPECT_EQ(r.event.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(r.body_time.ms, 1562092616047);
}

TEST(F5ParserTest, DeleteWithoutDurationKeepsTheHeaderTime) {
  LineResult r = MustParse(
      R"(lsn_event="LSN_INBOUND_DELETE",start="1562092616047",cli="10.10.10.1%0:20347",nat="192.0.2.1%0:40001")");
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(r.event.direction(), cgnat::v1::INBOUND);
  EXPECT_FALSE(r.body_time.present);
}

TEST(F5ParserTest, KeyValuePortBlocks) {
  LineResult a = MustParse(
      R"(lsn_event="LSN_PB_ALLOCATED",start="1700000000000",cli="10.10.10.1%0",nat="192.0.2.1%0:1024-1087")");
  EXPECT_EQ(a.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(a.event.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(a.event.inside_ip(), Ip("10.10.10.1"));
  EXPECT_EQ(a.event.outside_ip(), Ip("192.0.2.1"));
  EXPECT_EQ(a.event.port_block_start(), 1024u);
  EXPECT_EQ(a.event.port_block_end(), 1087u);
  EXPECT_EQ(a.event.outside_port(), 0u);
  EXPECT_EQ(a.event.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
  EXPECT_EQ(a.body_time.ms, 1700000000000);

  LineResult d = MustParse(
      R"(lsn_event="LSN_PB_RELEASE",start="1700000000000",duration="3600000",cli="10.10.10.1%0",nat="192.0.2.1%0",nat_port="1024-1087")");
  EXPECT_EQ(d.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(d.event.port_block_start(), 1024u);
  EXPECT_EQ(d.event.port_block_end(), 1087u);
  EXPECT_EQ(d.body_time.ms, 1700003600000);

  LineResult u = MustParse(
      R"(lsn_event="LSN_PB_UPDATE",start="1700000000000",cli="10.10.10.1%0",nat="192.0.2.1%0:1024-1087")");
  EXPECT_EQ(u.event.action(), cgnat::v1::UPDATE);
  EXPECT_FALSE(u.body_time.present);
}

TEST(F5ParserTest, LegacySession) {
  LineResult r = MustParse(
      "LSN_ADD 10.10.10.1%0:20347 TCP 203.0.113.1%0:20347 "
      "198.51.100.7%0:443");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.vrf(), "0");
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_port(), 20347u);
  EXPECT_EQ(e.outside_ip(), Ip("203.0.113.1"));
  EXPECT_EQ(e.destination_ip(), Ip("198.51.100.7"));
  EXPECT_EQ(e.destination_port(), 443u);
  EXPECT_FALSE(r.body_time.present);
}

TEST(F5ParserTest, LegacyPortMapping) {
  LineResult r =
      MustParse("LSN_DELETE 10.10.10.1%7:20347 UDP 203.0.113.1%0:30001\r\n");
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(r.event.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(r.event.vrf(), "7");
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.outside_port(), 30001u);
}

TEST(F5ParserTest, LegacyWithSeparateDestinationPortAndPrefix) {
  // The layout of cgn-ec's F5 generator: a leading word, the protocol as
  // a number, and the destination port as its own token.
  LineResult r = MustParse(
      "test LSN_INBOUND_ADD 100.64.23.122%0:40321 6 194.15.97.34%0:23111 "
      "1.1.1.1 443");
  EXPECT_EQ(r.event.direction(), cgnat::v1::INBOUND);
  EXPECT_EQ(r.event.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(r.event.destination_ip(), Ip("1.1.1.1"));
  EXPECT_EQ(r.event.destination_port(), 443u);
}

TEST(F5ParserTest, LegacyInBsdSyslog) {
  LineResult r = MustParse(
      "<134>Jun 14 12:17:35 bigip1 info tmm[12345]: LSN_ADD "
      "10.10.10.1%0:20347 UDP 203.0.113.1%0:20347 198.51.100.7:53");
  EXPECT_EQ(r.syslog.hostname, "bigip1");
  EXPECT_TRUE(r.syslog.has_time);
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.destination_port(), 53u);
}

TEST(F5ParserTest, LegacyPortBlocks) {
  LineResult a =
      MustParse("LSN_PB_ALLOCATED 10.10.10.1%0 203.0.113.1%0:1024-1087");
  EXPECT_EQ(a.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(a.event.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(a.event.vrf(), "0");
  EXPECT_EQ(a.event.protocol(), 0u);
  EXPECT_EQ(a.event.port_block_start(), 1024u);
  EXPECT_EQ(a.event.port_block_end(), 1087u);
  LineResult d =
      MustParse("LSN_PB_RELEASE 10.10.10.1%0 TCP 203.0.113.1%0:1024-1087");
  EXPECT_EQ(d.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(d.event.protocol(), 6u);
  LineResult u = MustParse("LSN_PB_UPDATE 10.10.10.1 203.0.113.1:1024-1087");
  EXPECT_EQ(u.event.action(), cgnat::v1::UPDATE);
  EXPECT_EQ(u.event.vrf(), "");
}

TEST(F5ParserTest, Ipv6Endpoints) {
  LineResult r = MustParse(
      "LSN_ADD [2001:db8::10%3]:5000 TCP 192.0.2.1%0:6000 "
      "[2606:4700::1111]:443");
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8::10"));
  EXPECT_EQ(r.event.inside_ip().size(), 16u);
  EXPECT_EQ(r.event.inside_port(), 5000u);
  EXPECT_EQ(r.event.vrf(), "3");
  EXPECT_EQ(r.event.destination_ip(), Ip("2606:4700::1111"));
  EXPECT_EQ(r.event.destination_port(), 443u);

  LineResult k = MustParse(
      R"(lsn_event="LSN_DELETE",cli="2001:db8::10%0:5000",nat="192.0.2.1%0:6000",dst="2606:4700::1111%0:443",proto="TCP")");
  EXPECT_EQ(k.event.inside_ip(), Ip("2001:db8::10"));
  EXPECT_EQ(k.event.inside_port(), 5000u);
  EXPECT_EQ(k.event.destination_ip(), Ip("2606:4700::1111"));
  EXPECT_EQ(k.event.destination_port(), 443u);

  LineResult a = MustParse("LSN_ADD 2001:db8::10 6 192.0.2.1");
  EXPECT_EQ(a.event.mapping(), cgnat::v1::ADDRESS);
  EXPECT_EQ(a.event.inside_ip().size(), 16u);
}

class F5RejectTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(F5RejectTest, Rejects) {
  LineResult r = RunF5(GetParam().line);
  ExpectRejected(r, GetParam().reason_class, GetParam().detail);
  ExpectNothingFilled(r);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, F5RejectTest,
    ::testing::Values(
        BadLine{"hello world", "unrecognized",
                "f5: no LSN event in the message"},
        BadLine{"xLSN_ADD 10.0.0.1:1 TCP 192.0.2.1:1", "unrecognized",
                "f5: no LSN event in the message"},
        // Any other LSN_ event (quota, error reports) is not a mapping.
        BadLine{"LSN_SOMETHING_ELSE 10.0.0.1", "unrecognized",
                "f5: not a translation event"},
        BadLine{R"(lsn_event="LSN_SOMETHING_ELSE",cli="10.0.0.1")",
                "unrecognized", "f5: not a translation event"},
        BadLine{"LSN_ADD", "unrecognized", "f5: missing client endpoint"},
        BadLine{"LSN_ADD 10.10.10.1%0:1", "unrecognized",
                "f5: missing protocol"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP", "unrecognized",
                "f5: missing translation endpoint"},
        BadLine{"LSN_PB_ALLOCATED 10.10.10.1%0", "unrecognized",
                "f5: missing translation endpoint"},
        BadLine{"LSN_ADD 10.10.10.1%0:65536 TCP 203.0.113.1%0:1",
                "invalid_value", "f5: invalid client port"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:99999",
                "invalid_value", "f5: invalid translation port"},
        BadLine{"LSN_ADD 10.10.10.256%0:1 TCP 203.0.113.1%0:1", "invalid_value",
                "f5: invalid client address"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113:1", "invalid_value",
                "f5: invalid translation address"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:1 1.1.1:80",
                "invalid_value", "f5: invalid destination address"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:1 1.1.1.1:70000",
                "invalid_value", "f5: invalid destination port"},
        BadLine{"LSN_ADD [2001:db8::1:1 TCP 203.0.113.1%0:1", "invalid_value",
                "f5: invalid client address"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 FOO 203.0.113.1%0:1", "invalid_value",
                "f5: unknown protocol"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 300 203.0.113.1%0:1", "invalid_value",
                "f5: unknown protocol"},
        BadLine{"LSN_ADD 10.10.10.1%x:1 TCP 203.0.113.1%0:1", "invalid_value",
                "f5: invalid route domain"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:1 1.1.1.1 443 x",
                "unrecognized", "f5: unexpected text after the event"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:1 1.1.1.1 x",
                "unrecognized", "f5: unexpected text after destination"},
        BadLine{"LSN_PB_ALLOCATED 10.10.10.1%0 6 203.0.113.1%0:1024-1087 x",
                "unrecognized", "f5: unexpected text after the event"},
        BadLine{"LSN_PB_ALLOCATED 10.10.10.1%0 203.0.113.1%0:2000-1000",
                "invalid_value", "f5: invalid translation port"},
        BadLine{"LSN_PB_ALLOCATED 10.10.10.1%0 203.0.113.1%0:2000",
                "unrecognized", "f5: a port block needs a port range"},
        BadLine{"LSN_PB_ALLOCATED 10.10.10.1%0:5 203.0.113.1%0:1024-2047",
                "unrecognized",
                "f5: a port block has no client port or destination"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:1000-2000",
                "invalid_value", "f5: translation port cannot be a range"},
        BadLine{"LSN_ADD 10.10.10.1%0:1-5 TCP 203.0.113.1%0:1000",
                "invalid_value", "f5: client port cannot be a range"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0", "unrecognized",
                "f5: client and translation need both a port or neither"},
        BadLine{R"(lsn_event="LSN_ADD",cli="10.0.0.1)", "unrecognized",
                "f5: malformed key=value list"},
        BadLine{R"(lsn_event="LSN_ADD",nat="192.0.2.1")", "unrecognized",
                "f5: missing client endpoint"},
        BadLine{R"(lsn_event="LSN_ADD",cli="10.0.0.1")", "unrecognized",
                "f5: missing translation endpoint"},
        BadLine{
            R"(lsn_event="LSN_ADD",start="17x",cli="10.0.0.1",nat="192.0.2.1")",
            "invalid_value", "f5: start is not epoch milliseconds"},
        BadLine{
            R"(lsn_event="LSN_DELETE",start="1",duration="-5",cli="10.0.0.1",nat="192.0.2.1")",
            "invalid_value", "f5: invalid duration"},
        BadLine{
            R"(lsn_event="LSN_ADD",cli="10.0.0.1:5",cli_port="6",nat="192.0.2.1:7")",
            "invalid_value", "f5: invalid port"},
        BadLine{
            R"(lsn_event="LSN_ADD",cli="10.0.0.1:5",nat="192.0.2.1",nat_port="1-9")",
            "invalid_value", "f5: invalid port"},
        BadLine{
            R"(lsn_event="LSN_ADD",cli="10.0.0.1:5",nat="192.0.2.1:7",dst_port="80")",
            "unrecognized", "f5: destination port without address"},
        BadLine{
            R"(lsn_event="LSN_ADD",cli="10.0.0.1:5",nat="192.0.2.1:7",route_domain="x")",
            "invalid_value", "f5: invalid route domain"},
        BadLine{
            R"(lsn_event="LSN_PB_UPDATE",cli="10.0.0.1",nat="192.0.2.1:1-9",dst="1.1.1.1")",
            "unrecognized",
            "f5: a port block has no client port or destination"}));

TEST(F5ParserTest, DetectRejectsEveryOtherVendorSample) {
  EXPECT_GT(ExpectOtherVendorsRefused("f5", DetectF5, ParseF5), 20u);
}

TEST(F5ParserTest, EveryFixtureLineParses) {
  int lines = 0;
  int sessions = 0, ports = 0, blocks = 0, addresses = 0;
  for (const std::string& line :
       ReadDataLines("tests/parsers/testdata/f5.log")) {
    ++lines;
    LineResult r = MustParse(line);
    switch (r.event.mapping()) {
      case cgnat::v1::SESSION:
        ++sessions;
        break;
      case cgnat::v1::PORT:
        ++ports;
        break;
      case cgnat::v1::PORT_BLOCK:
        ++blocks;
        break;
      case cgnat::v1::ADDRESS:
        ++addresses;
        break;
      default:
        ADD_FAILURE() << line;
    }
  }
  EXPECT_GE(lines, 30);
  EXPECT_LE(lines, 60);
  EXPECT_GT(sessions, 0);
  EXPECT_GT(ports, 0);
  EXPECT_GT(blocks, 0);
  EXPECT_GT(addresses, 0);
}

}  // namespace
}  // namespace netstreams
