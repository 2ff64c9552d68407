// NetFlow v9 / IPFIX NAT Event Logging decoder. Sources, all public:
//   RFC 3954  Cisco Systems NetFlow Services Export Version 9: packet
//             header (version, count, sysUptime, UNIX secs, sequence,
//             source id), FlowSet ids 0 (template), 1 (options template),
//             >= 256 (data), padding to 32 bits.
//   RFC 7011  IPFIX protocol: message header (version 10, length, export
//             time, sequence = data records sent before this message,
//             observation domain), set ids 2 / 3 / >= 256, enterprise bit,
//             variable-length encoding (length 65535; 1-byte length, 255
//             escapes to a 2-byte length), template withdrawal (field
//             count 0; template id 2 or 3 withdraws all), reduced-size
//             encoding of unsigned integers, NTP-format dateTimeMicro-
//             and -Nanoseconds.
//   RFC 8158  IPFIX information elements for NAT logging, and the IANA
//             "IPFIX Information Elements" and "NAT Event Type" registries.
//   nfdump    (github.com/phaag/nfdump) element tables: Cisco NSEL and
//             ASR 1000 NEL use the same ids below 32768.
//
// Layout handled, big-endian throughout:
//   v9 header     u16 9 | u16 count (ignored: exporters disagree on what it
//                 counts, and the set lengths are what bound the packet)
//                 | u32 sysUptime | u32 secs | u32 sequence | u32 source id
//   IPFIX header  u16 10 | u16 length (== packet size) | u32 export time
//                 | u32 sequence | u32 observation domain
//   set           u16 id | u16 length (>= 4, header included) | body;
//                 sets tile the packet exactly
//   v9 template   u16 id | u16 count (>= 1) | count x (u16 type, u16 len)
//   v9 options    u16 id | u16 scope bytes | u16 option bytes (multiples of
//                 4) | (scope + option) / 4 x (u16 type, u16 len)
//   IPFIX tmpl    u16 id | u16 count | [u16 scope count (options, 1..count)]
//                 | count x (u16 id|E, u16 len, [u32 enterprise if E])
//                 count 0 is a withdrawal (4 bytes)
//   A field length of 65535 is variable-length in both versions (RFC 3954
//   does not define it, but no fixed-length field that long fits a set).
//   padding       at the end of a template set: fewer than 4 bytes, or
//                 only zero bytes; at the end of a data set: fewer bytes
//                 than the template's shortest record
#include "src/parsers/flow_decoder.h"

#include <initializer_list>
#include <utility>

#include "src/common/proto_time.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;

constexpr uint8_t kFormatVersion = 1;
constexpr char kKindTemplate = 'T';
constexpr char kKindSequence = 'S';
// Late packets in a row (each continuing the previous) taken as a restart.
constexpr uint32_t kLateRunRestart = 3;
// 9999-12-31T23:59:59.999Z, the last instant a Timestamp can hold.
constexpr uint64_t kMaxEpochMs = 253402300799999ull;
// Seconds from 1900-01-01 (NTP era 0) to 1970-01-01.
constexpr uint64_t kNtpToUnix = 2208988800ull;

inline uint16_t Get16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
inline uint32_t Get32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}
inline uint64_t GetN(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = v << 8 | p[i];
  return v;
}
inline const uint8_t* Bytes(absl::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

void Put16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}
void Put32(std::string* out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v >> 16));
  Put16(out, static_cast<uint16_t>(v));
}

// What a template field means to the decoder.
enum Role : uint8_t {
  kSkip = 0,
  kNatEvent,
  kFirewallEvent,
  kSrcV4,
  kSrcV6,
  kDstV4,
  kDstV6,
  kPostSrcV4,
  kPostSrcV6,
  kPostDstV4,
  kPostDstV6,
  kSrcPort,
  kDstPort,
  kPostSrcPort,
  kPostDstPort,
  kProtocol,
  kIngressVrf,
  kPortStart,
  kPortEnd,
  kPortStep,
  kPortCount,
  kRealm,
  kTimeMs,
  kTimeUs,
  kTimeNs,
  kTimeS,
  kStartMs,
  kStartS,
  kNumRoles,
};
static_assert(kNumRoles <= 32, "roles are a 32-bit mask");

Role RoleOf(uint16_t ie) {
  switch (ie) {
    case 4:
      return kProtocol;
    case 7:
      return kSrcPort;
    case 8:
      return kSrcV4;
    case 11:
      return kDstPort;
    case 12:
      return kDstV4;
    case 27:
      return kSrcV6;
    case 28:
      return kDstV6;
    case 150:
      return kStartS;
    case 152:
      return kStartMs;
    case 225:
      return kPostSrcV4;
    case 226:
      return kPostDstV4;
    case 227:
      return kPostSrcPort;
    case 228:
      return kPostDstPort;
    case 229:
      return kRealm;
    case 230:
      return kNatEvent;
    case 233:
      return kFirewallEvent;
    case 234:
      return kIngressVrf;
    case 281:
      return kPostSrcV6;
    case 282:
      return kPostDstV6;
    case 322:
      return kTimeS;
    case 323:
      return kTimeMs;
    case 324:
      return kTimeUs;
    case 325:
      return kTimeNs;
    case 361:
      return kPortStart;
    case 362:
      return kPortEnd;
    case 363:
      return kPortStep;
    case 364:
      return kPortCount;
    default:
      return kSkip;
  }
}

