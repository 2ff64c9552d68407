// Tests of the MikroTik RouterOS parser: firewall log lines with a NAT
// clause (source, destination and hairpin forms), the action and
// direction read from connection-state, ICMP, IPv6, every rejection, and
// auto-detection against the other vendors' samples.
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

LineResult RunMikrotik(const std::string& line) {
  return testing_util::RunLine(line, DetectMikrotik, ParseMikrotik);
}

LineResult MustParse(const std::string& line) {
  return MustParseLine(line, DetectMikrotik, ParseMikrotik);
}

// The two MikroTik lines of the samples file.
constexpr char kSample1[] =
    "firewall,info 0-Napbiotec: forward: in:vlan20-office out:pppoe-tot, "
    "src-mac b4:0f:b3:1d:63:4b, proto TCP (ACK,FIN,PSH), "
    "192.168.20.171:43996->47.241.18.42:443, NAT "
    "(192.168.20.171:43996->125.25.69.110:43996)->47.241.18.42:443, len 71";
constexpr char kSample2[] =
    "firewall,info pca-accept: pca-accept forward: in:wireguard1 out:Inspira "
    "Fibre Uplink, connection-state:established,snat proto TCP (ACK,PSH), "
    "192.168.5.50:57922->52.123.139.72:443, NAT "
    "(192.168.5.50:57922->46.102.221.224:57922)->52.123.139.72:443, len 97";

// As a collector writes it: bare, RFC 3164, RouterOS's own "<PRI>topics"
// without a timestamp, RFC 5424.
std::vector<std::string> Framings(const std::string& body) {
  return {body, "<134>Nov 20 11:58:01 gw-office " + body, "<134>" + body,
          "<134>1 2026-11-20T11:58:01.000Z gw-office firewall - - - " + body};
}

TEST(MikrotikParserTest, SampleSourceNat) {
  for (const std::string& line : Framings(kSample1)) {
    LineResult r = MustParse(line);
    const NatEvent& e = r.event;
    // A logged packet proves the mapping is alive: UPDATE.
    EXPECT_EQ(e.action(), cgnat::v1::UPDATE) << line;
    EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
    EXPECT_EQ(e.protocol(), 6u);
    EXPECT_EQ(e.inside_ip(), Ip("192.168.20.171"));
    EXPECT_EQ(e.inside_port(), 43996u);
    EXPECT_EQ(e.outside_ip(), Ip("125.25.69.110"));
    EXPECT_EQ(e.outside_port(), 43996u);
    EXPECT_EQ(e.destination_ip(), Ip("47.241.18.42"));
    EXPECT_EQ(e.destination_port(), 443u);
    EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
    EXPECT_EQ(e.vrf(), "");
    EXPECT_TRUE(e.device().empty());
    EXPECT_FALSE(r.body_time.present);
  }
}

TEST(MikrotikParserTest, SampleWithConnectionState) {
  for (const std::string& line : Framings(kSample2)) {
    LineResult r = MustParse(line);
    const NatEvent& e = r.event;
    EXPECT_EQ(e.action(), cgnat::v1::UPDATE) << line;
    EXPECT_EQ(e.inside_ip(), Ip("192.168.5.50"));
    EXPECT_EQ(e.inside_port(), 57922u);
    EXPECT_EQ(e.outside_ip(), Ip("46.102.221.224"));
    EXPECT_EQ(e.outside_port(), 57922u);
    EXPECT_EQ(e.destination_ip(), Ip("52.123.139.72"));
    EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
  }
}

TEST(MikrotikParserTest, FramingOfBsdLine) {
  LineResult r =
      MustParse(std::string("<134>Nov 20 11:58:01 gw-office ") + kSample1);
  EXPECT_EQ(r.syslog.hostname, "gw-office");
  EXPECT_TRUE(r.syslog.has_time);
}

