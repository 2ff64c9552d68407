#include "src/parsers/pattern_parser.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "re2/re2.h"
#include "src/parsers/endpoint.h"
#include "src/parsers/fields.h"

namespace netstreams {

using cgnat::v1::NatEvent;

namespace {

enum class Field {
  kAction,
  kMapping,
  kDirection,
  kVrf,
  kProtocol,
  kInsideIp,
  kInsidePort,
  kOutsideIp,
  kOutsidePort,
  kDestinationIp,
  kDestinationPort,
  kPortBlockStart,
  kPortBlockEnd,
  kDevice,
  kEventTime,
};

struct FieldName {
  absl::string_view name;
  Field field;
};

constexpr FieldName kFieldNames[] = {
    {"action", Field::kAction},
    {"mapping", Field::kMapping},
    {"direction", Field::kDirection},
    {"vrf", Field::kVrf},
    {"protocol", Field::kProtocol},
    {"inside_ip", Field::kInsideIp},
    {"inside_port", Field::kInsidePort},
    {"outside_ip", Field::kOutsideIp},
    {"outside_port", Field::kOutsidePort},
    {"destination_ip", Field::kDestinationIp},
    {"destination_port", Field::kDestinationPort},
    {"port_block_start", Field::kPortBlockStart},
    {"port_block_end", Field::kPortBlockEnd},
    {"device", Field::kDevice},
    {"event_time", Field::kEventTime},
};

bool FindField(absl::string_view name, Field* field) {
  for (const FieldName& f : kFieldNames) {
    if (f.name == name) {
      *field = f.field;
      return true;
    }
  }
  return false;
}

std::string FieldList() {
  std::vector<absl::string_view> names;
  for (const FieldName& f : kFieldNames) names.push_back(f.name);
  return absl::StrJoin(names, ", ");
}

enum class TimeFormat { kRfc3339, kBsd, kEpochS, kEpochMs, kHexEpochS, kAbsl };

bool ToTimeFormat(absl::string_view text, TimeFormat* format) {
  if (text.empty() || text == "rfc3339") {
    *format = TimeFormat::kRfc3339;
  } else if (text == "bsd") {
    *format = TimeFormat::kBsd;
  } else if (text == "epoch_s") {
    *format = TimeFormat::kEpochS;
  } else if (text == "epoch_ms") {
    *format = TimeFormat::kEpochMs;
  } else if (text == "hex_epoch_s") {
    *format = TimeFormat::kHexEpochS;
  } else if (absl::StrContains(text, '%')) {
    *format = TimeFormat::kAbsl;
  } else {
    return false;
  }
  return true;
}

// Case-insensitive lookups of capture text in small tables.
template <typename Enum>
using ValueMap = absl::flat_hash_map<std::string, Enum>;

template <typename Enum>
bool LookupValue(const ValueMap<Enum>& map, absl::string_view text,
                 Enum* value) {
  auto it = map.find(text);
  if (it != map.end()) {
    *value = it->second;
    return true;
  }
  // Configured keys are stored lower-cased; most captures already are.
  char lower[32];
  if (text.size() > sizeof(lower)) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    lower[i] = absl::ascii_tolower(static_cast<unsigned char>(text[i]));
  }
  it = map.find(absl::string_view(lower, text.size()));
  if (it == map.end()) return false;
  *value = it->second;
  return true;
}

// Groups per chunk: RE2's Prog::kMaxOnePassCapture (5) less the whole
// match. See pattern_internal::ChunkedRegex in the header.
constexpr int kChunkGroups = 4;

// Cuts `regex` into consecutive pieces at top-level group starts, each
// with at most kChunkGroups capturing groups where the regex allows (a
// single group holding more stays whole). Returns nothing when the regex
// cannot be cut safely: a top-level alternation, a flag group such as
// (?i) that applies to what follows it, \Q...\E quoting; or when it needs
// no cutting.
std::vector<std::string> SplitRegex(absl::string_view regex) {
  struct Cut {
    size_t at;
    int groups_before;
  };
  std::vector<Cut> cuts;
  int depth = 0, groups = 0;
  const size_t n = regex.size();
  for (size_t i = 0; i < n; ++i) {
    const char ch = regex[i];
    if (ch == '\\') {
      if (i + 1 < n && regex[i + 1] == 'Q') return {};
      ++i;  // the escaped character (\pN, \x41: the rest is plain text)
      continue;
    }
    if (ch == '[') {  // a class: skip to its end
      size_t j = i + 1;
      if (j < n && regex[j] == '^') ++j;
      if (j < n && regex[j] == ']') ++j;  // a leading ] is literal
      for (; j < n && regex[j] != ']'; ++j) {
        if (regex[j] == '\\') {
          ++j;
        } else if (regex[j] == '[' && j + 1 < n && regex[j + 1] == ':') {
          size_t close = regex.find(":]", j + 2);
          if (close == absl::string_view::npos) return {};
          j = close + 1;
        }
      }
      i = j;
      continue;
    }
    if (ch == '(') {
      bool capturing = true;
      if (i + 1 < n && regex[i + 1] == '?') {
        absl::string_view rest = regex.substr(i + 2);
        capturing = absl::StartsWith(rest, "P<") || absl::StartsWith(rest, "<");
        if (!capturing) {
          size_t j = 0;
          while (j < rest.size() &&
                 (absl::ascii_isalpha(static_cast<unsigned char>(rest[j])) ||
                  rest[j] == '-')) {
            ++j;
          }
          if (j < rest.size() && rest[j] == ')') return {};  // (?i)
        }
      }
      if (depth == 0) cuts.push_back({i, groups});
      if (capturing) ++groups;
      ++depth;
      continue;
    }
    if (ch == ')') {
      --depth;
      continue;
    }
    if (ch == '|' && depth == 0) return {};
  }
  if (groups <= kChunkGroups) return {};
  std::vector<std::string> parts;
  size_t from = 0;
  int from_groups = 0;
  for (size_t k = 0; k < cuts.size(); ++k) {
    const int next = k + 1 < cuts.size() ? cuts[k + 1].groups_before : groups;
    if (next - from_groups > kChunkGroups && cuts[k].at > from) {
      parts.emplace_back(regex.substr(from, cuts[k].at - from));
      from = cuts[k].at;
      from_groups = cuts[k].groups_before;
    }
  }
  parts.emplace_back(regex.substr(from));
  if (parts.size() < 2) return {};
  return parts;
}

}  // namespace

