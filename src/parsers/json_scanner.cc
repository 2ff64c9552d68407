#include "src/parsers/json_scanner.h"

#include <cstdint>
#include <cstring>

#include "absl/base/attributes.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace netstreams {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

#if defined(__SSE2__)
// The bytes among the 16 at `p` that end a plain run inside a string:
// '"', '\\' or a control character (< 0x20), one bit per byte.
uint64_t StringSpecials16(const char* p) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i quote = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'));
  // Unsigned byte <= 0x1f: max(byte, 0x1f) is 0x1f.
  const __m128i control = _mm_cmpeq_epi8(
      _mm_max_epu8(bytes, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f));
  return static_cast<uint16_t>(
      _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)));
}
#else
// The bytes among the 8 at `p` that end a plain run inside a string:
// '"', '\\' or a control character (< 0x20), as the high bit of each
// such byte. Word-at-a-time tests (the classic "has a zero byte" / "has a
// byte less than n" tricks): a byte above a flagged one may be flagged
// too, but the lowest flag is always exact, and only it is used.
uint64_t StringSpecials(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  uint64_t w;
  std::memcpy(&w, p, sizeof(w));
  auto zero_bytes = [](uint64_t x) { return (x - kOnes) & ~x & kHighBits; };
  const uint64_t quote = zero_bytes(w ^ (kOnes * '"'));
  const uint64_t backslash = zero_bytes(w ^ (kOnes * '\\'));
  const uint64_t control = (w - kOnes * 0x20) & ~w & kHighBits;
  return quote | backslash | control;
}
#endif

// A position in the text and, after a failure, what went wrong where.
struct Cursor {
  absl::string_view text;
  size_t pos = 0;
  const char* error = "";
  size_t error_at = 0;

  bool Fail(const char* what, size_t at) {
    error = what;
    error_at = at;
    return false;
  }
  void SkipSpace() {
    while (pos < text.size() && IsSpace(text[pos])) ++pos;
  }
  bool AtEnd() const { return pos >= text.size(); }
  char Peek() const { return text[pos]; }
};

// At the opening quote; leaves pos after the closing one.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool ScanString(Cursor* c, bool* escaped) {
  const size_t start = c->pos;
  const absl::string_view t = c->text;
  size_t p = start + 1;
  bool esc = false;
  while (p < t.size()) {
#if defined(__SSE2__)
    // Plain runs (most of a string) are skipped sixteen bytes at a time,
    // straight to the first byte that needs a look: most keys and values
    // of a pmacct record end within the first sixteen.
    if (t.size() - p >= 16) {
      const uint64_t specials = StringSpecials16(t.data() + p);
      if (specials == 0) {
        p += 16;
        continue;
      }
      p += static_cast<size_t>(__builtin_ctzll(specials));
    }
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    // Plain runs (most of a string) are skipped eight bytes at a time,
    // straight to the first byte that needs a look (little-endian: the
    // lowest flag is the first byte).
    if (t.size() - p >= 8) {
      const uint64_t specials = StringSpecials(t.data() + p);
      if (specials == 0) {
        p += 8;
        continue;
      }
      p += static_cast<size_t>(__builtin_ctzll(specials)) / 8;
    }
#endif
    const unsigned char ch = static_cast<unsigned char>(t[p]);
    if (ch == '"') {
      c->pos = p + 1;
      *escaped = esc;
      return true;
    }
    if (ch < 0x20) return c->Fail("json: control character in string", p);
    if (ch == '\\') {
      esc = true;
      if (p + 1 >= t.size()) break;
      switch (t[p + 1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          p += 2;
          continue;
        case 'u':
          if (p + 5 >= t.size() || HexValue(t[p + 2]) < 0 ||
              HexValue(t[p + 3]) < 0 || HexValue(t[p + 4]) < 0 ||
              HexValue(t[p + 5]) < 0) {
            return c->Fail("json: invalid \\u escape", p);
          }
          p += 6;
          continue;
        default:
          return c->Fail("json: invalid escape in string", p);
      }
    }
    ++p;
  }
  return c->Fail("json: unterminated string", start);
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool ScanNumber(Cursor* c) {
  const absl::string_view t = c->text;
  const size_t start = c->pos;
  size_t p = start;
  if (p < t.size() && t[p] == '-') ++p;
  if (p >= t.size() || !IsDigit(t[p])) {
    return c->Fail("json: invalid number", start);
  }
  if (t[p] == '0') {
    ++p;
  } else {
    while (p < t.size() && IsDigit(t[p])) ++p;
  }
  if (p < t.size() && t[p] == '.') {
    ++p;
    if (p >= t.size() || !IsDigit(t[p])) {
      return c->Fail("json: invalid number", start);
    }
    while (p < t.size() && IsDigit(t[p])) ++p;
  }
  if (p < t.size() && (t[p] == 'e' || t[p] == 'E')) {
    ++p;
    if (p < t.size() && (t[p] == '+' || t[p] == '-')) ++p;
    if (p >= t.size() || !IsDigit(t[p])) {
      return c->Fail("json: invalid number", start);
    }
    while (p < t.size() && IsDigit(t[p])) ++p;
  }
  // "01", "1.2.3", "12ab": the literal runs on.
  if (p < t.size() &&
      (IsDigit(t[p]) || t[p] == '.' || (t[p] >= 'a' && t[p] <= 'z') ||
       (t[p] >= 'A' && t[p] <= 'Z'))) {
    return c->Fail("json: invalid number", start);
  }
  c->pos = p;
  return true;
}

bool ScanLiteral(Cursor* c, absl::string_view literal) {
  const absl::string_view t = c->text;
  if (t.substr(c->pos, literal.size()) != literal) {
    return c->Fail("json: invalid literal", c->pos);
  }
  size_t end = c->pos + literal.size();
  if (end < t.size() && ((t[end] >= 'a' && t[end] <= 'z') ||
                         (t[end] >= 'A' && t[end] <= 'Z') || IsDigit(t[end]))) {
    return c->Fail("json: invalid literal", c->pos);
  }
  c->pos = end;
  return true;
}

// A string, number or literal at the cursor.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool ScanScalar(Cursor* c, JsonValue* v) {
  const size_t start = c->pos;
  v->offset = start;
  v->escaped = false;
  switch (c->Peek()) {
    case '"':
      if (!ScanString(c, &v->escaped)) return false;
      v->kind = JsonKind::kString;
      v->raw = c->text.substr(start + 1, c->pos - start - 2);
      return true;
    case 't':
      v->kind = JsonKind::kTrue;
      if (!ScanLiteral(c, "true")) return false;
      break;
    case 'f':
      v->kind = JsonKind::kFalse;
      if (!ScanLiteral(c, "false")) return false;
      break;
    case 'n':
      v->kind = JsonKind::kNull;
      if (!ScanLiteral(c, "null")) return false;
      break;
    default:
      if (c->Peek() != '-' && !IsDigit(c->Peek())) {
        return c->Fail("json: expected a value", start);
      }
      v->kind = JsonKind::kNumber;
      if (!ScanNumber(c)) return false;
      break;
  }
  v->raw = c->text.substr(start, c->pos - start);
  return true;
}