bool LengthFits(Role role, uint16_t length) {
  switch (role) {
    case kSrcV4:
    case kDstV4:
    case kPostSrcV4:
    case kPostDstV4:
      return length == 4;
    case kSrcV6:
    case kDstV6:
    case kPostSrcV6:
    case kPostDstV6:
      return length == 16;
    case kTimeUs:
    case kTimeNs:
      return length == 8;
    default:  // unsigned, reduced-size encoding allowed
      return length >= 1 && length <= 8;
  }
}

// One template record as found in a set (or a stored value).
struct TemplateRecordView {
  uint16_t id = 0;
  bool withdrawal = false;
  bool withdraw_all = false;
  uint16_t field_count = 0;
  uint16_t scope_count = 0;
  absl::string_view specifiers;
  absl::string_view wire;  // the whole record
};

// Parses the template record at the start of `data`, whose first byte is
// at packet offset `at`.
bool ParseTemplateRecord(uint8_t version, bool options, absl::string_view data,
                         size_t at, TemplateRecordView* rec,
                         ParseError* error) {
  const uint8_t* p = Bytes(data);
  const size_t n = data.size();
  if (n < 4) {
    return error->Set("invalid_value", "flow: truncated template record", at);
  }
  *rec = TemplateRecordView();
  rec->id = Get16(p);
  size_t header = 4;
  size_t count = 0;
  if (version == kNetflowV9) {
    if (!options) {
      count = Get16(p + 2);
      if (count == 0) {
        return error->Set("invalid_value",
                          "flow: NetFlow v9 template without fields", at + 2);
      }
    } else {
      if (n < 6) {
        return error->Set("invalid_value",
                          "flow: truncated options template record", at);
      }
      const size_t scope_bytes = Get16(p + 2);
      const size_t option_bytes = Get16(p + 4);
      if (scope_bytes % 4 != 0 || option_bytes % 4 != 0) {
        return error->Set("invalid_value",
                          "flow: options template lengths not a multiple of 4",
                          at + 2);
      }
      header = 6;
      count = (scope_bytes + option_bytes) / 4;
      rec->scope_count = static_cast<uint16_t>(scope_bytes / 4);
      if (count == 0) {
        return error->Set("invalid_value",
                          "flow: options template without fields", at + 2);
      }
    }
  } else {
    count = Get16(p + 2);
    if (count == 0) {
      // RFC 7011 section 8.1: a withdrawal; id 2 (or 3 in an options
      // template set) withdraws every template of the kind.
      rec->withdrawal = true;
      rec->withdraw_all = rec->id == (options ? 3 : 2);
      if (!rec->withdraw_all && rec->id < 256) {
        return error->Set("invalid_value",
                          "flow: template withdrawal of an id below 256", at);
      }
      rec->wire = data.substr(0, 4);
      return true;
    }
    if (options) {
      if (n < 6) {
        return error->Set("invalid_value",
                          "flow: truncated options template record", at);
      }
      header = 6;
      rec->scope_count = Get16(p + 4);
      if (rec->scope_count == 0 || rec->scope_count > count) {
        return error->Set("invalid_value",
                          "flow: options template scope count out of range",
                          at + 4);
      }
    }
  }
  if (rec->id < 256) {
    return error->Set("invalid_value", "flow: template id below 256", at);
  }
  if (count > kMaxTemplateFields) {
    return error->Set("invalid_value", "flow: template has too many fields",
                      at + 2);
  }
  rec->field_count = static_cast<uint16_t>(count);
  size_t pos = header;
  for (size_t i = 0; i < count; ++i) {
    if (n - pos < 4) {
      return error->Set("invalid_value",
                        "flow: template field count runs past its set",
                        at + pos);
    }
    const bool enterprise = version == kIpfix && (p[pos] & 0x80) != 0;
    pos += 4;
    if (enterprise) {
      if (n - pos < 4) {
        return error->Set("invalid_value",
                          "flow: template field count runs past its set",
                          at + pos);
      }
      pos += 4;
    }
  }
  rec->specifiers = data.substr(header, pos - header);
  rec->wire = data.substr(0, pos);
  return true;
}

