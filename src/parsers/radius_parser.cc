// RADIUS accounting requests encoded as JSON by FreeRADIUS.
//
// A record is one JSON object whose member names are RADIUS attribute
// names (matched without regard to ASCII case, as FreeRADIUS dictionaries
// do) and whose values take any of the shapes FreeRADIUS produces:
//
//   flat        {"Acct-Status-Type": "Start", "Acct-Session-Time": 120}
//               (rlm_python3 tuples turned into a dict, as cgn-ec's
//               producer does, where every value is the attribute's printed
//               text; rlm_json json_encode "object_simple")
//               {"Acct-Status-Type": 1}   (enum_as_integer, plain numbers)
//   array       {"Acct-Status-Type": ["Start"]}   (single_value_as_array)
//   typed       {"Acct-Status-Type": {"type": "integer", "value": "Start"}}
//               {"Acct-Status-Type": {"type":"integer","value":["Start"]}}
//               (rlm_json json_encode "object" mode; rlm_rest's JSON body)
//
// An array value contributes its first element (the attributes read here
// are single-valued). null counts as absent; unknown attributes are
// skipped; a later duplicate wins. Numbers may be JSON numbers or strings
// of digits; enumerated attributes take their dictionary names or values.
//
// ParseRadiusAccounting (RFC 2866, 2869, 3162, 4818, 6911):
//   Acct-Status-Type    Start 1 | Stop 2 | Interim-Update (Alive) 3 |
//                       Accounting-On 7 | Accounting-Off 8 (required; any
//                       other type, e.g. Tunnel-Start or Failed, is
//                       "unrecognized")
//   Acct-Session-Id     required except for Accounting-On/Off
//   Acct-Multi-Session-Id, User-Name, Calling-Station-Id, NAS-Identifier
//                       strings (escapes decoded)
//   Framed-IP-Address, NAS-IP-Address      IPv4
//   Framed-IPv6-Address, NAS-IPv6-Address  IPv6
//   Framed-IPv6-Prefix, Delegated-IPv6-Prefix  "2001:db8::/56" (host
//                       bits cleared)
//   Event-Timestamp     epoch seconds (number or digits: dates_as_integer),
//                       FreeRADIUS v3's printed date "May 24 2023 14:50:28
//                       UTC" (the zone must be UTC/GMT or a numeric offset:
//                       an abbreviation such as CEST is ambiguous and
//                       rejected; run the collector in UTC or encode dates
//                       as integers), or RFC 3339 (FreeRADIUS v4)
//   Acct-Session-Time, Acct-Delay-Time  seconds
//   Acct-Terminate-Cause  1..22 by number or RFC 2866 / RFC 3580 name
//   Acct-{Input,Output}-{Octets,Gigawords}  32-bit counters, combined
// Records carrying NFWare-vCGNAT-* attributes are NAT records, not
// sessions: rejected as "unrecognized" here.
//
// ParseRadiusNatEvent (NFWare vCGNAT RADIUS logging, vendor 46576):
//   NFWare-vCGNAT-Action       1 Port-Allocated, 2 Port-Freed,
//                              3 Session-Created, 4 Session-Deleted,
//                              5 Port-Block-Allocated, 6 Port-Block-Freed
//   NFWare-vCGNAT-Protocol     number, or ICMP | TCP | UDP | GRE | OTHER (0)
//   NFWare-vCGNAT-Inside-Addr  IPv4 (or NFWare-vCGNAT-64-Inside-Addr, IPv6)
//   NFWare-vCGNAT-Inside-Port, -NAT-Addr, -NAT-Port, -Dest-Addr, -Dest-Port
//   NFWare-vCGNAT-NAT-Port-Start, -NAT-Port-End  inclusive port block
//   NFWare-vCGNAT-VRF          integer, kept as decimal text
//   NFWare-vCGNAT-Direction    0 Outbound | 1 Inbound | 2 None
//   Acct-Status-Type, Event-Timestamp, NAS-IP-Address, NAS-IPv6-Address,
//   NAS-Identifier
// The mapping follows from the attributes present, as cgn-ec's NFWare
// consumer decides it: Dest-Addr -> SESSION (needs both ports and the
// destination port), NAT-Port-Start -> PORT_BLOCK (needs NAT-Port-End >=
// start), NAT-Port or Inside-Port -> PORT (needs both), else ADDRESS. The
// kind implied by the Action value is not cross-checked: cgn-ec's own
// test records send Session-Created (3) with port and port-block
// attributes. The action: Interim-Update -> UPDATE; else the Action's
// allocate (odd) / free (even) -> CREATE / DELETE; without an Action,
// Start -> CREATE and Stop -> DELETE. A Start with a free Action or a Stop
// with an allocate Action is invalid_value; Accounting-On/Off carry no
// mapping (unrecognized).
//
// Sources: RFC 2866 (Acct-Status-Type, Acct-Terminate-Cause values),
// RFC 2869 section 5 (Interim-Update, gigawords, Event-Timestamp), RFC
// 3580 (terminate causes 19-22), FreeRADIUS raddb/mods-available/json and
// src/tests/modules/json/encode.unlang (json_encode output modes),
// FreeRADIUS src/modules/rlm_python3/rlm_python3.c mod_populate_vptuple
// (printed values), rlm_rest's JSON body format, a PacketFence capture of
// FreeRADIUS JSON (Event-Timestamp "May 24 2023 14:50:28 UTC"),
// veesix-networks/cgn-ec-producer-radius dictionaries/dictionary.nfware
// and python3/kafka_producer.py (NFWare attributes and the flat JSON of
// its Kafka producer), veesix-networks/cgn-ec-consumer
// cgn_ec_consumer/handlers/nfware.py (mapping by attributes present),
// veesix-networks/cgn-ec tests/radius/nfware_*.template (records).
#include "src/parsers/radius_parser.h"