namespace pattern_internal {

std::vector<std::string> SplitAtTopLevelGroups(absl::string_view regex) {
  return SplitRegex(regex);
}

std::unique_ptr<ChunkedRegex> ChunkedRegex::Make(
    const re2::RE2& whole, const re2::RE2::Options& options) {
  auto chunked = std::unique_ptr<ChunkedRegex>(new ChunkedRegex());
  int next_group = 1;
  for (const std::string& part : SplitRegex(whole.pattern())) {
    Chunk chunk;
    chunk.regex = std::make_unique<re2::RE2>(part, options);
    if (!chunk.regex->ok()) return nullptr;
    chunk.first_group = next_group;
    chunk.groups = chunk.regex->NumberOfCapturingGroups() + 1;
    // The chunk's groups, in order and by name, are the whole's.
    for (const auto& [name, index] : chunk.regex->NamedCapturingGroups()) {
      auto it = whole.NamedCapturingGroups().find(name);
      if (it == whole.NamedCapturingGroups().end() ||
          it->second != next_group + index - 1) {
        return nullptr;
      }
    }
    next_group += chunk.groups - 1;
    chunked->chunks_.push_back(std::move(chunk));
  }
  if (chunked->chunks_.empty() ||
      next_group != whole.NumberOfCapturingGroups() + 1) {
    return nullptr;
  }
  return chunked;
}

bool ChunkedRegex::Match(const re2::StringPiece& text,
                         re2::StringPiece* groups) const {
  size_t pos = 0;
  re2::StringPiece local[PatternParser::kMaxCaptures];
  for (size_t k = 0; k < chunks_.size(); ++k) {
    const Chunk& chunk = chunks_[k];
    const bool last = k + 1 == chunks_.size();
    if (!chunk.regex->Match(
            text, pos, text.size(),
            last ? re2::RE2::ANCHOR_BOTH : re2::RE2::ANCHOR_START, local,
            chunk.groups)) {
      return false;
    }
    for (int g = 1; g < chunk.groups; ++g) {
      groups[chunk.first_group + g - 1] = local[g];
    }
    pos = static_cast<size_t>(local[0].data() - text.data()) + local[0].size();
  }
  groups[0] = text;
  return true;
}

}  // namespace pattern_internal

