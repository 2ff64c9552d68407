#include "src/parsers/syslog_framing.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/base/attributes.h"

namespace netstreams {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (the classic
// era-based conversion; valid for all years we will ever see).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The UTC civil year of an instant (the inverse of DaysFromCivil,
// reduced to the year). Kept out of line: inlined into ParseBsdTime, GCC
// judged the block cold and emitted eight hardware divisions for what are
// multiplications when compiled for speed.
ABSL_ATTRIBUTE_NOINLINE int64_t UtcCivilYear(int64_t unix_ms) {
  int64_t days = unix_ms / 86400000;
  if (unix_ms % 86400000 < 0) --days;  // floor
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  return static_cast<int64_t>(yoe) + era * 400 + (mp >= 10 ? 1 : 0);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Index of the first byte at or after `from` that is one of kChars, or
// text.size(). Eight bytes per step (word-at-a-time compare, the classic
// "has a zero byte" trick: only the lowest flagged byte is exact, which
// is the one used), no library call: a Junos SD-ELEMENT is ~500 bytes and
// a per-byte loop over it cost more than the rest of the header. The
// vendor parsers have the same reader in fields.h, which this library
// does not depend on.
template <char... kChars>
size_t FirstOf(absl::string_view text, size_t from) {
  const size_t n = text.size();
  if (from >= n) return n;
  const char* data = text.data();
  size_t p = from;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  auto equal = [](uint64_t word, char c) {
    const uint64_t x = word ^ (kOnes * static_cast<unsigned char>(c));
    return (x - kOnes) & ~x & (kOnes * 0x80);
  };
  while (p + 8 <= n) {
    uint64_t word;
    std::memcpy(&word, data + p, sizeof(word));
    const uint64_t hits = (equal(word, kChars) | ...);
    if (hits != 0) return p + static_cast<size_t>(__builtin_ctzll(hits)) / 8;
    p += 8;
  }
#endif
  while (p < n && ((data[p] != kChars) && ...)) ++p;
  return p;
}

// Bit i set when data[i] == c, for 16 bytes; SSE2 (every x86-64 has it),
// a byte loop elsewhere. fields.h has the same for sets of bytes, which
// this library does not depend on.
uint64_t Mask16(const char* data, char c) {
#if defined(__SSE2__)
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data));
  return static_cast<uint16_t>(
      _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(c))));
#else
  uint64_t mask = 0;
  for (int i = 0; i < 16; ++i) {
    if (data[i] == c) mask |= uint64_t{1} << i;
  }
  return mask;
#endif
}

// Bit i set when data[i] == c, for 64 bytes.
uint64_t Mask64(const char* data, char c) {
  return Mask16(data, c) | Mask16(data + 16, c) << 16 |
         Mask16(data + 32, c) << 32 | Mask16(data + 48, c) << 48;
}

// Bit i is the XOR of bits 0..i: over a mask of quote characters, the
// bytes from an opening quote up to (not including) its closing quote.
uint64_t PrefixXor(uint64_t m) {
  m ^= m << 1;
  m ^= m << 2;
  m ^= m << 4;
  m ^= m << 8;
  m ^= m << 16;
  m ^= m << 32;
  return m;
}

// Index of the ']' closing the SD-ELEMENT opened at line[open], quotes
// and backslash escapes (inside PARAM-VALUEs) honoured; npos if it is
// unterminated. A Junos SD-ELEMENT is ~500 bytes with ~75 quotes, so
// stopping at every quote cost more than the rest of the header; instead
// 64 bytes at a time, the quoted bytes are computed from the quote mask
// (PrefixXor) and the first ']' outside them is the end. A block holding a
// backslash (rare: an escape inside a value) is walked byte by byte.
size_t SdElementEnd(absl::string_view line, size_t open) {
  bool in_quotes = false;
  for (size_t base = open + 1; base < line.size(); base += 64) {
    const size_t n = std::min<size_t>(64, line.size() - base);
    // The 64 bytes from `base`; at the end of the line, the last 64 bytes
    // (shifted down to start at `base`), or a zero-padded copy of a line
    // shorter than that.
    const char* data = line.data() + base;
    size_t shift = 0;
    char padded[64];
    if (n < 64) {
      if (line.size() >= 64) {
        shift = 64 - n;
        data = line.data() + line.size() - 64;
      } else {
        std::memset(padded, 0, sizeof(padded));
        std::memcpy(padded, data, n);
        data = padded;
      }
    }
    const uint64_t quotes = Mask64(data, '"') >> shift;
    const uint64_t brackets = Mask64(data, ']') >> shift;
    const uint64_t backslashes = Mask64(data, '\\') >> shift;
    if (backslashes == 0) {
      uint64_t quoted = PrefixXor(quotes);
      if (in_quotes) quoted = ~quoted;
      const uint64_t ends = brackets & ~quoted;
      if (ends != 0) {
        return base + static_cast<size_t>(__builtin_ctzll(ends));
      }
      in_quotes = (quoted >> 63) != 0;
      continue;
    }
    const char* bytes = line.data() + base;
    for (size_t i = 0; i < n; ++i) {
      const char c = bytes[i];
      if (in_quotes) {
        if (c == '\\') {
          ++i;  // the escaped character; it may be in the next block
          if (i == n) base += 1;
        } else if (c == '"') {
          in_quotes = false;
        }
      } else if (c == '"') {
        in_quotes = true;
      } else if (c == ']') {
        return base + i;
      }
    }
  }
  return absl::string_view::npos;
}