#include <cstdint>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "src/common/ip_address.h"
#include "src/parsers/fields.h"
#include "src/parsers/json_scanner.h"
#include "src/parsers/syslog_framing.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using cgnat::v1::RadiusAccounting;

enum Attr : int {
  kStatusType,
  kSessionId,
  kMultiSessionId,
  kUserName,
  kFramedIp,
  kFramedIpv6Prefix,
  kDelegatedIpv6Prefix,
  kFramedIpv6Address,
  kCallingStationId,
  kNasIp,
  kNasIpv6,
  kNasIdentifier,
  kEventTimestamp,
  kSessionTime,
  kDelayTime,
  kTerminateCause,
  kInputOctets,
  kInputGigawords,
  kOutputOctets,
  kOutputGigawords,
  kNfProtocol,
  kNfAction,
  kNfInsideAddr,
  kNfInsidePort,
  kNfNatAddr,
  kNfNatPort,
  kNfDestAddr,
  kNfDestPort,
  kNfPortStart,
  kNfPortEnd,
  kNfDirection,
  kNf64InsideAddr,
  kNfVrf,
  kAttrCount,
};

constexpr absl::string_view kAttrNames[kAttrCount] = {
    "Acct-Status-Type",
    "Acct-Session-Id",
    "Acct-Multi-Session-Id",
    "User-Name",
    "Framed-IP-Address",
    "Framed-IPv6-Prefix",
    "Delegated-IPv6-Prefix",
    "Framed-IPv6-Address",
    "Calling-Station-Id",
    "NAS-IP-Address",
    "NAS-IPv6-Address",
    "NAS-Identifier",
    "Event-Timestamp",
    "Acct-Session-Time",
    "Acct-Delay-Time",
    "Acct-Terminate-Cause",
    "Acct-Input-Octets",
    "Acct-Input-Gigawords",
    "Acct-Output-Octets",
    "Acct-Output-Gigawords",
    "NFWare-vCGNAT-Protocol",
    "NFWare-vCGNAT-Action",
    "NFWare-vCGNAT-Inside-Addr",
    "NFWare-vCGNAT-Inside-Port",
    "NFWare-vCGNAT-NAT-Addr",
    "NFWare-vCGNAT-NAT-Port",
    "NFWare-vCGNAT-Dest-Addr",
    "NFWare-vCGNAT-Dest-Port",
    "NFWare-vCGNAT-NAT-Port-Start",
    "NFWare-vCGNAT-NAT-Port-End",
    "NFWare-vCGNAT-Direction",
    "NFWare-vCGNAT-64-Inside-Addr",
    "NFWare-vCGNAT-VRF",
};

// The members of interest, as located by the scan (values unresolved).
struct Attributes {
  JsonValue value[kAttrCount];
  bool has[kAttrCount] = {};
  bool any_nfware = false;
};

bool Collect(absl::string_view json, Attributes* a, ParseError* error) {
  JsonObjectScanner scanner(json);
  JsonMember m;
  while (scanner.Next(&m)) {
    if (m.key.size() >= 7 &&
        JsonStringEqualsIgnoreCase(m.key.substr(0, 7), false, "NFWare-")) {
      a->any_nfware = true;
    }
    for (int i = 0; i < kAttrCount; ++i) {
      if (!m.key_escaped && m.key.size() != kAttrNames[i].size()) continue;
      if (JsonStringEqualsIgnoreCase(m.key, m.key_escaped, kAttrNames[i])) {
        a->has[i] = m.value.kind != JsonKind::kNull;
        if (a->has[i]) a->value[i] = m.value;
        break;
      }
    }
  }
  if (!scanner.done()) {
    return error->Set("unrecognized", "radius: not a JSON object",
                      scanner.error_offset());
  }
  return true;
}