// At '{' or '['; validates the whole value without recursion and leaves
// the cursor after its closing bracket. `max_depth` counts this container.
bool SkipContainer(Cursor* c, int max_depth) {
  enum class Expect { kValueOrClose, kKeyOrClose, kValue, kKey, kCommaOrClose };
  const size_t start = c->pos;
  uint64_t objects = 0;  // bit d set: the container at depth d is an object
  int depth = 0;
  Expect expect = Expect::kValue;
  while (true) {
    c->SkipSpace();
    if (c->AtEnd()) return c->Fail("json: unterminated array or object", start);
    const char ch = c->Peek();
    bool close = false;
    switch (expect) {
      case Expect::kKeyOrClose:
        if (ch == '}') {
          close = true;
          break;
        }
        [[fallthrough]];
      case Expect::kKey: {
        if (ch != '"') return c->Fail("json: expected a string key", c->pos);
        bool escaped;
        if (!ScanString(c, &escaped)) return false;
        c->SkipSpace();
        if (c->AtEnd() || c->Peek() != ':') {
          return c->Fail("json: expected ':' after key", c->pos);
        }
        ++c->pos;
        expect = Expect::kValue;
        break;
      }
      case Expect::kValueOrClose:
        if (ch == ']') {
          close = true;
          break;
        }
        [[fallthrough]];
      case Expect::kValue:
        if (ch == '{' || ch == '[') {
          if (depth >= max_depth || depth >= 63) {
            return c->Fail("json: nesting too deep", c->pos);
          }
          if (ch == '{') objects |= uint64_t{1} << depth;
          ++depth;
          ++c->pos;
          expect = ch == '{' ? Expect::kKeyOrClose : Expect::kValueOrClose;
        } else {
          JsonValue ignored;
          if (!ScanScalar(c, &ignored)) return false;
          expect = Expect::kCommaOrClose;
        }
        break;
      case Expect::kCommaOrClose: {
        const bool in_object = (objects >> (depth - 1)) & 1;
        if (ch == ',') {
          ++c->pos;
          expect = in_object ? Expect::kKey : Expect::kValue;
        } else if ((ch == '}' && in_object) || (ch == ']' && !in_object)) {
          close = true;
        } else {
          return c->Fail(in_object ? "json: expected ',' or '}'"
                                   : "json: expected ',' or ']'",
                         c->pos);
        }
        break;
      }
    }
    if (close) {
      ++c->pos;
      --depth;
      objects &= ~(uint64_t{1} << depth);
      if (depth == 0) return true;
      expect = Expect::kCommaOrClose;
    }
  }
}