// Checks a (non-withdrawal) template record and derives its decode plan;
// fills `out` when not null. `at` is the packet offset of the record.
bool BuildTemplate(uint8_t version, bool options, const TemplateRecordView& rec,
                   size_t at, FlowTemplate* out, ParseError* error) {
  if (out != nullptr) {
    out->options = options;
    out->scope_field_count = rec.scope_count;
    out->fields.clear();
    out->fields.reserve(rec.field_count);
    out->roles.clear();
    out->roles.reserve(rec.field_count);
    out->wire.assign(rec.wire.data(), rec.wire.size());
    out->nat = false;
  }
  const uint8_t* p = Bytes(rec.specifiers);
  const size_t spec_at =
      at + static_cast<size_t>(rec.specifiers.data() - rec.wire.data());
  uint32_t seen = 0;
  uint64_t min_length = 0;
  bool fixed = true;
  bool nat = false;
  size_t pos = 0;
  for (size_t i = 0; i < rec.field_count; ++i) {
    const size_t field_at = pos;
    TemplateField field;
    const uint16_t raw = Get16(p + pos);
    field.length = Get16(p + pos + 2);
    pos += 4;
    if (version == kIpfix && (raw & 0x8000) != 0) {
      field.id = raw & 0x7fff;
      field.enterprise = Get32(p + pos);
      pos += 4;
    } else {
      field.id = raw;
    }
    Role role = kSkip;
    if (!options && field.enterprise == 0 && field.id < 32768) {
      role = RoleOf(field.id);
      if (role != kSkip && (seen & (1u << role)) != 0) role = kSkip;
    }
    if (role != kSkip) {
      if (!LengthFits(role, field.length)) {
        return error->Set(
            "invalid_value",
            "flow: template field length does not fit its information element",
            spec_at + field_at + 2);
      }
      seen |= 1u << role;
      if (role == kNatEvent || role == kFirewallEvent) nat = true;
    }
    if (field.length == kVariableLength) {
      fixed = false;
      min_length += 1;
    } else {
      min_length += field.length;
    }
    if (out != nullptr) {
      out->fields.push_back(field);
      out->roles.push_back(role);
    }
  }
  if (min_length == 0) {
    return error->Set("invalid_value", "flow: template records would be empty",
                      at);
  }
  if (min_length > 65535 - 4) {
    return error->Set("invalid_value",
                      "flow: template record longer than a set can hold", at);
  }
  if (out != nullptr) {
    out->min_record_length = static_cast<uint32_t>(min_length);
    out->fixed_length = fixed;
    out->nat = nat;
  }
  return true;
}

// A template set's leftover bytes that are padding rather than a record.
bool IsTemplatePadding(absl::string_view rest) {
  if (rest.size() < 4) return true;
  for (char c : rest) {
    if (c != 0) return false;
  }
  return true;
}

void AppendKey(std::string* out, char kind, absl::string_view exporter,
               uint8_t version, uint32_t domain, uint16_t template_id) {
  out->clear();
  out->push_back(static_cast<char>(kFormatVersion));
  out->push_back(kind);
  Put16(out, static_cast<uint16_t>(exporter.size()));
  out->append(exporter.data(), exporter.size());
  out->push_back(static_cast<char>(version));
  Put32(out, domain);
  if (kind == kKindTemplate) Put16(out, template_id);
}

void TemplateValue(const FlowTemplate& t, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(kFormatVersion));
  out->push_back(t.options ? 1 : 0);
  out->append(t.wire);
}

void SequenceValue(uint32_t next, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(kFormatVersion));
  Put32(out, next);
}

uint64_t DomainKey(uint8_t version, uint32_t domain) {
  return static_cast<uint64_t>(version) << 32 | domain;
}

// The field values of one data record that the decoder interprets.
struct Extracted {
  uint32_t present = 0;
  const uint8_t* at[kNumRoles];
  uint8_t length[kNumRoles];

  bool Has(Role r) const { return (present & (1u << r)) != 0; }
  uint64_t Value(Role r) const { return GetN(at[r], length[r]); }
};

// Walks one data record; returns its size, or 0 when it runs past
// `avail`. Fills `x` when not null.
size_t WalkRecord(const FlowTemplate& t, const uint8_t* p, size_t avail,
                  Extracted* x) {
  if (t.fixed_length && x == nullptr) return t.min_record_length;
  size_t pos = 0;
  for (size_t i = 0; i < t.fields.size(); ++i) {
    size_t length = t.fields[i].length;
    if (length == kVariableLength) {
      if (pos >= avail) return 0;
      length = p[pos++];
      if (length == 255) {
        if (avail - pos < 2) return 0;
        length = Get16(p + pos);
        pos += 2;
      }
    }
    if (avail - pos < length) return 0;
    if (x != nullptr && t.roles[i] != kSkip) {
      const Role r = static_cast<Role>(t.roles[i]);
      x->present |= 1u << r;
      x->at[r] = p + pos;
      x->length[r] = static_cast<uint8_t>(length);
    }
    pos += length;
  }
  return pos;
}

bool IsZero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

// The first present, non-zero address among `roles`; else the first
// present one; else kSkip.
Role PickAddress(const Extracted& x, std::initializer_list<Role> roles) {
  Role first = kSkip;
  for (Role r : roles) {
    if (!x.Has(r)) continue;
    if (!IsZero(x.at[r], x.length[r])) return r;
    if (first == kSkip) first = r;
  }
  return first;
}

// Event time from the record, in ms since the Unix epoch.
bool RecordTime(const Extracted& x, int64_t* ms) {
  static constexpr Role kOrder[] = {kTimeMs, kTimeUs,  kTimeNs,
                                    kTimeS,  kStartMs, kStartS};
  for (Role r : kOrder) {
    if (!x.Has(r)) continue;
    const uint64_t v = x.Value(r);
    if (v == 0) continue;
    uint64_t out;
    if (r == kTimeMs || r == kStartMs) {
      out = v;
    } else if (r == kTimeS || r == kStartS) {
      if (v > kMaxEpochMs / 1000) continue;
      out = v * 1000;
    } else {
      // NTP format: seconds since 1900 and a binary fraction. Seconds
      // below the 1970 offset are NTP era 1 (from 2036), RFC 4330.
      const uint64_t seconds = v >> 32;
      const uint64_t fraction = v & 0xffffffffu;
      const uint64_t unix_seconds = seconds >= kNtpToUnix
                                        ? seconds - kNtpToUnix
                                        : seconds + (1ull << 32) - kNtpToUnix;
      out = unix_seconds * 1000 + ((fraction * 1000) >> 32);
    }
    if (out > kMaxEpochMs) continue;
    *ms = static_cast<int64_t>(out);
    return true;
  }
  return false;
}

