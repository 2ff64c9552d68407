#include "src/parsers/fields.h"

#include <cstring>

#include "absl/strings/match.h"

namespace netstreams {

bool ParseProtocol(absl::string_view text, uint32_t* number) {
  if (text.empty()) return false;
  if (text[0] >= '0' && text[0] <= '9') {
    if (text.size() > 3) return false;
    uint32_t v = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<uint32_t>(c - '0');
    }
    if (v > 255) return false;
    *number = v;
    return true;
  }
  struct Name {
    absl::string_view name;
    uint32_t number;
  };
  static constexpr Name kNames[] = {
      {"tcp", 6},   {"udp", 17},     {"icmp", 1},   {"icmpv6", 58},
      {"gre", 47},  {"esp", 50},     {"ah", 51},    {"sctp", 132},
      {"igmp", 2},  {"ipv6-icmp", 58}, {"udplite", 136}, {"dccp", 33},
      {"pptp", 47}, {"ipip", 4},
  };
  for (const Name& n : kNames) {
    if (absl::EqualsIgnoreCase(text, n.name)) {
      *number = n.number;
      return true;
    }
  }
  return false;
}

size_t FindClosingQuote(absl::string_view text, size_t from) {
  size_t p = from;
  while (p < text.size()) {
    const void* hit = std::memchr(text.data() + p, '"', text.size() - p);
    if (hit == nullptr) return absl::string_view::npos;
    const size_t quote = static_cast<size_t>(static_cast<const char*>(hit) -
                                             text.data());
    // Read left to right, backslashes pair up (an escaped backslash) and
    // a lone one escapes the quote: the quote is escaped exactly when an
    // odd run of backslashes precedes it. The run cannot reach before `p`:
    // text[p - 1] is the opening quote or an escaped quote.
    size_t run_start = quote;
    while (run_start > p && text[run_start - 1] == '\\') --run_start;
    if ((quote - run_start) % 2 == 0) return quote;
    p = quote + 1;
  }
  return absl::string_view::npos;
}

size_t FindSdElementEnd(absl::string_view text, size_t open) {
  size_t p = open + 1;
  while (p < text.size()) {
    const char c = text[p];
    if (c == ']') return p;
    if (c == '"') {
      const size_t close = FindClosingQuote(text, p + 1);
      if (close == absl::string_view::npos) return close;
      p = close + 1;
    } else {
      ++p;
    }
  }
  return absl::string_view::npos;
}

bool KeyValueScanner::Next(absl::string_view* key, absl::string_view* value) {
  if (malformed_) return false;
  while (pos_ < text_.size() &&
         (text_[pos_] == ' ' || text_[pos_] == ',' || text_[pos_] == '\t')) {
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  size_t start = pos_;
  while (pos_ < text_.size() && text_[pos_] != '=' && text_[pos_] != ' ' &&
         text_[pos_] != ',') {
    ++pos_;
  }
  if (pos_ >= text_.size() || text_[pos_] != '=' || pos_ == start) {
    malformed_ = true;
    return false;
  }
  *key = text_.substr(start, pos_ - start);
  ++pos_;  // '='
  if (pos_ < text_.size() && text_[pos_] == '"') {
    size_t vstart = ++pos_;
    size_t close = FindClosingQuote(text_, vstart);
    if (close == absl::string_view::npos) {
      pos_ = text_.size();
      malformed_ = true;
      return false;
    }
    *value = text_.substr(vstart, close - vstart);
    pos_ = close + 1;  // past the closing quote
  } else {
    size_t vstart = pos_;
    while (pos_ < text_.size() && text_[pos_] != ' ' && text_[pos_] != ',') {
      ++pos_;
    }
    *value = text_.substr(vstart, pos_ - vstart);
  }
  last_ = start;
  return true;
}

bool ParseUint64(absl::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

bool ParseHex64(absl::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 16) return false;
  uint64_t v = 0;
  for (char c : text) {
    uint64_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<uint64_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<uint64_t>(c - 'A' + 10);
    } else {
      return false;
    }
    v = (v << 4) | d;
  }
  *out = v;
  return true;
}

bool ParseEpochSecondsFraction(absl::string_view text, int64_t* epoch_ms) {
  size_t dot = text.find('.');
  absl::string_view whole =
      dot == absl::string_view::npos ? text : text.substr(0, dot);
  uint64_t seconds;
  if (!ParseUint64(whole, &seconds) || seconds > 253402300799ULL) {
    return false;  // after 9999-12-31
  }
  int64_t ms = 0;
  if (dot != absl::string_view::npos) {
    absl::string_view frac = text.substr(dot + 1);
    if (frac.empty()) return false;
    int scale = 100;
    for (char c : frac) {
      if (c < '0' || c > '9') return false;
      ms += (c - '0') * scale;
      scale /= 10;
    }
  }
  *epoch_ms = static_cast<int64_t>(seconds) * 1000 + ms;
  return true;
}

}  // namespace netstreams