// Any value at the cursor (after white space).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool ScanValue(Cursor* c, int max_depth,
                                                   JsonValue* v) {
  c->SkipSpace();
  if (c->AtEnd()) return c->Fail("json: expected a value", c->pos);
  const char ch = c->Peek();
  if (ch == '{' || ch == '[') {
    const size_t start = c->pos;
    if (!SkipContainer(c, max_depth)) return false;
    v->kind = ch == '{' ? JsonKind::kObject : JsonKind::kArray;
    v->raw = c->text.substr(start, c->pos - start);
    v->escaped = false;
    v->offset = start;
    return true;
  }
  return ScanScalar(c, v);
}

// Decodes a string view one byte at a time.
class Unescaper {
 public:
  explicit Unescaper(absl::string_view raw) : raw_(raw) {}

  // 1: a byte in *out; 0: the end; -1: a malformed escape.
  int Next(char* out) {
    if (pending_pos_ < pending_len_) {
      *out = pending_[pending_pos_++];
      return 1;
    }
    if (pos_ >= raw_.size()) return 0;
    char ch = raw_[pos_];
    if (ch != '\\') {
      ++pos_;
      *out = ch;
      return 1;
    }
    if (pos_ + 1 >= raw_.size()) return -1;
    char e = raw_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        *out = e;
        return 1;
      case 'b':
        *out = '\b';
        return 1;
      case 'f':
        *out = '\f';
        return 1;
      case 'n':
        *out = '\n';
        return 1;
      case 'r':
        *out = '\r';
        return 1;
      case 't':
        *out = '\t';
        return 1;
      case 'u':
        break;
      default:
        return -1;
    }
    int cp = Hex4(pos_);
    if (cp < 0) return -1;
    pos_ += 4;
    uint32_t code = static_cast<uint32_t>(cp);
    if (code >= 0xD800 && code <= 0xDBFF) {
      int low = -1;
      if (pos_ + 6 <= raw_.size() && raw_[pos_] == '\\' &&
          raw_[pos_ + 1] == 'u') {
        low = Hex4(pos_ + 2);
      }
      if (low >= 0xDC00 && low <= 0xDFFF) {
        pos_ += 6;
        code = 0x10000 + ((code - 0xD800) << 10) +
               (static_cast<uint32_t>(low) - 0xDC00);
      } else {
        code = 0xFFFD;  // a lone high surrogate
      }
    } else if (code >= 0xDC00 && code <= 0xDFFF) {
      code = 0xFFFD;  // a lone low surrogate
    }
    Encode(code);
    *out = pending_[pending_pos_++];
    return 1;
  }

 private:
  int Hex4(size_t at) const {
    if (at + 4 > raw_.size()) return -1;
    int v = 0;
    for (size_t i = at; i < at + 4; ++i) {
      int h = HexValue(raw_[i]);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    return v;
  }
  void Encode(uint32_t code) {
    pending_pos_ = 0;
    if (code < 0x80) {
      pending_[0] = static_cast<char>(code);
      pending_len_ = 1;
    } else if (code < 0x800) {
      pending_[0] = static_cast<char>(0xC0 | (code >> 6));
      pending_[1] = static_cast<char>(0x80 | (code & 0x3F));
      pending_len_ = 2;
    } else if (code < 0x10000) {
      pending_[0] = static_cast<char>(0xE0 | (code >> 12));
      pending_[1] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      pending_[2] = static_cast<char>(0x80 | (code & 0x3F));
      pending_len_ = 3;
    } else {
      pending_[0] = static_cast<char>(0xF0 | (code >> 18));
      pending_[1] = static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      pending_[2] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      pending_[3] = static_cast<char>(0x80 | (code & 0x3F));
      pending_len_ = 4;
    }
  }

  absl::string_view raw_;
  size_t pos_ = 0;
  char pending_[4] = {0, 0, 0, 0};
  int pending_len_ = 0;
  int pending_pos_ = 0;
};

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

template <bool kIgnoreCase>
bool StringEquals(absl::string_view raw, bool escaped, absl::string_view text) {
  if (!escaped) {
    if (raw.size() != text.size()) return false;
    for (size_t i = 0; i < raw.size(); ++i) {
      char a = raw[i], b = text[i];
      if (kIgnoreCase) {
        a = AsciiLower(a);
        b = AsciiLower(b);
      }
      if (a != b) return false;
    }
    return true;
  }
  Unescaper u(raw);
  size_t i = 0;
  char ch;
  int r;
  while ((r = u.Next(&ch)) == 1) {
    if (i >= text.size()) return false;
    char b = text[i++];
    if (kIgnoreCase) {
      ch = AsciiLower(ch);
      b = AsciiLower(b);
    }
    if (ch != b) return false;
  }
  return r == 0 && i == text.size();
}

}  // namespace

