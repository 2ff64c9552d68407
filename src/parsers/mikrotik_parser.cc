// MikroTik RouterOS firewall log lines that show a NAT translation.
//
// Sources:
//  - MikroTik, RouterOS manual "IP/Firewall/Filter" and "NAT"
//    (help.mikrotik.com/docs/display/ROS/NAT, wiki.mikrotik.com
//    Manual:IP/Firewall/NAT): action=log (or log=yes) writes "in-interface,
//    out-interface, src-mac, protocol, src-ip:port->dst-ip:port and length
//    of the packet", after the topics ("firewall,info") and the rule's
//    log-prefix; NAT matches the first packet of a connection and
//    connection tracking applies it to the rest.
//  - Public log samples (the shared samples file; a C# syslog relay's
//    MikroTik tests, code index id 56533346608) for the NAT clause:
//      ... proto TCP (ACK,FIN,PSH), 192.168.20.171:43996->47.241.18.42:443,
//        NAT (192.168.20.171:43996->125.25.69.110:43996)->47.241.18.42:443,
//        len 71
//      ... connection-state:established,snat src-mac 14:7b:ac:b3:3d:e6,
//        proto TCP (ACK,PSH), 52.123.135.5:443->10.10.12.32:50849,
//        NAT 52.123.135.5:443->(46.102.221.224:50849->10.10.12.32:50849),
//        len 79
//      ... proto ICMP (type 8, code 0), 10.10.12.30->157.240.214.35,
//        NAT (10.10.12.30->46.102.221.224)->157.240.214.35, len 76
//
// Grammar (everything before the last "proto " field is free text:
// topics, log prefix, chain, interfaces, src-mac; only
// "connection-state:STATE[,FLAG...]" is read from it):
//
//   "proto " PROTO [" (" FLAGS ")"] ", " EP "->" EP ", NAT " CLAUSE
//       [", len " N]
//   CLAUSE  "(" S1 "->" S2 ")->" D               source translated
//         | S "->(" D1 "->" D2 ")"               destination translated
//         | "(" S1 "->" S2 ")->(" D1 "->" D2 ")" both (hairpin)
//   EP      ip | ip:port | [v6] | [v6]:port       (ICMP has no ports)
//
//   source form       inside S1, outside S2, destination D (or D2)
//   destination form  inside D2, outside D1, destination S. This is both
//                     a port forward and the reply packet of a
//                     source-translated connection (the reply's
//                     destination is translated back).
//
// Direction: connection-state flags "dstnat" alone -> INBOUND, "snat"
// alone -> OUTBOUND; otherwise the source and hairpin forms are OUTBOUND
// and the destination form is left unspecified.
//
// Action: RouterOS logs packets, not mapping changes: each line only
// proves that the mapping is alive at that moment, so it is an UPDATE,
// except that a packet in connection-state "new" (the first of its
// connection) is a CREATE. There is never a DELETE. Lines without a NAT
// clause are "unrecognized". The mapping is always SESSION (ports are 0
// for ICMP). No time in the body: the syslog header's time is the event's.
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "src/common/ip_address.h"
#include "src/parsers/endpoint.h"
#include "src/parsers/fields.h"
#include "src/parsers/vendor.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;

// Position of the last "proto " that starts a field; npos when none.
size_t FindProto(absl::string_view m) {
  size_t pos = m.size();
  while (pos > 0) {
    pos = m.rfind("proto ", pos - 1);
    if (pos == absl::string_view::npos) return pos;
    if (pos == 0 || m[pos - 1] == ' ' || m[pos - 1] == ',') return pos;
  }
  return absl::string_view::npos;
}

struct ConnState {
  bool is_new = false;
  bool snat = false;
  bool dstnat = false;
};