struct PatternParser::Compiled {
  std::string name;
  std::unique_ptr<re2::RE2> regex;
  int groups = 0;  // capturing groups + 1 (the whole match)
  // Null, or the regex cut into chunks (the fast path of Parse).
  std::unique_ptr<pattern_internal::ChunkedRegex> chunked;
  std::vector<std::pair<int, Field>> captures;
  cgnat::v1::Action action = cgnat::v1::ACTION_UNSPECIFIED;
  cgnat::v1::Mapping mapping = cgnat::v1::MAPPING_UNSPECIFIED;
  cgnat::v1::Direction direction = cgnat::v1::DIRECTION_UNSPECIFIED;
  std::string vrf;
  uint32_t protocol = 0;
  ValueMap<cgnat::v1::Action> action_values;
  ValueMap<cgnat::v1::Direction> direction_values;
  ValueMap<cgnat::v1::Mapping> mapping_values;
  TimeFormat time_format = TimeFormat::kRfc3339;
  std::string absl_time_format;
};

PatternParser::~PatternParser() = default;

std::unique_ptr<PatternParser> PatternParser::Create(
    const google::protobuf::RepeatedPtrField<stages::v1::Pattern>& patterns,
    std::vector<PatternIssue>* issues) {
  const size_t issues_before = issues->size();
  auto parser = std::unique_ptr<PatternParser>(new PatternParser());
  if (patterns.empty()) {
    issues->push_back(
        {"patterns", "format pattern needs at least one entry in patterns"});
    return nullptr;
  }
  for (int i = 0; i < patterns.size(); ++i) {
    const stages::v1::Pattern& p = patterns[i];
    const std::string path = absl::StrCat("patterns[", i, "]");
    auto add = [&](const std::string& sub, std::string message) {
      issues->push_back({sub.empty() ? path : absl::StrCat(path, ".", sub),
                         p.name().empty() ? std::move(message)
                                          : absl::StrCat("pattern '", p.name(),
                                                         "': ", message)});
    };
    auto c = std::make_unique<Compiled>();
    c->name = p.name().empty() ? absl::StrCat("#", i) : p.name();
    if (p.regex().empty()) {
      add("regex", "needs a regex");
      continue;
    }
    re2::RE2::Options options;
    options.set_log_errors(false);
    c->regex = std::make_unique<re2::RE2>(p.regex(), options);
    if (!c->regex->ok()) {
      add("regex", absl::StrCat("does not compile: ", c->regex->error(),
                                " (near '", c->regex->error_arg(), "')"));
      continue;
    }
    c->groups = c->regex->NumberOfCapturingGroups() + 1;
    if (c->groups > kMaxCaptures) {
      add("regex", absl::StrCat("has ", c->groups - 1,
                                " capturing groups; at most ", kMaxCaptures - 1,
                                " (use (?:...) for groups that capture "
                                "nothing)"));
      continue;
    }
    c->chunked = pattern_internal::ChunkedRegex::Make(*c->regex, options);
    // Captures -> fields.
    absl::flat_hash_map<std::string, int> named;
    for (const auto& [name, index] : c->regex->NamedCapturingGroups()) {
      named[name] = index;
    }
    for (const auto& [capture, field_name] : p.fields()) {
      if (!named.contains(capture)) {
        add(absl::StrCat("fields[\"", capture, "\"]"),
            absl::StrCat("the regex has no capture named '", capture,
                         "' (write it as (?P<", capture, ">...))"));
      }
      Field field;
      if (!FindField(field_name, &field)) {
        add(absl::StrCat("fields[\"", capture, "\"]"),
            absl::StrCat("'", field_name,
                         "' is not a NatEvent field; one of: ", FieldList()));
      }
    }
    bool seen[static_cast<int>(Field::kEventTime) + 1] = {};
    for (const auto& [name, index] : named) {
      Field field;
      auto mapped = p.fields().find(name);
      if (mapped != p.fields().end()) {
        if (!FindField(mapped->second, &field)) continue;  // reported above
      } else if (!FindField(name, &field)) {
        add("regex",
            absl::StrCat("capture '", name,
                         "' is not a NatEvent field; name captures after "
                         "one of: ",
                         FieldList(), "; or map it under fields"));
        continue;
      }
      // Several captures may fill one field (alternatives such as an
      // IPv4 and a bracketed IPv6 form): the first that took part does.
      seen[static_cast<int>(field)] = true;
      c->captures.emplace_back(index, field);
    }
    std::sort(c->captures.begin(), c->captures.end());
    auto has = [&](Field f) { return seen[static_cast<int>(f)]; };
    c->action = p.action();
    c->mapping = p.mapping();
    c->direction = p.direction();
    c->vrf = p.vrf();
    if (p.protocol() > 255) {
      add("protocol", "must be an IANA protocol number 0..255");
    }
    c->protocol = p.protocol();
    if (!has(Field::kAction) && c->action == cgnat::v1::ACTION_UNSPECIFIED) {
      add("",
          "needs an action: a capture named action, or action: "
          "create|delete|update");
    }
    if (!has(Field::kMapping) && c->mapping == cgnat::v1::MAPPING_UNSPECIFIED) {
      add("",
          "needs a mapping: a capture named mapping, or mapping: "
          "session|port|address|port_block");
    }
    if (!has(Field::kInsideIp) || !has(Field::kOutsideIp)) {
      add("regex", "needs captures inside_ip and outside_ip");
    }
    // What a constant mapping requires, checked once here.
    auto require = [&](Field f, absl::string_view name) {
      if (!has(f)) {
        add("regex",
            absl::StrCat("mapping ", cgnat::v1::Mapping_Name(c->mapping),
                         " needs a capture named ", name));
      }
    };
    switch (c->mapping) {
      case cgnat::v1::SESSION:
        require(Field::kDestinationIp, "destination_ip");
        [[fallthrough]];
      case cgnat::v1::PORT:
        require(Field::kInsidePort, "inside_port");
        require(Field::kOutsidePort, "outside_port");
        break;
      case cgnat::v1::PORT_BLOCK:
        require(Field::kPortBlockStart, "port_block_start");
        require(Field::kPortBlockEnd, "port_block_end");
        break;
      default:
        break;
    }
    for (const auto& [text, value] : p.action_values()) {
      c->action_values[absl::AsciiStrToLower(text)] = value;
    }
    for (const auto& [text, value] : p.direction_values()) {
      c->direction_values[absl::AsciiStrToLower(text)] = value;
    }
    for (const auto& [text, value] : p.mapping_values()) {
      c->mapping_values[absl::AsciiStrToLower(text)] = value;
    }
    if (c->action_values.empty()) {
      c->action_values = {{"create", cgnat::v1::CREATE},
                          {"delete", cgnat::v1::DELETE},
                          {"update", cgnat::v1::UPDATE}};
    }
    if (c->direction_values.empty()) {
      c->direction_values = {{"outbound", cgnat::v1::OUTBOUND},
                             {"out", cgnat::v1::OUTBOUND},
                             {"inbound", cgnat::v1::INBOUND},
                             {"in", cgnat::v1::INBOUND}};
    }
    if (c->mapping_values.empty()) {
      c->mapping_values = {{"session", cgnat::v1::SESSION},
                           {"port", cgnat::v1::PORT},
                           {"address", cgnat::v1::ADDRESS},
                           {"port_block", cgnat::v1::PORT_BLOCK}};
    }
    if (!ToTimeFormat(p.time_format(), &c->time_format)) {
      add("time_format",
          absl::StrCat("unknown time format '", p.time_format(),
                       "'; one of rfc3339, bsd, epoch_s, epoch_ms, "
                       "hex_epoch_s, or a strftime-style format with %"));
    }
    c->absl_time_format = p.time_format();
    if (!p.time_format().empty() && !has(Field::kEventTime)) {
      add("time_format", "is set but the regex has no event_time capture");
    }
    parser->patterns_.push_back(std::move(c));
  }
  if (issues->size() != issues_before) return nullptr;
  return parser;
}

