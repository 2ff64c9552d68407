#include "src/parsers/fields.h"

#include <cstring>

#include "absl/strings/ascii.h"

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
      {"tcp", 6},   {"udp", 17},       {"icmp", 1},      {"icmpv6", 58},
      {"gre", 47},  {"esp", 50},       {"ah", 51},       {"sctp", 132},
      {"igmp", 2},  {"ipv6-icmp", 58}, {"udplite", 136}, {"dccp", 33},
      {"pptp", 47}, {"ipip", 4},
  };
  // Lower-cased once into a small buffer, then plain comparisons (that
  // the compiler inlines) rather than a case-folding call per name.
  char buf[9];
  if (text.size() > sizeof(buf)) return false;  // longer than any name
  for (size_t i = 0; i < text.size(); ++i) {
    buf[i] = absl::ascii_tolower(static_cast<unsigned char>(text[i]));
  }
  const absl::string_view lower(buf, text.size());
  for (const Name& n : kNames) {
    if (lower == n.name) {
      *number = n.number;
      return true;
    }
  }
  return false;
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, month 1..12; any
// day (0, 31 in February...) counts on from the first of the month, which
// is how absl normalizes it.
int64_t DaysFromCivil(int64_t y, unsigned m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool IsUtc(const absl::TimeZone& zone) { return zone == absl::UTCTimeZone(); }

}  // namespace

int64_t CivilToUnixSeconds(int64_t year, int month, int day, int hour,
                           int minute, int second, const absl::TimeZone& zone) {
  if (IsUtc(zone) && month >= 1 && month <= 12 && day >= 0 && hour >= 0 &&
      minute >= 0 && second >= 0) {
    return DaysFromCivil(year, static_cast<unsigned>(month), day) * 86400 +
           int64_t{hour} * 3600 + int64_t{minute} * 60 + second;
  }
  return absl::ToUnixSeconds(absl::FromCivil(
      absl::CivilSecond(year, month, day, hour, minute, second), zone));
}

int64_t CivilYearAt(int64_t unix_ms, const absl::TimeZone& zone) {
  if (!IsUtc(zone)) {
    return absl::ToCivilYear(absl::FromUnixMillis(unix_ms), zone).year();
  }
  // Floor division to days, then the year of that day (the inverse of
  // DaysFromCivil, reduced to the year).
  int64_t days = unix_ms / 86400000;
  if (unix_ms % 86400000 < 0) --days;
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}

size_t FindClosingQuote(absl::string_view text, size_t from) {
  size_t p = from;
  while (true) {
    p = FindFirstOf<'"', '\\'>(text, p);
    if (p >= text.size()) return absl::string_view::npos;
    if (text[p] == '"') return p;
    p += 2;  // a backslash and the character it escapes
  }
}

size_t FindSdElementEnd(absl::string_view text, size_t open) {
  size_t p = open + 1;
  while (true) {
    p = FindFirstOf<']', '"'>(text, p);
    if (p >= text.size()) return absl::string_view::npos;
    if (text[p] == ']') return p;
    const size_t close = FindClosingQuote(text, p + 1);
    if (close == absl::string_view::npos) return close;
    p = close + 1;
  }
}

bool KeyValueScanner::Next(absl::string_view* key, absl::string_view* value) {
  if (malformed_) return false;
  while (pos_ < text_.size() &&
         (text_[pos_] == ' ' || text_[pos_] == ',' || text_[pos_] == '\t')) {
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  size_t start = pos_;
  pos_ = FindFirstOf<'=', ' ', ','>(text_, pos_);
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
    pos_ = FindFirstOf<' ', ','>(text_, pos_);
    *value = text_.substr(vstart, pos_ - vstart);
  }
  last_ = start;
  return true;
}

bool ReadDecimal(absl::string_view text, size_t* pos, size_t min_digits,
                 size_t max_digits, int* value) {
  const size_t start = *pos;
  int v = 0;
  while (*pos < text.size() && text[*pos] >= '0' && text[*pos] <= '9' &&
         *pos - start < max_digits) {
    v = v * 10 + (text[*pos] - '0');
    ++*pos;
  }
  if (*pos - start < min_digits) return false;
  *value = v;
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
