#include "src/parsers/json_scanner.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace netstreams {
namespace {

struct Seen {
  std::string key;
  JsonKind kind;
  std::string raw;
  bool escaped;
};

// Scans `text` to the end; returns the members, and whether it ended
// cleanly (else *error / *offset say why).
std::vector<Seen> ScanAll(const std::string& text, bool* ok,
                          std::string* error = nullptr,
                          size_t* offset = nullptr) {
  std::vector<Seen> seen;
  JsonObjectScanner scanner(text);
  JsonMember m;
  while (scanner.Next(&m)) {
    seen.push_back({std::string(m.key), m.value.kind, std::string(m.value.raw),
                    m.value.escaped});
  }
  *ok = scanner.done();
  EXPECT_NE(scanner.done(), scanner.failed());
  if (error) *error = scanner.error();
  if (offset) *offset = scanner.error_offset();
  return seen;
}

TEST(JsonScannerTest, FlatObject) {
  bool ok;
  auto seen = ScanAll(
      R"({"a": "x", "b":12, "c" : -1.5e3, "d":true,"e":false, "f":null})", &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[0].key, "a");
  EXPECT_EQ(seen[0].kind, JsonKind::kString);
  EXPECT_EQ(seen[0].raw, "x");
  EXPECT_FALSE(seen[0].escaped);
  EXPECT_EQ(seen[1].kind, JsonKind::kNumber);
  EXPECT_EQ(seen[1].raw, "12");
  EXPECT_EQ(seen[2].raw, "-1.5e3");
  EXPECT_EQ(seen[3].kind, JsonKind::kTrue);
  EXPECT_EQ(seen[3].raw, "true");
  EXPECT_EQ(seen[4].kind, JsonKind::kFalse);
  EXPECT_EQ(seen[5].kind, JsonKind::kNull);
}

TEST(JsonScannerTest, EmptyObjectAndWhiteSpace) {
  bool ok;
  EXPECT_TRUE(ScanAll("{}", &ok).empty());
  EXPECT_TRUE(ok);
  EXPECT_TRUE(ScanAll(" \t\r\n{ \n } \r\n", &ok).empty());
  EXPECT_TRUE(ok);
}

TEST(JsonScannerTest, NestedValuesAreSkippedAsOneView) {
  bool ok;
  auto seen = ScanAll(
      R"({"a":[1,[2,{"x":"]}"}],{}],"b":{"c":{"d":[]},"e":"}"},"z":0})", &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].kind, JsonKind::kArray);
  EXPECT_EQ(seen[0].raw, R"([1,[2,{"x":"]}"}],{}])");
  EXPECT_EQ(seen[1].kind, JsonKind::kObject);
  EXPECT_EQ(seen[1].raw, R"({"c":{"d":[]},"e":"}"})");
  EXPECT_EQ(seen[2].key, "z");
}

TEST(JsonScannerTest, NestedObjectReadWithAnotherScanner) {
  std::string text = R"({"k":{"type":"integer","value":["Start"]}})";
  JsonObjectScanner outer(text);
  JsonMember m;
  ASSERT_TRUE(outer.Next(&m));
  JsonObjectScanner inner(m.value.raw, m.value.offset);
  JsonMember im;
  ASSERT_TRUE(inner.Next(&im));
  EXPECT_EQ(im.key, "type");
  EXPECT_EQ(im.offset, text.find("\"type\""));
  ASSERT_TRUE(inner.Next(&im));
  EXPECT_EQ(im.value.kind, JsonKind::kArray);
  JsonArrayScanner array(im.value.raw, im.value.offset);
  JsonValue v;
  ASSERT_TRUE(array.Next(&v));
  EXPECT_EQ(v.raw, "Start");
  EXPECT_EQ(v.offset, text.find("\"Start\""));
  EXPECT_FALSE(array.Next(&v));
  EXPECT_TRUE(array.done());
  EXPECT_FALSE(inner.Next(&im));
  EXPECT_TRUE(inner.done());
  EXPECT_FALSE(outer.Next(&m));
  EXPECT_TRUE(outer.done());
}