int PatternParser::MatchIndex(absl::string_view message) const {
  re2::StringPiece text(message.data(), message.size());
  for (size_t i = 0; i < patterns_.size(); ++i) {
    if (patterns_[i]->regex->Match(text, 0, text.size(), re2::RE2::ANCHOR_BOTH,
                                   nullptr, 0)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

namespace {

bool ParseTime(const PatternParser::Compiled& c, absl::string_view text,
               const SyslogTimeContext& time, int64_t* ms);

}  // namespace

bool PatternParser::Parse(const VendorInput& input, NatEvent* event,
                          BodyTime* body_time, ParseError* error) const {
  absl::string_view message = input.syslog.message;
  while (!message.empty() &&
         (message.back() == '\n' || message.back() == '\r')) {
    message.remove_suffix(1);
  }
  re2::StringPiece text(message.data(), message.size());
  // For speed only (the outcome is the same as one Match with captures
  // per pattern, in order):
  // - a pattern cut into chunks first tries them (one-pass, see
  //   ChunkedRegex), which decides and captures at once;
  // - otherwise, or when the chunks fail, the pattern is tried without
  //   captures (DFA only, states cached across calls), and only a match
  //   is run again for its captures. Asked for captures straight away,
  //   RE2 skips its DFA on short lines and runs its backtracker
  //   (BitState), several times slower and allocating its bitmap per
  //   call, also for the patterns that end up not matching.
  const Compiled* c = nullptr;
  re2::StringPiece groups[kMaxCaptures];
  for (const auto& pattern : patterns_) {
    if (pattern->chunked != nullptr && pattern->chunked->Match(text, groups)) {
      c = pattern.get();
      break;
    }
    if (pattern->regex->Match(text, 0, text.size(), re2::RE2::ANCHOR_BOTH,
                              nullptr, 0)) {
      c = pattern.get();
      if (!c->regex->Match(text, 0, text.size(), re2::RE2::ANCHOR_BOTH, groups,
                           c->groups)) {
        c = nullptr;  // unreachable: the same regex just matched
      }
      break;
    }
  }
  if (c == nullptr) {
    return error->Set("unrecognized", "pattern: no pattern matches the line",
                      0);
  }
  event->set_action(c->action);
  event->set_mapping(c->mapping);
  event->set_direction(c->direction);
  if (!c->vrf.empty()) event->set_vrf(c->vrf);
  event->set_protocol(c->protocol);
  uint32_t filled = 0;  // fields set by a capture
  for (const auto& [index, field] : c->captures) {
    const re2::StringPiece& g = groups[index];
    if (g.data() == nullptr) continue;  // an optional group that took no part
    const uint32_t bit = 1u << static_cast<int>(field);
    if (filled & bit) continue;  // an earlier alternative filled it
    filled |= bit;
    absl::string_view v(g.data(), g.size());
    const size_t at = static_cast<size_t>(g.data() - message.data());
    uint32_t number;
    switch (field) {
      case Field::kAction: {
        cgnat::v1::Action a;
        if (!LookupValue(c->action_values, v, &a)) {
          return error->Set("invalid_value", "pattern: unknown action", at);
        }
        event->set_action(a);
        break;
      }
      case Field::kMapping: {
        cgnat::v1::Mapping m;
        if (!LookupValue(c->mapping_values, v, &m)) {
          return error->Set("invalid_value", "pattern: unknown mapping", at);
        }
        event->set_mapping(m);
        break;
      }
      case Field::kDirection: {
        cgnat::v1::Direction d;
        if (!LookupValue(c->direction_values, v, &d)) {
          return error->Set("invalid_value", "pattern: unknown direction", at);
        }
        event->set_direction(d);
        break;
      }
      case Field::kVrf:
        event->set_vrf(v.data(), v.size());
        break;
      case Field::kProtocol:
        if (!ParseProtocol(v, &number)) {
          return error->Set("invalid_value", "pattern: unknown protocol", at);
        }
        event->set_protocol(number);
        break;
      case Field::kInsideIp:
        if (!SetIpText(v, event->mutable_inside_ip())) {
          return error->Set("invalid_value", "pattern: bad inside_ip", at);
        }
        break;
      case Field::kOutsideIp:
        if (!SetIpText(v, event->mutable_outside_ip())) {
          return error->Set("invalid_value", "pattern: bad outside_ip", at);
        }
        break;
      case Field::kDestinationIp:
        if (!SetIpText(v, event->mutable_destination_ip())) {
          return error->Set("invalid_value", "pattern: bad destination_ip", at);
        }
        break;
      case Field::kInsidePort:
      case Field::kOutsidePort:
      case Field::kDestinationPort:
      case Field::kPortBlockStart:
      case Field::kPortBlockEnd:
        if (!ParseBoundedUint(v, 65535, &number)) {
          return error->Set("invalid_value",
                            "pattern: port is not a number 0..65535", at);
        }
        if (field == Field::kInsidePort) event->set_inside_port(number);
        if (field == Field::kOutsidePort) event->set_outside_port(number);
        if (field == Field::kDestinationPort) {
          event->set_destination_port(number);
        }
        if (field == Field::kPortBlockStart) {
          event->set_port_block_start(number);
        }
        if (field == Field::kPortBlockEnd) event->set_port_block_end(number);
        break;
      case Field::kDevice:
        event->set_device(v.data(), v.size());
        break;
      case Field::kEventTime: {
        int64_t ms;
        if (!ParseTime(*c, v, input.time, &ms)) {
          return error->Set("invalid_value",
                            "pattern: event_time does not match time_format",
                            at);
        }
        body_time->Set(ms);
        break;
      }
    }
  }
  // What the mapping needs, for mappings and endpoints that came from
  // captures (optional groups may have taken no part).
  if (event->action() == cgnat::v1::ACTION_UNSPECIFIED) {
    return error->Set("invalid_value", "pattern: no action", 0);
  }
  if (event->inside_ip().empty() || event->outside_ip().empty()) {
    return error->Set("invalid_value",
                      "pattern: inside_ip and outside_ip are required", 0);
  }
  // Whatever the mapping, a captured range must be one.
  if (event->port_block_end() < event->port_block_start()) {
    return error->Set("invalid_value",
                      "pattern: port block ends before it starts", 0);
  }
  switch (event->mapping()) {
    case cgnat::v1::SESSION:
      if (event->destination_ip().empty()) {
        return error->Set("invalid_value",
                          "pattern: a session needs destination_ip", 0);
      }
      break;
    case cgnat::v1::MAPPING_UNSPECIFIED:
      return error->Set("invalid_value", "pattern: no mapping", 0);
    default:
      break;
  }
  return true;
}

namespace {

bool ParseTime(const PatternParser::Compiled& c, absl::string_view text,
               const SyslogTimeContext& time, int64_t* ms) {
  uint64_t v;
  switch (c.time_format) {
    case TimeFormat::kRfc3339:
      return ParseRfc3339(text, ms) == text.size();
    case TimeFormat::kBsd:
      return ParseBsdTimestamp(text, time, ms) == text.size();
    case TimeFormat::kEpochS:
      return ParseEpochSecondsFraction(text, ms);
    case TimeFormat::kEpochMs:
      if (!ParseUint64(text, &v) || v > 253402300799999ULL) return false;
      *ms = static_cast<int64_t>(v);
      return true;
    case TimeFormat::kHexEpochS:
      if (!ParseHex64(text, &v) || v > 253402300799ULL) return false;
      *ms = static_cast<int64_t>(v) * 1000;
      return true;
    case TimeFormat::kAbsl: {
      absl::Time t;
      std::string err;
      // `err` is only written on failure.
      if (!absl::ParseTime(c.absl_time_format, text, time.zone, &t, &err)) {
        return false;
      }
      *ms = absl::ToUnixMillis(t);
      return true;
    }
  }
  return false;
}

}  // namespace

}  // namespace netstreams