enum class Kind { kSession, kPort, kAddress, kPortBlock, kInfer };

// False when the value is not a mapping change.
bool Classify(uint64_t value, FlowNatEventNumbering numbering,
              cgnat::v1::Action* action, Kind* kind) {
  using cgnat::v1::CREATE;
  using cgnat::v1::DELETE;
  using cgnat::v1::UPDATE;
  if (numbering == FlowNatEventNumbering::kCiscoNsel) {
    switch (value) {
      case 1:
        *action = CREATE;
        break;
      case 2:
        *action = DELETE;
        break;
      case 5:
        *action = UPDATE;
        break;
      default:
        return false;  // 0 ignore, 3 denied, 4 alert
    }
    *kind = Kind::kInfer;
    return true;
  }
  switch (value) {
    case 1:
      *action = CREATE;
      *kind = Kind::kInfer;
      return true;
    case 2:
      *action = DELETE;
      *kind = Kind::kInfer;
      return true;
    case 4:
    case 6:
      *action = CREATE;
      *kind = Kind::kSession;
      return true;
    case 5:
    case 7:
      *action = DELETE;
      *kind = Kind::kSession;
      return true;
    case 8:
    case 10:
      *action = CREATE;
      *kind = Kind::kPort;
      return true;
    case 9:
    case 11:
      *action = DELETE;
      *kind = Kind::kPort;
      return true;
    case 14:
      *action = CREATE;
      *kind = Kind::kAddress;
      return true;
    case 15:
      *action = DELETE;
      *kind = Kind::kAddress;
      return true;
    case 16:
      *action = CREATE;
      *kind = Kind::kPortBlock;
      return true;
    case 17:
      *action = DELETE;
      *kind = Kind::kPortBlock;
      return true;
    default:
      return false;  // 3, 12, 13, 18, reserved, unassigned
  }
}

