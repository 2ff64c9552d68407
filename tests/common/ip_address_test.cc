#include "src/common/ip_address.h"

#include "gtest/gtest.h"

namespace netstreams {
namespace {

TEST(IpAddressTest, Ipv4RoundTrip) {
  IpBytes ip;
  ASSERT_TRUE(ParseIpv4("100.64.0.1", &ip));
  EXPECT_EQ(ip.size, 4);
  EXPECT_EQ(ip.bytes[0], 100);
  EXPECT_EQ(IpToString(ip.view()), "100.64.0.1");
  ASSERT_TRUE(ParseIp("0.0.0.0", &ip));
  ASSERT_TRUE(ParseIp("255.255.255.255", &ip));
}

TEST(IpAddressTest, Ipv4Rejects) {
  IpBytes ip;
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "1..2.3",
        "a.b.c.d", "1.2.3.-4", "1234.1.1.1"}) {
    EXPECT_FALSE(ParseIpv4(bad, &ip)) << bad;
  }
}

TEST(IpAddressTest, Ipv6) {
  IpBytes ip;
  ASSERT_TRUE(ParseIp("2001:db8::1", &ip));
  EXPECT_EQ(ip.size, 16);
  EXPECT_EQ(IpToString(ip.view()), "2001:db8::1");
  ASSERT_TRUE(ParseIp("::ffff:192.0.2.1", &ip));
  EXPECT_EQ(IpToString(ip.view()), "::ffff:192.0.2.1");
  EXPECT_FALSE(ParseIp("2001:db8:::1", &ip));
  EXPECT_FALSE(ParseIp("2001:db8::g", &ip));
  EXPECT_FALSE(ParseIp(std::string(60, ':'), &ip));
}

TEST(IpAddressTest, FormatsEveryIpv4OctetLikeInetNtop) {
  for (int v = 0; v < 256; ++v) {
    std::string bytes = {static_cast<char>(v), 0, static_cast<char>(255 - v),
                         10};
    EXPECT_EQ(IpToString(bytes),
              std::to_string(v) + ".0." + std::to_string(255 - v) + ".10");
  }
}

TEST(IpAddressTest, FormatRejectsOddSizes) {
  char buf[kIpTextMax];
  EXPECT_EQ(FormatIp("abc", buf), 0u);
  EXPECT_EQ(IpToString(""), "");
}

}  // namespace
}  // namespace netstreams
