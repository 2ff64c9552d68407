// pmacct nfacctd: NetFlow v9 / IPFIX NAT event records (RFC 8158, NEL)
// collected by nfacctd and written to Kafka by its kafka plugin with
// `kafka_output: json`. Each Kafka record (framing NONE) is one flat JSON
// object; pmacct writes one member per primitive of the `aggregate` list:
//
//   {"peer_ip_src": "192.0.2.1", "ip_src": "100.64.1.10",
//    "port_src": 40001, "post_nat_ip_src": "203.0.113.5",
//    "post_nat_port_src": 1024, "ip_dst": "198.51.100.7", "port_dst": 443,
//    "post_nat_ip_dst": "", "post_nat_port_dst": 0, "ip_proto": "tcp",
//    "nat_event": 4, "timestamp_start": "1677577561.000000",
//    "timestamp_end": "0.000000", "timestamp_export": "1677577621.000000",
//    ... any other primitives, ignored ...}
//
// Members read (anything else is ignored; a later duplicate wins):
//   nat_event          natEvent (IE 230), number (or numeric string)
//   ip_src, port_src   inside address and port (src_host, src_port)
//   post_nat_ip_src, post_nat_port_src  outside address and port
//   ip_dst, port_dst   destination (dst_host, dst_port)
//   ip_proto           "tcp"/"udp"/... or a number (*_num_protos: true)
//   peer_ip_src        the exporter; becomes NatEvent.device
//   timestamp_start, timestamp_end, timestamp_export
//                      "1677577561.000000" (timestamps_since_epoch),
//                      "1677577561" (plus timestamps_secs), or
//                      "2023-02-28 10:26:01.000000" (the default: the
//                      collector's local time, UTC only with
//                      timestamps_utc: true, so zone-less times are read
//                      in the configured zone), or RFC 3339 with a zone
//                      (timestamps_rfc3339). "0.000000" and
//                      "0000-00-00 00:00:00" mean absent.
//   ingress_vrfid, ingressVRFID, vrf_id_ingress, vrf_id, vrf_name
//                      VRF. pmacct has no built-in VRF primitive; define
//                      one in aggregate_primitives (e.g. "name=ingress_vrfid
//                      field_type=234 len=4 semantics=u_int") under one of
//                      these names. Custom primitives are written as
//                      top-level strings ("ingress_vrfid": "12"); numbers
//                      are accepted too.
//   port_range_start, port_range_end (or port_block_start/_end)
//                      port block (IEs 361/362); also custom primitives,
//                      since pmacct exports no port range of its own.
//
// natEvent, IANA numbering (RFC 8158 section 4.3, the default):
//   0                 not a NAT record (pmacct writes 0 on plain flows):
//                     unrecognized
//   1/2  create/delete NAT translation (historic): SESSION when the
//                     destination is known, else PORT when a port is,
//                     else ADDRESS
//   4/5, 6/7          NAT44 / NAT64 session create/delete: SESSION, or
//                     PORT when the exporter leaves the destination out
//                     (0.0.0.0, as VPP's NAT44 session template does)
//   8/9, 10/11        NAT44 / NAT64 BIB create/delete: PORT
//   14/15             address binding create/delete: ADDRESS
//   16/17             port block allocation/de-allocation: PORT_BLOCK, from
//                     port_range_start..port_range_end when present, else
//                     the single port post_nat_port_src..post_nat_port_src
//                     (the block size is then unknown)
//   3, 12, 13, 18     addresses/ports exhausted, quota exceeded, threshold
//                     reached: not mappings, unrecognized
//   above 18          invalid_value
// Vendor numbering differs: nfdump (userio.h, after Juniper's
// "Understanding NAT Event Logging in Flow Monitoring Format") documents
// Junos MS-MPC/MX-SPC3 numbering one below IANA (1/2 NAT44 session ...
// 14/15 port block, 16 port block active = interim); Cisco ASA NSEL puts
// its create/delete (1/2) in firewall_event (IE 233, pmacct fw_event),
// not natEvent. ParseNfacctd uses IANA; ParseNfacctdJson takes
// NatEventNumbering::kJunos for Juniper exporters.
//
// Event time: creates use timestamp_start (pmacct fills it with the flow
// start or the observation time of an event record), deletes
// timestamp_end when non-zero, else timestamp_start; both fall back to
// timestamp_export. None present: the stage keeps the record time.
//
// Rejected, never half-filled: not one JSON object (unrecognized, with the
// JSON error's offset), no nat_event, non-mapping events, a missing or bad
// ip_src / post_nat_ip_src / ip_dst, ports above 65535, unknown protocol
// names, unreadable timestamps, a port block whose end is below its start
// (invalid_value).
//
// Sources: pmacct CONFIG-KEYS (aggregate primitives, timestamps_secs,
// timestamps_rfc3339, timestamps_utc, timestamps_since_epoch,
// *_num_protos, aggregate_primitives), pmacct src/plugin_cmn_json.c
// (member names, custom primitives as top-level strings) and
// src/util.c compose_timestamp (timestamp forms),
// pmacct tests/100-IPFIXv10-CISCO output-flow-00.json (a record),
// veesix-networks/cgn-ec producer/netflow/nfacctd.conf (a CGNAT
// deployment's aggregate list), RFC 8158 and the IANA ipfix-nat-event-type
// registry, nfdump userio.h / userio.c (vendor numbering).
#include "src/parsers/nfacctd_parser.h"