// "connection-state:new,snat" in the free text before "proto ".
ConnState ReadConnectionState(absl::string_view head) {
  ConnState state;
  static constexpr absl::string_view kKey = "connection-state:";
  size_t at = head.find(kKey);
  if (at == absl::string_view::npos) return state;
  absl::string_view value = head.substr(at + kKey.size());
  value = value.substr(0, value.find(' '));
  while (!value.empty()) {
    size_t comma = value.find(',');
    absl::string_view item = value.substr(0, comma);
    if (item == "new") state.is_new = true;
    if (item == "snat" || item == "srcnat") state.snat = true;
    if (item == "dstnat") state.dstnat = true;
    if (comma == absl::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return state;
}

bool ParseSide(absl::string_view text, Endpoint* out) {
  return ParseEndpoint(text, out) == EndpointStatus::kOk && !out->has_range;
}

// "X->Y" into two endpoints.
bool ParsePair(absl::string_view text, Endpoint* from, Endpoint* to) {
  size_t arrow = text.find("->");
  if (arrow == absl::string_view::npos) return false;
  return ParseSide(text.substr(0, arrow), from) &&
         ParseSide(text.substr(arrow + 2), to);
}

}  // namespace

bool DetectMikrotik(const SyslogMessage& syslog) {
  absl::string_view m = syslog.message;
  return m.find(", NAT ") != absl::string_view::npos &&
         m.find("proto ") != absl::string_view::npos;
}

bool ParseMikrotik(const VendorInput& input, NatEvent* event,
                   BodyTime* body_time, ParseError* error) {
  absl::string_view m = input.syslog.message;
  while (!m.empty() &&
         (m.back() == '\n' || m.back() == '\r' || m.back() == ' ')) {
    m.remove_suffix(1);
  }
  size_t proto_at = FindProto(m);
  if (proto_at == absl::string_view::npos) {
    return error->Set("unrecognized", "mikrotik: no 'proto' field", 0);
  }
  ConnState state = ReadConnectionState(m.substr(0, proto_at));

  // Protocol name, then optional "(flags)" or "(type 8, code 0)".
  size_t p = proto_at + 6;
  size_t name_end = p;
  // RouterOS writes "TCP (SYN)": a '(' right after the name is another
  // vendor's shape ("proto 17(UDP)": Juniper), not a bad protocol.
  while (name_end < m.size() && m[name_end] != ' ' && m[name_end] != ',' &&
         m[name_end] != '(') {
    ++name_end;
  }
  uint32_t protocol;
  if (!ParseProtocol(m.substr(p, name_end - p), &protocol)) {
    return error->Set("invalid_value", "mikrotik: unknown protocol", p);
  }
  p = name_end;
  if (m.substr(p, 2) == " (") {
    size_t close = m.find(')', p);
    if (close == absl::string_view::npos) {
      return error->Set("unrecognized", "mikrotik: unterminated protocol flags",
                        p);
    }
    p = close + 1;
  }
  if (m.substr(p, 2) != ", ") {
    return error->Set("unrecognized", "mikrotik: expected ', ' after protocol",
                      p);
  }
  p += 2;

  // The packet's own addresses.
  size_t comma = m.find(',', p);
  absl::string_view packet =
      m.substr(p, comma == absl::string_view::npos ? m.npos : comma - p);
  Endpoint packet_src, packet_dst;
  if (packet.find("->") == absl::string_view::npos) {
    return error->Set("unrecognized", "mikrotik: expected src->dst", p);
  }
  if (!ParsePair(packet, &packet_src, &packet_dst)) {
    return error->Set("invalid_value", "mikrotik: invalid packet address", p);
  }
  if (comma == absl::string_view::npos || m.substr(comma, 6) != ", NAT ") {
    return error->Set("unrecognized", "mikrotik: no NAT translation",
                      comma == absl::string_view::npos ? m.size() : comma);
  }
  p = comma + 6;

  // The NAT clause runs to the next ", " (or the end).
  size_t clause_end = m.find(", ", p);
  absl::string_view clause = m.substr(
      p, clause_end == absl::string_view::npos ? m.npos : clause_end - p);
  const size_t clause_at = p;
  if (clause_end != absl::string_view::npos) {
    absl::string_view tail = m.substr(clause_end);
    uint32_t len;
    if (!absl::ConsumePrefix(&tail, ", len ") ||
        !ParseBoundedUint(tail, 0xFFFFFFFFu, &len)) {
      return error->Set("unrecognized",
                        "mikrotik: unexpected text after NAT clause",
                        clause_end);
    }
  }

  Endpoint inside, outside, destination;
  bool source_form;
  bool ok;
  if (absl::ConsumePrefix(&clause, "(")) {
    // "(S1->S2)->D" or "(S1->S2)->(D1->D2)".
    size_t close = clause.find(")->");
    if (close == absl::string_view::npos) {
      return error->Set("unrecognized", "mikrotik: malformed NAT clause",
                        clause_at);
    }
    absl::string_view dst = clause.substr(close + 3);
    Endpoint original_destination;
    ok = ParsePair(clause.substr(0, close), &inside, &outside);
    if (ok && absl::ConsumePrefix(&dst, "(")) {
      if (!absl::ConsumeSuffix(&dst, ")")) {
        return error->Set("unrecognized", "mikrotik: malformed NAT clause",
                          clause_at);
      }
      ok = ParsePair(dst, &original_destination, &destination);
    } else if (ok) {
      ok = ParseSide(dst, &destination);
    }
    source_form = true;
  } else {
    // "S->(D1->D2)".
    size_t open = clause.find("->(");
    if (open == absl::string_view::npos || clause.back() != ')') {
      return error->Set("unrecognized", "mikrotik: malformed NAT clause",
                        clause_at);
    }
    ok = ParseSide(clause.substr(0, open), &destination) &&
         ParsePair(clause.substr(open + 3, clause.size() - open - 4), &outside,
                   &inside);
    source_form = false;
  }
  if (!ok) {
    return error->Set("invalid_value", "mikrotik: invalid NAT address",
                      clause_at);
  }
  if (inside.has_port != outside.has_port ||
      inside.has_port != destination.has_port) {
    return error->Set("unrecognized",
                      "mikrotik: NAT endpoints disagree on ports", clause_at);
  }

  cgnat::v1::Direction direction;
  if (state.dstnat && !state.snat) {
    direction = cgnat::v1::INBOUND;
  } else if (state.snat && !state.dstnat) {
    direction = cgnat::v1::OUTBOUND;
  } else if (source_form) {
    direction = cgnat::v1::OUTBOUND;
  } else {
    direction = cgnat::v1::DIRECTION_UNSPECIFIED;
  }

  event->set_action(state.is_new ? cgnat::v1::CREATE : cgnat::v1::UPDATE);
  event->set_mapping(cgnat::v1::SESSION);
  event->set_protocol(protocol);
  SetIp(inside.ip, event->mutable_inside_ip());
  SetIp(outside.ip, event->mutable_outside_ip());
  SetIp(destination.ip, event->mutable_destination_ip());
  if (inside.has_port) {
    event->set_inside_port(inside.port);
    event->set_outside_port(outside.port);
    event->set_destination_port(destination.port);
  }
  event->set_direction(direction);
  return true;
}

}  // namespace netstreams
