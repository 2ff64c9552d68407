// Juniper Networks NAT logs: SRX / MX-SPC3 security-flow and source-NAT
// port block messages (RT_FLOW, RT_NAT), and MX MS-MPC / MS-DPC services
// messages (JSERVICES, MSVCS, ASP).
//
// Where the message id is found. Junos writes the id as the RFC 5424 MSGID
// ("<14>1 TS host RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.40
// k="v" ...] [text]"), or inside the body: "RT_FLOW: RT_FLOW_SESSION_CREATE:
// text" (BSD, the tag may already be split off by the framing), the bare
// structured form "RT_FLOW - RT_FLOW_SESSION_CREATE [k="v" ...]" (what
// collectors keep when they strip the header and the SD-ID), or after an
// MS-MPC prefix such as "(FPC Slot 3, PIC Slot 1) 2018-03-10 10:00:00:
// {sset}[jservices-nat]: JSERVICES_NAT_PORT_BLOCK_ALLOC: ...". The id is
// searched for in the first 256 bytes of the body (by detect and parse
// alike); after it comes ':' and text, or ' ' and one structured-data
// element (its SD-ID is optional) and optional text. Structured data wins
// over text when it holds the fields.
//
// Grammar (values in angle brackets; [x] optional):
//
//   RT_FLOW_SESSION_CREATE[_USF|_LS]  -> CREATE SESSION
//   RT_FLOW_SESSION_CLOSE[_USF|_LS]   -> DELETE SESSION
//     structured: source-address source-port destination-address
//       destination-port nat-source-address nat-source-port protocol-id
//       (all required), service-set-name src-vrf-grp routing-instance
//       (optional); other keys are ignored.
//     text: [prefix] "session created " | "session closed <reason>: "
//       <src>/<sport>-><dst>/<dport> [0x<tag>] <service-name>
//       <nat-src>/<nat-sport>-><nat-dst>/<nat-dport> [0x<tag>]
//       <src-nat-rule> <dst-nat-rule> <protocol-id> ...
//       where each NAT rule is "<name>" (Junos 10.x-12.x) or
//       "<type> <name>" with type "source rule" | "destination rule" |
//       "static rule" | "N/A" (later releases); the rest (policy, zones,
//       session id, counters, application fields) is ignored. The reason
//       may contain spaces ("TCP FIN", "idle Timeout", "TCP CLIENT RST").
//       A USF prefix "... svc-set-name <name>: " is read for the vrf.
//   RT_SRC_NAT_PBA_ALLOC | _RELEASE | _INTERIM -> CREATE | DELETE | UPDATE
//     PORT_BLOCK
//     structured: internal-ip reflexive-ip block-port-low block-port-high
//       (required), epoch-time-64 (hex seconds since the epoch, optional).
//     text: "Subscriber <internal-ip> used/maximum [<u>/<m>] blocks,
//       <verb> port block [<low>-<high>] from <reflexive-ip> in source pool
//       <pool> lsys_id: <n> [epoch 0x<hex seconds>]".
//   JSERVICES_SESSION_OPEN | MSVCS_LOG_SESSION_OPEN   -> CREATE SESSION
//   JSERVICES_SESSION_CLOSE | MSVCS_LOG_SESSION_CLOSE -> DELETE SESSION
//     "[{<service-set>}]<ID>: [<application>, <interface>] <src>:<sport>
//      [<nat-src>[:<nat-sport>]] -> [[<dst-nat>]] <dst>:<dport>
//      [[<dst-nat>]] (<PROTOCOL> [...]) [softwire info]"
//     An IPv6 endpoint is written "<v6>:<port>" (the port is after the last
//     colon); "[v6]:port" is accepted too. "[<nat-src>]" without a port is
//     basic NAT: the outside port is the inside port.
//   JSERVICES_NAT_PORT_BLOCK_ALLOC | _RELEASE | _ACTIVE and the MS-DPC
//   ASP_NAT_PORT_BLOCK_ALLOC | _RELEASE | _ACTIVE -> CREATE | DELETE |
//     UPDATE PORT_BLOCK:
//     "<internal-ip> -> <nat-ip>:<low>-<high> [0x<hex seconds>]".
//
// Choices:
//   * Sessions are OUTBOUND (the inside host opened them). The destination
//     is the one the inside host addressed (destination-address; for
//     NAT64 the 64:ff9b:: address), not the post-DNAT one.
//   * A session without source NAT (nat-source-address 0.0.0.0 / ::, or
//     equal to source-address with the same port; an MS-MPC session with
//     no "[nat]" part) is not a NAT mapping: it is rejected "unrecognized"
//     with "juniper: session without source NAT", so a firewall that also
//     logs plain sessions never produces mappings of private addresses
//     onto themselves. The logstash RT_FLOW samples (NAT'd address equal
//     to the source) are such sessions.
//   * vrf: the MS-MPC service set ("{service_set_3}"), or for RT_FLOW the
//     first meaningful (not empty, "N/A", "NA", "None") of service-set-name
//     (MX-SPC3, the MS-MPC successor), src-vrf-grp, routing-instance. A
//     service set is what scopes overlapping inside address spaces on the
//     MX. Port block messages carry none.
//   * Hex epochs (epoch-time-64, "epoch 0x..", the trailing "0x.." of the
//     MS port block messages) set the body time.
//   * Other ids (RT_FLOW_SESSION_DENY, JSERVICES_NAT_RULE_MATCH, ...) are
//     "unrecognized".
//
// Sources (public):
//   Juniper, Junos 10.2 System Log Messages Reference, "RT System Log
//     Messages" (RT_FLOW_SESSION_CREATE / _CLOSE / _DENY templates),
//     juniper.net/techpubs/en_US/junos10.2/information-products/
//     topic-collections/syslog-messages/jd0e45972.html
//   Juniper, "System Log Error Messages for Next Gen Services" (field order
//     of JSERVICES_SESSION_OPEN; RT_FLOW_SESSION_CREATE_USF structured
//     sample), juniper.net/documentation/us/en/software/junos/
//     interfaces-next-gen-services/topics/concept/
//     usf-udp-syslog-error-messages.html
//   Juniper, "show security log file" (RFC 5424 RT_FLOW sample with
//     junos@2636.1.1.1.2.34), juniper.net/documentation/en_US/junos12.1x47/
//     topics/reference/command-summary/show-security-log-file.html
//   Juniper, "Exporting Syslog Messages to an External Host Without Flow
//     Monitoring Formats" (MSVCS_LOG_SESSION_OPEN/_CLOSE,
//     JSERVICES_NAT_RULE_MATCH samples), juniper.net/documentation/us/en/
//     software/junos/flow-monitoring/topics/concept/
//     services-exporting-syslogs-collector-without-flowmonitoring-format.html
//   Juniper, "secured-port-block-allocation" and "Secured Port Block
//     Allocation Interim Logging" (JSERVICES_NAT_PORT_BLOCK_ALLOC, interim
//     logs), juniper.net/documentation/us/en/software/junos/cli-reference/
//     topics/ref/statement/secured-port-block-allocation-edit-services.html
//   K. Hendrych, "SRX4600 CGN configuration breakdown", community.juniper.net
//     (2024-11-15): structured RT_FLOW and RT_SRC_NAT_PBA_* lines (as quoted
//     by veesix-networks/cgn-ec-consumer).
//   logstash-plugins/logstash-patterns-core spec/patterns/junos_spec.rb and
//     vectordotdev/vrl grok junos.pattern (RT_FLOW text field order);
//     public RT_FLOW lines with "0x0" connection tags and "source rule"
//     rule types; Juniper's CGNAT test library (jnpr.toby) sample lines
//     for ASP_NAT_PORT_BLOCK_* / NAT_PORT_BLOCK_ACTIVE and the
//     JSERVICES_SESSION_OPEN variants (IPv6 "addr:port", "[nat]" parts).
#include <cstdint>
#include <cstring>

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

