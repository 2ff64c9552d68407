// The invariants every NatEvent a parser returns must hold, whatever the
// input format: addresses of 4 or 16 bytes (or none), ports and port
// block bounds within 0..65535, an IANA protocol number, and an action.
// The fuzz targets call it on each event they get; a violation aborts,
// which is how libFuzzer (and the corpus replay tests) see a failure.
// Stateless; safe from any thread.
#ifndef NETSTREAMS_TESTS_FUZZ_EVENT_INVARIANTS_H_
#define NETSTREAMS_TESTS_FUZZ_EVENT_INVARIANTS_H_

#include <cstdlib>
#include <string>

#include "cgnat/v1/nat_event.pb.h"

namespace netstreams {
namespace fuzz {

inline bool IsIpOrEmpty(const std::string& ip) {
  return ip.empty() || ip.size() == 4 || ip.size() == 16;
}

inline void CheckEventInvariants(const cgnat::v1::NatEvent& e) {
  if (!IsIpOrEmpty(e.inside_ip()) || !IsIpOrEmpty(e.outside_ip()) ||
      !IsIpOrEmpty(e.destination_ip()) || e.inside_port() > 65535 ||
      e.outside_port() > 65535 || e.destination_port() > 65535 ||
      e.port_block_start() > 65535 || e.port_block_end() > 65535 ||
      e.protocol() > 255 || e.action() == cgnat::v1::ACTION_UNSPECIFIED) {
    std::abort();
  }
}

}  // namespace fuzz
}  // namespace netstreams

#endif  // NETSTREAMS_TESTS_FUZZ_EVENT_INVARIANTS_H_
