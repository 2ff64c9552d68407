// libFuzzer target: the pattern parser (RE2 patterns with every capture
// kind and time format) on arbitrary message bodies; and, for each of its
// patterns, that a chunked match (pattern_internal::ChunkedRegex, the
// parser's fast path) is exactly RE2's match of the whole regex.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/text_format.h"
#include "netstreams/stages/v1/parse.pb.h"
#include "re2/re2.h"
#include "src/parsers/pattern_parser.h"

namespace {

constexpr char kConfig[] = R"pb(
  patterns {
    regex: " *(?P<action>[AD]) +VRF +(?P<vrf>\\d+) +(?P<protocol>\\d+) +INT +\\[?(?P<inside_ip>[0-9A-Fa-f.:]+?)\\]?:(?P<inside_port>\\d+) +EXT +\\[?(?P<outside_ip>[0-9A-Fa-f.:]+?)\\]?:(?P<outside_port>\\d+) +DST +\\[?(?P<destination_ip>[0-9A-Fa-f.:]+?)\\]?:(?P<destination_port>\\d+) +DIR +(?P<direction>IN|OUT) *"
    mapping: SESSION
    action_values { key: "A" value: CREATE }
    action_values { key: "D" value: DELETE }
  }
  patterns {
    regex: "(?P<event_time>\\S+ \\S+) (?P<action>\\w+) (?P<mapping>\\w+) (?P<protocol>\\w+) (?P<inside_ip>\\S+) (?P<outside_ip>\\S+) (?P<port_block_start>\\d+)-(?P<port_block_end>\\d+)(?: (?P<device>\\S+))?"
    time_format: "%Y-%m-%d %H:%M:%S"
  }
  patterns {
    regex: "(?P<event_time>[0-9a-f]+) (?P<direction>\\w+) (?P<inside_ip>\\S+) (?P<outside_ip>\\S+)"
    action: UPDATE
    mapping: ADDRESS
    time_format: "hex_epoch_s"
  }
  patterns {
    regex: "(?P<event_time>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d) (?P<inside_ip>\\S+) (?P<outside_ip>\\S+)"
    action: CREATE
    mapping: ADDRESS
    time_format: "bsd"
  }
)pb";

const netstreams::PatternParser* Parser() {
  static const netstreams::PatternParser* parser = [] {
    netstreams::stages::v1::ParseConfig config;
    if (!google::protobuf::TextFormat::ParseFromString(kConfig, &config)) {
      std::abort();
    }
    std::vector<netstreams::PatternIssue> issues;
    auto p = netstreams::PatternParser::Create(config.patterns(), &issues);
    if (p == nullptr) std::abort();
    return p.release();
  }();
  return parser;
}

struct Differential {
  std::unique_ptr<re2::RE2> whole;
  std::unique_ptr<netstreams::pattern_internal::ChunkedRegex> chunked;
};

const std::vector<Differential>& Regexes() {
  static const auto* regexes = [] {
    netstreams::stages::v1::ParseConfig config;
    if (!google::protobuf::TextFormat::ParseFromString(kConfig, &config)) {
      std::abort();
    }
    auto* out = new std::vector<Differential>();
    // Also regexes whose greedy chunks can starve later ones.
    std::vector<std::string> regexes = {
        "(?P<a>\\w+) (?P<b>\\S+) (?P<c>\\S+) (?P<d>\\d+)(?P<e>\\d)(?P<f>.*)",
        "(?P<a>a*)(?P<b>a*)(?P<c>a?)(?P<d>b*)(?P<e>a*b*)(?P<f>a)?(?P<g>b+)?"};
    const size_t must_cut = regexes.size() + 2;  // and the first two patterns
    for (const auto& p : config.patterns()) regexes.push_back(p.regex());
    re2::RE2::Options options;
    options.set_log_errors(false);
    for (size_t i = 0; i < regexes.size(); ++i) {
      Differential d;
      d.whole = std::make_unique<re2::RE2>(regexes[i], options);
      d.chunked =
          netstreams::pattern_internal::ChunkedRegex::Make(*d.whole, options);
      if (d.chunked == nullptr) {
        if (i < must_cut) std::abort();
        continue;  // up to 4 groups: not cut
      }
      out->push_back(std::move(d));
    }
    return out;
  }();
  return *regexes;
}

void CheckChunkedMatchesWhole(absl::string_view line) {
  re2::StringPiece text(line.data(), line.size());
  for (const Differential& d : Regexes()) {
    const int n = d.whole->NumberOfCapturingGroups() + 1;
    re2::StringPiece chunked[netstreams::PatternParser::kMaxCaptures];
    re2::StringPiece whole[netstreams::PatternParser::kMaxCaptures];
    const bool whole_ok =
        d.whole->Match(text, 0, text.size(), re2::RE2::ANCHOR_BOTH, whole, n);
    if (!d.chunked->Match(text, chunked)) continue;  // proves nothing
    if (!whole_ok) std::abort();
    for (int g = 0; g < n; ++g) {
      // Same position and length (a group that took no part: both null).
      if (chunked[g].data() != whole[g].data() ||
          chunked[g].size() != whole[g].size()) {
        std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace netstreams;
  CheckChunkedMatchesWhole(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  SyslogMessage syslog;
  syslog.message = absl::string_view(reinterpret_cast<const char*>(data), size);
  SyslogTimeContext time{absl::UTCTimeZone(), 1795176000000};
  cgnat::v1::NatEvent event;
  BodyTime body_time;
  ParseError error;
  if (Parser()->Parse(VendorInput{syslog, time}, &event, &body_time, &error)) {
    if (event.inside_ip().size() != 4 && event.inside_ip().size() != 16) {
      std::abort();
    }
    if (event.port_block_end() < event.port_block_start()) std::abort();
  }
  return 0;
}
