// F5 BIG-IP CGNAT (LSN pools) translation logs.
//
// Sources:
//  - F5, "BIG-IP CGNAT: Implementations", chapter "Using CGNAT Logging and
//    Subscriber Traceability" (techdocs.f5.com, 12.1 to 15.0): an LSN pool
//    logs through a publisher; a "Splunk" destination formats the message
//    as predefined key="value" pairs.
//  - F5Networks/f5-telemetry-streaming test/unit/data/normalizeTestsData.js
//    ("valid CGNAT keys"), the Splunk form as BIG-IP writes it:
//      lsn_event="LSN_DELETE",start="1562092616047",cli="X.X.X.X",
//      nat="Y.Y.Y.Y",duration="8080",pem_subscriber_id="No-lookup"
//  - veesix-networks/cgn-ec-consumer cgn_ec_consumer/handlers/f5.py and
//    tests/fake_syslog_f5_bigip.py: the legacy line with route domains,
//      LSN_ADD 100.64.23.122%0:40321 6 194.15.97.34%0:23111 1.1.1.1 443
//    and the four session event names.
//  - The port block events (LSN_PB_ALLOCATED / _RELEASE / _UPDATE) and
//    their key names follow the same template; no public sample of them
//    was found, so their layout here is the session layout with the
//    translation's port range ("nat=ip%rd:lo-hi" or nat_port="lo-hi").
//
// Grammar (the message may carry a prefix such as "info tmm[1234]: ";
// the parser starts at the first "lsn_event=" or at the first token that
// begins with "LSN_"):
//
//   key/value  lsn_event="EVENT" followed or preceded by comma/space
//              separated key="value" pairs (quotes optional):
//                cli=ENDPOINT [cli_port=PORT]       the subscriber
//                nat=ENDPOINT [nat_port=PORT|LO-HI] the translation
//                dst=ENDPOINT [dst_port=PORT]       the remote peer
//                proto=|protocol=NAME|NUMBER
//                route_domain=N                     when cli has no %N
//                start=EPOCH_MS  duration=MS
//              other keys (pem_subscriber_id, ...) are ignored.
//   legacy     EVENT CLIENT PROTO NAT [DEST [DPORT]]
//              LSN_PB_* CLIENT [PROTO] NAT      (NAT = ip[%rd]:LO-HI)
//
//   ENDPOINT   ip | ip%rd | ip:port | ip%rd:port | [v6] | [v6%rd]:port
//
//   EVENT                 action  mapping                 direction
//   LSN_ADD               CREATE  SESSION if a destination OUTBOUND
//   LSN_DELETE            DELETE  is logged, else PORT    OUTBOUND
//   LSN_INBOUND_ADD       CREATE  (ADDRESS when neither   INBOUND
//   LSN_INBOUND_DELETE    DELETE   side has a port)       INBOUND
//   LSN_PB_ALLOCATED      CREATE  PORT_BLOCK              -
//   LSN_PB_RELEASE        DELETE  PORT_BLOCK              -
//   LSN_PB_UPDATE         UPDATE  PORT_BLOCK              -
//
// The route domain of the client ("%N") is the VRF. Any other LSN_ event
// name is "unrecognized" (not a translation).
//
// Event time: `start` is when the translation began (epoch ms). It is the
// event time of LSN_ADD, LSN_INBOUND_ADD and LSN_PB_ALLOCATED. For the
// delete events the time of the event is start + duration, taking
// `duration` in milliseconds like `start` (the F5 sample's pair
// start="1562092616047",duration="8080" is consistent with that; F5's
// pages reachable here do not state the unit); without `duration` a
// delete keeps the syslog header time, which is when BIG-IP wrote it.
// LSN_PB_UPDATE is a keep-alive: its time is the header's.
#include "absl/strings/string_view.h"
#include "src/common/ip_address.h"
#include "src/parsers/endpoint.h"
#include "src/parsers/fields.h"
#include "src/parsers/vendor.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;

// Latest epoch millisecond we accept (9999-12-31T23:59:59.999Z).
constexpr uint64_t kMaxEpochMs = 253402300799999ULL;

enum class EventKind { kTranslation, kPortBlock };

struct EventName {
  absl::string_view name;
  EventKind kind;
  cgnat::v1::Action action;
  cgnat::v1::Direction direction;
};

