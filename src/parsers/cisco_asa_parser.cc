// Cisco Secure Firewall ASA and Firepower Threat Defense (FTD) NAT
// translation ("xlate") syslog messages.
//
// Sources:
//  - Cisco, "Cisco Secure Firewall ASA Series Syslog Messages", chapter
//    "Messages 302003 to 319004" (cisco.com, ASA syslog guide; read from
//    a public Markdown copy of the chapter): 305009, 305010, 305011, 305012
//    (xlate built / torn down, with "interface_name[(acl-name)]" and the
//    identity firewall user after the real address), 305014 and 305015 (CGNAT
//    "block-allocation" port blocks allocated / released) and 305017
//    ("Pba-interim-logging: Active ... block of ports").
//  - SEKOIA-IO/intake-formats@b8f64fe15 Cisco/cisco-secure-firewall/tests
//    test_ASA_305011.json and test_ASA_305012.json (whole messages).
//  - logstash-plugins/logstash-patterns-core firewalls pattern
//    CISCOFW305011 and its spec (the body without the "%ASA-6-305011: "
//    tag, as some collectors store it; "(user)" after the real endpoint).
//  - Cisco, "ASA for Nexus 1000V" technical note: the "Apr 27 2014
//    11:31:23: %ASA-6-302013: ..." form, i.e. the ASA's own timestamp
//    (logging timestamp) in front of the tag, with the year.
//
// Grammar (the tag is %ASA-, %FTD-, %PIX- or %FWSM-, any severity digit,
// since "logging message 305011 level 5" changes it):
//
//   [PREFIX] %ASA-S-ID: BODY       or a bare BODY starting Built|Teardown
//
//   305011  Built {dynamic|static} PROTO translation from
//             IFC:REAL/PORT[USER] to IFC:MAPPED/PORT           PORT CREATE
//   305012  Teardown {dynamic|static} PROTO translation from
//             IFC:REAL/PORT[USER] to IFC:MAPPED/PORT
//             [duration H:MM:SS]                               PORT DELETE
//   305009  Built {dynamic|static} translation from
//             IFC:REAL[USER] to IFC:MAPPED                  ADDRESS CREATE
//   305010  Teardown {dynamic|static} translation from
//             IFC:REAL[USER] to IFC:MAPPED [duration H:MM:SS]
//                                                           ADDRESS DELETE
//   305014  Allocated N block of ports for translation from
//             IFC:REAL to IFC:MAPPED/FIRST-LAST          PORT_BLOCK CREATE
//   305015  Released N block of ports for translation from ...
//                                                        PORT_BLOCK DELETE
//   305017  Pba-interim-logging: Active PROTO block of ports for
//             translation from ...                       PORT_BLOCK UPDATE
//
//   IFC      interface name ([A-Za-z0-9_.-], no ':'), maybe "(acl-name)"
//   REAL, MAPPED  IPv4 or IPv6 text (the port follows a '/')
//   PORT     0..65535 (the ICMP id for ICMP translations)
//   USER     "(LOCAL\user)", glued to the port or after one space
//   N        block size or protocol name (a name sets the protocol)
//
// A dynamic translation is created by a connection from the real side:
// OUTBOUND. Static ones may be used either way: no direction. Any other
// ASA message id is "unrecognized"; so is a body whose shape does not
// match its id (a protocol on 305009, no ports on 305011).
//
// Time: when the text before the tag starts (after ':' and spaces) with
// the ASA's own "Mmm dd yyyy hh:mm:ss[.fff]" (what "logging timestamp"
// writes when the relay did not frame it as a header) and a year, it is
// the body time: in UTC when "UTC"/"GMT" follows, unread when another zone
// name follows, else in the configured zone. A year-less time leaves the
// header's.
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "src/common/ip_address.h"
#include "src/parsers/endpoint.h"
#include "src/parsers/fields.h"
#include "src/parsers/syslog_framing.h"
#include "src/parsers/vendor.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

bool IsAddressChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
         c == ':' || c == '.';
}