#include <cstdint>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "src/common/ip_address.h"
#include "src/parsers/fields.h"
#include "src/parsers/json_scanner.h"
#include "src/parsers/vendor.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;

enum class Kind {
  kNotNat,      // natEvent 0
  kNotMapping,  // exhaustion, quota, threshold
  kHistoric,    // IANA 1/2: the mapping follows from the fields present
  kSession,
  kBib,
  kAddress,
  kBlock,
};

struct EventType {
  Kind kind;
  cgnat::v1::Action action;
};

constexpr cgnat::v1::Action kNone = cgnat::v1::ACTION_UNSPECIFIED;
constexpr cgnat::v1::Action kCreate = cgnat::v1::CREATE;
constexpr cgnat::v1::Action kDelete = cgnat::v1::DELETE;
constexpr cgnat::v1::Action kUpdate = cgnat::v1::UPDATE;

constexpr EventType kIanaEvents[] = {
    {Kind::kNotNat, kNone},      // 0 reserved
    {Kind::kHistoric, kCreate},  // 1 NAT translation create (historic)
    {Kind::kHistoric, kDelete},  // 2 NAT translation delete (historic)
    {Kind::kNotMapping, kNone},  // 3 NAT addresses exhausted
    {Kind::kSession, kCreate},   // 4 NAT44 session create
    {Kind::kSession, kDelete},   // 5 NAT44 session delete
    {Kind::kSession, kCreate},   // 6 NAT64 session create
    {Kind::kSession, kDelete},   // 7 NAT64 session delete
    {Kind::kBib, kCreate},       // 8 NAT44 BIB create
    {Kind::kBib, kDelete},       // 9 NAT44 BIB delete
    {Kind::kBib, kCreate},       // 10 NAT64 BIB create
    {Kind::kBib, kDelete},       // 11 NAT64 BIB delete
    {Kind::kNotMapping, kNone},  // 12 NAT ports exhausted
    {Kind::kNotMapping, kNone},  // 13 quota exceeded
    {Kind::kAddress, kCreate},   // 14 address binding create
    {Kind::kAddress, kDelete},   // 15 address binding delete
    {Kind::kBlock, kCreate},     // 16 port block allocation
    {Kind::kBlock, kDelete},     // 17 port block de-allocation
    {Kind::kNotMapping, kNone},  // 18 threshold reached
};

constexpr EventType kJunosEvents[] = {
    {Kind::kNotNat, kNone},      // 0 ignore
    {Kind::kSession, kCreate},   // 1 NAT44 session create
    {Kind::kSession, kDelete},   // 2 NAT44 session delete
    {Kind::kNotMapping, kNone},  // 3 NAT addresses exhausted
    {Kind::kSession, kCreate},   // 4 NAT64 session create
    {Kind::kSession, kDelete},   // 5 NAT64 session delete
    {Kind::kBib, kCreate},       // 6 NAT44 BIB create
    {Kind::kBib, kDelete},       // 7 NAT44 BIB delete
    {Kind::kBib, kCreate},       // 8 NAT64 BIB create
    {Kind::kBib, kDelete},       // 9 NAT64 BIB delete
    {Kind::kNotMapping, kNone},  // 10 NAT ports exhausted
    {Kind::kNotMapping, kNone},  // 11 quota exceeded
    {Kind::kAddress, kCreate},   // 12 address create
    {Kind::kAddress, kDelete},   // 13 address delete
    {Kind::kBlock, kCreate},     // 14 port block allocate
    {Kind::kBlock, kDelete},     // 15 port block release
    {Kind::kBlock, kUpdate},     // 16 port block active (interim)
};

