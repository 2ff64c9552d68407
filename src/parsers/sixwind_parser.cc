// 6WIND Turbo Router / vSR CG-NAT logs (fp-cgnat, fp-cgnat-logd).
//
// Sources:
//  - 6WIND, "CG-NAT Deployment Guide", chapter "Logging" (doc.6wind.com,
//    turbo-router-3/3.0 .../444/logging.html and vsr-3 .../64/logging.html):
//      fp-cgnat-logd[4269]: USER 100.64.0.1 (matching rule 1): NEW BLOCK
//        (pool "mypool", ip public 32.96.119.1, proto 6, port 1024 - 1536)
//        at Tue Jun 11 08:03:09 2019
//      fp-cgnat-logd@main[4269]: USER 2001:db8:200::1 (matching rule 1):
//        DESTROY BLOCK (ip public 32.96.119.1, proto 6, port 1024 - 1536)
//        at Tue Jun 11 08:07:30 2020
//    The "@main" instance of the log daemon is the VRF whose CG-NAT it
//    logs ("vrf main cg-nat logging enabled true").
//  - veesix-networks/cgn-ec-consumer cgn_ec_consumer/handlers/sixwind.py,
//    quoting the Turbo Router user guide (cli/ip-networking/cgnat.html,
//    "Events", not itself reachable here), for the connection events:
//      fp-cgnat[2484]: NEW CONN: fwd proto 6 10.100.0.1:4241 ->
//        10.200.0.1:33815, back proto 6 10.200.0.1:33815 --> 10.175.0.3:10752
//
// Grammar of the message (an "fp-cgnat...[pid]: " prefix is skipped when
// the syslog framing left it in the message, e.g. for the "@vrf" tag):
//
//   conn   ("NEW" | "DESTROY") " CONN: fwd proto " P1 SP A ARROW B ","
//          " back proto " P2 SP C ARROW D [" at " CTIME]
//   block  "USER " U [" (matching rule " N ")"] ": "
//          ("NEW" | "DESTROY") " BLOCK (" ITEM {", " ITEM} ")" [" at " CTIME]
//   ITEM   'pool "NAME"' | "ip public " IP | "proto " P | "port " LO " - " HI
//          (other items are skipped)
//   ARROW  "->" | "-->"      (both appear in 6WIND's own example)
//   CTIME  "Www Mmm dd hh:mm:ss yyyy" in the configured zone
//
// fwd is the conntrack original tuple and back the reply tuple. For a
// source translation the reply goes from the peer to the translated
// source, so: inside = A, destination = B, outside = D (OUTBOUND). When
// instead the reply comes back to the original source unchanged (D == A,
// C != B), the connection was opened from outside towards a mapped
// address: inside = C, outside = B, destination = A (INBOUND). The
// protocol is fwd's (NAT64 may log a different one for back). Endpoints
// are ip:port, [v6]:port, or v6:port split at the last colon.
//
//   NEW CONN -> CREATE SESSION      DESTROY CONN  -> DELETE SESSION
//   NEW BLOCK -> CREATE PORT_BLOCK  DESTROY BLOCK -> DELETE PORT_BLOCK
//
// Other fp-cgnat messages ("CGNAT Log listen on 5001", other USER events)
// are "unrecognized". The " at ..." time, when present, is the event time.
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "src/common/ip_address.h"
#include "src/parsers/endpoint.h"
#include "src/parsers/fields.h"
#include "src/parsers/vendor.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;

constexpr absl::string_view kProgram = "fp-cgnat";

// Space-separated tokens over a view; runs of spaces count as one.
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
  // Everything after the current token (leading spaces skipped).
  absl::string_view Rest() const {
    size_t p = pos_;
    while (p < text_.size() && text_[p] == ' ') ++p;
    return text_.substr(p);
  }
  size_t offset() const { return last_; }
  size_t end_offset() const { return base_ + pos_; }

 private:
  absl::string_view text_;
  size_t base_;
  size_t pos_ = 0;
  size_t last_ = 0;
};

// The VRF of a "fp-cgnat-logd@main" program name, or "".
absl::string_view VrfOfProgram(absl::string_view program) {
  size_t at = program.find('@');
  if (at == absl::string_view::npos) return absl::string_view();
  return program.substr(at + 1);
}

