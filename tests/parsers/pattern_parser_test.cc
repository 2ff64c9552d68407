// The `pattern` format: RE2 patterns from the topology file. Checks the
// configuration errors the loader reports, every field kind, rejects, and
// that topology/nfware_pattern.yaml (NFWare written as patterns) makes
// exactly the events of the built-in nfware parser.

#include "src/parsers/pattern_parser.h"

#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "netstreams/stages/v1/parse.pb.h"
#include "re2/re2.h"
#include "src/parsers/nfware_parser.h"
#include "src/topology/topology_loader.h"
#include "tests/parsers/vendor_test_util.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using stages::v1::ParseConfig;
using testing_util::Ip;
using testing_util::kReferenceMs;

ParseConfig Config(const std::string& text) {
  ParseConfig config;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &config))
      << text;
  return config;
}

std::string Issues(const ParseConfig& config) {
  std::vector<PatternIssue> issues;
  auto parser = PatternParser::Create(config.patterns(), &issues);
  EXPECT_EQ(parser == nullptr, !issues.empty());
  std::vector<std::string> lines;
  for (const auto& i : issues) lines.push_back(i.path + ": " + i.message);
  return absl::StrJoin(lines, "\n");
}

struct Result {
  bool ok = false;
  NatEvent event;
  BodyTime time;
  ParseError error;
};

Result RunPattern(const PatternParser& parser, const std::string& message,
                  absl::TimeZone zone = absl::UTCTimeZone()) {
  Result r;
  SyslogMessage syslog;
  syslog.message = message;
  SyslogTimeContext time{zone, kReferenceMs};
  r.ok = parser.Parse(VendorInput{syslog, time}, &r.event, &r.time, &r.error);
  return r;
}

std::unique_ptr<PatternParser> MustCreate(const ParseConfig& config) {
  std::vector<PatternIssue> issues;
  auto parser = PatternParser::Create(config.patterns(), &issues);
  EXPECT_NE(parser, nullptr) << Issues(config);
  return parser;
}

const char kSessionPattern[] = R"pb(
  patterns {
    name: "acme"
    regex: "(?P<verb>OPEN|SHUT) (?P<protocol>\\w+) (?P<inside_ip>\\S+) (?P<inside_port>\\d+) as (?P<outside_ip>\\S+) (?P<outside_port>\\d+) to (?P<destination_ip>\\S+) (?P<destination_port>\\d+)(?: at (?P<event_time>\\S+))?"
    fields { key: "verb" value: "action" }
    action_values { key: "open" value: CREATE }
    action_values { key: "shut" value: DELETE }
    mapping: SESSION
    vrf: "blue"
  }
  patterns {
    name: "acme-block"
    regex: "BLOCK (?P<action>\\w+) (?P<inside_ip>\\S+) (?P<outside_ip>\\S+) (?P<port_block_start>\\d+)-(?P<port_block_end>\\d+) (?P<event_time>[0-9a-f]+)"
    mapping: PORT_BLOCK
    time_format: "hex_epoch_s"
  }
)pb";

TEST(PatternParserTest, SessionWithMappedCaptureAndConstants) {
  auto parser = MustCreate(Config(kSessionPattern));
  Result r =
      RunPattern(*parser,
                 "OPEN tcp 10.0.0.1 40000 as 100.64.0.1 20000 to 8.8.8.8 53 "
                 "at 2026-11-20T10:00:00.250+01:00");
  ASSERT_TRUE(r.ok) << r.error.detail;
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(r.event.vrf(), "blue");
  EXPECT_EQ(r.event.protocol(), 6u);
  EXPECT_EQ(r.event.inside_ip(), Ip("10.0.0.1"));
  EXPECT_EQ(r.event.inside_port(), 40000u);
  EXPECT_EQ(r.event.outside_ip(), Ip("100.64.0.1"));
  EXPECT_EQ(r.event.outside_port(), 20000u);
  EXPECT_EQ(r.event.destination_ip(), Ip("8.8.8.8"));
  EXPECT_EQ(r.event.destination_port(), 53u);
  ASSERT_TRUE(r.time.present);
  EXPECT_EQ(r.time.ms, 1795165200250);  // 09:00:00.250Z

  // The optional time group may be absent; values are case-insensitive.
  r = RunPattern(*parser,
                 "SHUT UDP 2001:db8::1 1 as 100.64.0.1 2 to 2001:db8::2 3");
  ASSERT_TRUE(r.ok) << r.error.detail;
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8::1"));
  EXPECT_FALSE(r.time.present);
}