// Decimal text of `v` into `buf` (room for 20); returns the length.
size_t FormatDecimal(uint64_t v, char* buf) {
  char tmp[20];
  size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (size_t i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
  return n;
}

enum class Outcome { kRecord, kNotNat, kNotMapping, kInvalid };

// Turns one extracted record into an event in `sink`, or says why not.
// Everything is checked before the sink is asked for an event.
Outcome EmitEvent(const Extracted& x, FlowNatEventNumbering numbering,
                  int64_t export_ms, NatEventSink& sink) {
  Role event_role = kSkip;
  if (x.Has(kNatEvent)) {
    event_role = kNatEvent;
  } else if (numbering == FlowNatEventNumbering::kCiscoNsel &&
             x.Has(kFirewallEvent)) {
    event_role = kFirewallEvent;
  }
  if (event_role == kSkip) return Outcome::kNotNat;
  cgnat::v1::Action action;
  Kind kind;
  if (!Classify(x.Value(event_role), numbering, &action, &kind)) {
    return Outcome::kNotMapping;
  }

  const Role inside = PickAddress(x, {kSrcV4, kSrcV6});
  const Role outside = PickAddress(x, {kPostSrcV4, kPostSrcV6});
  const Role destination =
      PickAddress(x, {kPostDstV4, kPostDstV6, kDstV4, kDstV6});
  if (inside == kSkip || outside == kSkip) return Outcome::kInvalid;
  Role destination_port = kSkip;
  const bool post = destination == kPostDstV4 || destination == kPostDstV6;
  const Role first_port =
      (post || destination == kSkip) ? kPostDstPort : kDstPort;
  const Role second_port = first_port == kPostDstPort ? kDstPort : kPostDstPort;
  if (x.Has(first_port)) {
    destination_port = first_port;
  } else if (x.Has(second_port)) {
    destination_port = second_port;
  }

  for (Role r : {kSrcPort, kPostSrcPort, kPortStart, kPortEnd}) {
    if (x.Has(r) && x.Value(r) > 65535) return Outcome::kInvalid;
  }
  if (destination_port != kSkip && x.Value(destination_port) > 65535) {
    return Outcome::kInvalid;
  }
  if (x.Has(kProtocol) && x.Value(kProtocol) > 255) return Outcome::kInvalid;
  if (x.Has(kIngressVrf) && x.Value(kIngressVrf) > 0xffffffffu) {
    return Outcome::kInvalid;
  }

  if (kind == Kind::kInfer) {
    if (x.Has(kPortStart)) {
      kind = Kind::kPortBlock;
    } else if (destination != kSkip) {
      kind = Kind::kSession;
    } else if (x.Has(kSrcPort) || x.Has(kPostSrcPort)) {
      kind = Kind::kPort;
    } else {
      kind = Kind::kAddress;
    }
  }

  uint64_t block_start = 0;
  uint64_t block_end = 0;
  if (kind == Kind::kPortBlock) {
    if (!x.Has(kPortStart)) return Outcome::kInvalid;
    block_start = x.Value(kPortStart);
    if (x.Has(kPortEnd)) {
      block_end = x.Value(kPortEnd);
    } else if (x.Has(kPortCount)) {
      const uint64_t count = x.Value(kPortCount);
      const uint64_t step = x.Has(kPortStep) ? x.Value(kPortStep) : 1;
      if (count == 0 || count > 65536 || step == 0 || step > 65535) {
        return Outcome::kInvalid;
      }
      block_end = block_start + (count - 1) * step;
    } else {
      return Outcome::kInvalid;
    }
    if (block_end > 65535 || block_end < block_start) return Outcome::kInvalid;
  }

  int64_t ms;
  if (!RecordTime(x, &ms)) ms = export_ms;

  NatEvent* event = sink.Next();
  event->set_action(action);
  switch (kind) {
    case Kind::kSession:
      event->set_mapping(cgnat::v1::SESSION);
      break;
    case Kind::kPort:
      event->set_mapping(cgnat::v1::PORT);
      break;
    case Kind::kAddress:
      event->set_mapping(cgnat::v1::ADDRESS);
      break;
    case Kind::kPortBlock:
    case Kind::kInfer:
      event->set_mapping(cgnat::v1::PORT_BLOCK);
      break;
  }
  SetTimestampMs(ms, event->mutable_event_time());
  if (x.Has(kIngressVrf)) {
    char buf[20];
    event->set_vrf(buf, FormatDecimal(x.Value(kIngressVrf), buf));
  }
  if (x.Has(kProtocol)) {
    event->set_protocol(static_cast<uint32_t>(x.Value(kProtocol)));
  }
  event->set_inside_ip(reinterpret_cast<const char*>(x.at[inside]),
                       x.length[inside]);
  if (x.Has(kSrcPort)) {
    event->set_inside_port(static_cast<uint32_t>(x.Value(kSrcPort)));
  }
  event->set_outside_ip(reinterpret_cast<const char*>(x.at[outside]),
                        x.length[outside]);
  if (x.Has(kPostSrcPort)) {
    event->set_outside_port(static_cast<uint32_t>(x.Value(kPostSrcPort)));
  }
  if (destination != kSkip) {
    event->set_destination_ip(reinterpret_cast<const char*>(x.at[destination]),
                              x.length[destination]);
  }
  if (destination_port != kSkip) {
    event->set_destination_port(
        static_cast<uint32_t>(x.Value(destination_port)));
  }
  if (kind == Kind::kPortBlock) {
    event->set_port_block_start(static_cast<uint32_t>(block_start));
    event->set_port_block_end(static_cast<uint32_t>(block_end));
  }
  if (x.Has(kRealm)) {
    const uint64_t realm = x.Value(kRealm);
    if (realm == 1) event->set_direction(cgnat::v1::OUTBOUND);
    if (realm == 2) event->set_direction(cgnat::v1::INBOUND);
  }
  sink.Commit(ms);
  return Outcome::kRecord;
}

enum class SequenceOutcome { kUntracked, kInOrder, kLate, kReset };

}  // namespace

// ---------------------------------------------------------------------------
// TemplateCache

TemplateCache::TemplateCache(TemplateCacheOptions options)
    : options_(options) {}

TemplateCache::ExporterState* TemplateCache::FindOrAddExporter(
    absl::string_view exporter) {
  auto it = exporters_.find(exporter);
  if (it == exporters_.end()) {
    it = exporters_.emplace(std::string(exporter), ExporterState()).first;
    it->second.name = it->first;
  }
  return &it->second;
}

TemplateCache::DomainState* TemplateCache::FindOrAddDomain(
    ExporterState* exporter, uint8_t version, uint32_t domain) {
  const uint64_t key = DomainKey(version, domain);
  auto it = exporter->domains.find(key);
  if (it != exporter->domains.end()) return &it->second;
  if (exporter->domains.size() >= options_.max_domains_per_exporter) {
    return nullptr;
  }
  DomainState& state = exporter->domains[key];
  state.version = version;
  state.domain = domain;
  return &state;
}

const TemplateCache::DomainState* TemplateCache::FindDomain(
    absl::string_view exporter, uint8_t version, uint32_t domain) const {
  auto it = exporters_.find(exporter);
  if (it == exporters_.end()) return nullptr;
  auto d = it->second.domains.find(DomainKey(version, domain));
  return d == it->second.domains.end() ? nullptr : &d->second;
}

const FlowTemplate* TemplateCache::Find(absl::string_view exporter,
                                        uint8_t version, uint32_t domain,
                                        uint16_t template_id) const {
  const DomainState* d = FindDomain(exporter, version, domain);
  if (d == nullptr) return nullptr;
  auto it = d->templates.find(template_id);
  return it == d->templates.end() ? nullptr : &it->second;
}

bool TemplateCache::ExpectedSequence(absl::string_view exporter,
                                     uint8_t version, uint32_t domain,
                                     uint32_t* next) const {
  const DomainState* d = FindDomain(exporter, version, domain);
  if (d == nullptr || !d->sequence_known) return false;
  *next = d->next_sequence;
  return true;
}