constexpr size_t kNpos = absl::string_view::npos;

// Message ids are looked for in this many leading bytes of the body: far
// enough for MS-MPC prefixes and a relay's extra header, short enough that
// detection stays a few bounded scans.
constexpr size_t kIdWindow = 256;

// Prefixes of every message id this parser reads (and of their siblings,
// so that other RT_FLOW / JSERVICES ids are recognized as Juniper's and
// rejected with a precise reason).
constexpr absl::string_view kIdMarkers[] = {
    "RT_FLOW_",   "RT_SRC_NAT_PBA_",     "JSERVICES_",
    "MSVCS_LOG_", "ASP_NAT_PORT_BLOCK_",
};

// FindIdMarker stops only at these letters.
constexpr bool MarkersStartWithFinderLetters() {
  for (absl::string_view m : kIdMarkers) {
    if (m[0] != 'R' && m[0] != 'J' && m[0] != 'M' && m[0] != 'A') return false;
  }
  return true;
}
static_assert(MarkersStartWithFinderLetters(),
              "add the new marker's first letter to FindIdMarker's finder");

// Latest representable epoch second (9999-12-31T23:59:59Z).
constexpr uint64_t kMaxEpochSeconds = 253402300799ULL;

bool StartsWithMarker(absl::string_view id) {
  for (absl::string_view m : kIdMarkers) {
    if (absl::StartsWith(id, m)) return true;
  }
  return false;
}

// Position of the first message id marker that lies wholly within the
// first kIdWindow bytes, or npos. One pass that stops only at the
// markers' first letters (64 bytes per mask), rather than a search per
// marker: this runs in auto-detection on every line that is not A10's.
size_t FindIdMarker(absl::string_view message) {
  const absl::string_view head = message.substr(0, kIdWindow);
  ByteSetFinder<'R', 'J', 'M', 'A'> find(head);
  for (size_t p = find.Next(0); p < head.size(); p = find.Next(p + 1)) {
    const absl::string_view rest = head.substr(p);
    for (absl::string_view m : kIdMarkers) {
      if (m[0] == rest[0] && absl::StartsWith(rest, m)) return p;
    }
  }
  return kNpos;
}

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

absl::string_view TrimLeft(absl::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}

bool Meaningful(absl::string_view v) {
  return !v.empty() && v != "N/A" && v != "NA" && v != "None";
}

