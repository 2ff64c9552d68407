// Syslog framing: splits a line into header fields and the message body.
//
// RFC 5424: "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]".
// RFC 3164 (BSD): "[<PRI>]Mmm dd hh:mm:ss HOSTNAME TAG[pid]: MSG"; relays
// also write an RFC 3339 timestamp in the BSD layout, which is accepted.
// A BSD header has no year and no zone: the zone is configured and the
// year is the one that puts the time closest to the record's Kafka
// timestamp (so a Dec 31 line read on Jan 1 keeps last year).
//
// All outputs are views into the input line. No allocation.
#ifndef NETSTREAMS_SRC_PARSERS_SYSLOG_FRAMING_H_
#define NETSTREAMS_SRC_PARSERS_SYSLOG_FRAMING_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "src/parsers/parse_error.h"

namespace netstreams {

enum class SyslogFraming {
  kAuto,  // detect per line
  kRfc3164,
  kRfc5424,
  kNone,  // the line is the message body
};

struct SyslogMessage {
  int pri = -1;  // -1 when absent
  bool has_time = false;
  int64_t time_ms = 0;  // event time, ms since the Unix epoch
  absl::string_view hostname;
  absl::string_view app_name;  // RFC 5424 APP-NAME or the BSD TAG
  absl::string_view procid;
  absl::string_view msgid;
  absl::string_view structured_data;
  absl::string_view message;
};

struct SyslogTimeContext {
  // Zone of BSD timestamps.
  absl::TimeZone zone = absl::UTCTimeZone();
  // The record's Kafka timestamp; anchors the BSD year.
  int64_t reference_ms = 0;
  // Zones of particular devices (by BSD HOSTNAME), overriding `zone` for
  // their headers; null or empty for none. Not owned.
  const absl::flat_hash_map<std::string, absl::TimeZone>* device_zones =
      nullptr;

  // The zone of `hostname`'s zone-less times.
  const absl::TimeZone& ZoneOf(absl::string_view hostname) const {
    if (device_zones != nullptr && !device_zones->empty() &&
        !hostname.empty()) {
      auto it = device_zones->find(hostname);
      if (it != device_zones->end()) return it->second;
    }
    return zone;
  }
};

// Parses `line` (without its trailing newline). Returns false and fills
// `error` when the chosen framing does not match; with kAuto, a line with
// no recognizable header is a bare message.
bool ParseSyslog(absl::string_view line, SyslogFraming framing,
                 const SyslogTimeContext& time_context, SyslogMessage* out,
                 ParseError* error);

// RFC 3339 / ISO 8601 date-time with optional fraction and zone ("Z",
// "+hh:mm", "+hhmm"; none means UTC). Returns characters consumed, 0 on
// failure.
size_t ParseRfc3339(absl::string_view text, int64_t* epoch_ms);

// 1..12 for "Jan".."Dec" at the start of `text` (case-sensitive, as
// syslog writes them), 0 otherwise.
int ParseMonthAbbrev(absl::string_view text);

// BSD timestamp "Mmm dd hh:mm:ss[.fff]" (year inferred against
// reference_ms, zone from the context) or "Mmm dd yyyy hh:mm:ss". Returns
// characters consumed, 0 on failure.
size_t ParseBsdTimestamp(absl::string_view text,
                         const SyslogTimeContext& time_context,
                         int64_t* epoch_ms);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_SYSLOG_FRAMING_H_