bool JsonContainerScanner::Fail(const char* what, size_t at) {
  state_ = State::kFailed;
  error_ = what;
  error_at_ = at;
  return false;
}

bool JsonContainerScanner::Finish() {
  while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  if (pos_ < text_.size()) {
    return Fail(object_ ? "json: trailing characters after the object"
                        : "json: trailing characters after the array",
                pos_);
  }
  state_ = State::kDone;
  return false;
}

bool JsonContainerScanner::AtNextElement() {
  const char close = object_ ? '}' : ']';
  const char* const unterminated =
      object_ ? "json: unterminated object" : "json: unterminated array";
  Cursor c{text_, pos_};
  switch (state_) {
    case State::kDone:
    case State::kFailed:
      return false;
    case State::kStart:
      c.SkipSpace();
      if (c.AtEnd()) return Fail("json: empty input", c.pos);
      if (c.Peek() != (object_ ? '{' : '[')) {
        return Fail(object_ ? "json: expected '{'" : "json: expected '['",
                    c.pos);
      }
      ++c.pos;
      state_ = State::kFirst;
      [[fallthrough]];
    case State::kFirst:
      c.SkipSpace();
      if (c.AtEnd()) return Fail(unterminated, c.pos);
      if (c.Peek() == close) {
        pos_ = c.pos + 1;
        return Finish();
      }
      break;
    case State::kMore:
      c.SkipSpace();
      if (c.AtEnd()) return Fail(unterminated, c.pos);
      if (c.Peek() == close) {
        pos_ = c.pos + 1;
        return Finish();
      }
      if (c.Peek() != ',') {
        return Fail(
            object_ ? "json: expected ',' or '}'" : "json: expected ',' or ']'",
            c.pos);
      }
      ++c.pos;
      c.SkipSpace();
      if (c.AtEnd()) return Fail(unterminated, c.pos);
      break;
  }
  pos_ = c.pos;
  return true;
}

bool JsonObjectScanner::Next(JsonMember* member) {
  if (!AtNextElement()) return false;
  Cursor c{text_, pos_};
  if (c.Peek() != '"') return Fail("json: expected a string key", c.pos);
  const size_t key_start = c.pos;
  bool key_escaped;
  if (!ScanString(&c, &key_escaped)) return Fail(c.error, c.error_at);
  member->key = text_.substr(key_start + 1, c.pos - key_start - 2);
  member->key_escaped = key_escaped;
  member->offset = base_ + key_start;
  c.SkipSpace();
  if (c.AtEnd() || c.Peek() != ':') {
    return Fail("json: expected ':' after key", c.pos);
  }
  ++c.pos;
  if (!ScanValue(&c, kJsonMaxDepth - 1, &member->value)) {
    return Fail(c.error, c.error_at);
  }
  member->value.offset += base_;
  ElementRead(c.pos);
  return true;
}

bool JsonArrayScanner::Next(JsonValue* value) {
  if (!AtNextElement()) return false;
  Cursor c{text_, pos_};
  if (!ScanValue(&c, kJsonMaxDepth - 1, value)) {
    return Fail(c.error, c.error_at);
  }
  value->offset += base_;
  ElementRead(c.pos);
  return true;
}

bool JsonStringEquals(absl::string_view raw, bool escaped,
                      absl::string_view text) {
  return StringEquals<false>(raw, escaped, text);
}

bool JsonStringEqualsIgnoreCase(absl::string_view raw, bool escaped,
                                absl::string_view text) {
  return StringEquals<true>(raw, escaped, text);
}

bool JsonUnescape(absl::string_view raw, std::string* out) {
  out->clear();
  out->reserve(raw.size());
  Unescaper u(raw);
  char ch;
  int r;
  while ((r = u.Next(&ch)) == 1) out->push_back(ch);
  return r == 0;
}

bool JsonUnescapeTo(absl::string_view raw, char* buffer, size_t capacity,
                    size_t* length) {
  Unescaper u(raw);
  size_t n = 0;
  char ch;
  int r;
  while ((r = u.Next(&ch)) == 1) {
    if (n >= capacity) return false;
    buffer[n++] = ch;
  }
  *length = n;
  return r == 0;
}

bool JsonScalarText(const JsonValue& value, char* buffer, size_t capacity,
                    absl::string_view* text) {
  if (value.kind == JsonKind::kNumber ||
      (value.kind == JsonKind::kString && !value.escaped)) {
    *text = value.raw;
    return true;
  }
  if (value.kind != JsonKind::kString) return false;
  size_t n;
  if (!JsonUnescapeTo(value.raw, buffer, capacity, &n)) return false;
  *text = absl::string_view(buffer, n);
  return true;
}

}  // namespace netstreams