TEST(JsonScannerTest, ArrayScanner) {
  JsonArrayScanner array(R"( [ 1, "two" , [3], {"4":4}, null ] )");
  JsonValue v;
  std::vector<JsonKind> kinds;
  while (array.Next(&v)) kinds.push_back(v.kind);
  EXPECT_TRUE(array.done());
  EXPECT_EQ(kinds, (std::vector<JsonKind>{JsonKind::kNumber, JsonKind::kString,
                                          JsonKind::kArray, JsonKind::kObject,
                                          JsonKind::kNull}));
  JsonArrayScanner empty("[]");
  EXPECT_FALSE(empty.Next(&v));
  EXPECT_TRUE(empty.done());
  JsonArrayScanner bad("[1,]");
  EXPECT_TRUE(bad.Next(&v));
  EXPECT_FALSE(bad.Next(&v));
  EXPECT_TRUE(bad.failed());
  JsonArrayScanner garbage("[1] x");
  EXPECT_TRUE(garbage.Next(&v));
  EXPECT_FALSE(garbage.Next(&v));
  EXPECT_TRUE(garbage.failed());
  EXPECT_EQ(garbage.error_offset(), 4u);
}

TEST(JsonScannerTest, EscapedStringsStayRawUntilAsked) {
  bool ok;
  auto seen = ScanAll(R"({"k\u0065y":"a\"b\\c\/d\n\u00e9\ud83d\ude00"})", &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].key, "k\\u0065y");
  EXPECT_TRUE(seen[0].escaped);
  std::string decoded;
  ASSERT_TRUE(JsonUnescape(seen[0].raw, &decoded));
  EXPECT_EQ(decoded, "a\"b\\c/d\n\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_TRUE(JsonStringEquals("k\\u0065y", true, "key"));
  EXPECT_FALSE(JsonStringEquals("k\\u0065y", true, "kez"));
  EXPECT_FALSE(JsonStringEquals("k\\u0065y", true, "ke"));
  EXPECT_FALSE(JsonStringEquals("k\\u0065y", true, "keyy"));
  EXPECT_TRUE(JsonStringEquals("plain", false, "plain"));
  EXPECT_TRUE(
      JsonStringEqualsIgnoreCase("NAS-IP-Address", false, "nas-ip-address"));
  EXPECT_TRUE(JsonStringEqualsIgnoreCase("N\\u0041S", true, "nas"));
  EXPECT_FALSE(JsonStringEqualsIgnoreCase("NAS", false, "NAT"));
}

TEST(JsonScannerTest, LoneSurrogatesDecodeToReplacementCharacter) {
  std::string decoded;
  ASSERT_TRUE(JsonUnescape("\\ud83dx\\ude00", &decoded));
  EXPECT_EQ(decoded, "\xEF\xBF\xBDx\xEF\xBF\xBD");
}

TEST(JsonScannerTest, UnescapeToBuffer) {
  char buf[8];
  size_t n;
  ASSERT_TRUE(JsonUnescapeTo("1\\u002e2", buf, sizeof(buf), &n));
  EXPECT_EQ(std::string(buf, n), "1.2");
  EXPECT_FALSE(JsonUnescapeTo("123456789", buf, sizeof(buf), &n));

  JsonValue v;
  v.kind = JsonKind::kString;
  v.raw = "10.0.0.\\u0031";
  v.escaped = true;
  absl::string_view text;
  ASSERT_TRUE(JsonScalarText(v, buf, sizeof(buf), &text));
  EXPECT_EQ(text, "10.0.0.1");
  v.kind = JsonKind::kTrue;
  EXPECT_FALSE(JsonScalarText(v, buf, sizeof(buf), &text));
}

struct BadCase {
  const char* json;
  const char* error;
  size_t offset;
};