absl::string_view TrimRight(absl::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' ||
                        s.back() == '\n' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// ------------------------------------------------------------ the tag

struct Tag {
  bool found = false;
  size_t at = 0;    // offset of '%'
  int id = 0;       // 305011
  size_t body = 0;  // offset of the body after "ID: "
};

// "%ASA-6-305011: " (or %FTD-, %PIX-, %FWSM-) anywhere in the message.
Tag FindTag(absl::string_view m) {
  Tag tag;
  for (size_t pct = m.find('%'); pct != absl::string_view::npos;
       pct = m.find('%', pct + 1)) {
    absl::string_view s = m.substr(pct + 1);
    size_t facility;
    if (absl::StartsWith(s, "ASA-") || absl::StartsWith(s, "FTD-") ||
        absl::StartsWith(s, "PIX-")) {
      facility = 4;
    } else if (absl::StartsWith(s, "FWSM-")) {
      facility = 5;
    } else {
      continue;
    }
    // S-NNNNNN:
    if (s.size() < facility + 9 || !IsDigit(s[facility]) ||
        s[facility + 1] != '-') {
      continue;
    }
    int id = 0;
    size_t i = facility + 2;
    for (; i < facility + 8; ++i) {
      if (!IsDigit(s[i])) break;
      id = id * 10 + (s[i] - '0');
    }
    if (i != facility + 8 || s[i] != ':') continue;
    tag.found = true;
    tag.at = pct;
    tag.id = id;
    tag.body = pct + 1 + i + 1;
    if (tag.body < m.size() && m[tag.body] == ' ') ++tag.body;
    return tag;
  }
  return tag;
}

bool StartsBareXlate(absl::string_view m) {
  return absl::StartsWith(m, "Built dynamic ") ||
         absl::StartsWith(m, "Built static ") ||
         absl::StartsWith(m, "Teardown dynamic ") ||
         absl::StartsWith(m, "Teardown static ");
}

// Leading spaces, and the ": " a device-id header leaves before the body.
absl::string_view TrimLeft(absl::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == ':')) {
    s.remove_prefix(1);
  }
  return s;
}

// ---------------------------------------------------------------- time

