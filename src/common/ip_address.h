// IP addresses as the event model stores them: 4 (IPv4) or 16 (IPv6) bytes
// in network order. Parsing works on string_views over consumed payloads
// without allocating; formatting writes into a caller's buffer.
#ifndef NETSTREAMS_SRC_COMMON_IP_ADDRESS_H_
#define NETSTREAMS_SRC_COMMON_IP_ADDRESS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace netstreams {

// Room for the longest text form of an IPv6 address plus NUL.
inline constexpr size_t kIpTextMax = 46;

// Binary form of one address; `size` is 4 or 16.
struct IpBytes {
  uint8_t bytes[16];
  uint8_t size = 0;
  absl::string_view view() const {
    return absl::string_view(reinterpret_cast<const char*>(bytes), size);
  }
};

// Dotted-quad IPv4 ("100.64.0.1"): exactly four decimal parts 0..255,
// no leading zeros beyond a single "0" part.
bool ParseIpv4(absl::string_view text, IpBytes* out);
// RFC 4291 text forms (with "::" and an embedded IPv4 tail).
bool ParseIpv6(absl::string_view text, IpBytes* out);
// Either of the above.
bool ParseIp(absl::string_view text, IpBytes* out);

// Text form of 4 or 16 bytes; returns the length written into buf (which
// must hold kIpTextMax), or 0 if `bytes` is not 4 or 16 long.
size_t FormatIp(absl::string_view bytes, char* buf);
// Convenience for non-hot paths; "" for invalid input.
std::string IpToString(absl::string_view bytes);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_COMMON_IP_ADDRESS_H_
