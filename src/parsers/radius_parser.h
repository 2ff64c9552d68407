// RADIUS accounting requests as FreeRADIUS writes them to Kafka in JSON:
// one object per request, attribute name -> value. Two readers:
//
//   ParseRadiusAccounting  a subscriber's access session (Start, Interim-
//                          Update, Stop, Accounting-On/Off) into
//                          cgnat.v1.RadiusAccounting, the subscriber side
//                          of NAT attribution;
//   ParseRadiusNatEvent    an NFWare vCGNAT NAT record (its vendor
//                          attributes, sent as accounting) into a NatEvent.
//
// The accepted encodings, attribute by attribute, and the sources are
// documented at the top of radius_parser.cc. Like the vendor parsers
// (vendor.h) both work on views, reject rather than half-fill, report
// "unrecognized" apart from "invalid_value", and leave event_time and
// source to the caller: the Event-Timestamp, when present, is returned in
// `body_time`.
#ifndef NETSTREAMS_SRC_PARSERS_RADIUS_PARSER_H_
#define NETSTREAMS_SRC_PARSERS_RADIUS_PARSER_H_

#include "absl/strings/string_view.h"
#include "cgnat/v1/nat_event.pb.h"
#include "cgnat/v1/radius_accounting.pb.h"
#include "src/parsers/parse_error.h"
#include "src/parsers/vendor.h"

namespace netstreams {

// Fills everything but event_time and source. Rejects NFWare vCGNAT NAT
// records ("unrecognized"): they belong to ParseRadiusNatEvent.
bool ParseRadiusAccounting(absl::string_view json,
                           cgnat::v1::RadiusAccounting* out,
                           BodyTime* body_time, ParseError* error);

// Fills action, mapping, vrf, protocol, endpoints, port block, direction
// and device (NAS-IP-Address, else NAS-IPv6-Address, else
// NAS-Identifier: NFWare's NAS-Identifier defaults to the same "vCGNAT" on
// every box, so the address names the exporter better).
bool ParseRadiusNatEvent(absl::string_view json, cgnat::v1::NatEvent* event,
                         BodyTime* body_time, ParseError* error);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_RADIUS_PARSER_H_
