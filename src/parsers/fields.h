// Small field readers shared by the vendor parsers: protocol names,
// key="value" lists, epoch times, and copying addresses into events.
// Views only; nothing here allocates.
#ifndef NETSTREAMS_SRC_PARSERS_FIELDS_H_
#define NETSTREAMS_SRC_PARSERS_FIELDS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
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

// Index of the '"' closing a double-quoted string whose content starts at
// text[from] (a backslash escapes the character after it), or npos when
// the string is unterminated. Jumps from quote to quote with memchr
// rather than testing every byte: values are most of a key="value" list.
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

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_FIELDS_H_