// Reads exactly `n` digits at text[*pos].
bool ReadDigits(absl::string_view text, size_t* pos, int n, int* value) {
  if (*pos + static_cast<size_t>(n) > text.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[*pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  *pos += static_cast<size_t>(n);
  return true;
}

bool ValidTime(int month, int day, int hour, int minute, int second) {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 &&
         minute <= 59 && second <= 60;
}

// Reads an optional ".fraction" and returns milliseconds.
int ReadFractionMs(absl::string_view text, size_t* pos) {
  if (*pos >= text.size() || text[*pos] != '.') return 0;
  ++*pos;
  int ms = 0;
  int digits = 0;
  while (*pos < text.size() && IsDigit(text[*pos])) {
    if (digits < 3) ms = ms * 10 + (text[*pos] - '0');
    ++digits;
    ++*pos;
  }
  if (digits == 0) return -1;
  for (int d = digits; d < 3; ++d) ms *= 10;
  return ms;
}

// Next space-delimited token; skips one separating space (BSD relays
// sometimes pad with more, which the caller tolerates via SkipSpaces).
absl::string_view NextToken(absl::string_view text, size_t* pos) {
  size_t start = *pos;
  size_t end = FirstOf<' '>(text, start);
  *pos = end;
  return text.substr(start, end - start);
}

void SkipSpaces(absl::string_view text, size_t* pos) {
  while (*pos < text.size() && text[*pos] == ' ') ++*pos;
}

// "<PRI>": returns chars consumed (0 if none).
size_t ParsePri(absl::string_view line, int* pri) {
  if (line.empty() || line[0] != '<') return 0;
  int v = 0;
  size_t i = 1;
  while (i < line.size() && i <= 4 && IsDigit(line[i])) {
    v = v * 10 + (line[i] - '0');
    ++i;
  }
  if (i == 1 || i >= line.size() || line[i] != '>' || v > 191) return 0;
  *pri = v;
  return i + 1;
}

// BSD timestamp "Mmm dd hh:mm:ss[.fff]" or "Mmm dd yyyy hh:mm:ss".
bool ParseBsdTime(absl::string_view text, size_t* pos,
                  const SyslogTimeContext& tc, int64_t* epoch_ms) {
  size_t p = *pos;
  int month = ParseMonthAbbrev(text.substr(p));
  if (month == 0 || p + 3 >= text.size() || text[p + 3] != ' ') return false;
  p += 4;
  if (p < text.size() && text[p] == ' ') ++p;  // "Jun  7"
  int day = 0;
  if (p < text.size() && IsDigit(text[p])) {
    day = text[p] - '0';
    ++p;
    if (p < text.size() && IsDigit(text[p])) {
      day = day * 10 + (text[p] - '0');
      ++p;
    }
  } else {
    return false;
  }
  if (p >= text.size() || text[p] != ' ') return false;
  ++p;
  int year = -1;
  if (p + 5 <= text.size() && IsDigit(text[p]) && IsDigit(text[p + 3]) &&
      text[p + 4] == ' ') {
    if (!ReadDigits(text, &p, 4, &year)) return false;
    ++p;
  }
  int hour, minute, second;
  if (!ReadDigits(text, &p, 2, &hour) || p >= text.size() || text[p++] != ':' ||
      !ReadDigits(text, &p, 2, &minute) || p >= text.size() ||
      text[p++] != ':' || !ReadDigits(text, &p, 2, &second)) {
    return false;
  }
  int ms = ReadFractionMs(text, &p);
  if (ms < 0 || !ValidTime(month, day, hour, minute, second)) return false;

  // The civil time read as if it were UTC. Exact for a UTC zone; for
  // other zones it is off by the zone's offset at that time (< 27 h), which
  // is all the year choice below needs. absl::FromCivil normalizes out of
  // range days ("Feb 31") and second 60 the same way this sum does.
  auto naive_epoch = [&](int y) -> int64_t {
    const int64_t days = DaysFromCivil(y, static_cast<unsigned>(month),
                                       static_cast<unsigned>(day));
    return (days * 86400 + hour * 3600 + minute * 60 + second) * 1000 + ms;
  };
  // Time zone lookups (cctz) are the costliest part of a BSD header, so a
  // UTC zone does without them and other zones make as few as they can.
  const bool utc = tc.zone == absl::UTCTimeZone();
  auto to_epoch = [&](int y) -> int64_t {
    if (utc) return naive_epoch(y);
    absl::Time t = absl::FromCivil(
        absl::CivilSecond(y, month, day, hour, minute, second), tc.zone);
    return absl::ToUnixMillis(t) + ms;
  };
  auto gap_to_reference = [&](int64_t t) {
    return t > tc.reference_ms ? t - tc.reference_ms : tc.reference_ms - t;
  };
  if (year >= 0) {
    *epoch_ms = to_epoch(year);
  } else {
    // The year closest to the reference: this handles a Dec 31 line that
    // arrives on Jan 1, and a Jan 1 line from a clock slightly ahead.
    int ref_year;
    if (utc) {
      ref_year = static_cast<int>(UtcCivilYear(tc.reference_ms));
    } else {
      absl::Time ref = absl::FromUnixMillis(tc.reference_ms);
      ref_year = static_cast<int>(absl::ToCivilYear(ref, tc.zone).year());
    }
    const int years[3] = {ref_year, ref_year - 1, ref_year + 1};
    // Candidates ranked by their zone-less times: when the closest is
    // closer than the runner-up by more than any two zone offsets, the
    // zone cannot change the choice and only the winner is converted.
    constexpr int64_t kOffsetMarginMs = 3LL * 86400 * 1000;
    int64_t naive_gaps[3];
    for (int i = 0; i < 3; ++i) {
      naive_gaps[i] = gap_to_reference(naive_epoch(years[i]));
    }
    int first = 0;
    for (int i = 1; i < 3; ++i) {
      if (naive_gaps[i] < naive_gaps[first]) first = i;
    }
    int64_t runner_up = INT64_MAX;
    for (int i = 0; i < 3; ++i) {
      if (i != first && naive_gaps[i] < runner_up) runner_up = naive_gaps[i];
    }
    if (utc || runner_up - naive_gaps[first] > kOffsetMarginMs) {
      *epoch_ms = to_epoch(years[first]);
    } else {
      // Too close to call without the zone: compare exact times, keeping
      // the reference year on ties.
      int64_t best = to_epoch(years[0]);
      int64_t best_gap = gap_to_reference(best);
      for (int i = 1; i < 3; ++i) {
        int64_t candidate = to_epoch(years[i]);
        int64_t gap = gap_to_reference(candidate);
        if (gap < best_gap) {
          best = candidate;
          best_gap = gap;
        }
      }
      *epoch_ms = best;
    }
  }
  *pos = p;
  return true;
}

bool LooksLikeIsoDate(absl::string_view text) {
  return text.size() >= 11 && IsDigit(text[0]) && IsDigit(text[1]) &&
         IsDigit(text[2]) && IsDigit(text[3]) && text[4] == '-' &&
         IsDigit(text[5]) && text[7] == '-';
}

// BSD layout after the timestamp: "HOSTNAME TAG[pid]: MSG", where the
// hostname may be missing ("TAG: MSG") and the tag may be missing.
void ParseBsdRest(absl::string_view line, size_t p, SyslogMessage* out) {
  SkipSpaces(line, &p);
  size_t save = p;
  absl::string_view first = NextToken(line, &p);
  if (!first.empty() && first.back() == ':') {
    // "RT_FLOW: ..." : a tag and no hostname.
    p = save;
  } else {
    out->hostname = first;
    SkipSpaces(line, &p);
  }
  // Tag: [A-Za-z0-9_./@-]+ optionally "[pid]", then ':' ("fp-cgnat-logd@main").
  size_t t = p;
  while (t < line.size()) {
    char c = line[t];
    bool tag_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    IsDigit(c) || c == '_' || c == '-' || c == '.' ||
                    c == '/' || c == '@';
    if (!tag_char) break;
    ++t;
  }
  size_t tag_end = t;
  absl::string_view pid;
  if (t < line.size() && line[t] == '[') {
    size_t close = line.find(']', t);
    if (close != absl::string_view::npos) {
      pid = line.substr(t + 1, close - t - 1);
      t = close + 1;
    }
  }
  if (tag_end > p && t < line.size() && line[t] == ':' &&
      (t + 1 == line.size() || line[t + 1] == ' ')) {
    out->app_name = line.substr(p, tag_end - p);
    out->procid = pid;
    p = t + 1;
    if (p < line.size()) ++p;
  }
  out->message = line.substr(p);
}

bool Parse5424(absl::string_view line, size_t p, SyslogMessage* out,
               ParseError* error) {
  // VERSION "1" SP
  if (p + 2 > line.size() || line[p] != '1' || line[p + 1] != ' ') {
    return error->Set("framing", "RFC 5424: expected version 1", p);
  }
  p += 2;
  // TIMESTAMP
  if (p < line.size() && line[p] == '-') {
    ++p;
  } else {
    int64_t ms;
    size_t n = ParseRfc3339(line.substr(p), &ms);
    if (n == 0) {
      return error->Set("framing", "RFC 5424: invalid TIMESTAMP", p);
    }
    out->has_time = true;
    out->time_ms = ms;
    p += n;
  }
  absl::string_view* fields[] = {&out->hostname, &out->app_name, &out->procid,
                                 &out->msgid};
  for (absl::string_view* f : fields) {
    if (p >= line.size() || line[p] != ' ') {
      return error->Set("framing", "RFC 5424: truncated header", p);
    }
    ++p;
    absl::string_view token = NextToken(line, &p);
    if (token.empty()) {
      return error->Set("framing", "RFC 5424: empty header field", p);
    }
    *f = token == "-" ? absl::string_view() : token;
  }
  if (p >= line.size() || line[p] != ' ') {
    return error->Set("framing", "RFC 5424: missing STRUCTURED-DATA", p);
  }
  ++p;
  size_t sd_start = p;
  if (p < line.size() && line[p] == '-') {
    ++p;
  } else {
    if (p >= line.size() || line[p] != '[') {
      return error->Set("framing", "RFC 5424: invalid STRUCTURED-DATA", p);
    }
    while (p < line.size() && line[p] == '[') {
      size_t close = SdElementEnd(line, p);
      if (close == absl::string_view::npos) {
        return error->Set("framing", "RFC 5424: unterminated SD-ELEMENT",
                          line.size());
      }
      p = close + 1;  // past ']'
    }
    out->structured_data = line.substr(sd_start, p - sd_start);
  }
  if (p < line.size()) {
    if (line[p] != ' ') {
      return error->Set("framing", "RFC 5424: expected space before MSG", p);
    }
    ++p;
    absl::string_view msg = line.substr(p);
    if (msg.size() >= 3 && static_cast<unsigned char>(msg[0]) == 0xEF &&
        static_cast<unsigned char>(msg[1]) == 0xBB &&
        static_cast<unsigned char>(msg[2]) == 0xBF) {
      msg.remove_prefix(3);
    }
    out->message = msg;
  }
  return true;
}

bool Parse3164(absl::string_view line, size_t p, const SyslogTimeContext& tc,
               SyslogMessage* out, ParseError* error) {
  int64_t ms;
  const size_t time_start = p;
  const bool iso = LooksLikeIsoDate(line.substr(p));
  if (iso) {
    size_t n = ParseRfc3339(line.substr(p), &ms);
    if (n == 0) return error->Set("framing", "invalid ISO 8601 timestamp", p);
    p += n;
  } else {
    // Cisco devices write "Mmm dd yyyy hh:mm:ss UTC: %ASA-..." (the zone
    // after the time, then no hostname): that time is UTC, whatever the
    // configured zone.
    size_t start = p;
    if (!ParseBsdTime(line, &p, tc, &ms)) {
      return error->Set("framing",
                        "RFC 3164: invalid TIMESTAMP (Mmm dd hh:mm:ss)", p);
    }
    absl::string_view after = line.substr(p);
    if (after.size() >= 5 &&
        (after.substr(0, 5) == " UTC:" || after.substr(0, 5) == " GMT:")) {
      SyslogTimeContext utc{absl::UTCTimeZone(), tc.reference_ms};
      p = start;
      ParseBsdTime(line, &p, utc, &ms);
      p += 5;
      out->has_time = true;
      out->time_ms = ms;
      while (p < line.size() && line[p] == ' ') ++p;
      out->message = line.substr(p);
      return true;
    }
  }
  if (p < line.size() && line[p] != ' ') {
    return error->Set("framing", "RFC 3164: expected space after TIMESTAMP", p);
  }
  out->has_time = true;
  out->time_ms = ms;
  ParseBsdRest(line, p, out);
  if (!iso && tc.device_zones != nullptr) {
    // The zone-less time was read in the default zone before the
    // HOSTNAME was known: read it again in that device's zone.
    const absl::TimeZone& zone = tc.ZoneOf(out->hostname);
    if (zone != tc.zone) {
      SyslogTimeContext device{zone, tc.reference_ms};
      size_t q = time_start;
      ParseBsdTime(line, &q, device, &out->time_ms);
    }
  }
  return true;
}

}  // namespace

size_t ParseRfc3339(absl::string_view text, int64_t* epoch_ms) {
  size_t p = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(text, &p, 4, &year) || p >= text.size() || text[p++] != '-' ||
      !ReadDigits(text, &p, 2, &month) || p >= text.size() ||
      text[p++] != '-' || !ReadDigits(text, &p, 2, &day) || p >= text.size() ||
      (text[p] != 'T' && text[p] != 't' && text[p] != ' ')) {
    return 0;
  }
  ++p;
  if (!ReadDigits(text, &p, 2, &hour) || p >= text.size() || text[p++] != ':' ||
      !ReadDigits(text, &p, 2, &minute) || p >= text.size() ||
      text[p++] != ':' || !ReadDigits(text, &p, 2, &second)) {
    return 0;
  }
  int ms = ReadFractionMs(text, &p);
  if (ms < 0 || !ValidTime(month, day, hour, minute, second)) return 0;
  int offset_minutes = 0;
  if (p < text.size() && (text[p] == 'Z' || text[p] == 'z')) {
    ++p;
  } else if (p < text.size() && (text[p] == '+' || text[p] == '-')) {
    int sign = text[p] == '-' ? -1 : 1;
    ++p;
    int oh, om;
    if (!ReadDigits(text, &p, 2, &oh)) return 0;
    if (p < text.size() && text[p] == ':') ++p;
    if (!ReadDigits(text, &p, 2, &om) || oh > 23 || om > 59) return 0;
    offset_minutes = sign * (oh * 60 + om);
  }
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month),
                               static_cast<unsigned>(day));
  int64_t seconds =
      days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  *epoch_ms = seconds * 1000 + ms;
  return p;
}