constexpr EventName kEvents[] = {
    {"LSN_ADD", EventKind::kTranslation, cgnat::v1::CREATE,
     cgnat::v1::OUTBOUND},
    {"LSN_DELETE", EventKind::kTranslation, cgnat::v1::DELETE,
     cgnat::v1::OUTBOUND},
    {"LSN_INBOUND_ADD", EventKind::kTranslation, cgnat::v1::CREATE,
     cgnat::v1::INBOUND},
    {"LSN_INBOUND_DELETE", EventKind::kTranslation, cgnat::v1::DELETE,
     cgnat::v1::INBOUND},
    {"LSN_PB_ALLOCATED", EventKind::kPortBlock, cgnat::v1::CREATE,
     cgnat::v1::DIRECTION_UNSPECIFIED},
    {"LSN_PB_RELEASE", EventKind::kPortBlock, cgnat::v1::DELETE,
     cgnat::v1::DIRECTION_UNSPECIFIED},
    {"LSN_PB_UPDATE", EventKind::kPortBlock, cgnat::v1::UPDATE,
     cgnat::v1::DIRECTION_UNSPECIFIED},
};

const EventName* FindEvent(absl::string_view name) {
  for (const EventName& e : kEvents) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

// An endpoint with F5's optional route domain ("10.0.0.1%2:80").
struct F5Endpoint {
  IpBytes ip;
  absl::string_view route_domain;  // empty when absent
  bool has_port = false;
  uint32_t port = 0;
  bool has_range = false;
  uint32_t port_end = 0;
};

enum class F5EndpointStatus { kOk, kBadAddress, kBadPort, kBadRouteDomain };

// "port" or "lo-hi".
bool ParsePortOrRange(absl::string_view text, F5Endpoint* out) {
  size_t dash = text.find('-');
  if (dash == absl::string_view::npos) {
    if (!ParseBoundedUint(text, 65535, &out->port)) return false;
    out->has_port = true;
    return true;
  }
  if (!ParseBoundedUint(text.substr(0, dash), 65535, &out->port) ||
      !ParseBoundedUint(text.substr(dash + 1), 65535, &out->port_end) ||
      out->port_end < out->port) {
    return false;
  }
  out->has_port = true;
  out->has_range = true;
  return true;
}

// "N" or "N:ports" after a '%'.
F5EndpointStatus ParseRouteDomainAndPorts(absl::string_view text,
                                          F5Endpoint* out) {
  size_t colon = text.find(':');
  absl::string_view rd =
      colon == absl::string_view::npos ? text : text.substr(0, colon);
  uint32_t unused;
  if (!ParseBoundedUint(rd, 65535, &unused)) {
    return F5EndpointStatus::kBadRouteDomain;
  }
  out->route_domain = rd;
  if (colon == absl::string_view::npos) return F5EndpointStatus::kOk;
  return ParsePortOrRange(text.substr(colon + 1), out)
             ? F5EndpointStatus::kOk
             : F5EndpointStatus::kBadPort;
}

F5EndpointStatus ParseF5Endpoint(absl::string_view token, F5Endpoint* out) {
  *out = F5Endpoint();
  if (!token.empty() && token[0] == '[') {
    size_t close = token.find(']');
    if (close == absl::string_view::npos) return F5EndpointStatus::kBadAddress;
    absl::string_view inner = token.substr(1, close - 1);
    size_t pct = inner.find('%');
    if (!ParseIpv6(inner.substr(0, pct), &out->ip)) {
      return F5EndpointStatus::kBadAddress;
    }
    if (pct != absl::string_view::npos) {
      uint32_t unused;
      absl::string_view rd = inner.substr(pct + 1);
      if (!ParseBoundedUint(rd, 65535, &unused)) {
        return F5EndpointStatus::kBadRouteDomain;
      }
      out->route_domain = rd;
    }
    absl::string_view rest = token.substr(close + 1);
    if (rest.empty()) return F5EndpointStatus::kOk;
    if (rest[0] != ':') return F5EndpointStatus::kBadAddress;
    return ParsePortOrRange(rest.substr(1), out) ? F5EndpointStatus::kOk
                                                 : F5EndpointStatus::kBadPort;
  }
  size_t pct = token.find('%');
  if (pct == absl::string_view::npos) {
    Endpoint e;
    switch (ParseEndpoint(token, &e)) {
      case EndpointStatus::kBadAddress:
        return F5EndpointStatus::kBadAddress;
      case EndpointStatus::kBadPort:
        return F5EndpointStatus::kBadPort;
      case EndpointStatus::kOk:
        break;
    }
    out->ip = e.ip;
    out->has_port = e.has_port;
    out->port = e.port;
    out->has_range = e.has_range;
    out->port_end = e.port_end;
    return F5EndpointStatus::kOk;
  }
  if (!ParseIp(token.substr(0, pct), &out->ip)) {
    return F5EndpointStatus::kBadAddress;
  }
  return ParseRouteDomainAndPorts(token.substr(pct + 1), out);
}

bool EndpointError(F5EndpointStatus status, const char* bad_address,
                   const char* bad_port, size_t at, ParseError* error) {
  switch (status) {
    case F5EndpointStatus::kBadAddress:
      return error->Set("invalid_value", bad_address, at);
    case F5EndpointStatus::kBadPort:
      return error->Set("invalid_value", bad_port, at);
    default:
      return error->Set("invalid_value", "f5: invalid route domain", at);
  }
}

// The raw parts of one message, in either form, before validation.
struct Parts {
  absl::string_view event;
  absl::string_view cli, cli_port;
  absl::string_view nat, nat_port;
  absl::string_view dst, dst_port;
  absl::string_view proto;
  absl::string_view route_domain;
  absl::string_view start, duration;
  // Offsets (within the message) of the parts, for error reports.
  size_t event_at = 0, cli_at = 0, nat_at = 0, dst_at = 0, proto_at = 0;
  size_t time_at = 0, port_at = 0;
};

// Reads key="value" pairs from `text`; false when `text` is not such a
// list or names no lsn_event.
bool ScanKeyValues(absl::string_view text, size_t base, Parts* parts) {
  *parts = Parts();
  KeyValueScanner scanner(text);
  absl::string_view key, value;
  while (scanner.Next(&key, &value)) {
    size_t at = base + scanner.offset();
    if (key == "lsn_event") {
      parts->event = value;
      parts->event_at = at;
    } else if (key == "cli") {
      parts->cli = value;
      parts->cli_at = at;
    } else if (key == "cli_port") {
      parts->cli_port = value;
      parts->port_at = at;
    } else if (key == "nat") {
      parts->nat = value;
      parts->nat_at = at;
    } else if (key == "nat_port") {
      parts->nat_port = value;
      parts->port_at = at;
    } else if (key == "dst") {
      parts->dst = value;
      parts->dst_at = at;
    } else if (key == "dst_port") {
      parts->dst_port = value;
      parts->port_at = at;
    } else if (key == "proto" || key == "protocol") {
      parts->proto = value;
      parts->proto_at = at;
    } else if (key == "route_domain") {
      parts->route_domain = value;
    } else if (key == "start") {
      parts->start = value;
      parts->time_at = at;
    } else if (key == "duration") {
      parts->duration = value;
      parts->time_at = at;
    }
  }
  return !scanner.malformed() && !parts->event.empty();
}

// Space-separated tokens over a view.
class Tokens {
 public:
  Tokens(absl::string_view text, size_t base) : text_(text), base_(base) {}
  bool Next(absl::string_view* token) {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
    if (pos_ >= text_.size()) return false;
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ' ') ++pos_;
    *token = text_.substr(start, pos_ - start);
    last_ = base_ + start;
    return true;
  }
  size_t offset() const { return last_; }
  size_t end_offset() const { return base_ + pos_; }

 private:
  absl::string_view text_;
  size_t base_;
  size_t pos_ = 0;
  size_t last_ = 0;
};