// The scalar an attribute's value stands for: itself, the first element
// of an array, or the "value" of a typed {"type": ..., "value": ...}.
bool Resolve(const JsonValue& v, JsonValue* scalar) {
  JsonValue current = v;
  if (current.kind == JsonKind::kObject) {
    JsonObjectScanner object(current.raw, current.offset);
    JsonMember m;
    bool found = false;
    while (object.Next(&m)) {
      if (JsonStringEquals(m.key, m.key_escaped, "value")) {
        current = m.value;
        found = true;
      }
    }
    if (!found || !object.done()) return false;
  }
  if (current.kind == JsonKind::kArray) {
    JsonArrayScanner array(current.raw, current.offset);
    if (!array.Next(&current)) return false;
  }
  if (current.kind != JsonKind::kString && current.kind != JsonKind::kNumber) {
    return false;
  }
  *scalar = current;
  return true;
}

enum class Got { kAbsent, kOk, kBad };

Got Scalar(const Attributes& a, Attr id, JsonValue* v) {
  if (!a.has[id]) return Got::kAbsent;
  return Resolve(a.value[id], v) ? Got::kOk : Got::kBad;
}

Got Text(const Attributes& a, Attr id, char* buf, size_t cap,
         absl::string_view* text) {
  JsonValue v;
  Got g = Scalar(a, id, &v);
  if (g != Got::kOk) return g;
  return JsonScalarText(v, buf, cap, text) ? Got::kOk : Got::kBad;
}

Got Uint(const Attributes& a, Attr id, uint64_t max, uint64_t* out) {
  char buf[32];
  absl::string_view text;
  Got g = Text(a, id, buf, sizeof(buf), &text);
  if (g != Got::kOk) return g;
  uint64_t n;
  if (!ParseUint64(text, &n) || n > max) return Got::kBad;
  *out = n;
  return Got::kOk;
}

// An address of the given family (4 or 16 bytes; 0 for either).
Got Ip(const Attributes& a, Attr id, uint8_t size, IpBytes* ip,
       absl::string_view* text_out = nullptr, char* buf = nullptr,
       size_t cap = 0) {
  char local[kIpTextMax + 8];
  if (buf == nullptr) {
    buf = local;
    cap = sizeof(local);
  }
  absl::string_view text;
  Got g = Text(a, id, buf, cap, &text);
  if (g != Got::kOk) return g;
  if (!ParseIp(text, ip) || (size != 0 && ip->size != size)) return Got::kBad;
  if (text_out != nullptr) *text_out = text;
  return Got::kOk;
}

// Decodes a string attribute straight into the proto field.
void AssignText(const Attributes& a, Attr id, std::string* field) {
  JsonValue v;
  if (Scalar(a, id, &v) != Got::kOk) return;
  if (v.kind == JsonKind::kString && v.escaped) {
    JsonUnescape(v.raw, field);
  } else {
    field->assign(v.raw.data(), v.raw.size());
  }
}

struct NamedValue {
  absl::string_view name;
  uint32_t value;
};

// An enumerated attribute: a dictionary name (ASCII case ignored) or a
// number up to `max`.
Got Enum(const Attributes& a, Attr id, const NamedValue* names, size_t count,
         uint64_t max, uint32_t* out) {
  char buf[64];
  absl::string_view text;
  Got g = Text(a, id, buf, sizeof(buf), &text);
  if (g != Got::kOk) return g;
  uint64_t n;
  if (ParseUint64(text, &n)) {
    if (n > max) return Got::kBad;
    *out = static_cast<uint32_t>(n);
    return Got::kOk;
  }
  for (size_t i = 0; i < count; ++i) {
    if (JsonStringEqualsIgnoreCase(text, false, names[i].name)) {
      *out = names[i].value;
      return Got::kOk;
    }
  }
  return Got::kBad;
}

constexpr NamedValue kStatusTypes[] = {
    {"Start", 1},
    {"Stop", 2},
    {"Interim-Update", 3},
    {"Alive", 3},
    {"Accounting-On", 7},
    {"Accounting-Off", 8},
    {"Tunnel-Start", 9},
    {"Tunnel-Stop", 10},
    {"Tunnel-Reject", 11},
    {"Tunnel-Link-Start", 12},
    {"Tunnel-Link-Stop", 13},
    {"Tunnel-Link-Reject", 14},
    {"Failed", 15},
};

