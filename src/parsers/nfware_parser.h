// NFWare vCGNAT NAT log messages (docs.nfware.com, "NAT > Logging >
// Message format"), the body of the syslog line:
//
//   address map  A VRF 0 INT 10.0.0.1 EXT 100.64.0.1
//   port map     A VRF 0 6 INT 10.0.0.1:57938 EXT 100.64.0.1:28475
//   session      A VRF 0 6 INT 10.0.0.1:57938 EXT 100.64.0.1:28475
//                  DST 185.165.123.206:443 DIR OUT
//   port block   A VRF 0 INT 10.0.0.1 EXT 100.64.0.1:1024-1535
//
// "A" creates, "D" deletes. The mapping kind follows from which parts are
// present. IPv6 endpoints with a port are written "[2001:db8::1]:443".
// Anything else (other actions, missing or extra parts, ports above
// 65535, protocols above 255, bad addresses) is rejected, never
// half-filled.
#ifndef NETSTREAMS_SRC_PARSERS_NFWARE_PARSER_H_
#define NETSTREAMS_SRC_PARSERS_NFWARE_PARSER_H_

#include "absl/strings/string_view.h"
#include "cgnat/v1/nat_event.pb.h"
#include "src/parsers/parse_error.h"

namespace netstreams {

// Fills action, mapping, vrf, protocol, the endpoints, the port block and
// direction of `event`; event_time, device and vendor are the caller's.
// On failure `event` may be partly written and must be discarded.
bool ParseNfware(absl::string_view message, cgnat::v1::NatEvent* event,
                 ParseError* error);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_NFWARE_PARSER_H_