bool IsAllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Legacy positional line starting at the event token.
bool ScanPositional(absl::string_view text, size_t base, const EventName& event,
                    Parts* parts, ParseError* error) {
  Tokens tokens(text, base);
  absl::string_view tok;
  tokens.Next(&parts->event);
  parts->event_at = tokens.offset();
  if (!tokens.Next(&parts->cli)) {
    return error->Set("unrecognized", "f5: missing client endpoint",
                      tokens.end_offset());
  }
  parts->cli_at = tokens.offset();
  if (event.kind == EventKind::kPortBlock) {
    if (!tokens.Next(&tok)) {
      return error->Set("unrecognized", "f5: missing translation endpoint",
                        tokens.end_offset());
    }
    absl::string_view after;
    size_t tok_at = tokens.offset();
    if (tokens.Next(&after)) {
      // "CLIENT PROTO NAT": the protocol is optional for port blocks.
      parts->proto = tok;
      parts->proto_at = tok_at;
      parts->nat = after;
      parts->nat_at = tokens.offset();
    } else {
      parts->nat = tok;
      parts->nat_at = tok_at;
    }
  } else {
    if (!tokens.Next(&parts->proto)) {
      return error->Set("unrecognized", "f5: missing protocol",
                        tokens.end_offset());
    }
    parts->proto_at = tokens.offset();
    if (!tokens.Next(&parts->nat)) {
      return error->Set("unrecognized", "f5: missing translation endpoint",
                        tokens.end_offset());
    }
    parts->nat_at = tokens.offset();
    if (tokens.Next(&parts->dst)) {
      parts->dst_at = tokens.offset();
      // "DEST DPORT" (cgn-ec's layout) or one "ip[%rd]:port" token.
      if (tokens.Next(&tok)) {
        if (!IsAllDigits(tok)) {
          return error->Set("unrecognized",
                            "f5: unexpected text after destination",
                            tokens.offset());
        }
        parts->dst_port = tok;
        parts->port_at = tokens.offset();
      }
    }
  }
  if (tokens.Next(&tok)) {
    return error->Set("unrecognized", "f5: unexpected text after the event",
                      tokens.offset());
  }
  return true;
}