size_t TemplateCache::template_count() const { return template_count_; }

void TemplateCache::PutTemplate(ExporterState* exporter, DomainState* domain,
                                uint16_t id, FlowTemplate t, bool track) {
  track = track && options_.track_changes;
  auto [it, inserted] = domain->templates.try_emplace(id);
  it->second = std::move(t);
  if (inserted) {
    ++exporter->template_count;
    ++template_count_;
  }
  if (track) {
    domain->dirty_templates.insert(id);
    exporter->dirty = true;
    dirty_ = true;
  }
}

size_t TemplateCache::Withdraw(ExporterState* exporter, DomainState* domain,
                               uint16_t id, bool options, bool all,
                               bool track) {
  track = track && options_.track_changes;
  size_t removed = 0;
  std::string key;
  auto remove = [&](uint16_t template_id) {
    ++removed;
    --exporter->template_count;
    --template_count_;
    if (track) {
      domain->dirty_templates.erase(template_id);
      AppendKey(&key, kKindTemplate, exporter->name, domain->version,
                domain->domain, template_id);
      pending_deletes_.push_back(key);
      dirty_ = true;
    }
  };
  if (all) {
    for (auto it = domain->templates.begin(); it != domain->templates.end();) {
      if (it->second.options == options) {
        remove(it->first);
        domain->templates.erase(it++);
      } else {
        ++it;
      }
    }
  } else {
    auto it = domain->templates.find(id);
    if (it != domain->templates.end() && it->second.options == options) {
      remove(id);
      domain->templates.erase(it);
    }
  }
  return removed;
}

void TemplateCache::SetSequence(ExporterState* exporter, DomainState* domain,
                                bool known, uint32_t next, bool track) {
  track = track && options_.track_changes;
  if (domain->sequence_known == known &&
      (!known || domain->next_sequence == next)) {
    return;
  }
  domain->sequence_known = known;
  domain->next_sequence = known ? next : 0;
  if (track) {
    domain->sequence_dirty = true;
    exporter->dirty = true;
    dirty_ = true;
  }
}

void TemplateCache::ForEachEntry(EntryFn fn) const {
  std::string key;
  std::string value;
  for (const auto& [name, exporter] : exporters_) {
    for (const auto& [unused, domain] : exporter.domains) {
      for (const auto& [id, t] : domain.templates) {
        AppendKey(&key, kKindTemplate, name, domain.version, domain.domain, id);
        TemplateValue(t, &value);
        fn(key, value);
      }
      if (domain.sequence_known) {
        AppendKey(&key, kKindSequence, name, domain.version, domain.domain, 0);
        SequenceValue(domain.next_sequence, &value);
        fn(key, value);
      }
    }
  }
}

void TemplateCache::DrainChanges(EntryFn fn) {
  if (!dirty_) return;
  for (const std::string& key : pending_deletes_) fn(key, absl::string_view());
  pending_deletes_.clear();
  std::string key;
  std::string value;
  for (auto& [name, exporter] : exporters_) {
    if (!exporter.dirty) continue;
    for (auto& [unused, domain] : exporter.domains) {
      for (uint16_t id : domain.dirty_templates) {
        auto it = domain.templates.find(id);
        if (it == domain.templates.end()) continue;
        AppendKey(&key, kKindTemplate, name, domain.version, domain.domain, id);
        TemplateValue(it->second, &value);
        fn(key, value);
      }
      domain.dirty_templates.clear();
      if (domain.sequence_dirty) {
        AppendKey(&key, kKindSequence, name, domain.version, domain.domain, 0);
        if (domain.sequence_known) {
          SequenceValue(domain.next_sequence, &value);
          fn(key, value);
        } else {
          fn(key, absl::string_view());
        }
        domain.sequence_dirty = false;
      }
    }
    exporter.dirty = false;
  }
  dirty_ = false;
}