// "Www Mmm dd hh:mm:ss yyyy" (C's ctime layout) to epoch ms.
bool ParseCtime(absl::string_view text, absl::TimeZone zone, int64_t* ms) {
  static constexpr char kMonths[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  Tokens t(text, 0);
  absl::string_view weekday, month, day, clock, year;
  if (!t.Next(&weekday) || !t.Next(&month) || !t.Next(&day) ||
      !t.Next(&clock) || !t.Next(&year) || !t.Rest().empty()) {
    return false;
  }
  if (weekday.size() != 3 || month.size() != 3 || clock.size() != 8 ||
      clock[2] != ':' || clock[5] != ':') {
    return false;
  }
  int mon = 0;
  for (int i = 0; i < 12; ++i) {
    if (month == absl::string_view(kMonths + 3 * i, 3)) mon = i + 1;
  }
  uint32_t d, h, mi, s, y;
  if (mon == 0 || !ParseBoundedUint(day, 31, &d) || d == 0 ||
      !ParseBoundedUint(clock.substr(0, 2), 23, &h) ||
      !ParseBoundedUint(clock.substr(3, 2), 59, &mi) ||
      !ParseBoundedUint(clock.substr(6, 2), 60, &s) || year.size() != 4 ||
      !ParseBoundedUint(year, 9999, &y) || y < 1970) {
    return false;
  }
  absl::CivilSecond civil(y, mon, d, h, mi, s);
  if (civil.month() != mon || civil.day() != static_cast<int>(d)) {
    return false;  // "Feb 30" would be normalized into March
  }
  *ms = CivilToUnixSeconds(civil.year(), civil.month(), civil.day(),
                           civil.hour(), civil.minute(), civil.second(), zone) *
        1000;
  return true;
}

// Splits off a trailing " at CTIME"; false when " at " is there but the
// time is not valid.
bool TakeTrailingTime(absl::string_view* text, const VendorInput& input,
                      bool* has_time, int64_t* ms) {
  *has_time = false;
  size_t at = text->rfind(" at ");
  if (at == absl::string_view::npos) return true;
  if (!ParseCtime(text->substr(at + 4), input.time.zone, ms)) return false;
  *has_time = true;
  *text = text->substr(0, at);
  return true;
}

// A connection endpoint: always with a port.
bool ParseConnEndpoint(absl::string_view token, Endpoint* out) {
  if (!token.empty() && token[0] != '[') {
    size_t first = token.find(':');
    size_t last = token.rfind(':');
    if (first != last && first != absl::string_view::npos) {
      // "2001:db8::1:4241": an unbracketed IPv6 address and a port.
      *out = Endpoint();
      if (!ParseIpv6(token.substr(0, last), &out->ip) ||
          !ParseBoundedUint(token.substr(last + 1), 65535, &out->port)) {
        return false;
      }
      out->has_port = true;
      return true;
    }
  }
  return ParseEndpoint(token, out) == EndpointStatus::kOk && out->has_port &&
         !out->has_range;
}

bool SameEndpoint(const Endpoint& a, const Endpoint& b) {
  return a.ip.view() == b.ip.view() && a.port == b.port;
}

// "proto P A ARROW B" of one direction.
bool ParseTuple(Tokens* tokens, absl::string_view expected_name,
                uint32_t* protocol, Endpoint* from, Endpoint* to,
                ParseError* error) {
  absl::string_view tok;
  if (!tokens->Next(&tok) || tok != expected_name) {
    return error->Set("unrecognized", "sixwind: expected fwd/back tuple",
                      tokens->offset());
  }
  if (!tokens->Next(&tok) || tok != "proto") {
    return error->Set("unrecognized", "sixwind: expected 'proto'",
                      tokens->offset());
  }
  if (!tokens->Next(&tok)) {
    return error->Set("unrecognized", "sixwind: missing protocol",
                      tokens->end_offset());
  }
  if (!ParseBoundedUint(tok, 255, protocol)) {
    return error->Set("invalid_value", "sixwind: protocol is not 0..255",
                      tokens->offset());
  }
  if (!tokens->Next(&tok)) {
    return error->Set("unrecognized", "sixwind: missing source endpoint",
                      tokens->end_offset());
  }
  if (!ParseConnEndpoint(tok, from)) {
    return error->Set("invalid_value", "sixwind: invalid source endpoint",
                      tokens->offset());
  }
  if (!tokens->Next(&tok) || (tok != "->" && tok != "-->")) {
    return error->Set("unrecognized", "sixwind: expected '->'",
                      tokens->offset());
  }
  if (!tokens->Next(&tok)) {
    return error->Set("unrecognized", "sixwind: missing destination endpoint",
                      tokens->end_offset());
  }
  if (!tok.empty() && tok.back() == ',') tok.remove_suffix(1);
  if (!ParseConnEndpoint(tok, to)) {
    return error->Set("invalid_value", "sixwind: invalid destination endpoint",
                      tokens->offset());
  }
  return true;
}

bool ParseConn(absl::string_view body, size_t base, const VendorInput& input,
               cgnat::v1::Action action, NatEvent* event, BodyTime* body_time,
               ParseError* error) {
  bool has_time;
  int64_t ms = 0;
  if (!TakeTrailingTime(&body, input, &has_time, &ms)) {
    return error->Set("invalid_value", "sixwind: invalid time after 'at'",
                      base + body.rfind(" at "));
  }
  Tokens tokens(body, base);
  uint32_t fwd_proto, back_proto;
  Endpoint a, b, c, d;
  if (!ParseTuple(&tokens, "fwd", &fwd_proto, &a, &b, error)) return false;
  if (body.substr(tokens.end_offset() - base - 1, 1) != ",") {
    return error->Set("unrecognized", "sixwind: expected ',' after fwd tuple",
                      tokens.end_offset());
  }
  if (!ParseTuple(&tokens, "back", &back_proto, &c, &d, error)) return false;
  absl::string_view tok;
  if (tokens.Next(&tok)) {
    return error->Set("unrecognized", "sixwind: unexpected text after back",
                      tokens.offset());
  }
  const Endpoint *inside, *outside, *destination;
  cgnat::v1::Direction direction;
  if (SameEndpoint(d, a) && !SameEndpoint(c, b)) {
    inside = &c;
    outside = &b;
    destination = &a;
    direction = cgnat::v1::INBOUND;
  } else {
    inside = &a;
    outside = &d;
    destination = &b;
    direction = cgnat::v1::OUTBOUND;
  }
  event->set_action(action);
  event->set_mapping(cgnat::v1::SESSION);
  event->set_protocol(fwd_proto);
  SetIp(inside->ip, event->mutable_inside_ip());
  event->set_inside_port(inside->port);
  SetIp(outside->ip, event->mutable_outside_ip());
  event->set_outside_port(outside->port);
  SetIp(destination->ip, event->mutable_destination_ip());
  event->set_destination_port(destination->port);
  event->set_direction(direction);
  if (has_time) body_time->Set(ms);
  return true;
}

// Next comma-separated item of a "(...)" list; a quoted part may hold
// commas.
bool NextItem(absl::string_view list, size_t* pos, absl::string_view* item) {
  while (*pos < list.size() && (list[*pos] == ' ' || list[*pos] == ',')) {
    ++*pos;
  }
  if (*pos >= list.size()) return false;
  size_t start = *pos;
  bool quoted = false;
  while (*pos < list.size() && (quoted || list[*pos] != ',')) {
    if (list[*pos] == '"') quoted = !quoted;
    ++*pos;
  }
  *item = list.substr(start, *pos - start);
  while (!item->empty() && item->back() == ' ') item->remove_suffix(1);
  return true;
}

bool ParseBlock(absl::string_view body, size_t base, const VendorInput& input,
                NatEvent* event, BodyTime* body_time, ParseError* error) {
  // body: "USER U (matching rule N): ..." or "USER U: ...". The user
  // token ends at the first space (an IPv6 address may end in "::").
  size_t user_end = body.find(' ', 5);
  if (user_end == absl::string_view::npos) {
    return error->Set("unrecognized", "sixwind: expected ': ' after USER",
                      base + body.size());
  }
  absl::string_view user = body.substr(5, user_end - 5);
  size_t rest_start;
  if (!user.empty() && user.back() == ':') {
    user.remove_suffix(1);
    rest_start = user_end + 1;
  } else {
    absl::string_view rule = body.substr(user_end);
    if (!absl::ConsumePrefix(&rule, " (matching rule ")) {
      return error->Set("unrecognized", "sixwind: unexpected text after USER",
                        base + user_end);
    }
    size_t close = rule.find("): ");
    uint32_t rule_id;
    if (close == absl::string_view::npos ||
        !ParseBoundedUint(rule.substr(0, close), 0xFFFFFFFFu, &rule_id)) {
      return error->Set("unrecognized", "sixwind: malformed matching rule",
                        base + user_end);
    }
    rest_start = body.size() - rule.size() + close + 3;
  }
  absl::string_view rest = body.substr(rest_start);
  size_t rest_at = base + rest_start;
  cgnat::v1::Action action;
  if (absl::ConsumePrefix(&rest, "NEW BLOCK (")) {
    action = cgnat::v1::CREATE;
  } else if (absl::ConsumePrefix(&rest, "DESTROY BLOCK (")) {
    action = cgnat::v1::DELETE;
  } else {
    return error->Set("unrecognized", "sixwind: not a block event", rest_at);
  }
  IpBytes inside;
  if (!ParseIp(user, &inside)) {
    return error->Set("invalid_value", "sixwind: invalid user address",
                      base + 5);
  }
  bool has_time;
  int64_t ms = 0;
  if (!TakeTrailingTime(&rest, input, &has_time, &ms)) {
    return error->Set("invalid_value", "sixwind: invalid time after 'at'",
                      rest_at + rest.rfind(" at "));
  }
  if (rest.empty() || rest.back() != ')') {
    return error->Set("unrecognized", "sixwind: expected ')' after block",
                      rest_at + rest.size());
  }
  absl::string_view list = rest.substr(0, rest.size() - 1);
  IpBytes outside;
  bool has_outside = false, has_ports = false;
  uint32_t protocol = 0, lo = 0, hi = 0;
  size_t pos = 0;
  absl::string_view item;
  while (NextItem(list, &pos, &item)) {
    size_t item_at = rest_at + (item.data() - list.data());
    if (absl::ConsumePrefix(&item, "ip public")) {
      if (!absl::ConsumePrefix(&item, " ") || !ParseIp(item, &outside)) {
        return error->Set("invalid_value", "sixwind: invalid public address",
                          item_at);
      }
      has_outside = true;
    } else if (absl::ConsumePrefix(&item, "proto ")) {
      if (!ParseBoundedUint(item, 255, &protocol)) {
        return error->Set("invalid_value", "sixwind: protocol is not 0..255",
                          item_at);
      }
    } else if (absl::ConsumePrefix(&item, "port ")) {
      size_t dash = item.find('-');
      absl::string_view first =
          dash == absl::string_view::npos ? item : item.substr(0, dash);
      absl::string_view last =
          dash == absl::string_view::npos ? "" : item.substr(dash + 1);
      while (!first.empty() && first.back() == ' ') first.remove_suffix(1);
      while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
      if (!ParseBoundedUint(first, 65535, &lo) ||
          !ParseBoundedUint(last, 65535, &hi) || hi < lo) {
        return error->Set("invalid_value", "sixwind: invalid port range",
                          item_at);
      }
      has_ports = true;
    }
  }
  if (!has_outside) {
    return error->Set("invalid_value", "sixwind: block without public address",
                      rest_at);
  }
  if (!has_ports) {
    return error->Set("invalid_value", "sixwind: block without port range",
                      rest_at);
  }
  event->set_action(action);
  event->set_mapping(cgnat::v1::PORT_BLOCK);
  event->set_protocol(protocol);
  SetIp(inside, event->mutable_inside_ip());
  SetIp(outside, event->mutable_outside_ip());
  event->set_port_block_start(lo);
  event->set_port_block_end(hi);
  if (has_time) body_time->Set(ms);
  return true;
}

// Skips "fp-cgnat...[pid]: " at the start of the message; returns the
// program name ("" when there is no such prefix).
absl::string_view SkipProgramPrefix(absl::string_view* m) {
  if (!absl::StartsWith(*m, kProgram)) return absl::string_view();
  size_t end = m->find(": ");
  if (end == absl::string_view::npos) return absl::string_view();
  absl::string_view program = m->substr(0, end);
  size_t bracket = program.find('[');
  if (bracket != absl::string_view::npos) program = program.substr(0, bracket);
  if (program.find(' ') != absl::string_view::npos) {
    return absl::string_view();
  }
  m->remove_prefix(end + 2);
  return program;
}

}  // namespace