constexpr NamedValue kTerminateCauses[] = {
    {"User-Request", 1},
    {"Lost-Carrier", 2},
    {"Lost-Service", 3},
    {"Idle-Timeout", 4},
    {"Session-Timeout", 5},
    {"Admin-Reset", 6},
    {"Admin-Reboot", 7},
    {"Port-Error", 8},
    {"NAS-Error", 9},
    {"NAS-Request", 10},
    {"NAS-Reboot", 11},
    {"Port-Unneeded", 12},
    {"Port-Preempted", 13},
    {"Port-Suspended", 14},
    {"Service-Unavailable", 15},
    {"Callback", 16},
    {"User-Error", 17},
    {"Host-Request", 18},
    {"Supplicant-Restart", 19},
    {"Reauthentication-Failure", 20},
    {"Port-Reinitialized", 21},
    {"Port-Administratively-Disabled", 22},
};

constexpr NamedValue kNfwareActions[] = {
    {"Port-Allocated", 1},       {"Port-Freed", 2},
    {"Session-Created", 3},      {"Session-Deleted", 4},
    {"Port-Block-Allocated", 5}, {"Port-Block-Freed", 6},
};

constexpr NamedValue kNfwareProtocols[] = {
    {"ICMP", 1}, {"TCP", 6}, {"UDP", 17}, {"GRE", 47}, {"OTHER", 0},
};

constexpr NamedValue kNfwareDirections[] = {
    {"Outbound", 0},
    {"Inbound", 1},
    {"None", 2},
};

// Reads and skips `n` digits.
bool Digits(absl::string_view t, size_t* p, int n, int* out) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    if (*p >= t.size() || t[*p] < '0' || t[*p] > '9') return false;
    v = v * 10 + (t[(*p)++] - '0');
  }
  *out = v;
  return true;
}

// FreeRADIUS v3's printed date, "%b %e %Y %H:%M:%S %Z": "May 24 2023
// 14:50:28 UTC", "Jun  4 2023 08:00:00 GMT". Only UTC-equivalent zones.
bool ParseFreeradiusDate(absl::string_view t, int64_t* ms) {
  static constexpr absl::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                                  "May", "Jun", "Jul", "Aug",
                                                  "Sep", "Oct", "Nov", "Dec"};
  if (t.size() < 3) return false;
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (t.substr(0, 3) == kMonths[i]) month = i + 1;
  }
  if (month == 0) return false;
  size_t p = 3;
  auto spaces = [&]() {
    size_t start = p;
    while (p < t.size() && t[p] == ' ') ++p;
    return p > start;
  };
  int day, year, hour, minute, second;
  if (!spaces()) return false;
  if (!Digits(t, &p, 1, &day)) return false;
  int second_digit;
  if (p < t.size() && t[p] != ' ') {
    if (!Digits(t, &p, 1, &second_digit)) return false;
    day = day * 10 + second_digit;
  }
  if (!spaces() || !Digits(t, &p, 4, &year) || !spaces() ||
      !Digits(t, &p, 2, &hour) || p >= t.size() || t[p++] != ':' ||
      !Digits(t, &p, 2, &minute) || p >= t.size() || t[p++] != ':' ||
      !Digits(t, &p, 2, &second)) {
    return false;
  }
  int offset_minutes = 0;
  if (spaces()) {
    absl::string_view zone = t.substr(p);
    if (zone == "UTC" || zone == "GMT" || zone == "Z") {
      p = t.size();
    } else if (!zone.empty() && (zone[0] == '+' || zone[0] == '-')) {
      int sign = zone[0] == '-' ? -1 : 1;
      ++p;
      int oh, om;
      if (!Digits(t, &p, 2, &oh)) return false;
      if (p < t.size() && t[p] == ':') ++p;
      if (!Digits(t, &p, 2, &om) || oh > 23 || om > 59) return false;
      offset_minutes = sign * (oh * 60 + om);
    } else {
      return false;  // an ambiguous abbreviation
    }
  }
  if (p != t.size()) return false;
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (civil.day() != day) return false;  // Feb 30 and the like
  int64_t seconds =
      absl::ToUnixSeconds(absl::FromCivil(civil, absl::UTCTimeZone())) -
      offset_minutes * 60;
  *ms = seconds * 1000;
  return true;
}

Got EventTime(const Attributes& a, int64_t* ms) {
  char buf[64];
  absl::string_view text;
  Got g = Text(a, kEventTimestamp, buf, sizeof(buf), &text);
  if (g != Got::kOk) return g;
  if (ParseEpochSecondsFraction(text, ms)) return Got::kOk;
  if (ParseFreeradiusDate(text, ms)) return Got::kOk;
  size_t n = ParseRfc3339(text, ms);
  if (n != 0 && n == text.size()) return Got::kOk;
  return Got::kBad;
}