TEST(MikrotikParserTest, NewConnectionIsACreate) {
  LineResult r = MustParse(
      "firewall,info forward: in:bridge out:ether1, connection-state:new,snat "
      "src-mac 64:d1:54:aa:10:02, proto UDP, 192.168.88.23:53124->1.1.1.1:53, "
      "NAT (192.168.88.23:53124->203.0.113.9:53124)->1.1.1.1:53, len 60");
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.outside_ip(), Ip("203.0.113.9"));
  EXPECT_EQ(r.event.direction(), cgnat::v1::OUTBOUND);
}

TEST(MikrotikParserTest, ReplyOfSourceNattedConnection) {
  // The reply's destination is translated back: the destination form,
  // with "snat" in connection-state.
  LineResult r = MustParse(
      "firewall,info pca-accept: pca-accept forward: in:Inspira Fibre "
      "Uplink out:3BEA VLAN, connection-state:established,snat src-mac "
      "14:7b:ac:b3:3d:e6, proto TCP (ACK,PSH), "
      "52.123.135.5:443->10.10.12.32:50849, NAT "
      "52.123.135.5:443->(46.102.221.224:50849->10.10.12.32:50849), len 79");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::UPDATE);
  EXPECT_EQ(e.inside_ip(), Ip("10.10.12.32"));
  EXPECT_EQ(e.inside_port(), 50849u);
  EXPECT_EQ(e.outside_ip(), Ip("46.102.221.224"));
  EXPECT_EQ(e.outside_port(), 50849u);
  EXPECT_EQ(e.destination_ip(), Ip("52.123.135.5"));
  EXPECT_EQ(e.destination_port(), 443u);
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
}

TEST(MikrotikParserTest, PortForwardIsInbound) {
  LineResult r = MustParse(
      "firewall,info rdp-in forward: in:ether1-wan out:bridge, "
      "connection-state:new,dstnat src-mac 00:0c:42:11:22:33, proto TCP "
      "(SYN), 198.51.100.23:51515->192.168.88.10:3389, NAT "
      "198.51.100.23:51515->(203.0.113.5:3389->192.168.88.10:3389), len 52");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.direction(), cgnat::v1::INBOUND);
  EXPECT_EQ(e.inside_ip(), Ip("192.168.88.10"));
  EXPECT_EQ(e.inside_port(), 3389u);
  EXPECT_EQ(e.outside_ip(), Ip("203.0.113.5"));
  EXPECT_EQ(e.outside_port(), 3389u);
  EXPECT_EQ(e.destination_ip(), Ip("198.51.100.23"));
  EXPECT_EQ(e.destination_port(), 51515u);
}

TEST(MikrotikParserTest, DestinationFormWithoutStateHasNoDirection) {
  LineResult r = MustParse(
      "forward: in:ether1 out:bridge, src-mac 00:0c:42:11:22:33, proto TCP "
      "(SYN), 198.51.100.23:51515->192.168.88.10:80, NAT "
      "198.51.100.23:51515->(203.0.113.5:8080->192.168.88.10:80), len 60");
  EXPECT_EQ(r.event.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
  EXPECT_EQ(r.event.outside_port(), 8080u);
  EXPECT_EQ(r.event.inside_port(), 80u);
}

TEST(MikrotikParserTest, IcmpHasNoPorts) {
  LineResult r = MustParse(
      "firewall,info pca-accept: pca-accept forward: in:3BEA VLAN "
      "out:Inspira Fibre Uplink, connection-state:new,snat src-mac "
      "02:01:24:03:ed:66, proto ICMP (type 8, code 0), "
      "10.10.12.30->157.240.214.35, NAT "
      "(10.10.12.30->46.102.221.224)->157.240.214.35, len 76");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.protocol(), 1u);
  EXPECT_EQ(e.inside_ip(), Ip("10.10.12.30"));
  EXPECT_EQ(e.outside_ip(), Ip("46.102.221.224"));
  EXPECT_EQ(e.destination_ip(), Ip("157.240.214.35"));
  EXPECT_EQ(e.inside_port(), 0u);
  EXPECT_EQ(e.outside_port(), 0u);
  EXPECT_EQ(e.destination_port(), 0u);

  // An ICMP error related to a translated connection.
  LineResult rel = MustParse(
      "firewall,info pca-accept: pca-accept forward: in:Inspira Fibre Uplink "
      "out:3BEA VLAN, connection-state:related,snat src-mac "
      "14:7b:ac:b3:3d:e6, proto ICMP (type 11, code 0), "
      "188.240.160.85->10.10.12.30, NAT "
      "157.240.214.35->(46.102.221.224->10.10.12.30), len 56");
  EXPECT_EQ(rel.event.action(), cgnat::v1::UPDATE);
  EXPECT_EQ(rel.event.inside_ip(), Ip("10.10.12.30"));
  EXPECT_EQ(rel.event.outside_ip(), Ip("46.102.221.224"));
  EXPECT_EQ(rel.event.destination_ip(), Ip("157.240.214.35"));
  EXPECT_EQ(rel.event.direction(), cgnat::v1::OUTBOUND);
}

