// Binary NAT event logs: NetFlow v9 (RFC 3954) and IPFIX (RFC 7011)
// packets carrying NAT Event Logging records (RFC 8158 information
// elements), one UDP payload per Kafka record, decoded into NatEvents.
//
// Flow export is stateful: data records are only readable with the
// template their exporter sent earlier, possibly in another packet.
// TemplateCache holds those templates, and the sequence-number state
// used to detect loss, per exporter; it serializes into key/value
// entries so the engine can keep it in a state store across restarts.
// FlowDecoder itself is stateless.
//
// What a packet may contain, and what the decoder does with it:
//   template / options template sets  stored (or refreshed, replaced,
//                                     withdrawn) in the cache
//   data sets with a known template   every record is walked; records
//                                     with a natEvent that is a mapping
//                                     change become NatEvents
//   options data records              counted and skipped
//   data sets with unknown template   counted (sets_without_template)
//                                     and skipped: not an error
//   reserved set ids                  counted (sets_skipped) and skipped
//
// Errors. A packet is rejected ("invalid_value", with the byte offset)
// when its structure is broken: a truncated header, a wrong IPFIX length,
// sets that do not tile the packet, a template that lies about its field
// count or is absurd (more than kMaxTemplateFields fields, a record longer
// than a set, a known information element with an impossible length), a
// data record or variable-length field running past its set, or when it
// would take the exporter over the cache's caps. A version other than 9 or
// 10 is "unrecognized". Count fields are never trusted (the v9 header's
// record count is ignored: exporters disagree on what it counts); set
// lengths bound everything. Sets are processed in order and each set is
// validated completely before any of it is applied, so a rejected packet
// keeps the effects of the sets before the broken one: templates stored
// and events already committed to the sink. Those events are complete and
// valid; the caller may keep them (and dead-letter the packet with the
// error) or drop them.
//
// A well-formed record that cannot become an event (no natEvent, a
// natEvent that is not a mapping change such as "addresses exhausted", a
// mapping event missing its inside or outside address, an out-of-range
// port or an inverted port range) is counted in DecodeStats and skipped,
// and so is a data set whose template is unknown; the packet still
// decodes. Policy: count and report. Decode returning false means the
// packet is broken and is dead-lettered; a packet that decodes is never
// dead-lettered, even if nothing in it became an event, and the stats
// become metrics (records_invalid, sets_without_template, ...).
//
// Thread-safety: a TemplateCache is not synchronized; use one per task
// (flow records are keyed by exporter, so an exporter lives in one task).
// A FlowDecoder is immutable and may be shared.
#ifndef NETSTREAMS_SRC_PARSERS_FLOW_DECODER_H_
#define NETSTREAMS_SRC_PARSERS_FLOW_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "cgnat/v1/nat_event.pb.h"
#include "src/parsers/parse_error.h"

namespace netstreams {

// Export protocol versions, as in the first two bytes of a packet.
inline constexpr uint8_t kNetflowV9 = 9;
inline constexpr uint8_t kIpfix = 10;

// Field length meaning "variable length" (IPFIX; RFC 7011 section 7).
inline constexpr uint16_t kVariableLength = 65535;
// Templates with more fields are rejected as absurd. NAT logging
// templates have 10 to 30.
inline constexpr size_t kMaxTemplateFields = 256;
// Longest exporter identity Decode accepts (it is part of every key).
inline constexpr size_t kMaxExporterIdLength = 1024;

// One field specifier of a template.
struct TemplateField {
  // Information element id. IPFIX: without the enterprise bit. NetFlow v9:
  // the field type as sent (types from 32768 up are vendor-specific).
  uint16_t id = 0;
  // Bytes in each record, or kVariableLength.
  uint16_t length = 0;
  // Private enterprise number (IPFIX), 0 for IANA elements.
  uint32_t enterprise = 0;
};

// A template as received, with the decode plan derived from it.
struct FlowTemplate {
  bool options = false;            // an options template
  uint16_t scope_field_count = 0;  // options templates only
  std::vector<TemplateField> fields;