bool DetectSixwind(const SyslogMessage& syslog) {
  absl::string_view m = syslog.message;
  if (absl::StartsWith(syslog.app_name, kProgram) ||
      absl::StartsWith(m, kProgram)) {
    return true;
  }
  return absl::StartsWith(m, "NEW CONN: ") ||
         absl::StartsWith(m, "DESTROY CONN: ") ||
         (absl::StartsWith(m, "USER ") &&
          m.find(" BLOCK (") != absl::string_view::npos);
}

bool ParseSixwind(const VendorInput& input, NatEvent* event,
                  BodyTime* body_time, ParseError* error) {
  absl::string_view m = input.syslog.message;
  while (!m.empty() &&
         (m.back() == '\n' || m.back() == '\r' || m.back() == ' ')) {
    m.remove_suffix(1);
  }
  const size_t whole = m.size();
  absl::string_view program = SkipProgramPrefix(&m);
  if (program.empty()) program = input.syslog.app_name;
  const size_t base = whole - m.size();

  absl::string_view vrf = VrfOfProgram(program);
  bool ok;
  if (absl::StartsWith(m, "NEW CONN: ")) {
    ok = ParseConn(m.substr(10), base + 10, input, cgnat::v1::CREATE, event,
                   body_time, error);
  } else if (absl::StartsWith(m, "DESTROY CONN: ")) {
    ok = ParseConn(m.substr(14), base + 14, input, cgnat::v1::DELETE, event,
                   body_time, error);
  } else if (absl::StartsWith(m, "USER ")) {
    ok = ParseBlock(m, base, input, event, body_time, error);
  } else {
    return error->Set("unrecognized", "sixwind: not a CG-NAT mapping event",
                      base);
  }
  if (!ok) return false;
  if (!vrf.empty()) event->set_vrf(vrf.data(), vrf.size());
  return true;
}

}  // namespace netstreams