TEST(PatternParserTest, PortBlockWithHexTime) {
  auto parser = MustCreate(Config(kSessionPattern));
  EXPECT_EQ(parser->MatchIndex("BLOCK x 1.1.1.1 2.2.2.2 1-2 0"), 1);
  Result r = RunPattern(*parser,
                        "BLOCK Update 10.0.0.1 100.64.0.1 1024-1535 624b0492");
  ASSERT_TRUE(r.ok) << r.error.detail;
  EXPECT_EQ(r.event.action(), cgnat::v1::UPDATE);
  EXPECT_EQ(r.event.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(r.event.port_block_start(), 1024u);
  EXPECT_EQ(r.event.port_block_end(), 1535u);
  EXPECT_EQ(r.time.ms, int64_t{0x624b0492} * 1000);
}

TEST(PatternParserTest, TimeFormats) {
  struct Case {
    const char* format;
    const char* text;
    int64_t ms;
  };
  const Case cases[] = {
      {"epoch_s", "1795176000.5", 1795176000500},
      {"epoch_ms", "1795176000123", 1795176000123},
      {"bsd", "Nov 20 12:00:00", 1795176000000},
      {"bsd", "Dec 31 23:59:59", 1798761599000},  // the year before Jan 1?
      {"%Y-%m-%d %H:%M:%S", "2026-11-20 13:00:00", 1795176000000},
  };
  for (const Case& c : cases) {
    ParseConfig config = Config(absl::StrCat(
        R"pb(patterns {
               regex: "A (?P<inside_ip>\\S+) (?P<outside_ip>\\S+) T=(?P<event_time>.+)"
               action: CREATE
               mapping: ADDRESS
               time_format: ")pb",
        c.format, "\" }"));
    auto parser = MustCreate(config);
    // Zone-less formats read in the configured zone (here UTC+1 for the
    // strftime case only).
    absl::TimeZone zone = absl::UTCTimeZone();
    if (absl::string_view(c.format).find('%') != absl::string_view::npos) {
      zone = absl::FixedTimeZone(3600);
    }
    Result r = RunPattern(
        *parser, absl::StrCat("A 10.0.0.1 100.64.0.1 T=", c.text), zone);
    ASSERT_TRUE(r.ok) << c.format << ": " << r.error.detail;
    EXPECT_EQ(r.time.ms, c.ms) << c.format << " " << c.text;
  }
}

TEST(PatternParserTest, RejectsBadValuesNeverHalfFills) {
  auto parser = MustCreate(Config(kSessionPattern));
  struct Bad {
    const char* line;
    const char* reason_class;
  };
  const Bad bad[] = {
      {"OPEN tcp 10.0.0.1 70000 as 100.64.0.1 2 to 8.8.8.8 53",
       "invalid_value"},
      {"OPEN tcp 10.0.0.300 1 as 100.64.0.1 2 to 8.8.8.8 53", "invalid_value"},
      {"OPEN xyz 10.0.0.1 1 as 100.64.0.1 2 to 8.8.8.8 53", "invalid_value"},
      {"OPEN tcp 10.0.0.1 1 as 100.64.0.1 2 to 8.8.8.8 53 at yesterday",
       "invalid_value"},
      {"BLOCK create 10.0.0.1 100.64.0.1 2000-1000 0", "invalid_value"},
      {"BLOCK remove 10.0.0.1 100.64.0.1 1000-2000 0", "invalid_value"},
      {"OPEN tcp 10.0.0.1 1 as 100.64.0.1 2 to 8.8.8.8", "unrecognized"},
      {"", "unrecognized"},
  };
  for (const Bad& b : bad) {
    Result r = RunPattern(*parser, b.line);
    EXPECT_FALSE(r.ok) << b.line;
    EXPECT_STREQ(r.error.reason_class, b.reason_class) << b.line;
  }
}

TEST(PatternParserTest, ConfigurationErrorsNameTheField) {
  EXPECT_EQ(Issues(Config("")),
            "patterns: format pattern needs at least one entry in patterns");
  EXPECT_NE(Issues(Config(R"pb(patterns { name: "x" regex: "(?P<a" })pb"))
                .find("patterns[0].regex: pattern 'x': does not compile: "),
            std::string::npos);
  std::string issues = Issues(Config(R"pb(
    patterns {
      regex: "(?P<inside_ip>\\S+) (?P<outside_ip>\\S+)"
      action: CREATE
      mapping: ADDRESS
    }
    patterns {
      regex: "(?P<inside_ip>\\S+) (?P<outsde_ip>\\S+) (?P<x>\\d+)"
      fields { key: "x" value: "inside_prot" }
      fields { key: "y" value: "vrf" }
      mapping: SESSION
      time_format: "julian"
    })pb"));
  EXPECT_NE(issues.find("patterns[1].regex: capture 'outsde_ip' is not a "
                        "NatEvent field"),
            std::string::npos)
      << issues;
  EXPECT_NE(issues.find("patterns[1].fields[\"x\"]: 'inside_prot' is not a "
                        "NatEvent field"),
            std::string::npos)
      << issues;
  EXPECT_NE(issues.find("patterns[1].fields[\"y\"]: the regex has no capture "
                        "named 'y'"),
            std::string::npos)
      << issues;
  EXPECT_NE(issues.find("patterns[1]: needs an action"), std::string::npos)
      << issues;
  EXPECT_NE(issues.find("mapping SESSION needs a capture named "
                        "destination_ip"),
            std::string::npos)
      << issues;
  EXPECT_NE(issues.find("patterns[1].time_format: unknown time format "
                        "'julian'"),
            std::string::npos)
      << issues;
  EXPECT_EQ(issues.find("patterns[0]"), std::string::npos) << issues;
}

// The loader reports pattern problems with file:line of the offending
// key, as it does every other topology error.
TEST(PatternParserTest, LoaderReportsPatternErrorsWithFileAndLine) {
  const std::string path =
      absl::StrCat(::testing::TempDir(), "/bad_pattern.yaml");
  std::ofstream(path) << R"(application_id: t
topics:
  - {name: raw, partitions: 1, type: bytes}
  - {name: out, partitions: 1, type: cgnat.v1.NatEvent}
stages:
  - name: in
    source: {topic: raw}
  - name: parse
    inputs: [in]
    parse:
      format: pattern
      patterns:
        - name: good
          regex: 'MAP (?P<inside_ip>\S+) (?P<outside_ip>\S+)'
          action: create
          mapping: address
        - name: broken
          regex: 'MAP (?P<inside_ip>\S+ (?P<outside_ip>\S+)'
          action: create
          mapping: address
        - name: typo
          regex: 'MAP (?P<insde_ip>\S+) (?P<outside_ip>\S+)'
          action: create
          mapping: address
  - name: sink
    inputs: [parse]
    sink: {topic: out}
)";
  auto loaded = LoadTopologyFile(path);
  ASSERT_FALSE(loaded.ok());
  const std::string error(loaded.status().message());
  EXPECT_NE(error.find("bad_pattern.yaml:18:18: stages[1].parse.patterns[1]"
                       ".regex: pattern 'broken': does not compile: "),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("bad_pattern.yaml:22:18: stages[1].parse.patterns[2]"
                       ".regex: pattern 'typo': capture 'insde_ip' is not a "
                       "NatEvent field"),
            std::string::npos)
      << error;
}

// Patterns with more than 4 groups are matched as chunks (RE2's one-pass
// engine); the cut is made only where it keeps the regex's meaning.
TEST(PatternParserTest, SplitAtTopLevelGroupsCutsOnlyWhereSafe) {
  using pattern_internal::SplitAtTopLevelGroups;
  auto groups_in = [](const std::string& part) {
    return re2::RE2(part).NumberOfCapturingGroups();
  };
  const std::string nfware =
      " *(?P<action>[AD]) +VRF +(?P<vrf>\\d+) +(?P<protocol>\\d+) +INT "
      "+(?:\\[(?P<inside_ip6>[0-9a-f:]+)\\]|(?P<inside_ip>[0-9.]+)):(?P<"
      "inside_port>\\d+) +EXT +(?P<outside_ip>[0-9.]+):(?P<outside_port>\\d+)";
  std::vector<std::string> parts = SplitAtTopLevelGroups(nfware);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(absl::StrJoin(parts, ""), nfware);
  EXPECT_EQ(parts[1].substr(0, 4), "(?:\\");  // before a top-level group
  for (const std::string& part : parts) {
    EXPECT_LE(groups_in(part), 4) << part;
  }
  // Brackets, escapes and scoped flags are not group starts or cuts.
  const std::string tricky =
      "[(|](?P<a>.)\\((?P<b>[]|(])(?P<c>[[:alpha:]|(])(?i:x)(?P<d>.)(?P<e>.)";
  parts = SplitAtTopLevelGroups(tricky);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0],
            "[(|](?P<a>.)\\((?P<b>[]|(])(?P<c>[[:alpha:]|(])(?i:x)(?P<d>.)");
  EXPECT_EQ(parts[1], "(?P<e>.)");
  // Not cut: up to 4 groups, a top-level alternation, flags for the rest,
  // \Q...\E quoting.
  EXPECT_TRUE(SplitAtTopLevelGroups("(a)(b)(c)(d)").empty());
  EXPECT_TRUE(SplitAtTopLevelGroups("(a)(b)(c)(d)(e)|x").empty());
  EXPECT_TRUE(SplitAtTopLevelGroups("(?i)(a)(b)(c)(d)(e)").empty());
  EXPECT_TRUE(SplitAtTopLevelGroups("(a)(b)\\Q(\\E(c)(d)(e)").empty());
  EXPECT_FALSE(SplitAtTopLevelGroups("(a)(b)(c)(d)(e)(?:x|y)").empty());
}

