#include "src/parsers/fields.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace netstreams {
namespace {

TEST(FieldsTest, Protocols) {
  uint32_t p = 0;
  EXPECT_TRUE(ParseProtocol("TCP", &p));
  EXPECT_EQ(p, 6u);
  EXPECT_TRUE(ParseProtocol("udp", &p));
  EXPECT_EQ(p, 17u);
  EXPECT_TRUE(ParseProtocol("ICMPv6", &p));
  EXPECT_EQ(p, 58u);
  EXPECT_TRUE(ParseProtocol("255", &p));
  EXPECT_EQ(p, 255u);
  EXPECT_FALSE(ParseProtocol("256", &p));
  EXPECT_FALSE(ParseProtocol("0x6", &p));
  EXPECT_FALSE(ParseProtocol("tcpx", &p));
  EXPECT_FALSE(ParseProtocol("", &p));
}

std::vector<std::string> Pairs(absl::string_view text, bool* malformed) {
  KeyValueScanner s(text);
  std::vector<std::string> out;
  absl::string_view k, v;
  while (s.Next(&k, &v)) out.push_back(std::string(k) + "|" + std::string(v));
  *malformed = s.malformed();
  return out;
}

TEST(FieldsTest, KeyValueLists) {
  bool malformed;
  EXPECT_EQ(Pairs(R"(a="1" b="two words" c=3,d="",e="x\"y")", &malformed),
            (std::vector<std::string>{"a|1", "b|two words", "c|3", "d|",
                                      R"(e|x\"y)"}));
  EXPECT_FALSE(malformed);
  EXPECT_EQ(Pairs(R"(lsn_event="LSN_DELETE",start="1562092616047")",
                  &malformed),
            (std::vector<std::string>{"lsn_event|LSN_DELETE",
                                      "start|1562092616047"}));
  Pairs(R"(a="unterminated)", &malformed);
  EXPECT_TRUE(malformed);
  Pairs("just words", &malformed);
  EXPECT_TRUE(malformed);
  Pairs("=value", &malformed);
  EXPECT_TRUE(malformed);
}

TEST(FieldsTest, Numbers) {
  uint64_t v;
  EXPECT_TRUE(ParseHex64("624b0492", &v));
  EXPECT_EQ(v, 0x624b0492u);
  EXPECT_TRUE(ParseHex64("FFFFFFFFFFFFFFFF", &v));
  EXPECT_FALSE(ParseHex64("1FFFFFFFFFFFFFFFF", &v));
  EXPECT_FALSE(ParseHex64("12g", &v));
  EXPECT_TRUE(ParseUint64("1234567890123456789", &v));
  EXPECT_FALSE(ParseUint64("-1", &v));
  EXPECT_FALSE(ParseUint64("12345678901234567890", &v));
  int64_t ms;
  EXPECT_TRUE(ParseEpochSecondsFraction("1677577561.000000", &ms));
  EXPECT_EQ(ms, 1677577561000);
  EXPECT_TRUE(ParseEpochSecondsFraction("1677577561.25", &ms));
  EXPECT_EQ(ms, 1677577561250);
  EXPECT_TRUE(ParseEpochSecondsFraction("1677577561", &ms));
  EXPECT_FALSE(ParseEpochSecondsFraction("1677577561.", &ms));
  EXPECT_FALSE(ParseEpochSecondsFraction("99999999999999", &ms));
  EXPECT_FALSE(ParseEpochSecondsFraction("1.2.3", &ms));
}

}  // namespace
}  // namespace netstreams