bool TemplateCache::Restore(absl::string_view key, absl::string_view value) {
  const uint8_t* k = Bytes(key);
  if (key.size() < 4 || k[0] != kFormatVersion) return false;
  const char kind = static_cast<char>(k[1]);
  if (kind != kKindTemplate && kind != kKindSequence) return false;
  const size_t name_length = Get16(k + 2);
  const size_t rest = kind == kKindTemplate ? 7 : 5;
  if (key.size() != 4 + name_length + rest) return false;
  if (name_length > kMaxExporterIdLength) return false;
  const absl::string_view name = key.substr(4, name_length);
  const uint8_t* tail = k + 4 + name_length;
  const uint8_t version = tail[0];
  if (version != kNetflowV9 && version != kIpfix) return false;
  const uint32_t domain_id = Get32(tail + 1);
  const uint16_t template_id = kind == kKindTemplate ? Get16(tail + 5) : 0;

  if (value.empty()) {
    auto e = exporters_.find(name);
    if (e == exporters_.end()) return true;
    auto d = e->second.domains.find(DomainKey(version, domain_id));
    if (d == e->second.domains.end()) return true;
    if (kind == kKindSequence) {
      SetSequence(&e->second, &d->second, false, 0, false);
    } else {
      auto t = d->second.templates.find(template_id);
      if (t != d->second.templates.end()) {
        Withdraw(&e->second, &d->second, template_id, t->second.options, false,
                 false);
      }
    }
    return true;
  }

  const uint8_t* v = Bytes(value);
  if (v[0] != kFormatVersion) return false;
  if (kind == kKindSequence) {
    if (value.size() != 5) return false;
    ExporterState* exporter = FindOrAddExporter(name);
    DomainState* domain = FindOrAddDomain(exporter, version, domain_id);
    if (domain == nullptr) return false;
    SetSequence(exporter, domain, true, Get32(v + 1), false);
    return true;
  }
  if (value.size() < 2 || v[1] > 1) return false;
  const bool options = v[1] == 1;
  const absl::string_view wire = value.substr(2);
  TemplateRecordView rec;
  ParseError error;
  if (!ParseTemplateRecord(version, options, wire, 0, &rec, &error) ||
      rec.withdrawal || rec.wire.size() != wire.size() ||
      rec.id != template_id) {
    return false;
  }
  FlowTemplate t;
  if (!BuildTemplate(version, options, rec, 0, &t, &error)) return false;
  ExporterState* exporter = FindOrAddExporter(name);
  DomainState* domain = FindOrAddDomain(exporter, version, domain_id);
  if (domain == nullptr) return false;
  if (!domain->templates.contains(template_id) &&
      exporter->template_count >= options_.max_templates_per_exporter) {
    return false;
  }
  PutTemplate(exporter, domain, template_id, std::move(t), false);
  return true;
}

void TemplateCache::Clear() {
  exporters_.clear();
  pending_deletes_.clear();
  template_count_ = 0;
  dirty_ = false;
}

// ---------------------------------------------------------------------------
// FlowDecoder

FlowDecoder::FlowDecoder(FlowDecoderOptions options) : options_(options) {}

bool FlowDecoder::Decode(absl::string_view packet, absl::string_view exporter,
                         TemplateCache* cache, NatEventSink& sink,
                         DecodeStats* stats, ParseError* error) const {
  DecodeStats unused_stats;
  if (stats == nullptr) stats = &unused_stats;
  const uint8_t* p = Bytes(packet);
  const size_t size = packet.size();

  // Header.
  if (size < 2) {
    return error->Set("unrecognized", "flow: packet shorter than a version", 0);
  }
  const uint16_t version = Get16(p);
  if (version != kNetflowV9 && version != kIpfix) {
    return error->Set("unrecognized", "flow: not NetFlow v9 or IPFIX", 0);
  }
  const size_t header = version == kNetflowV9 ? 20 : 16;
  if (size < header) {
    return error->Set("invalid_value", "flow: truncated packet header", size);
  }
  uint32_t export_seconds;
  uint32_t sequence;
  uint32_t domain_id;
  if (version == kNetflowV9) {
    export_seconds = Get32(p + 8);
    sequence = Get32(p + 12);
    domain_id = Get32(p + 16);
  } else {
    if (Get16(p + 2) != size) {
      return error->Set("invalid_value",
                        "flow: IPFIX message length does not match the packet",
                        2);
    }
    export_seconds = Get32(p + 4);
    sequence = Get32(p + 8);
    domain_id = Get32(p + 12);
  }
  const int64_t export_ms = static_cast<int64_t>(export_seconds) * 1000;
  if (exporter.size() > kMaxExporterIdLength) {
    return error->Set("invalid_value", "flow: exporter identity too long", 0);
  }

  // The sets must tile the packet before anything of it is applied.
  for (size_t at = header; at < size;) {
    if (size - at < 4) {
      return error->Set("invalid_value", "flow: truncated set header", at);
    }
    const size_t length = Get16(p + at + 2);
    if (length < 4) {
      return error->Set("invalid_value", "flow: set length below 4", at + 2);
    }
    if (length > size - at) {
      return error->Set("invalid_value", "flow: set runs past the packet",
                        at + 2);
    }
    at += length;
  }

  TemplateCache::ExporterState* source = cache->FindOrAddExporter(exporter);
  TemplateCache::DomainState* domain =
      cache->FindOrAddDomain(source, static_cast<uint8_t>(version), domain_id);
  if (domain == nullptr) {
    return error->Set("invalid_value",
                      "flow: too many observation domains for one exporter",
                      version == kNetflowV9 ? 16 : 12);
  }

  // Sequence check against the header alone.
  SequenceOutcome outcome = SequenceOutcome::kUntracked;
  if (domain->sequence_known) {
    const uint32_t ahead = sequence - domain->next_sequence;
    const uint32_t behind = domain->next_sequence - sequence;
    if (ahead == 0) {
      outcome = SequenceOutcome::kInOrder;
    } else if (ahead <= options_.max_sequence_gap) {
      stats->sequence_gaps += ahead;
      outcome = SequenceOutcome::kInOrder;
    } else if (behind <= options_.reorder_window) {
      const bool continues =
          domain->late_run > 0 && sequence == domain->late_next;
      if (continues && domain->late_run + 1 >= kLateRunRestart) {
        ++stats->sequence_resets;
        outcome = SequenceOutcome::kReset;
      } else {
        ++stats->sequence_late;
        domain->late_run = continues ? domain->late_run + 1 : 1;
        outcome = SequenceOutcome::kLate;
      }
    } else {
      ++stats->sequence_resets;
      outcome = SequenceOutcome::kReset;
    }
  }
  if (outcome != SequenceOutcome::kLate) domain->late_run = 0;
  if (version == kNetflowV9) {
    if (outcome == SequenceOutcome::kLate) {
      domain->late_next = sequence + 1;
    } else {
      cache->SetSequence(source, domain, true, sequence + 1, true);
    }
  }

  uint32_t records = 0;
  bool records_countable = true;
  const bool ok = DecodeSets(packet, static_cast<uint8_t>(version), header,
                             export_ms, cache, source, domain, sink, stats,
                             &records, &records_countable, error);
  if (version == kIpfix) {
    // IPFIX counts data records, so the next expected value is only known
    // once the whole packet has been counted.
    if (outcome == SequenceOutcome::kLate) {
      if (ok && records_countable) {
        domain->late_next = sequence + records;
      } else {
        domain->late_run = 0;
      }
    } else if (ok && records_countable) {
      cache->SetSequence(source, domain, true, sequence + records, true);
    } else {
      cache->SetSequence(source, domain, false, 0, true);
    }
  }
  return ok;
}

