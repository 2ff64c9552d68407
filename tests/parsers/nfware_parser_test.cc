#include "src/parsers/nfware_parser.h"

#include <string>

#include "gtest/gtest.h"
#include "src/common/ip_address.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;

std::string Ip(const std::string& text) {
  IpBytes ip;
  EXPECT_TRUE(ParseIp(text, &ip)) << text;
  return std::string(ip.view());
}

NatEvent MustParse(const std::string& line) {
  NatEvent event;
  ParseError error;
  EXPECT_TRUE(ParseNfware(line, &event, &error))
      << line << ": " << error.detail;
  return event;
}

TEST(NfwareParserTest, Session) {
  NatEvent e = MustParse(
      "A VRF 0 6 INT 10.0.0.1:57938 EXT 100.64.0.1:28475 DST "
      "185.165.123.206:443 DIR OUT");
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.vrf(), "0");
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("10.0.0.1"));
  EXPECT_EQ(e.inside_port(), 57938u);
  EXPECT_EQ(e.outside_ip(), Ip("100.64.0.1"));
  EXPECT_EQ(e.outside_port(), 28475u);
  EXPECT_EQ(e.destination_ip(), Ip("185.165.123.206"));
  EXPECT_EQ(e.destination_port(), 443u);
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
  EXPECT_EQ(e.port_block_start(), 0u);
}

TEST(NfwareParserTest, SessionDeleteInbound) {
  NatEvent e = MustParse(
      "D VRF 12 17 INT 10.0.0.1:5060 EXT 100.64.0.1:5060 DST 198.51.100.7:5060 "
      "DIR IN\r\n");
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.vrf(), "12");
  EXPECT_EQ(e.protocol(), 17u);
  EXPECT_EQ(e.direction(), cgnat::v1::INBOUND);
}