bool ParseSyslog(absl::string_view line, SyslogFraming framing,
                 const SyslogTimeContext& tc, SyslogMessage* out,
                 ParseError* error) {
  *out = SyslogMessage();
  if (framing == SyslogFraming::kNone) {
    out->message = line;
    return true;
  }
  int pri = -1;
  size_t p = ParsePri(line, &pri);
  out->pri = pri;
  switch (framing) {
    case SyslogFraming::kRfc5424:
      if (p == 0) return error->Set("framing", "RFC 5424: missing <PRI>", 0);
      return Parse5424(line, p, out, error);
    case SyslogFraming::kRfc3164:
      return Parse3164(line, p, tc, out, error);
    case SyslogFraming::kAuto:
    default:
      break;
  }
  if (p > 0 && p + 1 < line.size() && line[p] == '1' && line[p + 1] == ' ') {
    // "<PRI>1 " then a NILVALUE or an ISO date is RFC 5424, and a broken
    // one is a framing error. Devices that write "<PRI>1 " and then
    // something else (Huawei CGN: "<134>1 2020 Jan 17 11:05:55 host ...")
    // are not RFC 5424 at all: their line is the message, for a pattern.
    absl::string_view after = line.substr(p + 2);
    if ((!after.empty() && after[0] == '-') || LooksLikeIsoDate(after)) {
      return Parse5424(line, p, out, error);
    }
  }
  absl::string_view rest = line.substr(p);
  if (ParseMonthAbbrev(rest) != 0 || LooksLikeIsoDate(rest)) {
    ParseError ignored;
    SyslogMessage bsd;
    bsd.pri = pri;
    if (Parse3164(line, p, tc, &bsd, &ignored)) {
      *out = bsd;
      return true;
    }
  }
  // No recognizable header: the rest is the message.
  out->message = rest;
  return true;
}

size_t ParseBsdTimestamp(absl::string_view text,
                         const SyslogTimeContext& time_context,
                         int64_t* epoch_ms) {
  size_t pos = 0;
  if (!ParseBsdTime(text, &pos, time_context, epoch_ms)) return 0;
  return pos;
}

int ParseMonthAbbrev(absl::string_view text) {
  if (text.size() < 3) return 0;
  static const char kMonths[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  for (int m = 0; m < 12; ++m) {
    if (std::memcmp(text.data(), kMonths + 3 * m, 3) == 0) return m + 1;
  }
  return 0;
}

}  // namespace netstreams