// The members this parser reads, as located by the scan.
struct Record {
  JsonValue nat_event, ip_src, port_src, post_nat_ip_src, post_nat_port_src,
      ip_dst, port_dst, ip_proto, peer_ip_src, timestamp_start, timestamp_end,
      timestamp_export, vrf, port_range_start, port_range_end;
  bool has_nat_event = false, has_ip_src = false, has_port_src = false,
       has_post_nat_ip_src = false, has_post_nat_port_src = false,
       has_ip_dst = false, has_port_dst = false, has_ip_proto = false,
       has_peer_ip_src = false, has_timestamp_start = false,
       has_timestamp_end = false, has_timestamp_export = false, has_vrf = false,
       has_port_range_start = false, has_port_range_end = false;
};

void Take(const JsonValue& v, JsonValue* slot, bool* has) {
  // null is the same as absent.
  *has = v.kind != JsonKind::kNull;
  if (*has) *slot = v;
}

// Routes one member to its slot; unknown names are ignored. Dispatched on
// the name's length first: a pmacct record has ~20 members and a chain of
// 21 comparisons per member was a tenth of the parse.
void Assign(absl::string_view key, const JsonValue& v, Record* r) {
  switch (key.size()) {
    case 6:
      if (key == "ip_src") {
        Take(v, &r->ip_src, &r->has_ip_src);
      } else if (key == "ip_dst") {
        Take(v, &r->ip_dst, &r->has_ip_dst);
      } else if (key == "vrf_id") {
        Take(v, &r->vrf, &r->has_vrf);
      }
      break;
    case 8:
      if (key == "port_src") {
        Take(v, &r->port_src, &r->has_port_src);
      } else if (key == "port_dst") {
        Take(v, &r->port_dst, &r->has_port_dst);
      } else if (key == "ip_proto") {
        Take(v, &r->ip_proto, &r->has_ip_proto);
      } else if (key == "vrf_name") {
        Take(v, &r->vrf, &r->has_vrf);
      }
      break;
    case 9:
      if (key == "nat_event") Take(v, &r->nat_event, &r->has_nat_event);
      break;
    case 11:
      if (key == "peer_ip_src") Take(v, &r->peer_ip_src, &r->has_peer_ip_src);
      break;
    case 12:
      if (key == "ingressVRFID") Take(v, &r->vrf, &r->has_vrf);
      break;
    case 13:
      if (key == "timestamp_end") {
        Take(v, &r->timestamp_end, &r->has_timestamp_end);
      } else if (key == "ingress_vrfid") {
        Take(v, &r->vrf, &r->has_vrf);
      }
      break;
    case 14:
      if (key == "vrf_id_ingress") {
        Take(v, &r->vrf, &r->has_vrf);
      } else if (key == "port_range_end" || key == "port_block_end") {
        Take(v, &r->port_range_end, &r->has_port_range_end);
      }
      break;
    case 15:
      if (key == "post_nat_ip_src") {
        Take(v, &r->post_nat_ip_src, &r->has_post_nat_ip_src);
      } else if (key == "timestamp_start") {
        Take(v, &r->timestamp_start, &r->has_timestamp_start);
      }
      break;
    case 16:
      if (key == "timestamp_export") {
        Take(v, &r->timestamp_export, &r->has_timestamp_export);
      } else if (key == "port_range_start" || key == "port_block_start") {
        Take(v, &r->port_range_start, &r->has_port_range_start);
      }
      break;
    case 17:
      if (key == "post_nat_port_src") {
        Take(v, &r->post_nat_port_src, &r->has_post_nat_port_src);
      }
      break;
    default:
      break;
  }
}

// Text of a string or number value (decoded into `buf` if escaped).
bool ValueText(const JsonValue& v, char* buf, size_t cap,
               absl::string_view* text) {
  return JsonScalarText(v, buf, cap, text);
}

// A non-negative integer up to `max`, written as a JSON integer or as a
// string of digits.
bool ValueUint(const JsonValue& v, uint64_t max, uint64_t* out) {
  char buf[32];
  absl::string_view text;
  if (!ValueText(v, buf, sizeof(buf), &text)) return false;
  uint64_t n;
  if (!ParseUint64(text, &n) || n > max) return false;
  *out = n;
  return true;
}