// "2001:db8::/56": the prefix with its host bits cleared.
bool ParsePrefix(absl::string_view text, IpBytes* address, uint32_t* length) {
  size_t slash = text.find('/');
  if (slash == absl::string_view::npos) return false;
  uint64_t len;
  if (!ParseUint64(text.substr(slash + 1), &len) || len > 128) return false;
  if (!ParseIpv6(text.substr(0, slash), address)) return false;
  for (int bit = static_cast<int>(len); bit < 128; ++bit) {
    address->bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  *length = static_cast<uint32_t>(len);
  return true;
}

Got Prefix(const Attributes& a, Attr id, IpBytes* address, uint32_t* length) {
  char buf[kIpTextMax + 8];
  absl::string_view text;
  Got g = Text(a, id, buf, sizeof(buf), &text);
  if (g != Got::kOk) return g;
  return ParsePrefix(text, address, length) ? Got::kOk : Got::kBad;
}

// Decimal text of `n` (at most 32 bits here) in `buf`.
absl::string_view FormatDecimal(uint64_t n, char (&buf)[16]) {
  char* end = buf + sizeof(buf);
  char* p = end;
  do {
    *--p = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0 && p > buf);
  return absl::string_view(p, static_cast<size_t>(end - p));
}

bool Bad(const Attributes& a, Attr id, const char* detail, ParseError* error) {
  return error->Set("invalid_value", detail, a.value[id].offset);
}

// Acct-Status-Type, shared by both readers; false with `error` set when
// it is malformed.
bool StatusType(const Attributes& a, uint32_t* status, bool* present,
                ParseError* error) {
  Got g =
      Enum(a, kStatusType, kStatusTypes,
           sizeof(kStatusTypes) / sizeof(kStatusTypes[0]), 0xFFFFFFFFu, status);
  if (g == Got::kBad) {
    return Bad(a, kStatusType, "radius: unknown Acct-Status-Type", error);
  }
  *present = g == Got::kOk;
  return true;
}

}  // namespace

