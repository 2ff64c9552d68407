// The built-in vendor log formats behind the `parse` stage.
//
// Each format is a pair of plain functions over views of one record:
//   detect  a cheap signature test used by `format: auto` to pick the
//           format of a line (a few byte comparisons, no parsing);
//   parse   the full grammar: fills the NatEvent or says why not.
// Parsers never allocate beyond the NatEvent's own fields (which live on
// the batch arena) and report "unrecognized" (not this format) apart from
// "invalid_value" (this format, but a value out of range). A line is
// accepted whole or not at all: on failure the event may hold fields
// written before the problem was found, and the caller discards it (the
// parse stage never forwards a rejected event, so nothing half-filled
// reaches a topic).
#ifndef NETSTREAMS_SRC_PARSERS_VENDOR_H_
#define NETSTREAMS_SRC_PARSERS_VENDOR_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "cgnat/v1/nat_event.pb.h"
#include "src/parsers/parse_error.h"
#include "src/parsers/syslog_framing.h"

namespace netstreams {

// The event time a message carries in its own body (Juniper's
// epoch-time-64, F5's start=, nfacctd's timestamp_start, ...). When
// present it wins over the syslog header's time, which is when the
// message was written, not when the mapping changed.
struct BodyTime {
  bool present = false;
  int64_t ms = 0;  // since the Unix epoch
  void Set(int64_t epoch_ms) {
    present = true;
    ms = epoch_ms;
  }
};

// What a parser sees: the framed record (header fields may be empty for a
// bare line; `message` is the body) and how to read zone-less times.
struct VendorInput {
  const SyslogMessage& syslog;
  const SyslogTimeContext& time;
};

using DetectFn = bool (*)(const SyslogMessage& syslog);
using ParseFn = bool (*)(const VendorInput& input, cgnat::v1::NatEvent* event,
                         BodyTime* body_time, ParseError* error);

struct VendorFormat {
  // Config value (`format:`) and the NatEvent.vendor of what it parses.
  absl::string_view name;
  DetectFn detect;
  ParseFn parse;
};

// Every built-in format, in auto-detection order.
absl::Span<const VendorFormat> BuiltinFormats();
// nullptr when `name` is not a built-in format.
const VendorFormat* FindFormat(absl::string_view name);

// Auto-detection: the first format whose detect() accepts the message, or
// nullptr (the line is then dead-lettered as "unrecognized").
const VendorFormat* DetectFormat(const SyslogMessage& syslog);

// Per-vendor entry points (src/parsers/<vendor>_parser.cc). The grammar of
// each is documented in its .cc file, with the public sources it follows.
bool DetectNfware(const SyslogMessage& syslog);
bool ParseNfwareMessage(const VendorInput& input, cgnat::v1::NatEvent* event,
                        BodyTime* body_time, ParseError* error);
bool DetectA10(const SyslogMessage& syslog);
bool ParseA10(const VendorInput& input, cgnat::v1::NatEvent* event,
              BodyTime* body_time, ParseError* error);
bool DetectJuniper(const SyslogMessage& syslog);
bool ParseJuniper(const VendorInput& input, cgnat::v1::NatEvent* event,
                  BodyTime* body_time, ParseError* error);
bool DetectCiscoAsa(const SyslogMessage& syslog);
bool ParseCiscoAsa(const VendorInput& input, cgnat::v1::NatEvent* event,
                   BodyTime* body_time, ParseError* error);
bool DetectF5(const SyslogMessage& syslog);
bool ParseF5(const VendorInput& input, cgnat::v1::NatEvent* event,
             BodyTime* body_time, ParseError* error);
bool DetectSixwind(const SyslogMessage& syslog);
bool ParseSixwind(const VendorInput& input, cgnat::v1::NatEvent* event,
                  BodyTime* body_time, ParseError* error);
bool DetectMikrotik(const SyslogMessage& syslog);
bool ParseMikrotik(const VendorInput& input, cgnat::v1::NatEvent* event,
                   BodyTime* body_time, ParseError* error);
bool DetectNfacctd(const SyslogMessage& syslog);
bool ParseNfacctd(const VendorInput& input, cgnat::v1::NatEvent* event,
                  BodyTime* body_time, ParseError* error);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_VENDOR_H_