// A greedy chunk may take what a later chunk needs: then the whole regex
// decides, and the event is the whole regex's.
TEST(PatternParserTest, ChunkThatStarvesTheNextFallsBackToTheWholeRegex) {
  auto parser = MustCreate(Config(R"pb(
    patterns {
      regex: "(?P<action>[AD]) (?P<inside_ip>\\S+) (?P<outside_ip>\\S+) (?P<inside_port>\\d+)(?P<outside_port>\\d)"
      action_values { key: "A" value: CREATE }
      mapping: PORT
    }
  )pb"));
  re2::RE2 whole(
      "(?P<action>[AD]) (?P<inside_ip>\\S+) (?P<outside_ip>\\S+) "
      "(?P<inside_port>\\d+)(?P<outside_port>\\d)");
  auto chunked =
      pattern_internal::ChunkedRegex::Make(whole, re2::RE2::Options());
  ASSERT_NE(chunked, nullptr);
  EXPECT_EQ(chunked->chunks(), 2u);
  const std::string line = "A 10.0.0.1 100.64.0.1 12345";
  re2::StringPiece groups[PatternParser::kMaxCaptures];
  EXPECT_FALSE(chunked->Match(line, groups));  // the first took "12345"

  Result r = RunPattern(*parser, line);
  ASSERT_TRUE(r.ok) << r.error.detail;
  EXPECT_EQ(r.event.inside_port(), 1234u);
  EXPECT_EQ(r.event.outside_port(), 5u);
}

// On many lines, random over a small alphabet: whenever the chunks match,
// RE2's match of the whole regex is the same, group by group.
TEST(PatternParserTest, ChunkedMatchIsTheWholeRegexMatch) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"(?P<a>a*)(?P<b>a*)(?P<c>a?)(?P<d>b*)(?P<e>a*b*)(?P<f>a)?(?P<g>b+)?",
       "ab"},
      {"(?P<a>\\w+) (?P<b>\\S+) (?P<c>\\S+) (?P<d>\\d+)(?P<e>\\d)(?P<f>.*)",
       "a1 :"},
      {" *(?P<a>[AD]) +(?P<b>\\d+) +(?:\\[(?P<c>[0-9a:]+)\\]|(?P<d>[0-9.]+))"
       ":(?P<e>\\d+)(?: (?P<f>IN|OUT))?",
       "AD 19.:[]INOUT"},
  };
  std::mt19937 random(7);
  int chunked_matches = 0, whole_only = 0;
  for (const auto& [pattern, alphabet] : cases) {
    re2::RE2 whole(pattern);
    ASSERT_TRUE(whole.ok()) << pattern;
    auto chunked =
        pattern_internal::ChunkedRegex::Make(whole, re2::RE2::Options());
    ASSERT_NE(chunked, nullptr) << pattern;
    const int n = whole.NumberOfCapturingGroups() + 1;
    for (int i = 0; i < 30000; ++i) {
      std::string line(random() % 14, ' ');
      for (char& ch : line) ch = alphabet[random() % alphabet.size()];
      re2::StringPiece text(line);
      re2::StringPiece a[PatternParser::kMaxCaptures];
      re2::StringPiece b[PatternParser::kMaxCaptures];
      const bool whole_ok =
          whole.Match(text, 0, text.size(), re2::RE2::ANCHOR_BOTH, b, n);
      if (!chunked->Match(text, a)) {
        whole_only += whole_ok;
        continue;
      }
      ++chunked_matches;
      ASSERT_TRUE(whole_ok) << pattern << " on '" << line << "'";
      for (int g = 0; g < n; ++g) {
        ASSERT_EQ(a[g].data(), b[g].data()) << pattern << " '" << line << "'";
        ASSERT_EQ(a[g].size(), b[g].size()) << pattern << " '" << line << "'";
      }
    }
  }
  // Both paths were taken many times.
  EXPECT_GT(chunked_matches, 1000);
  EXPECT_GT(whole_only, 10);
}