  // Decoder-internal. What each field means to the decoder (a role per
  // field, 0 = skip), the shortest record (variable-length fields count
  // 1 byte), whether every field is fixed-length, and the template record
  // exactly as it came on the wire (what the cache serializes, and what a
  // refresh is compared with).
  std::vector<uint8_t> roles;
  uint32_t min_record_length = 0;
  bool fixed_length = true;
  bool nat = false;  // has a natEvent (or firewallEvent) field
  std::string wire;
};

struct TemplateCacheOptions {
  // Templates (all versions and observation domains together) one
  // exporter may hold. A template set that would exceed it is rejected
  // with "invalid_value". Default: 4096.
  size_t max_templates_per_exporter = 4096;
  // Observation domains (IPFIX) / source ids (NetFlow v9) tracked per
  // exporter. A packet from one more domain is rejected. Default: 1024.
  size_t max_domains_per_exporter = 1024;
  // Record changes for DrainChanges(). Turn off when nothing drains them
  // (deleted keys would otherwise pile up). Default: true.
  bool track_changes = true;
};

// Templates and sequence state per exporter, version and observation
// domain (the NetFlow v9 source id).
//
// Persistence: every piece of state is one key/value entry. Encoding
// (all integers big-endian; format version 1):
//
//   key      = u8 1 | u8 kind | u16 n | exporter (n bytes)
//              | u8 version (9 or 10) | u32 observation domain
//              | u16 template id                      (kind 'T' only)
//   kind     = 'T' (0x54) a template, 'S' (0x53) sequence state
//   value T  = u8 1 | u8 set kind (0 template, 1 options template)
//              | the template record exactly as on the wire of that
//                version: RFC 3954 section 5.2 (template) or 6.1 (options
//                template), RFC 7011 section 3.4.1 / 3.4.2; no padding
//   value S  = u8 1 | u32 next expected sequence number
//
// Storing the wire record means a restored template goes through the same
// validation as a received one. Keys sort by exporter first, so one
// exporter's entries are contiguous in an ordered store. Readers must
// reject a format byte they do not know; a change of encoding bumps it.
class TemplateCache {
 public:
  explicit TemplateCache(TemplateCacheOptions options = {});

  // nullptr when unknown.
  const FlowTemplate* Find(absl::string_view exporter, uint8_t version,
                           uint32_t domain, uint16_t template_id) const;
  // The next sequence number expected from a domain; false when there is
  // none yet (no packet, or the last one left the count unknown).
  bool ExpectedSequence(absl::string_view exporter, uint8_t version,
                        uint32_t domain, uint32_t* next) const;
  size_t template_count() const;

  using EntryFn =
      absl::FunctionRef<void(absl::string_view key, absl::string_view value)>;
  // Every entry of the current state (in no particular order).
  void ForEachEntry(EntryFn fn) const;
  // The entries changed since the last call (or since construction): an
  // empty value is a deletion (a withdrawn template, or sequence state
  // that became unknown). For a changelogged store, call once per commit.
  void DrainChanges(EntryFn fn);
  // Applies one stored entry (an empty value deletes). False, with nothing
  // changed, when the key or value is malformed or over the caps. Restored
  // entries are not reported by DrainChanges.
  bool Restore(absl::string_view key, absl::string_view value);
  void Clear();

 private:
  friend class FlowDecoder;

  struct DomainState {
    uint8_t version = 0;
    uint32_t domain = 0;
    absl::flat_hash_map<uint16_t, FlowTemplate> templates;
    bool sequence_known = false;
    uint32_t next_sequence = 0;
    bool sequence_dirty = false;
    // Late packets in a row, each continuing the one before, and where
    // the next one would start: a run of them means the exporter
    // restarted rather than reordered. In memory only.
    uint32_t late_run = 0;
    uint32_t late_next = 0;
    // Templates added or replaced since the last DrainChanges().
    absl::flat_hash_set<uint16_t> dirty_templates;
  };
  struct ExporterState {
    std::string name;
    size_t template_count = 0;
    // Key: version << 32 | domain.
    absl::flat_hash_map<uint64_t, DomainState> domains;
    bool dirty = false;
  };

