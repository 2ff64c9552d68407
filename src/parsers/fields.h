// Small field readers shared by the vendor parsers: protocol names,
// key="value" lists, epoch and civil times, and copying addresses into
// events.
// Views only; nothing here allocates.
#ifndef NETSTREAMS_SRC_PARSERS_FIELDS_H_
#define NETSTREAMS_SRC_PARSERS_FIELDS_H_

#include <cstdint>
#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "src/common/ip_address.h"

namespace netstreams {

// IANA protocol number from a name ("TCP", "udp", "ICMP", "ICMPv6", "GRE",
// "SCTP", ... case-insensitive) or from decimal text 0..255; false for
// anything else.
bool ParseProtocol(absl::string_view text, uint32_t* number);

// Stores the 4 or 16 address bytes in a bytes field of an event.
inline void SetIp(const IpBytes& ip, std::string* field) {
  field->assign(reinterpret_cast<const char*>(ip.bytes), ip.size);
}

// Parses an address into an event field; false when `text` is not one.
inline bool SetIpText(absl::string_view text, std::string* field) {
  IpBytes ip;
  if (!ParseIp(text, &ip)) return false;
  SetIp(ip, field);
  return true;
}

// Seconds since the epoch of a civil time in `zone`, as
// absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(...), zone)) (out
// of range days, hours, minutes and seconds normalize forward). A UTC
// zone is computed arithmetically: the zone lookup is the costliest step
// of reading a timestamp, and most devices log in UTC.
int64_t CivilToUnixSeconds(int64_t year, int month, int day, int hour,
                           int minute, int second, const absl::TimeZone& zone);

// The civil year of an instant in `zone` (same UTC shortcut).
int64_t CivilYearAt(int64_t unix_ms, const absl::TimeZone& zone);

// Reads min_digits..max_digits decimal digits at text[*pos] into *value
// and advances *pos; false (with *pos moved past what was read) when
// fewer than min_digits are there.
bool ReadDecimal(absl::string_view text, size_t* pos, size_t min_digits,
                 size_t max_digits, int* value);

// Whether `s` is exactly `literal`. The length is a constant, so this
// compiles to a length test and a few loads rather than a memcmp call
// (what comparing two string_views costs): for key dispatch.
template <size_t N>
bool IsLiteral(absl::string_view s, const char (&literal)[N]) {
  return s.size() == N - 1 && std::memcmp(s.data(), literal, N - 1) == 0;
}

// Index of the first byte at or after `from` that is one of the given
// characters, or text.size() when there is none. Tests eight bytes per
// step (word-at-a-time compare, no library call), which is what makes
// scanning long key="value" lists cheap: the stops are a few per value.
template <char... kChars>
size_t FindFirstOf(absl::string_view text, size_t from);

// Bit i set when text[from + i] is one of kChars, for the 64 bytes from
// `from` (bytes past the end of `text` never match). Sixteen bytes per
// compare with SSE2 (every x86-64 has it), a byte loop elsewhere.
template <char... kChars>
uint64_t ByteSetMask64(absl::string_view text, size_t from);

// Finds the bytes of a fixed set in `text`, left to right, 64 bytes at a
// time: the set's bit mask of the 64 bytes from the last reload is kept,
// so that successive finds within those bytes cost a few bit operations
// each. Suited to walking a line's delimiters (quotes, '=', separators)
// where the stops are a few bytes apart and a fresh scan per stop would
// cost a setup and a branch miss each.
template <char... kChars>
class ByteSetFinder {
 public:
  explicit ByteSetFinder(absl::string_view text) : text_(text) {}
  // Index of the first byte at or after `from` that is in the set, or
  // text.size() when there is none. The common case, a stop within the
  // current 64 bytes, is inline; Reload() moves the window.
  size_t Next(size_t from) {
    const size_t offset = from - base_;  // wraps when from < base_
    if (offset < 64) {
      const uint64_t rest = mask_ >> offset;
      if (rest != 0) return from + static_cast<size_t>(__builtin_ctzll(rest));
    }
    return Reload(from);
  }

 private:
  size_t Reload(size_t from);

