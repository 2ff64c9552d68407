#include "src/parsers/endpoint.h"

namespace netstreams {

bool ParseBoundedUint(absl::string_view text, uint32_t max, uint32_t* out) {
  if (text.empty() || text.size() > 10) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

namespace {

EndpointStatus ParsePorts(absl::string_view text, Endpoint* out) {
  size_t dash = text.find('-');
  absl::string_view first =
      dash == absl::string_view::npos ? text : text.substr(0, dash);
  if (!ParseBoundedUint(first, 65535, &out->port)) {
    return EndpointStatus::kBadPort;
  }
  out->has_port = true;
  if (dash != absl::string_view::npos) {
    if (!ParseBoundedUint(text.substr(dash + 1), 65535, &out->port_end) ||
        out->port_end < out->port) {
      return EndpointStatus::kBadPort;
    }
    out->has_range = true;
  }
  return EndpointStatus::kOk;
}

}  // namespace

EndpointStatus ParseEndpoint(absl::string_view token, Endpoint* out) {
  *out = Endpoint();
  if (!token.empty() && token[0] == '[') {
    size_t close = token.find(']');
    if (close == absl::string_view::npos ||
        !ParseIpv6(token.substr(1, close - 1), &out->ip)) {
      return EndpointStatus::kBadAddress;
    }
    absl::string_view rest = token.substr(close + 1);
    if (rest.empty()) return EndpointStatus::kOk;
    if (rest[0] != ':') return EndpointStatus::kBadAddress;
    return ParsePorts(rest.substr(1), out);
  }
  size_t colon = token.find(':');
  if (colon == absl::string_view::npos) {
    return ParseIpv4(token, &out->ip) ? EndpointStatus::kOk
                                      : EndpointStatus::kBadAddress;
  }
  if (token.find(':', colon + 1) != absl::string_view::npos) {
    // Several colons and no brackets: a bare IPv6 address, no port.
    return ParseIpv6(token, &out->ip) ? EndpointStatus::kOk
                                      : EndpointStatus::kBadAddress;
  }
  if (!ParseIpv4(token.substr(0, colon), &out->ip)) {
    return EndpointStatus::kBadAddress;
  }
  return ParsePorts(token.substr(colon + 1), out);
}

}  // namespace netstreams