bool IsDecimal(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsUnspecified(const IpBytes& ip) {
  for (uint8_t i = 0; i < ip.size; ++i) {
    if (ip.bytes[i] != 0) return false;
  }
  return true;
}

bool SameIp(const IpBytes& a, const IpBytes& b) {
  return a.size == b.size && std::memcmp(a.bytes, b.bytes, a.size) == 0;
}

// Whitespace-separated tokens over a view.
class Tokens {
 public:
  explicit Tokens(absl::string_view text) : text_(text) {}
  bool Next(absl::string_view* token) {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
    if (pos_ >= text_.size()) return false;
    size_t start = pos_;
    while (pos_ < text_.size() && !IsSpace(text_[pos_])) ++pos_;
    *token = text_.substr(start, pos_ - start);
    return true;
  }
  absl::string_view rest() const { return text_.substr(pos_); }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
};

// Reports errors with the byte offset of a view within the field being
// parsed (the message body, or the structured data).
class Errors {
 public:
  Errors(ParseError* error, absl::string_view origin)
      : error_(error), origin_(origin) {}
  void set_origin(absl::string_view origin) { origin_ = origin; }
  bool Unrecognized(const char* detail, absl::string_view at) {
    return error_->Set("unrecognized", detail, Offset(at));
  }
  bool Invalid(const char* detail, absl::string_view at) {
    return error_->Set("invalid_value", detail, Offset(at));
  }

 private:
  size_t Offset(absl::string_view at) const {
    if (at.data() == nullptr || origin_.data() == nullptr ||
        at.data() < origin_.data() ||
        at.data() > origin_.data() + origin_.size()) {
      return 0;
    }
    return static_cast<size_t>(at.data() - origin_.data());
  }
  ParseError* error_;
  absl::string_view origin_;
};

// Everything an event needs, gathered before anything is written, so that
// a rejected line leaves the event untouched.
struct Parsed {
  cgnat::v1::Action action = cgnat::v1::ACTION_UNSPECIFIED;
  cgnat::v1::Mapping mapping = cgnat::v1::MAPPING_UNSPECIFIED;
  absl::string_view vrf;
  uint32_t protocol = 0;
  IpBytes inside;
  uint32_t inside_port = 0;
  IpBytes outside;
  uint32_t outside_port = 0;
  bool has_destination = false;
  IpBytes destination;
  uint32_t destination_port = 0;
  uint32_t block_start = 0;
  uint32_t block_end = 0;
  bool has_time = false;
  int64_t time_ms = 0;
};

void Fill(const Parsed& p, NatEvent* event, BodyTime* body_time) {
  event->set_action(p.action);
  event->set_mapping(p.mapping);
  if (!p.vrf.empty()) event->set_vrf(p.vrf.data(), p.vrf.size());
  if (p.protocol != 0) event->set_protocol(p.protocol);
  SetIp(p.inside, event->mutable_inside_ip());
  SetIp(p.outside, event->mutable_outside_ip());
  if (p.mapping == cgnat::v1::SESSION) {
    event->set_inside_port(p.inside_port);
    event->set_outside_port(p.outside_port);
    event->set_direction(cgnat::v1::OUTBOUND);
  } else {
    event->set_port_block_start(p.block_start);
    event->set_port_block_end(p.block_end);
  }
  if (p.has_destination) {
    SetIp(p.destination, event->mutable_destination_ip());
    event->set_destination_port(p.destination_port);
  }
  if (p.has_time) body_time->Set(p.time_ms);
}

// The kinds of message this parser turns into events.
enum class Kind {
  kOther,
  kFlowCreate,
  kFlowClose,
  kPbaAlloc,
  kPbaRelease,
  kPbaInterim,
  kServicesOpen,
  kServicesClose,
  kServicesBlockAlloc,
  kServicesBlockRelease,
  kServicesBlockActive,
};

bool IsFlowVariant(absl::string_view id, absl::string_view base) {
  if (!absl::StartsWith(id, base)) return false;
  absl::string_view suffix = id.substr(base.size());
  return suffix.empty() || suffix == "_USF" || suffix == "_LS";
}

Kind Classify(absl::string_view id) {
  if (IsFlowVariant(id, "RT_FLOW_SESSION_CREATE")) return Kind::kFlowCreate;
  if (IsFlowVariant(id, "RT_FLOW_SESSION_CLOSE")) return Kind::kFlowClose;
  if (id == "RT_SRC_NAT_PBA_ALLOC") return Kind::kPbaAlloc;
  if (id == "RT_SRC_NAT_PBA_RELEASE") return Kind::kPbaRelease;
  if (id == "RT_SRC_NAT_PBA_INTERIM") return Kind::kPbaInterim;
  if (id == "JSERVICES_SESSION_OPEN" || id == "MSVCS_LOG_SESSION_OPEN") {
    return Kind::kServicesOpen;
  }
  if (id == "JSERVICES_SESSION_CLOSE" || id == "MSVCS_LOG_SESSION_CLOSE") {
    return Kind::kServicesClose;
  }
  absl::string_view block = id;
  if (absl::ConsumePrefix(&block, "JSERVICES_NAT_PORT_BLOCK_") ||
      absl::ConsumePrefix(&block, "ASP_NAT_PORT_BLOCK_")) {
    if (block == "ALLOC") return Kind::kServicesBlockAlloc;
    if (block == "RELEASE") return Kind::kServicesBlockRelease;
    if (block == "ACTIVE") return Kind::kServicesBlockActive;
  }
  return Kind::kOther;
}

// The structured-data keys this parser reads, for either family of
// events.
enum SdKey : uint8_t {
  // RT_FLOW_SESSION_*.
  kSourceAddress,
  kSourcePort,
  kDestinationAddress,
  kDestinationPort,
  kNatSourceAddress,
  kNatSourcePort,
  kProtocolId,
  kServiceSetName,
  kSrcVrfGrp,
  kRoutingInstance,
  // RT_SRC_NAT_PBA_*.
  kInternalIp,
  kReflexiveIp,
  kBlockPortLow,
  kBlockPortHigh,
  kEpochTime64,
  kSdKeyCount,
};

constexpr absl::string_view kSdKeyNames[kSdKeyCount] = {
    "source-address",   "source-port",        "destination-address",
    "destination-port", "nat-source-address", "nat-source-port",
    "protocol-id",      "service-set-name",   "src-vrf-grp",
    "routing-instance", "internal-ip",        "reflexive-ip",
    "block-port-low",   "block-port-high",    "epoch-time-64",
};

// The little-endian 8-byte word at p (assembled bytewise, so that it is
// the same on every host and usable in constant expressions; compilers
// turn it into one load).
constexpr uint64_t Word(const char* p) {
  uint64_t w = 0;
  for (int i = 7; i >= 0; --i) w = (w << 8) | static_cast<unsigned char>(p[i]);
  return w;
}

// Recognizes the names above among the ~37 keys of a Junos element
// without a chain of comparisons (whose branches a different key at each
// step defeats): the key's length and first and last bytes pick one of 32
// slots (a hash that happens to separate the fifteen names, which a
// static_assert checks), and three 8-byte words decide whether the key is
// that slot's name. Names are 11 to 19 bytes, so the words at 0,
// min(8, size - 8) and size - 8 cover all of a name.
class SdKeyTable {
 public:
  constexpr SdKeyTable() {
    for (int k = 0; k < kSdKeyCount; ++k) {
      const absl::string_view name = kSdKeyNames[k];
      Entry& e = entries_[Slot(name)];
      if (e.size != 0) collisions_ = true;
      e.size = name.size();
      Words(name, e.words);
      e.key = static_cast<SdKey>(k);
    }
  }
  constexpr bool collisions() const { return collisions_; }

  // The key's SdKey, or kSdKeyCount for any other key.
  SdKey Find(absl::string_view key) const {
    const Entry& e = entries_[Slot(key)];
    if (e.size == 0 || key.size() != e.size) return kSdKeyCount;
    uint64_t w[3] = {0, 0, 0};
    Words(key, w);
    const bool same =
        ((w[0] ^ e.words[0]) | (w[1] ^ e.words[1]) | (w[2] ^ e.words[2])) == 0;
    return same ? e.key : kSdKeyCount;
  }

 private:
  struct Entry {
    size_t size = 0;  // 0: no name in this slot
    uint64_t words[3] = {0, 0, 0};
    SdKey key = kSdKeyCount;
  };
  static constexpr size_t Slot(absl::string_view key) {
    if (key.empty()) return 0;
    return (key.size() * 4 + static_cast<unsigned char>(key.front()) +
            static_cast<unsigned char>(key.back()) * 11) &
           31;
  }
  // Only called with at least 8 bytes: a name, or a key of a name's size.
  static constexpr void Words(absl::string_view s, uint64_t w[3]) {
    const size_t middle = s.size() - 8 < 8 ? s.size() - 8 : 8;
    w[0] = Word(s.data());
    w[1] = Word(s.data() + middle);
    w[2] = Word(s.data() + s.size() - 8);
  }
  Entry entries_[32] = {};
  bool collisions_ = false;
};

constexpr SdKeyTable kSdKeyTable;
static_assert(!kSdKeyTable.collisions(),
              "SdKeyTable's hash must give every name its own slot");

// The structured-data values this parser reads, gathered in one pass over
// the element.
struct SdFields {
  // Indexed by SdKey; the extra last slot takes every other key's value,
  // so that storing a value needs no branch on whether it is wanted.
  absl::string_view values[kSdKeyCount + 1];
  // The parameters (after the SD-ID), for error offsets.
  absl::string_view params;
  // The parameters are not a key="value" list; `malformed_at` is the pair
  // where reading stopped.
  bool malformed = false;
  absl::string_view malformed_at;

  absl::string_view operator[](SdKey key) const { return values[key]; }
  bool Has(SdKey key) const { return values[key].data() != nullptr; }
  // Whether the element is meant to carry a session or a port block: then
  // it must hold every required field, else the text after it is read.
  // Decided as a search of the parameters for "source-address=" /
  // "internal-ip=" would (which a peer-source-address key also matches),
  // with the search only when the key itself is absent.
  bool MeantForSession() const {
    return Has(kSourceAddress) || Has(kNatSourceAddress) ||
           absl::StrContains(params, "source-address=");
  }
  bool MeantForBlock() const {
    return Has(kInternalIp) || absl::StrContains(params, "internal-ip=");
  }
};

inline void Assign(absl::string_view key, absl::string_view value,
                   SdFields* f) {
  f->values[kSdKeyTable.Find(key)] = value;
}

// One pass over the structured-data element at sd[0] ('['): the optional
// SD-ID, then key="value" (or key=value) parameters separated by spaces
// or commas, each handed to Assign, up to the closing ']'. Returns the
// index of that ']', or npos when the element is anything else (an
// SD-ID with odd characters, a quote inside an unquoted value, no closing
// bracket...), which the general reader below then handles. The finder
// stops only at delimiters, 64 bytes per mask.
size_t ScanSdElement(absl::string_view sd, SdFields* f) {
  ByteSetFinder<'"', '\\', '=', ']', ' ', ','> find(sd);
  size_t p = find.Next(1);
  if (p >= sd.size()) return kNpos;
  if (sd[p] == ']') return p;  // an SD-ID alone
  if (sd[p] == ' ') {
    ++p;  // past "junos@2636.1.1.1.2.40 "
  } else if (sd[p] == '=') {
    p = 1;  // no SD-ID: the parameters start at once
  } else {
    return kNpos;
  }
  const size_t params_start = p;
  while (true) {
    while (p < sd.size() && (sd[p] == ' ' || sd[p] == ',' || sd[p] == '\t')) {
      ++p;
    }
    if (p >= sd.size()) return kNpos;
    if (sd[p] == ']') {
      f->params = sd.substr(params_start, p - params_start);
      return p;
    }
    const size_t equals = find.Next(p);
    if (equals == p || equals >= sd.size() || sd[equals] != '=') return kNpos;
    const absl::string_view key = sd.substr(p, equals - p);
    const size_t v = equals + 1;
    absl::string_view value;
    if (v < sd.size() && sd[v] == '"') {
      size_t q = find.Next(v + 1);
      while (q < sd.size() && sd[q] != '"') {
        q = find.Next(sd[q] == '\\' ? q + 2 : q + 1);  // escapes skip a byte
      }
      if (q >= sd.size()) return kNpos;
      value = sd.substr(v + 1, q - v - 1);
      p = q + 1;
    } else {
      size_t e = find.Next(v);
      while (e < sd.size() && (sd[e] == '=' || sd[e] == '\\')) {
        e = find.Next(e + 1);
      }
      if (e >= sd.size() || sd[e] == '"') return kNpos;
      value = sd.substr(v, e - v);
      p = e;
    }
    Assign(key, value, f);
  }
}

// The general reader, for what ScanSdElement does not take: the
// element's extent first (quotes and escapes honoured), the SD-ID skipped
// when a space comes before the first '=', then KeyValueScanner over the
// parameters. False when the element is unterminated.
bool ReadSdGeneral(absl::string_view sd, SdFields* f, size_t* used) {
  *f = SdFields();
  if (sd.empty() || sd[0] != '[') return false;
  const size_t end = FindSdElementEnd(sd, 0);
  if (end == kNpos) return false;
  absl::string_view inner = sd.substr(1, end - 1);
  const size_t space = inner.find(' ');
  const size_t equals = inner.find('=');
  if (equals == kNpos) {
    inner = absl::string_view();  // an SD-ID alone
  } else if (space != kNpos && space < equals) {
    inner.remove_prefix(space + 1);  // "junos@2636.1.1.1.2.40 k=..."
  }
  f->params = inner;
  KeyValueScanner kv(inner);
  absl::string_view key, value;
  while (kv.Next(&key, &value)) Assign(key, value, f);
  if (kv.malformed()) {
    f->malformed = true;
    f->malformed_at = inner.substr(kv.offset());
  }
  *used = end + 1;
  return true;
}

// Reads the element at sd[0]; `used` is the bytes up to and with its ']'.
bool ReadSd(absl::string_view sd, SdFields* f, size_t* used) {
  const size_t end = ScanSdElement(sd, f);
  if (end != kNpos) {
    *used = end + 1;
    return true;
  }
  return ReadSdGeneral(sd, f, used);
}

struct Located {
  absl::string_view id;
  SdFields sd;             // structured-data values, when there is an element
  absl::string_view text;  // free text after the id, may be empty
  absl::string_view service_set;
  absl::string_view params_origin;
  absl::string_view text_origin;
};

bool Locate(const SyslogMessage& s, Located* loc, ParseError* error) {
  if (StartsWithMarker(s.msgid)) {
    loc->id = s.msgid;
    if (!s.structured_data.empty()) {
      size_t used;
      if (!ReadSd(s.structured_data, &loc->sd, &used)) {
        return error->Set("unrecognized", "juniper: malformed structured data",
                          0);
      }
      loc->params_origin = s.structured_data;
    }
    loc->text = TrimLeft(s.message);
    loc->text_origin = s.message;
    return true;
  }
  absl::string_view m = s.message;
  size_t pos = FindIdMarker(m);
  if (pos == kNpos) {
    return error->Set("unrecognized", "juniper: no Juniper NAT message id", 0);
  }
  size_t end = pos;
  while (end < m.size() && IsIdChar(m[end])) ++end;
  loc->id = m.substr(pos, end - pos);
  if (pos > 0) {
    size_t open = m.rfind('{', pos - 1);
    if (open != kNpos) {
      size_t close = m.find('}', open);
      if (close != kNpos && close < pos) {
        loc->service_set = m.substr(open + 1, close - open - 1);
      }
    }
  }
  loc->text_origin = m;
  loc->params_origin = m;
  absl::string_view rest = m.substr(end);
  if (!rest.empty() && rest[0] == ':') {
    loc->text = TrimLeft(rest.substr(1));
    return true;
  }
  if (rest.size() >= 2 && rest[0] == ' ' && rest[1] == '[') {
    rest.remove_prefix(1);
    size_t used;
    if (!ReadSd(rest, &loc->sd, &used)) {
      return error->Set("unrecognized", "juniper: unterminated structured data",
                        end + 1);
    }
    loc->text = TrimLeft(rest.substr(used));
    return true;
  }
  if (TrimLeft(rest).empty()) {
    return error->Set("unrecognized", "juniper: message id without a body",
                      end);
  }
  return error->Set("unrecognized",
                    "juniper: expected ':' or structured data after the "
                    "message id",
                    end);
}

// ---------------------------------------------------------------------------
// Sessions

// Rejects sessions that map an address onto itself, then fills the rest.
bool FinishSession(bool create, Parsed* p, Errors* errors,
                   absl::string_view at) {
  if (IsUnspecified(p->outside) ||
      (SameIp(p->inside, p->outside) && p->inside_port == p->outside_port)) {
    return errors->Unrecognized("juniper: session without source NAT", at);
  }
  p->action = create ? cgnat::v1::CREATE : cgnat::v1::DELETE;
  p->mapping = cgnat::v1::SESSION;
  p->has_destination = true;
  return true;
}

bool ParseFlowParams(const SdFields& f, bool create, Parsed* p,
                     Errors* errors) {
  if (f.malformed) {
    return errors->Unrecognized("juniper: malformed structured data",
                                f.malformed_at);
  }
  const absl::string_view src = f[kSourceAddress], sport = f[kSourcePort],
                          dst = f[kDestinationAddress],
                          dport = f[kDestinationPort],
                          nsrc = f[kNatSourceAddress],
                          nsport = f[kNatSourcePort], proto = f[kProtocolId];
  if (src.empty() || sport.empty() || dst.empty() || dport.empty() ||
      nsrc.empty() || nsport.empty() || proto.empty()) {
    return errors->Unrecognized(
        "juniper: session structured data lacks a required field", f.params);
  }
  if (!ParseIp(src, &p->inside)) {
    return errors->Invalid("juniper: invalid source-address", src);
  }
  if (!ParseBoundedUint(sport, 65535, &p->inside_port)) {
    return errors->Invalid("juniper: invalid source-port", sport);
  }
  if (!ParseIp(dst, &p->destination)) {
    return errors->Invalid("juniper: invalid destination-address", dst);
  }
  if (!ParseBoundedUint(dport, 65535, &p->destination_port)) {
    return errors->Invalid("juniper: invalid destination-port", dport);
  }
  if (!ParseIp(nsrc, &p->outside)) {
    return errors->Invalid("juniper: invalid nat-source-address", nsrc);
  }
  if (!ParseBoundedUint(nsport, 65535, &p->outside_port)) {
    return errors->Invalid("juniper: invalid nat-source-port", nsport);
  }
  if (!ParseProtocol(proto, &p->protocol)) {
    return errors->Invalid("juniper: invalid protocol-id", proto);
  }
  if (Meaningful(f[kServiceSetName])) {
    p->vrf = f[kServiceSetName];
  } else if (Meaningful(f[kSrcVrfGrp])) {
    p->vrf = f[kSrcVrfGrp];
  } else if (Meaningful(f[kRoutingInstance])) {
    p->vrf = f[kRoutingInstance];
  }
  return FinishSession(create, p, errors, nsrc);
}

// "a/p->b/q" with IPv4 or IPv6 addresses.
bool ParseSlashPair(absl::string_view token, IpBytes* a, uint32_t* ap,
                    IpBytes* b, uint32_t* bp, Errors* errors) {
  size_t arrow = token.find("->");
  if (arrow == kNpos) {
    return errors->Unrecognized("juniper: expected address/port->address/port",
                                token);
  }
  absl::string_view sides[2] = {token.substr(0, arrow),
                                token.substr(arrow + 2)};
  IpBytes* ips[2] = {a, b};
  uint32_t* ports[2] = {ap, bp};
  for (int i = 0; i < 2; ++i) {
    size_t slash = sides[i].rfind('/');
    if (slash == kNpos) {
      return errors->Unrecognized(
          "juniper: expected address/port->address/port", sides[i]);
    }
    if (!ParseIp(sides[i].substr(0, slash), ips[i])) {
      return errors->Invalid("juniper: invalid address in session tuple",
                             sides[i]);
    }
    if (!ParseBoundedUint(sides[i].substr(slash + 1), 65535, ports[i])) {
      return errors->Invalid("juniper: invalid port in session tuple",
                             sides[i].substr(slash + 1));
    }
  }
  return true;
}

bool ParseFlowText(absl::string_view text, bool create, Parsed* p,
                   Errors* errors) {
  absl::string_view marker = create ? "session created " : "session closed ";
  size_t at = text.find(marker);
  if (at == kNpos) {
    return errors->Unrecognized(
        create ? "juniper: expected 'session created'"
               : "juniper: expected 'session closed <reason>:'",
        text);
  }
  // MX-SPC3 (USF) text: "Prefix <p> svc-set-name <name>: session ...".
  absl::string_view prefix = text.substr(0, at);
  size_t svc = prefix.find("svc-set-name ");
  if (svc != kNpos) {
    Tokens t(prefix.substr(svc + 13));
    absl::string_view name;
    if (t.Next(&name)) {
      absl::ConsumeSuffix(&name, ":");
      if (Meaningful(name)) p->vrf = name;
    }
  }
  absl::string_view rest = text.substr(at + marker.size());
  if (!create) {
    size_t colon = rest.find(": ");
    if (colon == kNpos) {
      return errors->Unrecognized("juniper: session closed without a reason",
                                  rest);
    }
    rest.remove_prefix(colon + 2);
  }
  Tokens tokens(rest);
  absl::string_view tok;
  if (!tokens.Next(&tok)) {
    return errors->Unrecognized("juniper: truncated session message", rest);
  }
  if (!ParseSlashPair(tok, &p->inside, &p->inside_port, &p->destination,
                      &p->destination_port, errors)) {
    return false;
  }
  if (!tokens.Next(&tok)) {
    return errors->Unrecognized("juniper: truncated session message", rest);
  }
  if (absl::StartsWith(tok, "0x") && !tokens.Next(&tok)) {  // connection tag
    return errors->Unrecognized("juniper: truncated session message", rest);
  }
  // tok is the service name; the NAT'd tuple follows.
  if (!tokens.Next(&tok)) {
    return errors->Unrecognized("juniper: truncated session message", rest);
  }
  absl::string_view nat_tuple = tok;
  IpBytes nat_destination;
  uint32_t nat_destination_port;
  if (!ParseSlashPair(tok, &p->outside, &p->outside_port, &nat_destination,
                      &nat_destination_port, errors)) {
    return false;
  }
  // Up to seven tokens cover both rule layouts and the protocol.
  absl::string_view t[7];
  int n = 0;
  while (n < 7 && tokens.Next(&t[n])) {
    if (n == 0 && absl::StartsWith(t[0], "0x")) continue;  // connection tag
    ++n;
  }
  bool typed =
      (n >= 2 && (t[0] == "source" || t[0] == "static") && t[1] == "rule") ||
      (n >= 3 && t[0] == "N/A" && !IsDecimal(t[2]));
  int i = 2;
  if (typed) {
    i = (t[0] == "N/A" ? 1 : 2) + 1;  // source rule type and name
    if (i + 1 < n && (t[i] == "destination" || t[i] == "static") &&
        t[i + 1] == "rule") {
      i += 2;
    } else {
      i += 1;
    }
    i += 1;  // destination rule name
  }
  if (i >= n) {
    return errors->Unrecognized("juniper: truncated session message", rest);
  }
  if (!ParseBoundedUint(t[i], 255, &p->protocol)) {
    return errors->Invalid(
        "juniper: expected protocol number after the NAT rule names", t[i]);
  }
  return FinishSession(create, p, errors, nat_tuple);
}

// "addr:port" where addr may be IPv6 (the port follows the last colon), or
// "[v6]:port".
EndpointStatus ParseAddrPort(absl::string_view token, IpBytes* ip,
                             uint32_t* port) {
  if (!token.empty() && token[0] == '[') {
    Endpoint e;
    EndpointStatus s = ParseEndpoint(token, &e);
    if (s != EndpointStatus::kOk) return s;
    if (!e.has_port || e.has_range) return EndpointStatus::kBadPort;
    *ip = e.ip;
    *port = e.port;
    return EndpointStatus::kOk;
  }
  size_t colon = token.rfind(':');
  if (colon == kNpos) return EndpointStatus::kBadPort;
  if (!ParseIp(token.substr(0, colon), ip)) return EndpointStatus::kBadAddress;
  if (!ParseBoundedUint(token.substr(colon + 1), 65535, port)) {
    return EndpointStatus::kBadPort;
  }
  return EndpointStatus::kOk;
}

bool IsNatInfo(absl::string_view token) {
  return token.size() >= 2 && token.front() == '[' && token.back() == ']';
}

bool EndpointFailure(EndpointStatus s, const char* bad_address,
                     const char* bad_port, absl::string_view at,
                     Errors* errors) {
  return errors->Invalid(
      s == EndpointStatus::kBadAddress ? bad_address : bad_port, at);
}

bool ParseServicesSession(absl::string_view text, bool create, Parsed* p,
                          Errors* errors) {
  Tokens tokens(text);
  absl::string_view tok, before_last, last;
  bool arrow = false;
  while (tokens.Next(&tok)) {
    if (tok == "->") {
      arrow = true;
      break;
    }
    before_last = last;
    last = tok;
  }
  if (!arrow || last.empty()) {
    return errors->Unrecognized(
        "juniper: expected '<source> [<nat>] -> <destination>'", text);
  }
  absl::string_view source = last;
  absl::string_view nat;
  if (IsNatInfo(last)) {
    source = before_last;
    nat = last;
  }
  if (source.empty()) {
    return errors->Unrecognized("juniper: missing session source", last);
  }
  EndpointStatus s = ParseAddrPort(source, &p->inside, &p->inside_port);
  if (s != EndpointStatus::kOk) {
    return EndpointFailure(s, "juniper: invalid source address",
                           "juniper: expected source address:port", source,
                           errors);
  }
  // Destination: the first part after the arrow that is not "[dst-nat]".
  absl::string_view destination;
  while (tokens.Next(&tok)) {
    if (!IsNatInfo(tok)) {
      destination = tok;
      break;
    }
  }
  if (destination.empty() || destination[0] == '(') {
    return errors->Unrecognized("juniper: missing session destination",
                                tokens.rest());
  }
  s = ParseAddrPort(destination, &p->destination, &p->destination_port);
  if (s != EndpointStatus::kOk) {
    return EndpointFailure(s, "juniper: invalid destination address",
                           "juniper: expected destination address:port",
                           destination, errors);
  }
  absl::string_view protocol;
  while (tokens.Next(&tok)) {
    if (IsNatInfo(tok)) continue;
    if (tok[0] == '(') protocol = tok;
    break;
  }
  if (protocol.empty()) {
    return errors->Unrecognized("juniper: expected '(PROTOCOL)'",
                                tokens.rest());
  }
  protocol.remove_prefix(1);
  absl::ConsumeSuffix(&protocol, ")");
  if (!ParseProtocol(protocol, &p->protocol)) {
    return errors->Invalid("juniper: unknown protocol name", protocol);
  }
  if (nat.empty()) {
    return errors->Unrecognized("juniper: session without source NAT", source);
  }
  absl::string_view inner = nat.substr(1, nat.size() - 2);
  if (ParseIp(inner, &p->outside)) {
    p->outside_port = p->inside_port;  // basic NAT: the port is kept
  } else {
    s = ParseAddrPort(inner, &p->outside, &p->outside_port);
    if (s != EndpointStatus::kOk) {
      return EndpointFailure(s, "juniper: invalid NAT source address",
                             "juniper: invalid NAT source port", nat, errors);
    }
  }
  return FinishSession(create, p, errors, nat);
}

// ---------------------------------------------------------------------------
// Port blocks

// Hex seconds since the epoch ("624b0492", "0x624b0492") into the body time.
bool ParseHexEpoch(absl::string_view text, Parsed* p) {
  absl::ConsumePrefix(&text, "0x");
  uint64_t seconds;
  if (!ParseHex64(text, &seconds) || seconds > kMaxEpochSeconds) return false;
  p->has_time = true;
  p->time_ms = static_cast<int64_t>(seconds) * 1000;
  return true;
}

bool FinishBlock(cgnat::v1::Action action, Parsed* p, Errors* errors,
                 absl::string_view at) {
  if (p->block_end < p->block_start) {
    return errors->Invalid("juniper: port block ends before it starts", at);
  }
  p->action = action;
  p->mapping = cgnat::v1::PORT_BLOCK;
  return true;
}

bool ParsePbaParams(const SdFields& f, cgnat::v1::Action action, Parsed* p,
                    Errors* errors) {
  if (f.malformed) {
    return errors->Unrecognized("juniper: malformed structured data",
                                f.malformed_at);
  }
  const absl::string_view internal = f[kInternalIp],
                          reflexive = f[kReflexiveIp], low = f[kBlockPortLow],
                          high = f[kBlockPortHigh], epoch = f[kEpochTime64];
  if (internal.empty() || reflexive.empty() || low.empty() || high.empty()) {
    return errors->Unrecognized(
        "juniper: port block structured data lacks a required field", f.params);
  }
  if (!ParseIp(internal, &p->inside)) {
    return errors->Invalid("juniper: invalid internal-ip", internal);
  }
  if (!ParseIp(reflexive, &p->outside)) {
    return errors->Invalid("juniper: invalid reflexive-ip", reflexive);
  }
  if (!ParseBoundedUint(low, 65535, &p->block_start)) {
    return errors->Invalid("juniper: invalid block-port-low", low);
  }
  if (!ParseBoundedUint(high, 65535, &p->block_end)) {
    return errors->Invalid("juniper: invalid block-port-high", high);
  }
  if (!epoch.empty() && !ParseHexEpoch(epoch, p)) {
    return errors->Invalid("juniper: invalid epoch-time-64", epoch);
  }
  return FinishBlock(action, p, errors, high);
}

// "<low>-<high>" into the block.
bool ParseRange(absl::string_view range, Parsed* p, Errors* errors) {
  size_t dash = range.find('-');
  if (dash == kNpos ||
      !ParseBoundedUint(range.substr(0, dash), 65535, &p->block_start) ||
      !ParseBoundedUint(range.substr(dash + 1), 65535, &p->block_end)) {
    return errors->Invalid("juniper: invalid port block range", range);
  }
  return true;
}

bool ParsePbaText(absl::string_view text, cgnat::v1::Action action, Parsed* p,
                  Errors* errors) {
  absl::string_view rest = text;
  if (!absl::ConsumePrefix(&rest, "Subscriber ")) {
    return errors->Unrecognized("juniper: expected 'Subscriber <address>'",
                                text);
  }
  Tokens tokens(rest);
  absl::string_view tok;
  if (!tokens.Next(&tok)) {
    return errors->Unrecognized("juniper: truncated port block message", rest);
  }
  if (!ParseIp(tok, &p->inside)) {
    return errors->Invalid("juniper: invalid subscriber address", tok);
  }
  absl::string_view after = tokens.rest();
  size_t block = after.find("port block [");
  if (block == kNpos) {
    return errors->Unrecognized("juniper: expected 'port block [low-high]'",
                                after);
  }
  after.remove_prefix(block + 12);
  size_t close = after.find(']');
  if (close == kNpos) {
    return errors->Unrecognized("juniper: truncated port block message", after);
  }
  if (!ParseRange(after.substr(0, close), p, errors)) return false;
  after.remove_prefix(close + 1);
  if (!absl::ConsumePrefix(&after, " from ")) {
    return errors->Unrecognized("juniper: expected 'from <address>'", after);
  }
  Tokens from(after);
  if (!from.Next(&tok)) {
    return errors->Unrecognized("juniper: truncated port block message", after);
  }
  if (!ParseIp(tok, &p->outside)) {
    return errors->Invalid("juniper: invalid NAT address", tok);
  }
  absl::string_view tail = from.rest();
  size_t epoch = tail.find(" epoch ");
  if (epoch != kNpos) {
    Tokens e(tail.substr(epoch + 7));
    if (!e.Next(&tok) || !ParseHexEpoch(tok, p)) {
      return errors->Invalid("juniper: invalid epoch", tail.substr(epoch));
    }
  }
  return FinishBlock(action, p, errors, text);
}

bool ParseServicesBlock(absl::string_view text, cgnat::v1::Action action,
                        Parsed* p, Errors* errors) {
  Tokens tokens(text);
  absl::string_view tok;
  if (!tokens.Next(&tok)) {
    return errors->Unrecognized("juniper: truncated port block message", text);
  }
  if (!ParseIp(tok, &p->inside)) {
    return errors->Invalid("juniper: invalid internal address", tok);
  }
  if (!tokens.Next(&tok) || tok != "->") {
    return errors->Unrecognized(
        "juniper: expected '<address> -> <address>:<low>-<high>'", text);
  }
  if (!tokens.Next(&tok)) {
    return errors->Unrecognized("juniper: truncated port block message", text);
  }
  Endpoint outside;
  EndpointStatus s = ParseEndpoint(tok, &outside);
  if (s == EndpointStatus::kBadAddress) {
    return errors->Invalid("juniper: invalid NAT address", tok);
  }
  if (s != EndpointStatus::kOk || !outside.has_range) {
    return errors->Invalid("juniper: expected <address>:<low>-<high>", tok);
  }
  p->outside = outside.ip;
  p->block_start = outside.port;
  p->block_end = outside.port_end;
  if (tokens.Next(&tok) && absl::StartsWith(tok, "0x") &&
      !ParseHexEpoch(tok, p)) {
    return errors->Invalid("juniper: invalid hex timestamp", tok);
  }
  return FinishBlock(action, p, errors, text);
}

}  // namespace