TEST(MikrotikParserTest, HairpinTakesTheTranslatedDestination) {
  LineResult r = MustParse(
      "firewall,info hairpin forward: in:bridge out:bridge, "
      "connection-state:new,snat,dstnat src-mac 64:d1:54:aa:10:02, proto TCP "
      "(SYN), 192.168.88.20:50000->192.168.88.10:80, NAT "
      "(192.168.88.20:50000->192.168.88.1:50000)->(203.0.113.5:80->"
      "192.168.88.10:80), len 60");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.inside_ip(), Ip("192.168.88.20"));
  EXPECT_EQ(e.outside_ip(), Ip("192.168.88.1"));
  EXPECT_EQ(e.destination_ip(), Ip("192.168.88.10"));
  EXPECT_EQ(e.destination_port(), 80u);
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
}

TEST(MikrotikParserTest, Ipv6Endpoints) {
  LineResult r = MustParse(
      "firewall,info forward: in:bridge out:ether1, connection-state:new "
      "src-mac 64:d1:54:aa:10:02, proto TCP (SYN), "
      "[fd00::10]:51000->[2606:4700::1111]:443, NAT "
      "([fd00::10]:51000->[2001:db8:ffff::1]:51000)->[2606:4700::1111]:443, "
      "len 80");
  EXPECT_EQ(r.event.inside_ip(), Ip("fd00::10"));
  EXPECT_EQ(r.event.inside_ip().size(), 16u);
  EXPECT_EQ(r.event.outside_ip(), Ip("2001:db8:ffff::1"));
  EXPECT_EQ(r.event.destination_port(), 443u);
}

TEST(MikrotikParserTest, LogPrefixMayContainProto) {
  LineResult r = MustParse(
      "firewall,info proto watch: forward: in:a out:b, proto UDP, "
      "10.0.0.2:4000->9.9.9.9:53, NAT (10.0.0.2:4000->203.0.113.9:4000)->"
      "9.9.9.9:53, len 70\r\n");
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.outside_ip(), Ip("203.0.113.9"));
}

class MikrotikRejectTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(MikrotikRejectTest, Rejects) {
  LineResult r = RunMikrotik(GetParam().line);
  ExpectRejected(r, GetParam().reason_class, GetParam().detail);
  ExpectNothingFilled(r);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, MikrotikRejectTest,
    ::testing::Values(
        BadLine{"hello world", "unrecognized", "mikrotik: no 'proto' field"},
        // Firewall lines without a translation carry no NAT mapping.
        BadLine{"firewall,info pca-accept: PCA input: in:Inspira Fibre Uplink "
                "out:(unknown 0), connection-state:established src-mac "
                "14:7b:ac:b3:3d:e6, proto UDP, "
                "87.117.83.154:49295->46.102.221.224:13231, len 1276",
                "unrecognized", "mikrotik: no NAT translation"},
        BadLine{"firewall,info pca-accept: pca-accept forward: in:3BEA VLAN "
                "out:Inspira Fibre Uplink, connection-state:new src-mac "
                "02:01:24:03:ed:66, proto ICMP (type 8, code 0), "
                "10.10.12.30->157.240.214.35, len 76",
                "unrecognized", "mikrotik: no NAT translation"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2",
                "unrecognized", "mikrotik: no NAT translation"},
        BadLine{"forward: proto FOO, 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:1)->9.9.9.9:2, len 5",
                "invalid_value", "mikrotik: unknown protocol"},
        BadLine{"forward: proto TCP (SYN", "unrecognized",
                "mikrotik: unterminated protocol flags"},
        BadLine{"{ss}[jservices-nat]: JSERVICES_NAT_RULE_MATCH: proto "
                "17(UDP) app: any, xe-3/1/1.0 192.0.2.2/18575 -> "
                "23.0.0.2/63,Match NAT rule-set (null) rule r term t1",
                "unrecognized", "mikrotik: expected ', ' after protocol"},
        BadLine{"forward: proto TCP", "unrecognized",
                "mikrotik: expected ', ' after protocol"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1, NAT x", "unrecognized",
                "mikrotik: expected src->dst"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:99999->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:1)->9.9.9.9:2, len 5",
                "invalid_value", "mikrotik: invalid packet address"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:70000)->9.9.9.9:2, len 5",
                "invalid_value", "mikrotik: invalid NAT address"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.300:1)->9.9.9.9:2, len 5",
                "invalid_value", "mikrotik: invalid NAT address"},
        BadLine{"forward: proto TCP (SYN), 9.9.9.9:2->10.0.0.1:1, NAT "
                "9.9.9.9:2->(203.0.113.1:1->10.0.0.1:1-5), len 5",
                "invalid_value", "mikrotik: invalid NAT address"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:1->9.9.9.9:2, len 5",
                "unrecognized", "mikrotik: malformed NAT clause"},
        BadLine{"forward: proto TCP (SYN), 9.9.9.9:2->10.0.0.1:1, NAT "
                "9.9.9.9:2->(203.0.113.1:1->10.0.0.1:1, len 5",
                "unrecognized", "mikrotik: malformed NAT clause"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:1)->(9.9.9.9:2->10.0.0.2:2, len 5",
                "unrecognized", "mikrotik: malformed NAT clause"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:1)->9.9.9.9:2, len x",
                "unrecognized", "mikrotik: unexpected text after NAT clause"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1)->9.9.9.9:2, len 5",
                "unrecognized", "mikrotik: NAT endpoints disagree on ports"}));

TEST(MikrotikParserTest, DetectRejectsEveryOtherVendorSample) {
  EXPECT_GT(
      ExpectOtherVendorsRefused("mikrotik", DetectMikrotik, ParseMikrotik),
      20u);
}

TEST(MikrotikParserTest, EveryFixtureLineParses) {
  int lines = 0, creates = 0, updates = 0, inbound = 0, icmp = 0;
  for (const std::string& line :
       ReadDataLines("tests/parsers/testdata/mikrotik.log")) {
    ++lines;
    LineResult r = MustParse(line);
    EXPECT_EQ(r.event.mapping(), cgnat::v1::SESSION);
    if (r.event.action() == cgnat::v1::CREATE) ++creates;
    if (r.event.action() == cgnat::v1::UPDATE) ++updates;
    if (r.event.direction() == cgnat::v1::INBOUND) ++inbound;
    if (r.event.protocol() == 1) ++icmp;
  }
  EXPECT_GE(lines, 30);
  EXPECT_LE(lines, 60);
  EXPECT_GT(creates, 0);
  EXPECT_GT(updates, 0);
  EXPECT_GT(inbound, 0);
  EXPECT_GT(icmp, 0);
}

}  // namespace
}  // namespace netstreams
