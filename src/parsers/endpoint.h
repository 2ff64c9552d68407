// "ip", "ip:port", "ip:port-port", "[v6]", "[v6]:port" tokens, as NAT logs
// write endpoints. Views only; no allocation.
#ifndef NETSTREAMS_SRC_PARSERS_ENDPOINT_H_
#define NETSTREAMS_SRC_PARSERS_ENDPOINT_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "src/common/ip_address.h"

namespace netstreams {

struct Endpoint {
  IpBytes ip;
  bool has_port = false;
  uint32_t port = 0;
  bool has_range = false;  // "port-port"
  uint32_t port_end = 0;
};

enum class EndpointStatus { kOk, kBadAddress, kBadPort };

EndpointStatus ParseEndpoint(absl::string_view token, Endpoint* out);

// Decimal 0..max with no sign and at most 10 digits; false otherwise.
bool ParseBoundedUint(absl::string_view text, uint32_t max, uint32_t* out);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_ENDPOINT_H_
