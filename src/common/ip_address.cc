#include "src/common/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace netstreams {

bool ParseIpv4(absl::string_view text, IpBytes* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    const char* start = p;
    unsigned value = 0;
    while (p != end && *p >= '0' && *p <= '9' && p - start < 3) {
      value = value * 10 + static_cast<unsigned>(*p - '0');
      ++p;
    }
    size_t digits = static_cast<size_t>(p - start);
    if (digits == 0 || value > 255 || (digits > 1 && *start == '0')) {
      return false;
    }
    out->bytes[part] = static_cast<uint8_t>(value);
  }
  if (p != end) return false;
  out->size = 4;
  return true;
}

bool ParseIpv6(absl::string_view text, IpBytes* out) {
  if (text.size() < 2 || text.size() >= kIpTextMax) return false;
  char buf[kIpTextMax];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (inet_pton(AF_INET6, buf, out->bytes) != 1) return false;
  out->size = 16;
  return true;
}

bool ParseIp(absl::string_view text, IpBytes* out) {
  // IPv4 first: it is the common case, and it fails at once on IPv6 text
  // (a ':' where a '.' or digit belongs), which saves searching every
  // address for a ':' up front. Text without a ':' is never IPv6.
  if (ParseIpv4(text, out)) return true;
  if (text.find(':') != absl::string_view::npos) return ParseIpv6(text, out);
  return false;
}

size_t FormatIp(absl::string_view bytes, char* buf) {
  if (bytes.size() == 4) {
    // glibc's inet_ntop formats IPv4 with sprintf; this is on the sink's
    // per-record key path, so write the digits directly.
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
      unsigned v = static_cast<unsigned char>(bytes[i]);
      if (i > 0) *p++ = '.';
      if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
      if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
      *p++ = static_cast<char>('0' + v % 10);
    }
    *p = '\0';
    return static_cast<size_t>(p - buf);
  }
  if (bytes.size() != 16) {
    buf[0] = '\0';
    return 0;
  }
  if (inet_ntop(AF_INET6, bytes.data(), buf, kIpTextMax) == nullptr) {
    buf[0] = '\0';
    return 0;
  }
  return std::strlen(buf);
}

std::string IpToString(absl::string_view bytes) {
  char buf[kIpTextMax];
  size_t n = FormatIp(bytes, buf);
  return std::string(buf, n);
}

}  // namespace netstreams
