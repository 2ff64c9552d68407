#include "src/parsers/fields.h"

#include <random>
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
  EXPECT_EQ(
      Pairs(R"(lsn_event="LSN_DELETE",start="1562092616047")", &malformed),
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

// The word-at-a-time and 64-byte block scanners against the obvious byte
// loop, on random texts of every length around the block boundaries and
// from every start position.
size_t NaiveFind(absl::string_view text, size_t from, absl::string_view set) {
  for (size_t i = from; i < text.size(); ++i) {
    if (set.find(text[i]) != absl::string_view::npos) return i;
  }
  return text.size();
}

TEST(FieldsTest, ScannersAgreeWithAByteLoop) {
  std::mt19937 rng(42);
  const char kAlphabet[] = "ab\"=, ]x\\";
  for (size_t size = 0; size < 200; ++size) {
    for (int round = 0; round < 4; ++round) {
      std::string text(size, 'a');
      for (char& c : text) c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
      ByteSetFinder<'"', '='> finder(text);
      for (size_t from = 0; from <= size; ++from) {
        ASSERT_EQ((FindFirstOf<'"', '=', ','>(text, from)),
                  NaiveFind(text, from, "\"=,"))
            << text << " from " << from;
        uint64_t mask = ByteSetMask64<']'>(text, from);
        for (size_t b = 0; b < 64; ++b) {
          bool want = from + b < size && text[from + b] == ']';
          ASSERT_EQ((mask >> b) & 1, want ? 1u : 0u) << text << " " << from;
        }
      }
      // A finder walked forward, stop by stop, as the parsers use it.
      size_t at = 0;
      while (true) {
        size_t got = finder.Next(at);
        ASSERT_EQ(got, NaiveFind(text, at, "\"=")) << text << " at " << at;
        if (got >= size) break;
        at = got + 1 + rng() % 3;
        if (at > size) break;
      }
    }
  }
}

TEST(FieldsTest, ClosingQuoteAndSdElementEnd) {
  EXPECT_EQ(FindClosingQuote(R"(abc"def)", 0), 3u);
  EXPECT_EQ(FindClosingQuote(R"(a\"bc"d)", 0), 5u);
  EXPECT_EQ(FindClosingQuote(R"(a\\"b)", 0), 3u);
  EXPECT_EQ(FindClosingQuote("unterminated", 0), absl::string_view::npos);
  std::string long_value(100, 'v');
  std::string sd = "[id a=\"" + long_value + "]\\\"\" b=\"x\"] rest";
  EXPECT_EQ(FindSdElementEnd(sd, 0), sd.find("] rest"));
  EXPECT_EQ(FindSdElementEnd("[id a=\"b]", 0), absl::string_view::npos);
  EXPECT_EQ(FindSdElementEnd("[id]", 0), 3u);
}

}  // namespace
}  // namespace netstreams