bool FlowDecoder::DecodeSets(
    absl::string_view packet, uint8_t version, size_t header, int64_t export_ms,
    TemplateCache* cache, TemplateCache::ExporterState* source,
    TemplateCache::DomainState* domain, NatEventSink& sink, DecodeStats* stats,
    uint32_t* records, bool* records_countable, ParseError* error) const {
  const uint8_t* p = Bytes(packet);
  const size_t size = packet.size();
  const uint16_t template_set = version == kNetflowV9 ? 0 : 2;
  const uint16_t options_set = version == kNetflowV9 ? 1 : 3;
  Extracted x;
  for (size_t at = header; at < size;) {
    const uint16_t set_id = Get16(p + at);
    const size_t set_length = Get16(p + at + 2);
    const size_t body_at = at + 4;
    const absl::string_view body = packet.substr(body_at, set_length - 4);
    at += set_length;

    if (set_id == template_set || set_id == options_set) {
      const bool options = set_id == options_set;
      // Validate the whole set, then apply it.
      size_t new_templates = 0;
      TemplateRecordView rec;
      for (size_t pos = 0; !IsTemplatePadding(body.substr(pos));) {
        if (!ParseTemplateRecord(version, options, body.substr(pos),
                                 body_at + pos, &rec, error)) {
          return false;
        }
        if (!rec.withdrawal) {
          if (!BuildTemplate(version, options, rec, body_at + pos, nullptr,
                             error)) {
            return false;
          }
          if (!domain->templates.contains(rec.id)) ++new_templates;
        }
        pos += rec.wire.size();
      }
      if (source->template_count + new_templates >
          cache->options_.max_templates_per_exporter) {
        return error->Set("invalid_value",
                          "flow: too many templates for one exporter",
                          body_at - 4);
      }
      for (size_t pos = 0; !IsTemplatePadding(body.substr(pos));) {
        ParseTemplateRecord(version, options, body.substr(pos), body_at + pos,
                            &rec, error);
        pos += rec.wire.size();
        if (rec.withdrawal) {
          stats->templates_withdrawn += cache->Withdraw(
              source, domain, rec.id, options, rec.withdraw_all, true);
          continue;
        }
        auto existing = domain->templates.find(rec.id);
        if (existing != domain->templates.end() &&
            existing->second.options == options &&
            existing->second.wire == rec.wire) {
          ++stats->templates_refreshed;
          continue;
        }
        if (existing == domain->templates.end()) {
          ++stats->templates_added;
        } else {
          ++stats->templates_replaced;
        }
        FlowTemplate t;
        BuildTemplate(version, options, rec, body_at + pos, &t, error);
        cache->PutTemplate(source, domain, rec.id, std::move(t), true);
      }
      continue;
    }
    if (set_id < 256) {
      ++stats->sets_skipped;
      continue;
    }

    auto found = domain->templates.find(set_id);
    if (found == domain->templates.end()) {
      ++stats->sets_without_template;
      *records_countable = false;
      continue;
    }
    const FlowTemplate& t = found->second;
    const uint8_t* data = Bytes(body);
    const size_t n = body.size();
    const bool decode = !t.options && t.nat;
    for (size_t pos = 0; n - pos >= t.min_record_length;) {
      x.present = 0;
      const size_t length =
          WalkRecord(t, data + pos, n - pos, decode ? &x : nullptr);
      if (length == 0) {
        return error->Set("invalid_value",
                          "flow: data record runs past its set", body_at + pos);
      }
      pos += length;
      ++*records;
      ++stats->data_records;
      if (t.options) {
        ++stats->options_records;
        continue;
      }
      if (!t.nat) {
        ++stats->records_not_nat;
        continue;
      }
      switch (EmitEvent(x, options_.numbering, export_ms, sink)) {
        case Outcome::kRecord:
          ++stats->events;
          break;
        case Outcome::kNotNat:
          ++stats->records_not_nat;
          break;
        case Outcome::kNotMapping:
          ++stats->records_not_mapping;
          break;
        case Outcome::kInvalid:
          ++stats->records_invalid;
          break;
      }
    }
  }

  return true;
}

}  // namespace netstreams