// An address value. `*present` is false for "", "0.0.0.0" and "::"
// (pmacct's rendering of an unset address).
bool ValueIp(const JsonValue& v, IpBytes* ip, bool* present) {
  char buf[kIpTextMax + 8];
  absl::string_view text;
  if (v.kind != JsonKind::kString || !ValueText(v, buf, sizeof(buf), &text)) {
    return false;
  }
  if (text.empty()) {
    *present = false;
    return true;
  }
  if (!ParseIp(text, ip)) return false;
  bool zero = true;
  for (uint8_t i = 0; i < ip->size; ++i) zero = zero && ip->bytes[i] == 0;
  *present = !zero;
  return true;
}

bool AllDigitsOrDot(absl::string_view text) {
  for (char c : text) {
    if ((c < '0' || c > '9') && c != '.') return false;
  }
  return !text.empty();
}

// One of pmacct's timestamp forms. `*present` is false for the zero
// renderings.
bool ParsePmacctTime(absl::string_view text, const SyslogTimeContext& tc,
                     int64_t* ms, bool* present) {
  if (text.empty()) {
    *present = false;
    return true;
  }
  if (AllDigitsOrDot(text)) {
    if (!ParseEpochSecondsFraction(text, ms)) return false;
    *present = *ms != 0;
    return true;
  }
  if (text.substr(0, 4) == "0000") {
    // "0000-00-00 00:00:00[.000000]": compose_timestamp's "no time".
    *present = false;
    return true;
  }
  size_t n = ParseRfc3339(text, ms);
  if (n == 0 || n != text.size()) return false;
  // ParseRfc3339 takes any day up to 31; refuse Feb 30 and the like.
  const int year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 +
                   (text[2] - '0') * 10 + (text[3] - '0');
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  const int day = (text[8] - '0') * 10 + (text[9] - '0');
  if (absl::CivilDay(year, month, day).day() != day) return false;
  // Zone-less: YYYY-MM-DD?hh:mm:ss plus an optional fraction, nothing
  // else. Then the digits are the collector's wall clock in `tc.zone`.
  size_t p = 19;
  if (p < text.size() && text[p] == '.') {
    ++p;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9') ++p;
  }
  if (p == text.size()) {
    int64_t seconds = *ms >= 0 ? *ms / 1000 : (*ms - 999) / 1000;
    int64_t frac = *ms - seconds * 1000;
    absl::CivilSecond civil = absl::ToCivilSecond(
        absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
    *ms = absl::ToUnixSeconds(absl::FromCivil(civil, tc.zone)) * 1000 + frac;
  }
  *present = true;
  return true;
}

bool ValueTime(const JsonValue& v, const SyslogTimeContext& tc, int64_t* ms,
               bool* present) {
  char buf[64];
  absl::string_view text;
  if (!ValueText(v, buf, sizeof(buf), &text)) return false;
  return ParsePmacctTime(text, tc, ms, present);
}

}  // namespace