TEST(NfwareParserTest, PortMapping) {
  NatEvent e = MustParse("A VRF 0 6 INT 10.0.0.1:57938 EXT 100.64.0.1:28475");
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(e.inside_port(), 57938u);
  EXPECT_EQ(e.outside_port(), 28475u);
  EXPECT_TRUE(e.destination_ip().empty());
  EXPECT_EQ(e.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
}

TEST(NfwareParserTest, AddressMapping) {
  NatEvent e = MustParse("A VRF 0 INT 10.0.0.1 EXT 100.64.0.1");
  EXPECT_EQ(e.mapping(), cgnat::v1::ADDRESS);
  EXPECT_EQ(e.protocol(), 0u);
  EXPECT_EQ(e.inside_port(), 0u);
  EXPECT_EQ(e.outside_ip(), Ip("100.64.0.1"));
}

TEST(NfwareParserTest, PortBlock) {
  NatEvent e = MustParse("D VRF 0 INT 10.0.0.1 EXT 100.64.0.1:1024-1535");
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(e.port_block_start(), 1024u);
  EXPECT_EQ(e.port_block_end(), 1535u);
  EXPECT_EQ(e.outside_port(), 0u);
}

TEST(NfwareParserTest, Ipv6Endpoints) {
  NatEvent e = MustParse(
      "A VRF 0 6 INT [2001:db8::25]:51000 EXT 100.64.2.1:30001 DST "
      "[2606:4700::1111]:443 DIR OUT");
  EXPECT_EQ(e.inside_ip(), Ip("2001:db8::25"));
  EXPECT_EQ(e.inside_port(), 51000u);
  EXPECT_EQ(e.destination_ip(), Ip("2606:4700::1111"));
  NatEvent a = MustParse("A VRF 0 INT 2001:db8::25 EXT 100.64.2.1");
  EXPECT_EQ(a.mapping(), cgnat::v1::ADDRESS);
  EXPECT_EQ(a.inside_ip().size(), 16u);
}

TEST(NfwareParserTest, ToleratesRunsOfSpaces) {
  NatEvent e = MustParse("A  VRF 0  INT 10.0.0.1   EXT 100.64.0.1 ");
  EXPECT_EQ(e.mapping(), cgnat::v1::ADDRESS);
}

struct BadLine {
  const char* line;
  const char* reason_class;
  const char* detail;
};

class NfwareRejectTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(NfwareRejectTest, Rejects) {
  NatEvent event;
  ParseError error;
  EXPECT_FALSE(ParseNfware(GetParam().line, &event, &error));
  EXPECT_STREQ(error.reason_class, GetParam().reason_class);
  EXPECT_STREQ(error.detail, GetParam().detail);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, NfwareRejectTest,
    ::testing::Values(
        BadLine{"", "unrecognized", "nfware: empty message"},
        BadLine{"hello world", "unrecognized",
                "nfware: expected action A or D"},
        BadLine{"X VRF 0 INT 10.0.0.1 EXT 100.64.0.1", "invalid_value",
                "nfware: action must be A or D"},
        BadLine{"A VRX 0 INT 10.0.0.1 EXT 100.64.0.1", "unrecognized",
                "nfware: expected 'VRF' after action"},
        BadLine{"A VRF x INT 10.0.0.1 EXT 100.64.0.1", "invalid_value",
                "nfware: VRF id is not a number"},
        BadLine{"A VRF 0 256 INT 10.0.0.1:1 EXT 100.64.0.1:2", "invalid_value",
                "nfware: expected protocol number 0..255 or INT"},
        BadLine{"A VRF 0 6 INT 10.0.0.1:65536 EXT 100.64.0.1:2",
                "invalid_value", "nfware: invalid inside port"},
        BadLine{"A VRF 0 6 INT 10.0.0.1:1 EXT 100.64.0.1:99999",
                "invalid_value", "nfware: invalid outside port"},
        BadLine{"A VRF 0 6 INT 10.0.0.256:1 EXT 100.64.0.1:2", "invalid_value",
                "nfware: invalid inside address"},
        BadLine{"A VRF 0 6 INT 10.0.0.1:1 EXT 100.64.0:2", "invalid_value",
                "nfware: invalid outside address"},
        BadLine{"A VRF 0 INT 10.0.0.1 EXT 100.64.0.1:2000-1000",
                "invalid_value", "nfware: invalid outside port"},
        BadLine{"A VRF 0 6 INT 10.0.0.1:1 EXT 100.64.0.1:2 DST 1.1.1.1 DIR "
                "OUT",
                "invalid_value", "nfware: destination needs one port"},
        BadLine{"A VRF 0 6 INT 10.0.0.1:1 EXT 100.64.0.1:2 DST 1.1.1.1:53 "
                "DIR SIDEWAYS",
                "invalid_value", "nfware: direction must be IN or OUT"},
        BadLine{"A VRF 0 6 INT 10.0.0.1:1 EXT 100.64.0.1:2 DST 1.1.1.1:53 "
                "DIR OUT extra",
                "unrecognized", "nfware: unexpected text after DIR"},
        BadLine{"A VRF 0 6 INT 10.0.0.1:1 EXT 100.64.0.1:2 FOO", "unrecognized",
                "nfware: unexpected text after EXT"},
        BadLine{"A VRF 0 6 INT 10.0.0.1:1", "unrecognized",
                "nfware: expected 'EXT'"},
        BadLine{"A VRF 0 INT 10.0.0.1:1 EXT 100.64.0.1:2", "unrecognized",
                "nfware: a port mapping needs protocol, INT ip:port and EXT "
                "ip:port"},
        BadLine{"A VRF 0 6 INT 10.0.0.1 EXT 100.64.0.1", "unrecognized",
                "nfware: an address mapping has no protocol"},
        BadLine{"A VRF 0 INT 10.0.0.1:5 EXT 100.64.0.1:1024-2047",
                "unrecognized", "nfware: a port block has no inside port"},
        BadLine{"A VRF 0 INT 10.0.0.1 EXT 100.64.0.1:1 DST 1.1.1.1:53 DIR OUT",
                "unrecognized",
                "nfware: a session needs protocol, INT ip:port and EXT "
                "ip:port"},
        BadLine{"A VRF 0 6 INT [2001:db8::1:1 EXT 100.64.0.1:2",
                "invalid_value", "nfware: invalid inside address"}));

}  // namespace
}  // namespace netstreams