// A separately logged port ("cli_port=...") joins an endpoint without one.
bool ApplySeparatePort(absl::string_view text, bool allow_range,
                       F5Endpoint* endpoint) {
  if (text.empty()) return true;
  if (endpoint->has_port) return false;  // two ports for one side
  F5Endpoint ports;
  if (!ParsePortOrRange(text, &ports)) return false;
  if (ports.has_range && !allow_range) return false;
  endpoint->has_port = true;
  endpoint->port = ports.port;
  endpoint->has_range = ports.has_range;
  endpoint->port_end = ports.port_end;
  return true;
}

// Finds the first "LSN_" that starts a token; npos when none.
size_t FindEventToken(absl::string_view m) {
  size_t pos = 0;
  while ((pos = m.find("LSN_", pos)) != absl::string_view::npos) {
    if (pos == 0 || m[pos - 1] == ' ') return pos;
    pos += 4;
  }
  return absl::string_view::npos;
}

}  // namespace

bool DetectF5(const SyslogMessage& syslog) {
  return syslog.message.find("LSN_") != absl::string_view::npos;
}

bool ParseF5(const VendorInput& input, NatEvent* event, BodyTime* body_time,
             ParseError* error) {
  absl::string_view m = input.syslog.message;
  while (!m.empty() &&
         (m.back() == '\n' || m.back() == '\r' || m.back() == ' ')) {
    m.remove_suffix(1);
  }

  Parts parts;
  const EventName* kind = nullptr;
  bool key_value = false;
  size_t kv = m.find("lsn_event=");
  if (kv != absl::string_view::npos) {
    // The list may follow a prefix ("info tmm[1]: "): if the whole
    // message is not a key=value list, read it from lsn_event on.
    if (!ScanKeyValues(m, 0, &parts) &&
        !ScanKeyValues(m.substr(kv), kv, &parts)) {
      return error->Set("unrecognized", "f5: malformed key=value list", kv);
    }
    key_value = true;
    kind = FindEvent(parts.event);
    if (kind == nullptr) {
      return error->Set("unrecognized", "f5: not a translation event",
                        parts.event_at);
    }
  } else {
    size_t at = FindEventToken(m);
    if (at == absl::string_view::npos) {
      return error->Set("unrecognized", "f5: no LSN event in the message", 0);
    }
    absl::string_view rest = m.substr(at);
    absl::string_view name = rest.substr(0, rest.find(' '));
    kind = FindEvent(name);
    if (kind == nullptr) {
      return error->Set("unrecognized", "f5: not a translation event", at);
    }
    if (!ScanPositional(rest, at, *kind, &parts, error)) return false;
  }

  if (parts.cli.empty()) {
    return error->Set("unrecognized", "f5: missing client endpoint",
                      parts.event_at);
  }
  if (parts.nat.empty()) {
    return error->Set("unrecognized", "f5: missing translation endpoint",
                      parts.event_at);
  }
  F5Endpoint cli, nat, dst;
  F5EndpointStatus s = ParseF5Endpoint(parts.cli, &cli);
  if (s != F5EndpointStatus::kOk) {
    return EndpointError(s, "f5: invalid client address",
                         "f5: invalid client port", parts.cli_at, error);
  }
  if (cli.has_range) {
    return error->Set("invalid_value", "f5: client port cannot be a range",
                      parts.cli_at);
  }
  s = ParseF5Endpoint(parts.nat, &nat);
  if (s != F5EndpointStatus::kOk) {
    return EndpointError(s, "f5: invalid translation address",
                         "f5: invalid translation port", parts.nat_at, error);
  }
  if (!ApplySeparatePort(parts.cli_port, false, &cli) ||
      !ApplySeparatePort(parts.nat_port, kind->kind == EventKind::kPortBlock,
                         &nat)) {
    return error->Set("invalid_value", "f5: invalid port", parts.port_at);
  }
  bool has_destination = !parts.dst.empty();
  if (has_destination) {
    s = ParseF5Endpoint(parts.dst, &dst);
    if (s != F5EndpointStatus::kOk) {
      return EndpointError(s, "f5: invalid destination address",
                           "f5: invalid destination port", parts.dst_at, error);
    }
    if (dst.has_range || !ApplySeparatePort(parts.dst_port, false, &dst)) {
      return error->Set("invalid_value", "f5: invalid destination port",
                        parts.port_at);
    }
  } else if (!parts.dst_port.empty()) {
    return error->Set("unrecognized", "f5: destination port without address",
                      parts.port_at);
  }
  uint32_t protocol = 0;
  if (!parts.proto.empty() && !ParseProtocol(parts.proto, &protocol)) {
    return error->Set("invalid_value", "f5: unknown protocol", parts.proto_at);
  }
  absl::string_view vrf = cli.route_domain;
  if (vrf.empty() && !parts.route_domain.empty()) {
    uint32_t unused;
    if (!ParseBoundedUint(parts.route_domain, 65535, &unused)) {
      return error->Set("invalid_value", "f5: invalid route domain",
                        parts.event_at);
    }
    vrf = parts.route_domain;
  }
  uint64_t start = 0, duration = 0;
  bool has_start = false, has_duration = false;
  if (!parts.start.empty()) {
    if (!ParseUint64(parts.start, &start) || start > kMaxEpochMs) {
      return error->Set("invalid_value", "f5: start is not epoch milliseconds",
                        parts.time_at);
    }
    has_start = true;
  }
  if (!parts.duration.empty()) {
    if (!ParseUint64(parts.duration, &duration) ||
        duration > kMaxEpochMs - start) {
      return error->Set("invalid_value", "f5: invalid duration", parts.time_at);
    }
    has_duration = true;
  }

  // Mapping kind from the parts present; other mixes are rejected.
  cgnat::v1::Mapping mapping;
  if (kind->kind == EventKind::kPortBlock) {
    if (has_destination || cli.has_port) {
      return error->Set("unrecognized",
                        "f5: a port block has no client port or destination",
                        parts.event_at);
    }
    if (!nat.has_range) {
      return error->Set("unrecognized", "f5: a port block needs a port range",
                        parts.nat_at);
    }
    mapping = cgnat::v1::PORT_BLOCK;
  } else {
    if (nat.has_range) {
      return error->Set("invalid_value",
                        "f5: translation port cannot be a range", parts.nat_at);
    }
    if (cli.has_port != nat.has_port) {
      return error->Set("unrecognized",
                        "f5: client and translation need both a port or "
                        "neither",
                        parts.event_at);
    }
    if (has_destination) {
      mapping = cgnat::v1::SESSION;
    } else if (cli.has_port) {
      mapping = cgnat::v1::PORT;
    } else {
      mapping = cgnat::v1::ADDRESS;
    }
  }

  event->set_action(kind->action);
  event->set_mapping(mapping);
  if (!vrf.empty()) event->set_vrf(vrf.data(), vrf.size());
  event->set_protocol(protocol);
  SetIp(cli.ip, event->mutable_inside_ip());
  SetIp(nat.ip, event->mutable_outside_ip());
  if (cli.has_port) event->set_inside_port(cli.port);
  if (mapping == cgnat::v1::PORT_BLOCK) {
    event->set_port_block_start(nat.port);
    event->set_port_block_end(nat.port_end);
  } else if (nat.has_port) {
    event->set_outside_port(nat.port);
  }
  if (has_destination) {
    SetIp(dst.ip, event->mutable_destination_ip());
    if (dst.has_port) event->set_destination_port(dst.port);
  }
  event->set_direction(kind->direction);

  if (key_value && has_start) {
    if (kind->action == cgnat::v1::CREATE) {
      body_time->Set(static_cast<int64_t>(start));
    } else if (kind->action == cgnat::v1::DELETE && has_duration) {
      body_time->Set(static_cast<int64_t>(start + duration));
    }
  }
  return true;
}

}  // namespace netstreams