// The ASA's own timestamp at the start of the text before the tag.
// True with *ms set only for a time with a year in a known zone.
bool ParsePrefixTime(absl::string_view prefix, const SyslogTimeContext& tc,
                     int64_t* ms) {
  size_t p = 0;
  while (p < prefix.size() && (prefix[p] == ':' || prefix[p] == ' ')) ++p;
  absl::string_view t = prefix.substr(p);
  int month = ParseMonthAbbrev(t);
  if (month == 0 || t.size() < 4 || t[3] != ' ') return false;
  p = 4;
  if (p < t.size() && t[p] == ' ') ++p;
  int day, year, hour, minute, second, frac_ms = 0;
  if (!ReadDecimal(t, &p, 1, 2, &day) || p >= t.size() || t[p] != ' ') {
    return false;
  }
  ++p;
  if (!(p + 4 < t.size() && t[p + 4] == ' ' &&
        ReadDecimal(t, &p, 4, 4, &year))) {
    return false;  // no year: the header's time is as good
  }
  ++p;
  if (!ReadDecimal(t, &p, 2, 2, &hour) || p >= t.size() || t[p++] != ':' ||
      !ReadDecimal(t, &p, 2, 2, &minute) || p >= t.size() || t[p++] != ':' ||
      !ReadDecimal(t, &p, 2, 2, &second)) {
    return false;
  }
  if (p < t.size() && t[p] == '.') {
    ++p;
    size_t start = p;
    int scale = 100;
    while (p < t.size() && IsDigit(t[p])) {
      frac_ms += (t[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
    if (p == start) return false;
  }
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  if (p < t.size() && t[p] != ' ' && t[p] != ':') return false;
  // An optional zone name after the time.
  absl::TimeZone zone = tc.zone;
  size_t z = p;
  while (z < t.size() && t[z] == ' ') ++z;
  size_t z_end = z;
  while (z_end < t.size() && IsUpper(t[z_end])) ++z_end;
  absl::string_view zone_name = t.substr(z, z_end - z);
  bool zone_token = zone_name.size() >= 3 &&
                    (z_end == t.size() || t[z_end] == ' ' || t[z_end] == ':');
  if (zone_token) {
    if (zone_name == "UTC" || zone_name == "GMT") {
      zone = absl::UTCTimeZone();
    } else if (zone_name.size() <= 5) {
      return false;  // a zone name we cannot resolve without a database
    }
  }
  *ms =
      CivilToUnixSeconds(year, month, day, hour, minute, second, zone) * 1000 +
      frac_ms;
  return true;
}

// ---------------------------------------------------------- endpoints

struct AsaEndpoint {
  IpBytes ip;
  bool has_port = false;
  uint32_t port = 0;
  bool has_range = false;
  uint32_t port_end = 0;
};

enum class EpStatus { kOk, kUnrecognized, kBadAddress, kBadPort };

// IFC[(acl)]:ADDR[/PORT[-PORT]][USER] at t[*p]; *p ends after it and
// *bad_at marks the part that failed.
EpStatus ReadEndpoint(absl::string_view t, size_t* p, AsaEndpoint* out,
                      size_t* bad_at) {
  const size_t n = t.size();
  size_t start = *p;
  *bad_at = start;
  size_t colon = t.find(':', start);
  if (colon == absl::string_view::npos || colon == start) {
    return EpStatus::kUnrecognized;
  }
  for (size_t i = start; i < colon; ++i) {
    if (t[i] == ' ') return EpStatus::kUnrecognized;
  }
  size_t a = colon + 1;
  size_t q = a;
  while (q < n && IsAddressChar(t[q])) ++q;
  *bad_at = a;
  if (q == a || !ParseIp(t.substr(a, q - a), &out->ip)) {
    return EpStatus::kBadAddress;
  }
  if (q < n && t[q] == '/') {
    ++q;
    *bad_at = q;
    size_t d = q;
    while (q < n && IsDigit(t[q])) ++q;
    if (!ParseBoundedUint(t.substr(d, q - d), 65535, &out->port)) {
      return EpStatus::kBadPort;
    }
    out->has_port = true;
    if (q < n && t[q] == '-') {
      ++q;
      d = q;
      while (q < n && IsDigit(t[q])) ++q;
      if (!ParseBoundedUint(t.substr(d, q - d), 65535, &out->port_end) ||
          out->port_end < out->port) {
        return EpStatus::kBadPort;
      }
      out->has_range = true;
    }
  }
  // The identity firewall user: "(LOCAL\jdoe)", maybe after a space.
  size_t u = q;
  if (u + 1 < n && t[u] == ' ' && t[u + 1] == '(') ++u;
  if (u < n && t[u] == '(') {
    size_t close = t.find(')', u);
    if (close == absl::string_view::npos) return EpStatus::kUnrecognized;
    q = close + 1;
  }
  *p = q;
  return EpStatus::kOk;
}

bool EndpointError(EpStatus status, size_t at, const char* address,
                   const char* port, ParseError* error) {
  switch (status) {
    case EpStatus::kBadAddress:
      return error->Set("invalid_value", address, at);
    case EpStatus::kBadPort:
      return error->Set("invalid_value", port, at);
    default:
      return error->Set("unrecognized", "cisco_asa: expected interface:address",
                        at);
  }
}

// Reads "from IFC:REAL... to IFC:MAPPED..." at m[*p].
bool ReadFromTo(absl::string_view m, size_t* p, AsaEndpoint* real,
                AsaEndpoint* mapped, ParseError* error) {
  if (m.substr(*p, 5) != "from ") {
    return error->Set("unrecognized", "cisco_asa: expected 'from'", *p);
  }
  *p += 5;
  size_t bad_at;
  EpStatus s = ReadEndpoint(m, p, real, &bad_at);
  if (s != EpStatus::kOk) {
    return EndpointError(s, bad_at, "cisco_asa: invalid real address",
                         "cisco_asa: invalid real port", error);
  }
  if (m.substr(*p, 4) != " to ") {
    return error->Set("unrecognized",
                      "cisco_asa: expected ' to ' after the real address", *p);
  }
  *p += 4;
  s = ReadEndpoint(m, p, mapped, &bad_at);
  if (s != EpStatus::kOk) {
    return EndpointError(s, bad_at, "cisco_asa: invalid mapped address",
                         "cisco_asa: invalid mapped port", error);
  }
  return true;
}

// Next space-delimited word at m[*p]; *p ends past the following space.
absl::string_view Word(absl::string_view m, size_t* p) {
  size_t start = *p;
  size_t end = m.find(' ', start);
  if (end == absl::string_view::npos) end = m.size();
  *p = end < m.size() ? end + 1 : end;
  return m.substr(start, end - start);
}

// 305009..305012 (id 0: a bare body, the id follows from its shape).
bool ParseXlate(absl::string_view m, size_t p, int id, NatEvent* event,
                ParseError* error) {
  size_t verb_at = p;
  absl::string_view verb = Word(m, &p);
  bool built = verb == "Built";
  if (!built && verb != "Teardown") {
    return error->Set("unrecognized", "cisco_asa: expected Built or Teardown",
                      verb_at);
  }
  size_t type_at = p;
  absl::string_view type = Word(m, &p);
  if (type != "dynamic" && type != "static") {
    return error->Set("unrecognized",
                      "cisco_asa: expected 'dynamic' or 'static'", type_at);
  }
  size_t proto_at = p;
  absl::string_view word = Word(m, &p);
  if (word.empty()) {
    return error->Set("unrecognized",
                      "cisco_asa: truncated translation message", proto_at);
  }
  bool has_protocol = word != "translation";
  if (has_protocol) {
    uint32_t protocol;
    if (!ParseProtocol(word, &protocol)) {
      return error->Set("invalid_value", "cisco_asa: unknown protocol",
                        proto_at);
    }
    event->set_protocol(protocol);
    if (Word(m, &p) != "translation") {
      return error->Set("unrecognized", "cisco_asa: expected 'translation'",
                        proto_at);
    }
  }
  // The text must be the one its id announces.
  int expected =
      has_protocol ? (built ? 305011 : 305012) : (built ? 305009 : 305010);
  if (id != 0 && id != expected) {
    return error->Set("unrecognized",
                      "cisco_asa: message text does not match its id", verb_at);
  }
  AsaEndpoint real, mapped;
  if (!ReadFromTo(m, &p, &real, &mapped, error)) return false;
  if (real.has_range || mapped.has_range) {
    return error->Set("invalid_value",
                      "cisco_asa: a translation has single ports", p);
  }
  if (has_protocol != real.has_port || has_protocol != mapped.has_port) {
    return error->Set("unrecognized",
                      has_protocol
                          ? "cisco_asa: a port translation needs both ports"
                          : "cisco_asa: an address translation has no ports",
                      p);
  }
  if (!built && m.substr(p, 10) == " duration ") {
    p += 10;
    size_t d = p;
    int h, mm, ss;
    if (!ReadDecimal(m, &p, 1, 6, &h) || p >= m.size() || m[p++] != ':' ||
        !ReadDecimal(m, &p, 2, 2, &mm) || p >= m.size() || m[p++] != ':' ||
        !ReadDecimal(m, &p, 2, 2, &ss) || mm > 59 || ss > 59) {
      return error->Set("invalid_value", "cisco_asa: invalid duration", d);
    }
  }
  if (p != m.size()) {
    return error->Set("unrecognized",
                      "cisco_asa: unexpected text after the translation", p);
  }
  event->set_action(built ? cgnat::v1::CREATE : cgnat::v1::DELETE);
  event->set_mapping(has_protocol ? cgnat::v1::PORT : cgnat::v1::ADDRESS);
  SetIp(real.ip, event->mutable_inside_ip());
  SetIp(mapped.ip, event->mutable_outside_ip());
  if (has_protocol) {
    event->set_inside_port(real.port);
    event->set_outside_port(mapped.port);
  }
  if (type == "dynamic") event->set_direction(cgnat::v1::OUTBOUND);
  return true;
}

// 305014, 305015, 305017.
bool ParseBlock(absl::string_view m, size_t p, int id, NatEvent* event,
                ParseError* error) {
  absl::string_view verb;
  cgnat::v1::Action action;
  switch (id) {
    case 305014:
      verb = "Allocated ";
      action = cgnat::v1::CREATE;
      break;
    case 305015:
      verb = "Released ";
      action = cgnat::v1::DELETE;
      break;
    default:  // 305017
      verb = "Pba-interim-logging: Active ";
      action = cgnat::v1::UPDATE;
      break;
  }
  if (m.substr(p, verb.size()) != verb) {
    return error->Set("unrecognized",
                      "cisco_asa: message text does not match its id", p);
  }
  p += verb.size();
  size_t what_at = p;
  absl::string_view what = Word(m, &p);
  if (what.empty()) {
    return error->Set("unrecognized", "cisco_asa: truncated block message",
                      what_at);
  }
  if (!IsDigit(what[0])) {
    uint32_t protocol;
    if (!ParseProtocol(what, &protocol)) {
      return error->Set("invalid_value", "cisco_asa: unknown protocol",
                        what_at);
    }
    event->set_protocol(protocol);
  }
  constexpr absl::string_view kBlock = "block of ports for translation ";
  if (m.substr(p, kBlock.size()) != kBlock) {
    return error->Set("unrecognized",
                      "cisco_asa: expected 'block of ports for translation'",
                      p);
  }
  p += kBlock.size();
  AsaEndpoint real, mapped;
  if (!ReadFromTo(m, &p, &real, &mapped, error)) return false;
  if (real.has_port || !mapped.has_range) {
    return error->Set("unrecognized",
                      "cisco_asa: a port block is IFC:IP to IFC:IP/FIRST-LAST",
                      p);
  }
  if (p != m.size()) {
    return error->Set("unrecognized",
                      "cisco_asa: unexpected text after the translation", p);
  }
  event->set_action(action);
  event->set_mapping(cgnat::v1::PORT_BLOCK);
  SetIp(real.ip, event->mutable_inside_ip());
  SetIp(mapped.ip, event->mutable_outside_ip());
  event->set_port_block_start(mapped.port);
  event->set_port_block_end(mapped.port_end);
  return true;
}

}  // namespace

bool DetectCiscoAsa(const SyslogMessage& syslog) {
  return FindTag(syslog.message).found ||
         StartsBareXlate(TrimLeft(syslog.message));
}

bool ParseCiscoAsa(const VendorInput& input, NatEvent* event,
                   BodyTime* body_time, ParseError* error) {
  absl::string_view m = TrimRight(input.syslog.message);
  Tag tag = FindTag(m);
  size_t body;
  if (tag.found) {
    body = tag.body;
  } else {
    absl::string_view trimmed = TrimLeft(m);
    if (!StartsBareXlate(trimmed)) {
      return error->Set("unrecognized", "cisco_asa: no %ASA-/%FTD- message tag",
                        0);
    }
    body = m.size() - trimmed.size();
  }
  bool ok;
  // A found tag never selects the bare-body case, even as "000000".
  switch (tag.found ? (tag.id == 0 ? -1 : tag.id) : 0) {
    case 0:  // a bare body: its shape says which message it is
    case 305009:
    case 305010:
    case 305011:
    case 305012:
      ok = ParseXlate(m, body, tag.id, event, error);
      break;
    case 305014:
    case 305015:
    case 305017:
      ok = ParseBlock(m, body, tag.id, event, error);
      break;
    default:
      return error->Set("unrecognized",
                        "cisco_asa: message id is not a NAT translation event",
                        tag.at);
  }
  if (!ok) return false;
  int64_t ms;
  if (tag.found && ParsePrefixTime(m.substr(0, tag.at), input.time, &ms)) {
    body_time->Set(ms);
  }
  return true;
}

}  // namespace netstreams