// Two alternative captures may fill one field: the one that took part does.
TEST(PatternParserTest, AlternativeCapturesFillOneField) {
  auto parser = MustCreate(Config(R"pb(
    patterns {
      regex: "(?P<action>[AD]) (?:\\[(?P<v6>[0-9a-f:]+)\\]|(?P<inside_ip>[0-9.]+)):(?P<inside_port>\\d+) (?P<outside_ip>\\S+) (?P<outside_port>\\d+)"
      fields { key: "v6" value: "inside_ip" }
      action_values { key: "A" value: CREATE }
      mapping: PORT
    }
  )pb"));
  Result r = RunPattern(*parser, "A [2001:db8::7]:80 100.64.0.1 9");
  ASSERT_TRUE(r.ok) << r.error.detail;
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8::7"));
  r = RunPattern(*parser, "A 10.1.2.3:80 100.64.0.1 9");
  ASSERT_TRUE(r.ok) << r.error.detail;
  EXPECT_EQ(r.event.inside_ip(), Ip("10.1.2.3"));
  EXPECT_EQ(r.event.inside_port(), 80u);
}

// The shipped NFWare pattern topology and the built-in parser agree on
// every line: same events, same accept/reject decision.
TEST(PatternParserTest, NfwarePatternFileMatchesBuiltinParser) {
  auto loaded = LoadTopologyFile("topology/nfware_pattern.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const ParseConfig* config = nullptr;
  for (const StageNode& stage : (*loaded)->stages) {
    if (stage.kind == "parse") {
      config = static_cast<const ParseConfig*>(stage.config.get());
    }
  }
  ASSERT_NE(config, nullptr);
  auto parser = MustCreate(*config);

  std::vector<std::string> lines;
  for (const char* path : {"topology/samples/cgnat.syslog.log",
                           "tests/parsers/testdata/nfware.log"}) {
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  ASSERT_GT(lines.size(), 40u);
  int accepted = 0;
  for (const std::string& line : lines) {
    SyslogMessage syslog;
    ParseError error;
    SyslogTimeContext time{absl::UTCTimeZone(), kReferenceMs};
    ASSERT_TRUE(ParseSyslog(line, SyslogFraming::kAuto, time, &syslog, &error))
        << line;
    NatEvent builtin;
    ParseError builtin_error;
    bool builtin_ok = ParseNfware(syslog.message, &builtin, &builtin_error);
    NatEvent pattern;
    BodyTime body_time;
    ParseError pattern_error;
    bool pattern_ok = parser->Parse(VendorInput{syslog, time}, &pattern,
                                    &body_time, &pattern_error);
    ASSERT_EQ(builtin_ok, pattern_ok)
        << line << "\nbuiltin: " << builtin_error.detail
        << "\npattern: " << pattern_error.detail;
    if (!builtin_ok) continue;
    ++accepted;
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equals(builtin, pattern))
        << line << "\nbuiltin: " << builtin.ShortDebugString()
        << "\npattern: " << pattern.ShortDebugString();
  }
  EXPECT_GT(accepted, 30);
}

}  // namespace
}  // namespace netstreams
