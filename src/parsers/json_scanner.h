// A minimal, allocation-free reader of one flat JSON object (RFC 8259): the
// shape of a pmacct Kafka record or of a RADIUS accounting request encoded
// by FreeRADIUS. It walks the top-level members in order and hands out
// views of their keys and raw values; nothing is copied or decoded unless
// the caller asks.
//
//   JsonObjectScanner scanner(text);
//   JsonMember m;
//   while (scanner.Next(&m)) { ... m.key, m.value.kind, m.value.raw ... }
//   if (!scanner.done()) { scanner.error(), scanner.error_offset() }
//
// Strings are handed out as the bytes between their quotes, escapes left
// as written (`escaped` says whether there are any); JsonStringEquals
// compares such a view with plain text without decoding it, and
// JsonUnescape / JsonUnescapeTo decode it when the text itself is needed.
// Numbers are views of their literal text. Nested arrays and objects are
// validated and skipped without recursion (an explicit stack of at most
// kJsonMaxDepth levels); their view spans the brackets, so a nested object
// can be read with another JsonObjectScanner and an array with
// JsonArrayScanner.
//
// Strictness: the grammar of RFC 8259 is checked everywhere (string
// escapes, control characters in strings, number syntax, literals, commas
// and colons, nesting) and so is trailing text after the object; an error
// stops the scan with a static message and the byte offset where it was
// found. UTF-8 validity of string contents is not checked.
//
// Thread-safety: a scanner is a cursor over caller-owned text; use one per
// thread. The free functions are pure.
#ifndef NETSTREAMS_SRC_PARSERS_JSON_SCANNER_H_
#define NETSTREAMS_SRC_PARSERS_JSON_SCANNER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace netstreams {

// Deepest nesting a skipped value may have (the containers of the scanned
// object itself count from 1).
inline constexpr int kJsonMaxDepth = 64;

enum class JsonKind { kString, kNumber, kTrue, kFalse, kNull, kObject, kArray };

struct JsonValue {
  JsonKind kind = JsonKind::kNull;
  // kString: the bytes between the quotes, escapes undecoded.
  // kNumber, kTrue, kFalse, kNull: the literal.
  // kObject, kArray: the whole value from its opening to its closing
  // bracket.
  absl::string_view raw;
  // kString only: `raw` contains backslash escapes.
  bool escaped = false;
  // Byte offset of the value's first character (the opening quote of a
  // string) from the start of the scanned text plus the scanner's base.
  size_t offset = 0;
};

struct JsonMember {
  // Between the quotes, escapes undecoded.
  absl::string_view key;
  bool key_escaped = false;
  // Byte offset of the key's opening quote (plus the scanner's base).
  size_t offset = 0;
  JsonValue value;
};

// What the object and array scanners share: the text, the position, the
// error, and the walk over brackets and commas between elements.
class JsonContainerScanner {
 public:
  // True once the whole text has been read without error.
  bool done() const { return state_ == State::kDone; }
  // True after an error; error() and error_offset() say what and where.
  bool failed() const { return state_ == State::kFailed; }
  const char* error() const { return error_; }
  size_t error_offset() const { return base_ + error_at_; }

 protected:
  // `base_offset` is added to every reported offset, so that a scanner
  // over a nested value (a view into a larger text) reports positions in
  // the larger text. `open` is '{' or '['.
  JsonContainerScanner(absl::string_view text, size_t base_offset, char open)
      : text_(text), base_(base_offset), object_(open == '{') {}

  // Moves pos_ past the opening bracket, or the comma after the previous
  // element, and white space. True when the next element starts at pos_;
  // false at the closing bracket (then done(), or failed() on trailing
  // characters) and on an error.
  bool AtNextElement();
  // Called once an element has been read up to `end`.
  void ElementRead(size_t end) {
    pos_ = end;
    state_ = State::kMore;
  }
  bool Fail(const char* what, size_t at);

  absl::string_view text_;
  size_t base_;
  size_t pos_ = 0;

 private:
  enum class State { kStart, kFirst, kMore, kDone, kFailed };
  bool Finish();

  bool object_;
  State state_ = State::kStart;
  const char* error_ = "";
  size_t error_at_ = 0;
};

// Iterates the members of one JSON object. Leading and trailing white
// space around the object is allowed, anything else is an error.
class JsonObjectScanner : public JsonContainerScanner {
 public:
  explicit JsonObjectScanner(absl::string_view text, size_t base_offset = 0)
      : JsonContainerScanner(text, base_offset, '{') {}

  // The next member; false at the end of the object or on an error.
  bool Next(JsonMember* member);
};

// Iterates the elements of one JSON array (for example the raw view of an
// array member). Same conventions as JsonObjectScanner.
class JsonArrayScanner : public JsonContainerScanner {
 public:
  explicit JsonArrayScanner(absl::string_view text, size_t base_offset = 0)
      : JsonContainerScanner(text, base_offset, '[') {}

  bool Next(JsonValue* value);
};

// Whether the string view `raw` (as handed out above, escaped or not)
// decodes to exactly `text`. Compares while decoding; never allocates.
bool JsonStringEquals(absl::string_view raw, bool escaped,
                      absl::string_view text);
// Same, ignoring ASCII case (RADIUS attribute names).
bool JsonStringEqualsIgnoreCase(absl::string_view raw, bool escaped,
                                absl::string_view text);

// Decodes the escapes of a string view into `out` (replacing its
// contents; \uXXXX and surrogate pairs become UTF-8). False if an escape
// is malformed, which a scanner has already ruled out.
bool JsonUnescape(absl::string_view raw, std::string* out);
// Decodes into a caller's buffer of `capacity` bytes; false when the text
// does not fit or an escape is malformed. *length is the decoded size.
bool JsonUnescapeTo(absl::string_view raw, char* buffer, size_t capacity,
                    size_t* length);

// The text of a string or number value: the view itself when there is
// nothing to decode, else the string decoded into `buffer`. False for
// other kinds and for escaped strings that do not fit `capacity`.
bool JsonScalarText(const JsonValue& value, char* buffer, size_t capacity,
                    absl::string_view* text);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_JSON_SCANNER_H_