TEST(JsonScannerTest, RejectsMalformedJsonWithOffset) {
  const BadCase cases[] = {
      {"", "json: empty input", 0},
      {"  [1]", "json: expected '{'", 2},
      {R"({"a":"x)", "json: unterminated string", 5},
      {R"({"a":"x"} trailing)", "json: trailing characters after the object",
       10},
      {R"({"a":"x"}{})", "json: trailing characters after the object", 9},
      {R"({"a":tru})", "json: invalid literal", 5},
      {R"({"a":nulls})", "json: invalid literal", 5},
      {R"({"a":True})", "json: expected a value", 5},
      {R"({"a":01})", "json: invalid number", 5},
      {R"({"a":1.})", "json: invalid number", 5},
      {R"({"a":-})", "json: invalid number", 5},
      {R"({"a":1e})", "json: invalid number", 5},
      {R"({"a":+1})", "json: expected a value", 5},
      {R"({"a" 1})", "json: expected ':' after key", 5},
      {R"({a:1})", "json: expected a string key", 1},
      {R"({"a":1,})", "json: expected a string key", 7},
      {R"({"a":1 "b":2})", "json: expected ',' or '}'", 7},
      {R"({"a":1)", "json: unterminated object", 6},
      {R"({"a":)", "json: expected a value", 5},
      {R"({"a":"\x"})", "json: invalid escape in string", 6},
      {R"({"a":"\u12g4"})", "json: invalid \\u escape", 6},
      {"{\"a\":\"x\ty\"}", "json: control character in string", 7},
      {R"({"a":[1,2})", "json: expected ',' or ']'", 9},
      {R"({"a":[1,2)", "json: unterminated array or object", 5},
      {R"({"a":{"b"}})", "json: expected ':' after key", 9},
      {R"({"a":{"b":1,}})", "json: expected a string key", 12},
      {R"({"a":[1 2]})", "json: expected ',' or ']'", 8},
      {R"({"a":[,]})", "json: expected a value", 6},
  };
  for (const BadCase& c : cases) {
    bool ok;
    std::string error;
    size_t offset;
    ScanAll(c.json, &ok, &error, &offset);
    EXPECT_FALSE(ok) << c.json;
    EXPECT_EQ(error, c.error) << c.json;
    EXPECT_EQ(offset, c.offset) << c.json;
  }
}

TEST(JsonScannerTest, MembersBeforeAnErrorAreStillHandedOut) {
  bool ok;
  auto seen = ScanAll(R"({"a":1,"b":2,"c":})", &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(seen.size(), 2u);
}

TEST(JsonScannerTest, NestingDepthIsCapped) {
  // The object itself is level 1; 63 nested levels fit, 64 do not.
  std::string fits = "{\"a\":" + std::string(kJsonMaxDepth - 1, '[') +
                     std::string(kJsonMaxDepth - 1, ']') + "}";
  bool ok;
  ScanAll(fits, &ok);
  EXPECT_TRUE(ok);
  std::string deep = "{\"a\":" + std::string(kJsonMaxDepth, '[') +
                     std::string(kJsonMaxDepth, ']') + "}";
  std::string error;
  size_t offset;
  ScanAll(deep, &ok, &error, &offset);
  EXPECT_FALSE(ok);
  EXPECT_EQ(error, "json: nesting too deep");
  EXPECT_EQ(offset, 5u + kJsonMaxDepth - 1);
  // A hostile depth costs no stack: a million brackets are refused quickly.
  std::string hostile = "{\"a\":" + std::string(1000000, '[');
  ScanAll(hostile, &ok, &error);
  EXPECT_FALSE(ok);
  EXPECT_EQ(error, "json: nesting too deep");
}

TEST(JsonScannerTest, OffsetsOfKeysAndValues) {
  std::string text = R"(  {"ab": "cd", "n": 42})";
  JsonObjectScanner scanner(text, 100);
  JsonMember m;
  ASSERT_TRUE(scanner.Next(&m));
  EXPECT_EQ(m.offset, 100u + 3);
  EXPECT_EQ(m.value.offset, 100u + 9);
  ASSERT_TRUE(scanner.Next(&m));
  EXPECT_EQ(m.offset, 100u + 15);
  EXPECT_EQ(m.value.offset, 100u + 20);
}

TEST(JsonScannerTest, StopsAfterFailure) {
  JsonObjectScanner scanner(R"({"a":x})");
  JsonMember m;
  EXPECT_FALSE(scanner.Next(&m));
  EXPECT_TRUE(scanner.failed());
  EXPECT_FALSE(scanner.Next(&m));
  EXPECT_TRUE(scanner.failed());
}

}  // namespace
}  // namespace netstreams