bool ParseRadiusAccounting(absl::string_view json, RadiusAccounting* out,
                           BodyTime* body_time, ParseError* error) {
  Attributes a;
  if (!Collect(json, &a, error)) return false;
  if (a.any_nfware) {
    return error->Set("unrecognized",
                      "radius: an NFWare vCGNAT NAT record, not a subscriber "
                      "session",
                      0);
  }
  uint32_t status = 0;
  bool has_status = false;
  if (!StatusType(a, &status, &has_status, error)) return false;
  if (!has_status) {
    return error->Set("unrecognized", "radius: no Acct-Status-Type", 0);
  }
  if (status != 1 && status != 2 && status != 3 && status != 7 && status != 8) {
    return error->Set("unrecognized",
                      "radius: Acct-Status-Type is not Start, Stop, "
                      "Interim-Update, Accounting-On or Accounting-Off",
                      a.value[kStatusType].offset);
  }
  const bool nas_wide = status == 7 || status == 8;

  JsonValue v;
  if (Scalar(a, kSessionId, &v) == Got::kBad) {
    return Bad(a, kSessionId, "radius: invalid Acct-Session-Id", error);
  }
  if (!nas_wide && (!a.has[kSessionId] || v.raw.empty())) {
    return error->Set("invalid_value", "radius: no Acct-Session-Id", 0);
  }
  const Attr strings[] = {kMultiSessionId, kUserName, kCallingStationId,
                          kNasIdentifier};
  for (Attr id : strings) {
    if (Scalar(a, id, &v) == Got::kBad) {
      return Bad(a, id, "radius: a string attribute has an invalid value",
                 error);
    }
  }

  IpBytes framed, framed6, nas, nas6, prefix, delegated;
  uint32_t prefix_len = 0, delegated_len = 0;
  const Got got_framed = Ip(a, kFramedIp, 4, &framed);
  if (got_framed == Got::kBad) {
    return Bad(a, kFramedIp, "radius: invalid Framed-IP-Address", error);
  }
  const Got got_framed6 = Ip(a, kFramedIpv6Address, 16, &framed6);
  if (got_framed6 == Got::kBad) {
    return Bad(a, kFramedIpv6Address, "radius: invalid Framed-IPv6-Address",
               error);
  }
  const Got got_nas = Ip(a, kNasIp, 4, &nas);
  if (got_nas == Got::kBad) {
    return Bad(a, kNasIp, "radius: invalid NAS-IP-Address", error);
  }
  const Got got_nas6 = Ip(a, kNasIpv6, 16, &nas6);
  if (got_nas6 == Got::kBad) {
    return Bad(a, kNasIpv6, "radius: invalid NAS-IPv6-Address", error);
  }
  const Got got_prefix = Prefix(a, kFramedIpv6Prefix, &prefix, &prefix_len);
  if (got_prefix == Got::kBad) {
    return Bad(a, kFramedIpv6Prefix, "radius: invalid Framed-IPv6-Prefix",
               error);
  }
  const Got got_delegated =
      Prefix(a, kDelegatedIpv6Prefix, &delegated, &delegated_len);
  if (got_delegated == Got::kBad) {
    return Bad(a, kDelegatedIpv6Prefix, "radius: invalid Delegated-IPv6-Prefix",
               error);
  }

  uint64_t session_time = 0, delay_time = 0, in_oct = 0, in_gw = 0, out_oct = 0,
           out_gw = 0;
  struct Counter {
    Attr id;
    uint64_t* value;
    const char* detail;
  };
  const Counter counters[] = {
      {kSessionTime, &session_time,
       "radius: Acct-Session-Time is not a 32-bit number"},
      {kDelayTime, &delay_time,
       "radius: Acct-Delay-Time is not a 32-bit number"},
      {kInputOctets, &in_oct,
       "radius: Acct-Input-Octets is not a 32-bit number"},
      {kInputGigawords, &in_gw,
       "radius: Acct-Input-Gigawords is not a 32-bit number"},
      {kOutputOctets, &out_oct,
       "radius: Acct-Output-Octets is not a 32-bit number"},
      {kOutputGigawords, &out_gw,
       "radius: Acct-Output-Gigawords is not a 32-bit number"},
  };
  for (const Counter& c : counters) {
    if (Uint(a, c.id, 0xFFFFFFFFu, c.value) == Got::kBad) {
      return Bad(a, c.id, c.detail, error);
    }
  }
  uint32_t terminate_cause = 0;
  if (Enum(a, kTerminateCause, kTerminateCauses,
           sizeof(kTerminateCauses) / sizeof(kTerminateCauses[0]), 0xFFFFFFFFu,
           &terminate_cause) == Got::kBad) {
    return Bad(a, kTerminateCause, "radius: unknown Acct-Terminate-Cause",
               error);
  }
  int64_t event_ms = 0;
  const Got got_time = EventTime(a, &event_ms);
  if (got_time == Got::kBad) {
    return Bad(a, kEventTimestamp,
               "radius: unreadable Event-Timestamp (epoch seconds, RFC 3339 "
               "or 'Mmm d yyyy hh:mm:ss UTC')",
               error);
  }

  // Everything is valid: fill the record.
  out->set_status_type(static_cast<cgnat::v1::AcctStatusType>(status));
  AssignText(a, kSessionId, out->mutable_acct_session_id());
  AssignText(a, kMultiSessionId, out->mutable_acct_multi_session_id());
  AssignText(a, kUserName, out->mutable_user_name());
  AssignText(a, kCallingStationId, out->mutable_calling_station_id());
  AssignText(a, kNasIdentifier, out->mutable_nas_identifier());
  if (got_framed == Got::kOk) SetIp(framed, out->mutable_framed_ip());
  if (got_framed6 == Got::kOk) {
    SetIp(framed6, out->mutable_framed_ipv6_address());
  }
  if (got_nas == Got::kOk) {
    SetIp(nas, out->mutable_nas_ip());
  } else if (got_nas6 == Got::kOk) {
    SetIp(nas6, out->mutable_nas_ip());
  }
  if (got_prefix == Got::kOk) {
    SetIp(prefix, out->mutable_framed_ipv6_prefix()->mutable_address());
    out->mutable_framed_ipv6_prefix()->set_length(prefix_len);
  }
  if (got_delegated == Got::kOk) {
    SetIp(delegated, out->mutable_delegated_ipv6_prefix()->mutable_address());
    out->mutable_delegated_ipv6_prefix()->set_length(delegated_len);
  }
  if (a.has[kSessionTime]) {
    out->mutable_session_time()->set_seconds(
        static_cast<int64_t>(session_time));
  }
  if (a.has[kDelayTime]) {
    out->mutable_delay_time()->set_seconds(static_cast<int64_t>(delay_time));
  }
  out->set_terminate_cause(terminate_cause);
  out->set_input_octets((in_gw << 32) + in_oct);
  out->set_output_octets((out_gw << 32) + out_oct);
  if (got_time == Got::kOk) body_time->Set(event_ms);
  return true;
}