bool DetectJuniper(const SyslogMessage& syslog) {
  if (syslog.app_name == "RT_FLOW" || syslog.app_name == "RT_NAT") return true;
  if (StartsWithMarker(syslog.msgid)) return true;
  return FindIdMarker(syslog.message) != kNpos;
}

bool ParseJuniper(const VendorInput& input, NatEvent* event,
                  BodyTime* body_time, ParseError* error) {
  Located loc;
  if (!Locate(input.syslog, &loc, error)) return false;
  Kind kind = Classify(loc.id);
  if (kind == Kind::kOther) {
    return error->Set("unrecognized",
                      "juniper: message id is not a NAT session or port "
                      "block event",
                      0);
  }
  Parsed p;
  Errors errors(error, loc.text_origin);
  bool ok = false;
  switch (kind) {
    case Kind::kFlowCreate:
    case Kind::kFlowClose: {
      bool create = kind == Kind::kFlowCreate;
      if (loc.sd.MeantForSession()) {
        errors.set_origin(loc.params_origin);
        ok = ParseFlowParams(loc.sd, create, &p, &errors);
      } else if (!loc.text.empty()) {
        ok = ParseFlowText(loc.text, create, &p, &errors);
      } else {
        return error->Set("unrecognized",
                          "juniper: session message without fields", 0);
      }
      break;
    }
    case Kind::kPbaAlloc:
    case Kind::kPbaRelease:
    case Kind::kPbaInterim: {
      cgnat::v1::Action action = kind == Kind::kPbaAlloc ? cgnat::v1::CREATE
                                 : kind == Kind::kPbaRelease
                                     ? cgnat::v1::DELETE
                                     : cgnat::v1::UPDATE;
      if (loc.sd.MeantForBlock()) {
        errors.set_origin(loc.params_origin);
        ok = ParsePbaParams(loc.sd, action, &p, &errors);
      } else if (!loc.text.empty()) {
        ok = ParsePbaText(loc.text, action, &p, &errors);
      } else {
        return error->Set("unrecognized",
                          "juniper: port block message without fields", 0);
      }
      break;
    }
    case Kind::kServicesOpen:
    case Kind::kServicesClose:
      p.vrf = loc.service_set;
      ok = ParseServicesSession(loc.text, kind == Kind::kServicesOpen, &p,
                                &errors);
      break;
    case Kind::kServicesBlockAlloc:
    case Kind::kServicesBlockRelease:
    case Kind::kServicesBlockActive: {
      cgnat::v1::Action action =
          kind == Kind::kServicesBlockAlloc     ? cgnat::v1::CREATE
          : kind == Kind::kServicesBlockRelease ? cgnat::v1::DELETE
                                                : cgnat::v1::UPDATE;
      ok = ParseServicesBlock(loc.text, action, &p, &errors);
      break;
    }
    case Kind::kOther:
      break;
  }
  if (!ok) return false;
  Fill(p, event, body_time);
  return true;
}

}  // namespace netstreams