  absl::string_view text_;
  // The mask of text[base_, base_ + 64). Zero at first: every lookup then
  // goes to Reload(), which computes the window from where it is asked.
  size_t base_ = 0;
  uint64_t mask_ = 0;
};

// Index of the '"' closing a double-quoted string whose content starts at
// text[from] (a backslash escapes the character after it), or npos when
// the string is unterminated.
size_t FindClosingQuote(absl::string_view text, size_t from);

// Index of the ']' closing the RFC 5424 SD-ELEMENT opened at text[open]
// ('['), quotes and escapes honoured; npos when it is unterminated.
size_t FindSdElementEnd(absl::string_view text, size_t open);

// Reads `key=value` pairs separated by spaces and/or commas, where a
// value is either "double-quoted" (with \" and \\ escapes left as they
// are in the view) or runs to the next separator. Juniper structured
// data, F5's key=value templates and similar lists.
class KeyValueScanner {
 public:
  explicit KeyValueScanner(absl::string_view text) : text_(text) {}
  // False at the end, or when the text is not a key=value list (then
  // malformed() is true).
  bool Next(absl::string_view* key, absl::string_view* value);
  bool malformed() const { return malformed_; }
  // Byte offset within the text of the last pair returned.
  size_t offset() const { return last_; }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
  size_t last_ = 0;
  bool malformed_ = false;
};

// Unsigned decimal of at most 19 digits; false on anything else.
bool ParseUint64(absl::string_view text, uint64_t* out);
// Hexadecimal (no prefix, at most 16 digits); false on anything else.
bool ParseHex64(absl::string_view text, uint64_t* out);
// Epoch seconds with an optional fraction ("1677577561.000000") to ms.
bool ParseEpochSecondsFraction(absl::string_view text, int64_t* epoch_ms);

// Implementation details below.

namespace fields_internal {

constexpr uint64_t kOnes = 0x0101010101010101ULL;

// The high bit of every byte of `word` equal to `c`. Bytes above a match
// may be flagged too (a borrow), so only the lowest flag is exact, which
// is all a left-to-right search needs.
inline uint64_t BytesEqual(uint64_t word, char c) {
  const uint64_t x = word ^ (kOnes * static_cast<unsigned char>(c));
  return (x - kOnes) & ~x & (kOnes * 0x80);
}

}  // namespace fields_internal

namespace fields_internal {

// Bit i set when data[i] is one of kChars, for 16 bytes.
template <char... kChars>
inline uint64_t ByteSetMask16(const char* data) {
#if defined(__SSE2__)
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data));
  __m128i hits = _mm_setzero_si128();
  ((hits = _mm_or_si128(hits, _mm_cmpeq_epi8(bytes, _mm_set1_epi8(kChars)))),
   ...);
  return static_cast<uint16_t>(_mm_movemask_epi8(hits));
#else
  uint64_t mask = 0;
  for (int i = 0; i < 16; ++i) {
    if (((data[i] == kChars) || ...)) mask |= uint64_t{1} << i;
  }
  return mask;
#endif
}

template <char... kChars>
inline uint64_t ByteSetMask64(const char* data) {
  return ByteSetMask16<kChars...>(data) |
         ByteSetMask16<kChars...>(data + 16) << 16 |
         ByteSetMask16<kChars...>(data + 32) << 32 |
         ByteSetMask16<kChars...>(data + 48) << 48;
}

}  // namespace fields_internal

template <char... kChars>
inline uint64_t ByteSetMask64(absl::string_view text, size_t from) {
  if (from >= text.size()) return 0;
  const size_t available = text.size() - from;
  if (available >= 64) {
    return fields_internal::ByteSetMask64<kChars...>(text.data() + from);
  }
  if (text.size() >= 64) {
    // The last 64 bytes of the text, shifted down to start at `from`.
    return fields_internal::ByteSetMask64<kChars...>(text.data() + text.size() -
                                                     64) >>
           (64 - available);
  }
  char padded[64] = {};  // a short text, zero padded
  std::memcpy(padded, text.data() + from, available);
  return fields_internal::ByteSetMask64<kChars...>(padded) &
         ((uint64_t{1} << available) - 1);
}

template <char... kChars>
size_t ByteSetFinder<kChars...>::Reload(size_t from) {
  for (; from < text_.size(); from += 64) {
    base_ = from;
    mask_ = ByteSetMask64<kChars...>(text_, from);
    if (mask_ != 0) return from + static_cast<size_t>(__builtin_ctzll(mask_));
  }
  return text_.size();
}

template <char... kChars>
size_t FindFirstOf(absl::string_view text, size_t from) {
  const size_t n = text.size();
  if (from >= n) return n;
  const char* data = text.data();
  size_t p = from;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (p + 8 <= n) {
    uint64_t word;
    std::memcpy(&word, data + p, sizeof(word));
    const uint64_t hits = (fields_internal::BytesEqual(word, kChars) | ...);
    // Little-endian: the lowest set bit is in the first matching byte.
    if (hits != 0) return p + static_cast<size_t>(__builtin_ctzll(hits)) / 8;
    p += 8;
  }
#endif
  while (p < n && ((data[p] != kChars) && ...)) ++p;
  return p;
}

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_FIELDS_H_