  ExporterState* FindOrAddExporter(absl::string_view exporter);
  // nullptr when the exporter is at max_domains_per_exporter.
  DomainState* FindOrAddDomain(ExporterState* exporter, uint8_t version,
                               uint32_t domain);
  const DomainState* FindDomain(absl::string_view exporter, uint8_t version,
                                uint32_t domain) const;
  // Stores a new or changed template (the caller checked the cap);
  // `track` reports it to DrainChanges().
  void PutTemplate(ExporterState* exporter, DomainState* domain, uint16_t id,
                   FlowTemplate t, bool track);
  // Removes one template (of the given kind), or every template of the
  // kind when `all`; returns how many.
  size_t Withdraw(ExporterState* exporter, DomainState* domain, uint16_t id,
                  bool options, bool all, bool track);
  void SetSequence(ExporterState* exporter, DomainState* domain, bool known,
                   uint32_t next, bool track);

  TemplateCacheOptions options_;
  absl::flat_hash_map<std::string, ExporterState> exporters_;
  // Keys of entries deleted since the last DrainChanges().
  std::vector<std::string> pending_deletes_;
  size_t template_count_ = 0;
  bool dirty_ = false;
};

// Receives the events of a packet. The decoder calls Next() only once a
// record has been fully validated, fills the event it gets, and then calls
// Commit() before asking for another: an event is never half-filled.
class NatEventSink {
 public:
  virtual ~NatEventSink() = default;
  // An event to fill. The decoder sets action, mapping, event_time, vrf,
  // protocol, the endpoints, the port block and direction when the record
  // has them, and touches nothing else, so the caller may preset device,
  // vendor and source here. It must be empty of the decoder's fields.
  virtual cgnat::v1::NatEvent* Next() = 0;
  // The event from the last Next() is complete; its time in ms since the
  // Unix epoch (also written to event_time).
  virtual void Commit(int64_t event_time_ms) = 0;
};

// Counters of one or more Decode calls (Decode adds to them).
struct DecodeStats {
  uint64_t templates_added = 0;
  uint64_t templates_replaced = 0;   // same id, different definition
  uint64_t templates_refreshed = 0;  // same id, same definition
  uint64_t templates_withdrawn = 0;
  uint64_t sets_skipped = 0;  // reserved set ids
  // Data sets whose template is unknown (their record count is unknown
  // too, so sets are counted rather than records).
  uint64_t sets_without_template = 0;
  uint64_t data_records = 0;     // every data record, options included
  uint64_t options_records = 0;  // options data records (skipped)
  uint64_t records_not_nat = 0;  // no natEvent field
  // A natEvent that is not a mapping change (addresses or ports
  // exhausted, quota exceeded, threshold reached, NSEL denied or alert,
  // unknown values).
  uint64_t records_not_mapping = 0;
  // A mapping event that cannot be a NatEvent: no inside or outside
  // address, a value out of range (port > 65535, protocol > 255), a port
  // block without a start or with end < start.
  uint64_t records_invalid = 0;
  uint64_t events = 0;
  // Sequence numbers (per exporter, version and domain). NetFlow v9
  // numbers packets and IPFIX numbers data records, so gaps are missing
  // packets (v9) or missing records (IPFIX).
  uint64_t sequence_gaps = 0;
  uint64_t sequence_late = 0;    // a small step back: reordered/duplicate
  uint64_t sequence_resets = 0;  // exporter restarts (not counted as gaps)
};

// How natEvent (IE 230) values are read.
enum class FlowNatEventNumbering {
  // IANA "NAT Event Type" registry (RFC 8158): 1/2 translation
  // create/delete (historic), 4/5 NAT44 session, 6/7 NAT64 session, 8/9
  // NAT44 BIB, 10/11 NAT64 BIB, 14/15 address binding, 16/17 port block
  // allocation/de-allocation; 3, 12, 13, 18 are not mapping changes.
  kRfc8158,
  // Cisco ASA NSEL: the firewall event numbering (firewallEvent, IE 233,
  // nfdump's NF_F_FW_EVENT): 0 ignore, 1 created, 2 deleted, 3 denied,
  // 4 alert, 5 update, read from natEvent (exporters that put it there)
  // or, when natEvent is absent, from firewallEvent. 1, 2 and 5 become
  // CREATE, DELETE and UPDATE; the others are not mapping changes.
  kCiscoNsel,
};

struct FlowDecoderOptions {
  // Default: kRfc8158.
  FlowNatEventNumbering numbering = FlowNatEventNumbering::kRfc8158;
  // A forward sequence jump larger than this is taken as an exporter
  // restart rather than loss (in packets for v9, records for IPFIX).
  // Default: 2^22.
  uint32_t max_sequence_gap = 1u << 22;
  // A backward jump up to this is a late (reordered or duplicated) packet:
  // counted in sequence_late, expected value unchanged. A larger one is an
  // exporter restart: counted in sequence_resets (not as a gap), and the
  // count continues from it. So is a run of three late packets each
  // continuing the one before (an exporter that restarted shortly after
  // its previous start). Default: 65536.
  uint32_t reorder_window = 1u << 16;
};

// Decodes NetFlow v9 and IPFIX packets into NatEvents.
//
// Field mapping (IANA IPFIX element ids; NetFlow v9 uses the same numbers
// below 32768):
//   action, mapping   natEvent 230 (see FlowNatEventNumbering). Events whose
//                     kind is not explicit (historic 1/2, NSEL) are a
//                     PORT_BLOCK with portRangeStart, else a SESSION with a
//                     destination address, else PORT with a port, else
//                     ADDRESS.
//   inside            sourceIPv4Address 8 / sourceIPv6Address 27,
//                     sourceTransportPort 7
//   outside           postNATSourceIPv4Address 225 / postNATSourceIPv6-
//                     Address 281, postNAPTSourceTransportPort 227
//   destination       postNATDestinationIPv4Address 226 / postNATDestina-
//                     tionIPv6Address 282 with postNAPTDestinationTransport-
//                     Port 228 (the destination as the outside sees it,
//                     which is what NAT64 needs), else destinationIPv4-
//                     Address 12 / destinationIPv6Address 28 with
//                     destinationTransportPort 11
//   protocol          protocolIdentifier 4
//   vrf               ingressVRFID 234 (the inside VRF), decimal text
//   port block        portRangeStart 361 and portRangeEnd 362, or the end
//                     from portRangeNumPorts 364 and portRangeStepSize 363
//   direction         natOriginatingAddressRealm 229: 1 (private) OUTBOUND,
//                     2 (public) INBOUND
//   event time        the first present of observationTimeMilliseconds 323,
//                     -Microseconds 324, -Nanoseconds 325, -Seconds 322,
//                     flowStartMilliseconds 152, flowStartSeconds 150; else
//                     the packet's export time
// Where a template has both an IPv4 and an IPv6 element for one address,
// the first non-zero one (IPv4 first) is used. Repeated elements: the
// first occurrence counts. Enterprise-specific and other elements are
// skipped by length. Unsigned elements may use reduced-size encoding
// (1 to 8 bytes); addresses must be 4 / 16 bytes, NTP times 8.
//
// Sequence numbers, per (exporter, version, domain): NetFlow v9 counts
// packets, so the next expected is sequence + 1; IPFIX counts data records
// sent before this packet, so it is sequence + the packet's data records.
// Arithmetic is modulo 2^32 (wraparound is not a gap). A packet with a
// data set of unknown template, or a rejected packet, leaves the IPFIX
// count unknown, so the next packet is not checked (a v9 packet rejected
// after its sets were found to tile the packet still counts: the header is
// all v9 needs). See FlowDecoderOptions for
// late packets and restarts.
class FlowDecoder {
 public:
  explicit FlowDecoder(FlowDecoderOptions options = {});

  // Decodes one packet from `exporter` (the identity templates are scoped
  // by: the Kafka key or the exporter address; at most
  // kMaxExporterIdLength bytes). Commits each event to `sink` and adds to
  // `stats` (may be null). False, with `error` set, when the packet is
  // rejected; see the file comment for what was applied before that.
  bool Decode(absl::string_view packet, absl::string_view exporter,
              TemplateCache* cache, NatEventSink& sink, DecodeStats* stats,
              ParseError* error) const;

 private:
  // The sets after the header; counts the data records into `records`,
  // and clears `records_countable` when a set's template is unknown.
  bool DecodeSets(absl::string_view packet, uint8_t version, size_t header,
                  int64_t export_ms, TemplateCache* cache,
                  TemplateCache::ExporterState* source,
                  TemplateCache::DomainState* domain, NatEventSink& sink,
                  DecodeStats* stats, uint32_t* records,
                  bool* records_countable, ParseError* error) const;

  FlowDecoderOptions options_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_FLOW_DECODER_H_