bool ParseNfacctdJson(absl::string_view json, NatEventNumbering numbering,
                      const SyslogTimeContext& time, NatEvent* event,
                      BodyTime* body_time, ParseError* error) {
  Record r;
  JsonObjectScanner scanner(json);
  JsonMember m;
  while (scanner.Next(&m)) {
    if (!m.key_escaped) {
      Assign(m.key, m.value, &r);
    } else {
      char buf[64];
      size_t n;
      if (JsonUnescapeTo(m.key, buf, sizeof(buf), &n)) {
        Assign(absl::string_view(buf, n), m.value, &r);
      }
    }
  }
  if (!scanner.done()) {
    return error->Set("unrecognized", "nfacctd: not a JSON object",
                      scanner.error_offset());
  }
  if (!r.has_nat_event) {
    return error->Set("unrecognized", "nfacctd: no nat_event member", 0);
  }
  uint64_t nat_event;
  if (!ValueUint(r.nat_event, 255, &nat_event)) {
    return error->Set("invalid_value", "nfacctd: nat_event is not 0..255",
                      r.nat_event.offset);
  }
  const EventType* table =
      numbering == NatEventNumbering::kJunos ? kJunosEvents : kIanaEvents;
  const size_t table_size = numbering == NatEventNumbering::kJunos
                                ? sizeof(kJunosEvents) / sizeof(EventType)
                                : sizeof(kIanaEvents) / sizeof(EventType);
  if (nat_event >= table_size) {
    return error->Set("invalid_value", "nfacctd: unknown nat_event value",
                      r.nat_event.offset);
  }
  const EventType type = table[nat_event];
  if (type.kind == Kind::kNotNat) {
    return error->Set("unrecognized", "nfacctd: not a NAT event (nat_event 0)",
                      r.nat_event.offset);
  }
  if (type.kind == Kind::kNotMapping) {
    return error->Set("unrecognized",
                      "nfacctd: nat_event reports exhaustion, quota or a "
                      "threshold, not a mapping",
                      r.nat_event.offset);
  }

  // Addresses.
  IpBytes inside, outside, destination;
  bool inside_present = false, outside_present = false,
       destination_present = false;
  if (!r.has_ip_src) {
    return error->Set("invalid_value", "nfacctd: NAT event without ip_src", 0);
  }
  if (!ValueIp(r.ip_src, &inside, &inside_present)) {
    return error->Set("invalid_value", "nfacctd: invalid ip_src",
                      r.ip_src.offset);
  }
  if (!inside_present) {
    return error->Set("invalid_value", "nfacctd: NAT event with empty ip_src",
                      r.ip_src.offset);
  }
  if (!r.has_post_nat_ip_src) {
    return error->Set("invalid_value",
                      "nfacctd: NAT event without post_nat_ip_src", 0);
  }
  if (!ValueIp(r.post_nat_ip_src, &outside, &outside_present)) {
    return error->Set("invalid_value", "nfacctd: invalid post_nat_ip_src",
                      r.post_nat_ip_src.offset);
  }
  if (!outside_present) {
    return error->Set("invalid_value",
                      "nfacctd: NAT event with empty post_nat_ip_src",
                      r.post_nat_ip_src.offset);
  }
  if (r.has_ip_dst && !ValueIp(r.ip_dst, &destination, &destination_present)) {
    return error->Set("invalid_value", "nfacctd: invalid ip_dst",
                      r.ip_dst.offset);
  }

  // Ports and protocol.
  uint64_t port_src = 0, post_nat_port_src = 0, port_dst = 0;
  if (r.has_port_src && !ValueUint(r.port_src, 65535, &port_src)) {
    return error->Set("invalid_value", "nfacctd: port_src is not 0..65535",
                      r.port_src.offset);
  }
  if (r.has_post_nat_port_src &&
      !ValueUint(r.post_nat_port_src, 65535, &post_nat_port_src)) {
    return error->Set("invalid_value",
                      "nfacctd: post_nat_port_src is not 0..65535",
                      r.post_nat_port_src.offset);
  }
  if (r.has_port_dst && !ValueUint(r.port_dst, 65535, &port_dst)) {
    return error->Set("invalid_value", "nfacctd: port_dst is not 0..65535",
                      r.port_dst.offset);
  }
  uint32_t protocol = 0;
  if (r.has_ip_proto) {
    char buf[32];
    absl::string_view text;
    if (!ValueText(r.ip_proto, buf, sizeof(buf), &text) ||
        !ParseProtocol(text, &protocol)) {
      return error->Set("invalid_value", "nfacctd: unknown ip_proto",
                        r.ip_proto.offset);
    }
  }
  uint64_t block_start = post_nat_port_src, block_end = post_nat_port_src;
  if (r.has_port_range_start &&
      !ValueUint(r.port_range_start, 65535, &block_start)) {
    return error->Set("invalid_value",
                      "nfacctd: port_range_start is not 0..65535",
                      r.port_range_start.offset);
  }
  if (r.has_port_range_end) {
    if (!ValueUint(r.port_range_end, 65535, &block_end)) {
      return error->Set("invalid_value",
                        "nfacctd: port_range_end is not 0..65535",
                        r.port_range_end.offset);
    }
  } else {
    block_end = block_start;
  }

  // Which mapping.
  cgnat::v1::Mapping mapping;
  switch (type.kind) {
    case Kind::kHistoric:
      mapping = destination_present ? cgnat::v1::SESSION
                : (port_src != 0 || post_nat_port_src != 0)
                    ? cgnat::v1::PORT
                    : cgnat::v1::ADDRESS;
      break;
    case Kind::kSession:
      mapping = destination_present ? cgnat::v1::SESSION : cgnat::v1::PORT;
      break;
    case Kind::kBib:
      mapping = cgnat::v1::PORT;
      break;
    case Kind::kAddress:
      mapping = cgnat::v1::ADDRESS;
      break;
    case Kind::kBlock:
    default:
      mapping = cgnat::v1::PORT_BLOCK;
      if (block_end < block_start) {
        return error->Set("invalid_value",
                          "nfacctd: port_range_end is below port_range_start",
                          r.has_port_range_end ? r.port_range_end.offset : 0);
      }
      break;
  }

  // Device.
  IpBytes peer;
  bool peer_present = false;
  absl::string_view peer_text;
  char peer_buf[kIpTextMax + 8];
  if (r.has_peer_ip_src) {
    if (!ValueIp(r.peer_ip_src, &peer, &peer_present) ||
        !ValueText(r.peer_ip_src, peer_buf, sizeof(peer_buf), &peer_text)) {
      return error->Set("invalid_value", "nfacctd: invalid peer_ip_src",
                        r.peer_ip_src.offset);
    }
  }

  // VRF: a number is kept as its decimal text, a name as written.
  absl::string_view vrf_text;
  char vrf_buf[64];
  if (r.has_vrf) {
    if ((r.vrf.kind != JsonKind::kNumber && r.vrf.kind != JsonKind::kString) ||
        !ValueText(r.vrf, vrf_buf, sizeof(vrf_buf), &vrf_text)) {
      return error->Set("invalid_value", "nfacctd: invalid VRF", r.vrf.offset);
    }
    uint64_t unused;
    if (r.vrf.kind == JsonKind::kNumber && !ParseUint64(vrf_text, &unused)) {
      return error->Set("invalid_value", "nfacctd: VRF id is not an integer",
                        r.vrf.offset);
    }
  }

  // Event time.
  int64_t start_ms = 0, end_ms = 0, export_ms = 0;
  bool start_present = false, end_present = false, export_present = false;
  if (r.has_timestamp_start &&
      !ValueTime(r.timestamp_start, time, &start_ms, &start_present)) {
    return error->Set("invalid_value", "nfacctd: unreadable timestamp_start",
                      r.timestamp_start.offset);
  }
  if (r.has_timestamp_end &&
      !ValueTime(r.timestamp_end, time, &end_ms, &end_present)) {
    return error->Set("invalid_value", "nfacctd: unreadable timestamp_end",
                      r.timestamp_end.offset);
  }
  if (r.has_timestamp_export &&
      !ValueTime(r.timestamp_export, time, &export_ms, &export_present)) {
    return error->Set("invalid_value", "nfacctd: unreadable timestamp_export",
                      r.timestamp_export.offset);
  }

  // Everything is valid: fill the event.
  event->set_action(type.action);
  event->set_mapping(mapping);
  SetIp(inside, event->mutable_inside_ip());
  SetIp(outside, event->mutable_outside_ip());
  if (mapping != cgnat::v1::ADDRESS) event->set_protocol(protocol);
  if (mapping == cgnat::v1::SESSION || mapping == cgnat::v1::PORT) {
    event->set_inside_port(static_cast<uint32_t>(port_src));
    event->set_outside_port(static_cast<uint32_t>(post_nat_port_src));
  }
  if (mapping == cgnat::v1::SESSION) {
    SetIp(destination, event->mutable_destination_ip());
    event->set_destination_port(static_cast<uint32_t>(port_dst));
  }
  if (mapping == cgnat::v1::PORT_BLOCK) {
    event->set_port_block_start(static_cast<uint32_t>(block_start));
    event->set_port_block_end(static_cast<uint32_t>(block_end));
  }
  if (!vrf_text.empty()) event->set_vrf(vrf_text.data(), vrf_text.size());
  if (peer_present) event->set_device(peer_text.data(), peer_text.size());

  if (type.action == cgnat::v1::DELETE && end_present) {
    body_time->Set(end_ms);
  } else if (start_present) {
    body_time->Set(start_ms);
  } else if (export_present) {
    body_time->Set(export_ms);
  }
  return true;
}

bool DetectNfacctd(const SyslogMessage& syslog) {
  absl::string_view m = syslog.message;
  size_t i = 0;
  while (i < m.size() && (m[i] == ' ' || m[i] == '\t')) ++i;
  return i < m.size() && m[i] == '{' &&
         m.find("\"nat_event\"", i) != absl::string_view::npos;
}

bool ParseNfacctd(const VendorInput& input, NatEvent* event,
                  BodyTime* body_time, ParseError* error) {
  return ParseNfacctdJson(input.syslog.message, NatEventNumbering::kIana,
                          input.time, event, body_time, error);
}

}  // namespace netstreams