bool ParseRadiusNatEvent(absl::string_view json, NatEvent* event,
                         BodyTime* body_time, ParseError* error) {
  Attributes a;
  if (!Collect(json, &a, error)) return false;
  if (!a.has[kNfInsideAddr] && !a.has[kNf64InsideAddr] && !a.has[kNfNatAddr] &&
      !a.has[kNfAction]) {
    return error->Set("unrecognized", "radius: not an NFWare vCGNAT NAT record",
                      0);
  }
  uint32_t status = 0;
  bool has_status = false;
  if (!StatusType(a, &status, &has_status, error)) return false;
  if (has_status && status != 1 && status != 2 && status != 3) {
    return error->Set("unrecognized",
                      "radius: only Start, Stop and Interim-Update carry a "
                      "NAT mapping",
                      a.value[kStatusType].offset);
  }
  uint32_t nf_action = 0;
  const Got got_action =
      Enum(a, kNfAction, kNfwareActions,
           sizeof(kNfwareActions) / sizeof(kNfwareActions[0]), 6, &nf_action);
  if (got_action == Got::kBad || (got_action == Got::kOk && nf_action == 0)) {
    return Bad(a, kNfAction, "radius: NFWare-vCGNAT-Action is not 1..6", error);
  }
  cgnat::v1::Action action;
  if (has_status && status == 3) {
    action = cgnat::v1::UPDATE;
  } else if (got_action == Got::kOk) {
    const bool allocate = nf_action % 2 == 1;
    if (has_status && ((status == 1) != allocate)) {
      return Bad(a, kNfAction,
                 "radius: Acct-Status-Type contradicts NFWare-vCGNAT-Action",
                 error);
    }
    action = allocate ? cgnat::v1::CREATE : cgnat::v1::DELETE;
  } else if (has_status) {
    action = status == 1 ? cgnat::v1::CREATE : cgnat::v1::DELETE;
  } else {
    return error->Set("unrecognized",
                      "radius: neither Acct-Status-Type nor "
                      "NFWare-vCGNAT-Action",
                      0);
  }

  // Endpoints.
  IpBytes inside, outside, destination;
  Got g = Ip(a, kNfInsideAddr, 4, &inside);
  if (g == Got::kBad) {
    return Bad(a, kNfInsideAddr, "radius: invalid NFWare-vCGNAT-Inside-Addr",
               error);
  }
  if (g == Got::kAbsent) {
    g = Ip(a, kNf64InsideAddr, 16, &inside);
    if (g == Got::kBad) {
      return Bad(a, kNf64InsideAddr,
                 "radius: invalid NFWare-vCGNAT-64-Inside-Addr", error);
    }
    if (g == Got::kAbsent) {
      return error->Set("invalid_value", "radius: no NFWare-vCGNAT-Inside-Addr",
                        0);
    }
  }
  g = Ip(a, kNfNatAddr, 4, &outside);
  if (g == Got::kBad) {
    return Bad(a, kNfNatAddr, "radius: invalid NFWare-vCGNAT-NAT-Addr", error);
  }
  if (g == Got::kAbsent) {
    return error->Set("invalid_value", "radius: no NFWare-vCGNAT-NAT-Addr", 0);
  }
  const Got got_destination = Ip(a, kNfDestAddr, 0, &destination);
  if (got_destination == Got::kBad) {
    return Bad(a, kNfDestAddr, "radius: invalid NFWare-vCGNAT-Dest-Addr",
               error);
  }
  struct Port {
    Attr id;
    uint64_t value;
    Got got;
    const char* detail;
  };
  Port ports[] = {
      {kNfInsidePort, 0, Got::kAbsent,
       "radius: NFWare-vCGNAT-Inside-Port is not 0..65535"},
      {kNfNatPort, 0, Got::kAbsent,
       "radius: NFWare-vCGNAT-NAT-Port is not 0..65535"},
      {kNfDestPort, 0, Got::kAbsent,
       "radius: NFWare-vCGNAT-Dest-Port is not 0..65535"},
      {kNfPortStart, 0, Got::kAbsent,
       "radius: NFWare-vCGNAT-NAT-Port-Start is not 0..65535"},
      {kNfPortEnd, 0, Got::kAbsent,
       "radius: NFWare-vCGNAT-NAT-Port-End is not 0..65535"},
  };
  for (Port& p : ports) {
    p.got = Uint(a, p.id, 65535, &p.value);
    if (p.got == Got::kBad) return Bad(a, p.id, p.detail, error);
  }
  const Port& inside_port = ports[0];
  const Port& nat_port = ports[1];
  const Port& dest_port = ports[2];
  const Port& block_start = ports[3];
  const Port& block_end = ports[4];

  uint32_t protocol = 0;
  if (Enum(a, kNfProtocol, kNfwareProtocols,
           sizeof(kNfwareProtocols) / sizeof(kNfwareProtocols[0]), 255,
           &protocol) == Got::kBad) {
    return Bad(a, kNfProtocol, "radius: unknown NFWare-vCGNAT-Protocol", error);
  }
  uint32_t direction = 2;
  if (Enum(a, kNfDirection, kNfwareDirections,
           sizeof(kNfwareDirections) / sizeof(kNfwareDirections[0]), 2,
           &direction) == Got::kBad) {
    return Bad(a, kNfDirection, "radius: NFWare-vCGNAT-Direction is not 0..2",
               error);
  }
  uint64_t vrf = 0;
  char vrf_buf[16];
  absl::string_view vrf_text;
  const Got got_vrf = Uint(a, kNfVrf, 0xFFFFFFFFu, &vrf);
  if (got_vrf == Got::kBad) {
    return Bad(a, kNfVrf, "radius: NFWare-vCGNAT-VRF is not a 32-bit number",
               error);
  }
  if (got_vrf == Got::kOk) vrf_text = FormatDecimal(vrf, vrf_buf);

  cgnat::v1::Mapping mapping;
  if (got_destination == Got::kOk) {
    if (inside_port.got != Got::kOk || nat_port.got != Got::kOk ||
        dest_port.got != Got::kOk) {
      return error->Set("invalid_value",
                        "radius: an NFWare session needs Inside-Port, "
                        "NAT-Port and Dest-Port",
                        a.value[kNfDestAddr].offset);
    }
    mapping = cgnat::v1::SESSION;
  } else if (block_start.got == Got::kOk) {
    if (block_end.got != Got::kOk) {
      return Bad(a, kNfPortStart,
                 "radius: NFWare-vCGNAT-NAT-Port-Start without -NAT-Port-End",
                 error);
    }
    if (block_end.value < block_start.value) {
      return Bad(a, kNfPortEnd,
                 "radius: NFWare-vCGNAT-NAT-Port-End is below -NAT-Port-Start",
                 error);
    }
    mapping = cgnat::v1::PORT_BLOCK;
  } else if (inside_port.got == Got::kOk || nat_port.got == Got::kOk) {
    if (inside_port.got != Got::kOk || nat_port.got != Got::kOk) {
      return error->Set("invalid_value",
                        "radius: an NFWare port mapping needs Inside-Port "
                        "and NAT-Port",
                        0);
    }
    mapping = cgnat::v1::PORT;
  } else {
    mapping = cgnat::v1::ADDRESS;
  }

  // Device and time.
  IpBytes nas;
  absl::string_view device;
  char device_buf[kIpTextMax + 8];
  g = Ip(a, kNasIp, 4, &nas, &device, device_buf, sizeof(device_buf));
  if (g == Got::kBad) {
    return Bad(a, kNasIp, "radius: invalid NAS-IP-Address", error);
  }
  if (g == Got::kAbsent) {
    g = Ip(a, kNasIpv6, 16, &nas, &device, device_buf, sizeof(device_buf));
    if (g == Got::kBad) {
      return Bad(a, kNasIpv6, "radius: invalid NAS-IPv6-Address", error);
    }
  }
  char id_buf[128];
  if (g == Got::kAbsent &&
      Text(a, kNasIdentifier, id_buf, sizeof(id_buf), &device) == Got::kBad) {
    return Bad(a, kNasIdentifier, "radius: invalid NAS-Identifier", error);
  }
  int64_t event_ms = 0;
  const Got got_time = EventTime(a, &event_ms);
  if (got_time == Got::kBad) {
    return Bad(a, kEventTimestamp,
               "radius: unreadable Event-Timestamp (epoch seconds, RFC 3339 "
               "or 'Mmm d yyyy hh:mm:ss UTC')",
               error);
  }

  // Everything is valid: fill the event.
  event->set_action(action);
  event->set_mapping(mapping);
  SetIp(inside, event->mutable_inside_ip());
  SetIp(outside, event->mutable_outside_ip());
  if (mapping != cgnat::v1::ADDRESS) event->set_protocol(protocol);
  if (mapping == cgnat::v1::SESSION || mapping == cgnat::v1::PORT) {
    event->set_inside_port(static_cast<uint32_t>(inside_port.value));
    event->set_outside_port(static_cast<uint32_t>(nat_port.value));
  }
  if (mapping == cgnat::v1::SESSION) {
    SetIp(destination, event->mutable_destination_ip());
    event->set_destination_port(static_cast<uint32_t>(dest_port.value));
  }
  if (mapping == cgnat::v1::PORT_BLOCK) {
    event->set_port_block_start(static_cast<uint32_t>(block_start.value));
    event->set_port_block_end(static_cast<uint32_t>(block_end.value));
  }
  if (direction == 0) event->set_direction(cgnat::v1::OUTBOUND);
  if (direction == 1) event->set_direction(cgnat::v1::INBOUND);
  if (!vrf_text.empty()) event->set_vrf(vrf_text.data(), vrf_text.size());
  if (!device.empty()) event->set_device(device.data(), device.size());
  if (got_time == Got::kOk) body_time->Set(event_ms);
  return true;
}

}  // namespace netstreams
