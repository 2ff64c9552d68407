// A10 Thunder CGN (ACOS "cgnv6" LSN / NAT64 / DS-Lite) traffic logs.
//
// Sources:
//  - veesix-networks/cgn-ec-consumer@b413f11
//    tests/fake_syslog_a10thunder_cef.py (CEF lines captured from a
//    vThunder, host "cgn0.thn2/cgn-demo", events CGN 100/101/106/107) and
//    tests/handlers/syslog/test_handlers_syslog_a10_cef.py (CGN 102, the
//    body with the "CEF:" prefix stripped by the collector).
//  - the same repository, cgn_ec_consumer/handlers/a10.py: header comment
//    quoting the ASCII formats of A10's CGN guide ("Tstamp AX_hostname
//    NAT-TCP-C: fwd_src_ip:fwd_src_port<->fwd_dest_ip:fwd_dest_port,
//    rev_src_ip:rev_src_port<-->rev_dest_ip:rev_dest_port", "FIXED-NAT-PORTS
//    10.10.10.172->192.168.9.173:3000-4000") and the C/B/D/U event letters;
//    tests/manual/fake_syslog_a10thunder.py for "inside<-->nat to dst".
//  - A10 aXAPI v3 reference, "cgnv6 template logging"
//    (documentation.a10networks.com/ACOS-Docs/axapi/602p1/), and the
//    a10networks Terraform/Ansible schemas generated from it: the
//    custom-message names (port allocated/freed, session created/deleted,
//    port batch [v2] allocated/freed/interim update, fixed-NAT
//    allocated/freed/interim update) and the "cgnv6 logging stats"
//    counters ("... Interim Updated"): the event kinds a CEF Name can carry.
//  - ArcSight "Common Event Format" (CEF) specification: header
//    "CEF:Version|Vendor|Product|Version|Event Class ID|Name|Severity|
//    Extension", '|' and '\' escaped in the header, extension values
//    unquoted and running to the next " key=", rt as epoch milliseconds
//    or "MMM dd [yyyy] HH:mm:ss[.SSS] [zone]".
// A10's own log-format chapter was not reachable; the ASCII grammar below
// is the one the sources above quote, nothing more.
//
// Where the body starts: at the beginning of the message, or after one
// leading token that the collector left there (a relay writing
// "TIMESTAMP IP HOST/PARTITION  CEF:0|A10|..." frames HOST/PARTITION into
// the message). That token names the device ("cgn0.thn2") and, after a
// '/', the ACOS L3V partition, which is reported as the VRF ("cgn-demo").
// A BSD header may also split "NAT-TCP-C:" off as the TAG.
//
// CEF (vendor A10, class id "CGN <n>"); the Name decides the event:
//   Name ends Allocated|Created -> CREATE, Freed|Deleted -> DELETE,
//   contains Interim|Update     -> UPDATE;
//   Name has Session -> SESSION, Batch|Fixed -> PORT_BLOCK, else Port ->
//   PORT; any other CGN event (HTTP request logs, quotas) is unrecognized.
//     CGN 100 Nat Port Allocated    PORT CREATE
//     CGN 101 Nat Port Freed        PORT DELETE
//     CGN 102 Nat Session Created   SESSION CREATE
//     CGN 103 Nat Session Deleted   SESSION DELETE
//     CGN 106 Nat Port Batch Pool Allocated / 107 ... Freed  PORT_BLOCK
//   Extension keys: proto, src, spt, dst, dpt, sourceTranslatedAddress,
//   sourceTranslatedPort (a port block's first port), cnN with
//   cnNLabel=Last Nat Port (its last port; cn3 if no label is present),
//   destinationTranslatedAddress/Port (checked, not stored: the destination
//   is dst:dpt), rt (event time). Other keys are ignored.
//     PORT       proto src spt sourceTranslatedAddress sourceTranslatedPort
//     SESSION    the same plus dst dpt
//     PORT_BLOCK src sourceTranslatedAddress sourceTranslatedPort last
//                [proto]
//
// ASCII:
//   NAT-PROTO-L: IN<-->NAT[ to DST]              PORT (IN, NAT ip:port)
//   NAT-PROTO-L: IN<-->NATIP:FIRST-LAST          PORT_BLOCK (IN an address)
//   NAT-PROTO-L: FSRC<->FDST, RSRC<-->RDST       SESSION: inside FSRC,
//       destination FDST, outside whichever reverse endpoint is not FDST
//   FIXED-NAT-PORTS INIP->NATIP:FIRST-LAST       PORT_BLOCK CREATE
//   L: C created, B port batch (created), D deleted, U interim update.
//   Endpoints are ip:port or [v6]:port.
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

constexpr absl::string_view kFixedNat = "FIXED-NAT-PORTS ";
constexpr uint64_t kMaxEpochMs = 253402300799999ULL;  // 9999-12-31

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsAlnum(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

absl::string_view TrimRight(absl::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' ||
                        s.back() == '\n' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

absl::string_view TrimLeft(absl::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  return s;
}

// "CEF:0|A10|" or, with the "CEF:" stripped by a collector, "0|A10|".
bool StartsCef(absl::string_view s) {
  if (absl::StartsWith(s, "CEF:")) s.remove_prefix(4);
  size_t i = 0;
  while (i < s.size() && i < 3 && IsDigit(s[i])) ++i;
  return i > 0 && s.substr(i, 5) == "|A10|";
}

// "NAT-TCP-C": the ASCII event tag, exactly.
bool IsAsciiTag(absl::string_view tag) {
  if (!absl::StartsWith(tag, "NAT-") || tag.size() < 8) return false;
  char letter = tag.back();
  if (tag[tag.size() - 2] != '-' ||
      (letter != 'C' && letter != 'D' && letter != 'U' && letter != 'B')) {
    return false;
  }
  for (size_t i = 4; i + 2 < tag.size(); ++i) {
    if (!IsAlnum(tag[i])) return false;
  }
  return true;
}

// "NAT-TCP-C: ..." at the start of `s`.
bool StartsAscii(absl::string_view s) {
  if (!absl::StartsWith(s, "NAT-")) return false;
  size_t colon = s.substr(0, 20).find(':');
  if (colon == absl::string_view::npos) return false;
  return IsAsciiTag(s.substr(0, colon)) && colon + 1 < s.size() &&
         s[colon + 1] == ' ';
}

enum class Form { kNone, kCef, kAscii, kFixedNat };

struct Located {
  Form form = Form::kNone;
  absl::string_view device_token;  // the leading token, if any
  absl::string_view body;          // from the CEF/NAT-/FIXED marker
  absl::string_view tag;           // ASCII: "NAT-TCP-C"
  absl::string_view rest;          // ASCII: after "NAT-TCP-C: "
};

Form FormAt(absl::string_view s) {
  if (StartsCef(s)) return Form::kCef;
  if (StartsAscii(s)) return Form::kAscii;
  if (absl::StartsWith(s, kFixedNat)) return Form::kFixedNat;
  return Form::kNone;
}

// Finds the A10 body in the message (at its start or after one leading
// token), or an ASCII tag that the BSD framing took as the TAG.
Located Locate(const SyslogMessage& syslog) {
  Located out;
  absl::string_view m = TrimLeft(syslog.message);
  Form form = FormAt(m);
  if (form == Form::kNone) {
    size_t space = m.find(' ');
    if (space != absl::string_view::npos && space > 0) {
      absl::string_view after = TrimLeft(m.substr(space));
      form = FormAt(after);
      if (form != Form::kNone) {
        out.device_token = m.substr(0, space);
        m = after;
      }
    }
  }
  if (form == Form::kNone) {
    if (IsAsciiTag(syslog.app_name)) {
      out.form = Form::kAscii;
      out.tag = syslog.app_name;
      out.rest = syslog.message;
      out.body = syslog.message;
    }
    return out;
  }
  out.form = form;
  out.body = m;
  if (form == Form::kAscii) {
    size_t colon = m.find(':');
    out.tag = m.substr(0, colon);
    out.rest = m.substr(colon + 2);
  }
  return out;
}

// Offset of `part` within `whole` (both views of one buffer).
size_t At(absl::string_view whole, absl::string_view part) {
  return static_cast<size_t>(part.data() - whole.data());
}

// ---------------------------------------------------------------- time

enum class TimeStatus { kOk, kBad, kUnknownZone };

// CEF rt: epoch milliseconds (10 digits or fewer read as seconds), or
// "MMM dd [yyyy] HH:mm:ss[.SSS] [UTC|GMT|Z|+hh:mm|+hhmm]". A zone name we
// cannot resolve without a zone database look-up is reported apart, so the
// caller can fall back to the header time instead of guessing.
TimeStatus ParseCefTime(absl::string_view t, const SyslogTimeContext& tc,
                        int64_t* ms) {
  if (!t.empty() && IsDigit(t[0])) {
    uint64_t v;
    if (!ParseUint64(t, &v)) return TimeStatus::kBad;
    if (t.size() <= 10) v *= 1000;
    if (v > kMaxEpochMs) return TimeStatus::kBad;
    *ms = static_cast<int64_t>(v);
    return TimeStatus::kOk;
  }
  int month = ParseMonthAbbrev(t);
  if (month == 0 || t.size() < 4 || t[3] != ' ') return TimeStatus::kBad;
  size_t p = 4;
  if (p < t.size() && t[p] == ' ') ++p;
  int day, year = -1, hour, minute, second, frac_ms = 0;
  if (!ReadDecimal(t, &p, 1, 2, &day) || p >= t.size() || t[p] != ' ') {
    return TimeStatus::kBad;
  }
  ++p;
  if (p + 4 < t.size() && t[p + 4] == ' ') {
    if (!ReadDecimal(t, &p, 4, 4, &year)) return TimeStatus::kBad;
    ++p;
  }
  if (!ReadDecimal(t, &p, 2, 2, &hour) || p >= t.size() || t[p++] != ':' ||
      !ReadDecimal(t, &p, 2, 2, &minute) || p >= t.size() || t[p++] != ':' ||
      !ReadDecimal(t, &p, 2, 2, &second)) {
    return TimeStatus::kBad;
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
    if (p == start) return TimeStatus::kBad;
  }
  if (month < 1 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return TimeStatus::kBad;
  }
  absl::string_view zone_text = TrimLeft(t.substr(p));
  if (p < t.size() && t[p] != ' ') return TimeStatus::kBad;
  absl::TimeZone zone = tc.zone;
  int offset_minutes = 0;
  if (zone_text.empty()) {
    // The configured zone of the device.
  } else if (zone_text == "UTC" || zone_text == "GMT" || zone_text == "Z") {
    zone = absl::UTCTimeZone();
  } else if (zone_text[0] == '+' || zone_text[0] == '-') {
    size_t q = 1;
    int oh, om;
    if (!ReadDecimal(zone_text, &q, 2, 2, &oh)) return TimeStatus::kBad;
    if (q < zone_text.size() && zone_text[q] == ':') ++q;
    if (!ReadDecimal(zone_text, &q, 2, 2, &om) || q != zone_text.size() ||
        oh > 23 || om > 59) {
      return TimeStatus::kBad;
    }
    zone = absl::UTCTimeZone();
    offset_minutes = (zone_text[0] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return TimeStatus::kUnknownZone;
  }
  auto to_ms = [&](int y) {
    return CivilToUnixSeconds(y, month, day, hour, minute, second, zone) *
               1000 +
           frac_ms - int64_t{offset_minutes} * 60000;
  };
  if (year >= 0) {
    *ms = to_ms(year);
    return TimeStatus::kOk;
  }
  // No year: the one that puts the time closest to the record's arrival.
  int ref_year = static_cast<int>(CivilYearAt(tc.reference_ms, zone));
  int64_t best = to_ms(ref_year);
  for (int y : {ref_year - 1, ref_year + 1}) {
    int64_t candidate = to_ms(y);
    int64_t gap = candidate - tc.reference_ms;
    int64_t best_gap = best - tc.reference_ms;
    if ((gap < 0 ? -gap : gap) < (best_gap < 0 ? -best_gap : best_gap)) {
      best = candidate;
    }
  }
  *ms = best;
  return TimeStatus::kOk;
}

// ----------------------------------------------------------------- CEF

bool IsCefKeyChar(char c) {
  return IsAlnum(c) || c == '_' || c == '.' || c == '-';
}

// CEF extension: key=value pairs, where a value is unquoted and runs up to
// the space that starts the next "key=". '\' escapes (\= \\ \n) stay in
// the returned views; the values we read never contain them.
class CefExtension {
 public:
  explicit CefExtension(absl::string_view text) : text_(text) {}

  bool Next(absl::string_view* key, absl::string_view* value) {
    const size_t n = text_.size();
    while (pos_ < n && text_[pos_] == ' ') ++pos_;
    if (pos_ >= n) return false;
    size_t k = pos_;
    while (pos_ < n && IsCefKeyChar(text_[pos_])) ++pos_;
    if (pos_ == k || pos_ >= n || text_[pos_] != '=') {
      malformed_ = true;
      last_ = k;
      return false;
    }
    *key = text_.substr(k, pos_ - k);
    size_t v = ++pos_;
    size_t end = n;
    size_t i = v;
    while (i < n) {
      // Only spaces and escapes need a look; skip to the next one.
      i = FindFirstOf<' ', '\\'>(text_, i);
      if (i >= n) break;
      char c = text_[i];
      if (c == '\\' && i + 1 < n) {
        i += 2;
        continue;
      }
      if (c == ' ') {
        size_t j = i;
        while (j < n && text_[j] == ' ') ++j;
        size_t e = j;
        while (e < n && IsCefKeyChar(text_[e])) ++e;
        if (e > j && e < n && text_[e] == '=') {
          end = i;
          break;
        }
        i = j;
        continue;
      }
      ++i;
    }
    *value = TrimRight(text_.substr(v, end - v));
    pos_ = end;
    last_ = k;
    return true;
  }
  bool malformed() const { return malformed_; }
  size_t offset() const { return last_; }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
  size_t last_ = 0;
  bool malformed_ = false;
};

// Position of the next '|' that is not escaped, or npos.
size_t NextPipe(absl::string_view s, size_t from) {
  for (size_t i = FindFirstOf<'|', '\\'>(s, from); i < s.size();
       i = FindFirstOf<'|', '\\'>(s, i + 2)) {
    if (s[i] == '|') return i;
    // A backslash: the next character is escaped.
  }
  return absl::string_view::npos;
}

struct CefFields {
  absl::string_view proto, src, spt, dst, dpt, xsrc, xspt, xdst, xdpt, rt;
  absl::string_view cn[3];
  absl::string_view cn_label[3];
  size_t proto_at = 0, src_at = 0, spt_at = 0, dst_at = 0, dpt_at = 0,
         xsrc_at = 0, xspt_at = 0, xdst_at = 0, xdpt_at = 0, rt_at = 0,
         cn_at[3] = {0, 0, 0};
};

void Store(absl::string_view key, absl::string_view value, size_t at,
           CefFields* f) {
  absl::string_view* slot = nullptr;
  size_t* slot_at = nullptr;
  // By length first: A10 writes ~15 keys, and comparing each with every
  // name cost more than the rest of the extension.
  switch (key.size()) {
    case 2:
      if (IsLiteral(key, "rt")) slot = &f->rt, slot_at = &f->rt_at;
      break;
    case 3:
      if (IsLiteral(key, "src")) {
        slot = &f->src, slot_at = &f->src_at;
      } else if (IsLiteral(key, "spt")) {
        slot = &f->spt, slot_at = &f->spt_at;
      } else if (IsLiteral(key, "dst")) {
        slot = &f->dst, slot_at = &f->dst_at;
      } else if (IsLiteral(key, "dpt")) {
        slot = &f->dpt, slot_at = &f->dpt_at;
      } else if (key[0] == 'c' && key[1] == 'n' && key[2] >= '1' &&
                 key[2] <= '3') {
        const int i = key[2] - '1';
        slot = &f->cn[i], slot_at = &f->cn_at[i];
      }
      break;
    case 5:
      if (IsLiteral(key, "proto")) slot = &f->proto, slot_at = &f->proto_at;
      break;
    case 8:  // cn1Label..cn3Label
      if (key[0] == 'c' && key[1] == 'n' && key[2] >= '1' && key[2] <= '3' &&
          key.substr(3) == "Label") {
        f->cn_label[key[2] - '1'] = value;
      }
      break;
    case 20:
      if (IsLiteral(key, "sourceTranslatedPort")) {
        slot = &f->xspt, slot_at = &f->xspt_at;
      }
      break;
    case 23:
      if (IsLiteral(key, "sourceTranslatedAddress")) {
        slot = &f->xsrc, slot_at = &f->xsrc_at;
      }
      break;
    case 25:
      if (IsLiteral(key, "destinationTranslatedPort")) {
        slot = &f->xdpt, slot_at = &f->xdpt_at;
      }
      break;
    case 28:
      if (IsLiteral(key, "destinationTranslatedAddress")) {
        slot = &f->xdst, slot_at = &f->xdst_at;
      }
      break;
    default:
      break;
  }
  if (slot != nullptr) {
    *slot = value;
    *slot_at = at;
  }
}

bool SetAddress(absl::string_view text, size_t at, const char* what,
                std::string* field, ParseError* error) {
  if (!SetIpText(text, field)) return error->Set("invalid_value", what, at);
  return true;
}

bool ReadPort(absl::string_view text, size_t at, const char* what,
              uint32_t* port, ParseError* error) {
  if (!ParseBoundedUint(text, 65535, port)) {
    return error->Set("invalid_value", what, at);
  }
  return true;
}

bool ParseCef(const VendorInput& input, absl::string_view body,
              absl::string_view line, NatEvent* event, BodyTime* body_time,
              ParseError* error) {
  absl::string_view s = TrimRight(body);
  if (absl::StartsWith(s, "CEF:")) s.remove_prefix(4);
  absl::string_view header[7];
  size_t p = 0;
  for (absl::string_view& field : header) {
    size_t pipe = NextPipe(s, p);
    if (pipe == absl::string_view::npos) {
      return error->Set("unrecognized", "a10: truncated CEF header",
                        At(line, s) + s.size());
    }
    field = s.substr(p, pipe - p);
    p = pipe + 1;
  }
  absl::string_view class_id = header[4];
  absl::string_view name = header[5];
  size_t class_at = At(line, class_id);
  if (!absl::StartsWith(class_id, "CGN ") || class_id.size() == 4) {
    return error->Set("unrecognized", "a10: CEF event is not a CGN event",
                      class_at);
  }
  for (char c : class_id.substr(4)) {
    if (!IsDigit(c)) {
      return error->Set("unrecognized", "a10: CEF event is not a CGN event",
                        class_at);
    }
  }

  // The event kind follows from the Name, so that CGN ids this parser has
  // not seen (other NAT types, port batch v2) map by what they say.
  size_t name_at = At(line, name);
  if (absl::EndsWith(name, "Allocated") || absl::EndsWith(name, "Created")) {
    event->set_action(cgnat::v1::CREATE);
  } else if (absl::EndsWith(name, "Freed") || absl::EndsWith(name, "Deleted")) {
    event->set_action(cgnat::v1::DELETE);
  } else if (absl::StrContains(name, "Interim") ||
             absl::StrContains(name, "Update")) {
    event->set_action(cgnat::v1::UPDATE);
  } else {
    return error->Set("unrecognized",
                      "a10: CGN event is not a mapping allocation or release",
                      name_at);
  }
  if (absl::StrContains(name, "Session")) {
    event->set_mapping(cgnat::v1::SESSION);
  } else if (absl::StrContains(name, "Batch") ||
             absl::StrContains(name, "Fixed")) {
    event->set_mapping(cgnat::v1::PORT_BLOCK);
  } else if (absl::StrContains(name, "Port")) {
    event->set_mapping(cgnat::v1::PORT);
  } else {
    return error->Set("unrecognized", "a10: CGN event names no NAT mapping",
                      name_at);
  }

  CefFields f;
  absl::string_view ext = s.substr(p);
  CefExtension scanner(ext);
  absl::string_view key, value;
  while (scanner.Next(&key, &value)) {
    Store(key, value, At(line, ext) + scanner.offset(), &f);
  }
  if (scanner.malformed()) {
    return error->Set("unrecognized", "a10: CEF extension is not key=value",
                      At(line, ext) + scanner.offset());
  }
  const size_t end = At(line, s) + s.size();
  const cgnat::v1::Mapping mapping = event->mapping();

  if (f.proto.empty()) {
    if (mapping != cgnat::v1::PORT_BLOCK) {
      return error->Set("unrecognized", "a10: CEF NAT event lacks proto", end);
    }
  } else {
    uint32_t protocol;
    if (!ParseProtocol(f.proto, &protocol)) {
      return error->Set("invalid_value", "a10: unknown protocol", f.proto_at);
    }
    event->set_protocol(protocol);
  }
  if (f.src.empty()) {
    return error->Set("unrecognized", "a10: CEF NAT event lacks src", end);
  }
  if (!SetAddress(f.src, f.src_at, "a10: invalid src address",
                  event->mutable_inside_ip(), error)) {
    return false;
  }
  if (f.xsrc.empty()) {
    return error->Set("unrecognized",
                      "a10: CEF NAT event lacks sourceTranslatedAddress", end);
  }
  if (!SetAddress(f.xsrc, f.xsrc_at, "a10: invalid sourceTranslatedAddress",
                  event->mutable_outside_ip(), error)) {
    return false;
  }
  if (f.xspt.empty()) {
    return error->Set("unrecognized",
                      "a10: CEF NAT event lacks sourceTranslatedPort", end);
  }
  uint32_t xspt;
  if (!ReadPort(f.xspt, f.xspt_at, "a10: invalid sourceTranslatedPort", &xspt,
                error)) {
    return false;
  }
  // Checked wherever present; only a session stores the destination.
  IpBytes dst_ip;
  uint32_t dpt = 0;
  if (!f.dst.empty() && !ParseIp(f.dst, &dst_ip)) {
    return error->Set("invalid_value", "a10: invalid dst address", f.dst_at);
  }
  if (!f.dpt.empty() &&
      !ReadPort(f.dpt, f.dpt_at, "a10: invalid dpt", &dpt, error)) {
    return false;
  }
  IpBytes xdst_ip;
  uint32_t xdpt;
  if (!f.xdst.empty() && !ParseIp(f.xdst, &xdst_ip)) {
    return error->Set("invalid_value",
                      "a10: invalid destinationTranslatedAddress", f.xdst_at);
  }
  if (!f.xdpt.empty() &&
      !ReadPort(f.xdpt, f.xdpt_at, "a10: invalid destinationTranslatedPort",
                &xdpt, error)) {
    return false;
  }

  if (mapping == cgnat::v1::PORT_BLOCK) {
    // The last port: the cnN labelled "Last Nat Port", or cn3 when the
    // exporter sends no labels at all.
    int last_index = -1;
    bool any_label = false;
    for (int i = 0; i < 3; ++i) {
      if (!f.cn_label[i].empty()) any_label = true;
      if (f.cn_label[i] == "Last Nat Port") last_index = i;
    }
    if (last_index < 0 && !any_label) last_index = 2;
    if (last_index < 0 || f.cn[last_index].empty()) {
      return error->Set("unrecognized",
                        "a10: port batch event lacks its last NAT port", end);
    }
    uint32_t last;
    if (!ReadPort(f.cn[last_index], f.cn_at[last_index],
                  "a10: invalid last NAT port", &last, error)) {
      return false;
    }
    if (last < xspt) {
      return error->Set("invalid_value",
                        "a10: last NAT port is below the first",
                        f.cn_at[last_index]);
    }
    event->set_port_block_start(xspt);
    event->set_port_block_end(last);
  } else {
    if (f.spt.empty()) {
      return error->Set("unrecognized", "a10: CEF NAT event lacks spt", end);
    }
    uint32_t spt;
    if (!ReadPort(f.spt, f.spt_at, "a10: invalid spt", &spt, error)) {
      return false;
    }
    event->set_inside_port(spt);
    event->set_outside_port(xspt);
    if (mapping == cgnat::v1::SESSION) {
      if (f.dst.empty() || f.dpt.empty()) {
        return error->Set("unrecognized", "a10: CEF session lacks dst or dpt",
                          end);
      }
      SetIp(dst_ip, event->mutable_destination_ip());
      event->set_destination_port(dpt);
    }
  }

  if (!f.rt.empty()) {
    int64_t ms;
    switch (ParseCefTime(f.rt, input.time, &ms)) {
      case TimeStatus::kOk:
        body_time->Set(ms);
        break;
      case TimeStatus::kUnknownZone:
        break;  // the header's time stands
      case TimeStatus::kBad:
        return error->Set("invalid_value", "a10: unreadable rt time", f.rt_at);
    }
  }
  return true;
}

// --------------------------------------------------------------- ASCII

bool SameEndpoint(const Endpoint& a, const Endpoint& b) {
  return a.ip.view() == b.ip.view() && a.has_port == b.has_port &&
         a.port == b.port;
}

// One endpoint of an ASCII line, surrounding spaces allowed.
bool ReadEndpoint(absl::string_view line, absl::string_view text,
                  const char* bad_address, const char* bad_port, Endpoint* out,
                  ParseError* error) {
  absl::string_view t = TrimRight(TrimLeft(text));
  size_t at = At(line, t);
  if (t.empty()) {
    return error->Set("unrecognized", "a10: missing endpoint", at);
  }
  EndpointStatus status = ParseEndpoint(t, out);
  if (status == EndpointStatus::kBadAddress) {
    return error->Set("invalid_value", bad_address, at);
  }
  if (status == EndpointStatus::kBadPort) {
    return error->Set("invalid_value", bad_port, at);
  }
  return true;
}

// `line` is the syslog message; the tag may lie outside it (BSD TAG).
bool ParseAscii(absl::string_view tag, absl::string_view rest,
                absl::string_view line, NatEvent* event, ParseError* error) {
  // Tag: NAT-PROTO-L.
  absl::string_view proto = tag.substr(4, tag.size() - 6);
  uint32_t protocol;
  if (!ParseProtocol(proto, &protocol)) {
    bool in_line = proto.data() >= line.data() &&
                   proto.data() <= line.data() + line.size();
    return error->Set("invalid_value", "a10: unknown protocol",
                      in_line ? At(line, proto) : 0);
  }
  event->set_protocol(protocol);
  switch (tag.back()) {
    case 'C':
    case 'B':
      event->set_action(cgnat::v1::CREATE);
      break;
    case 'D':
      event->set_action(cgnat::v1::DELETE);
      break;
    default:  // 'U'
      event->set_action(cgnat::v1::UPDATE);
      break;
  }

  rest = TrimRight(rest);
  size_t both = rest.find("<-->");
  if (both == absl::string_view::npos) {
    return error->Set("unrecognized", "a10: expected '<-->' in NAT- log",
                      At(line, rest) + rest.size());
  }
  size_t fwd = rest.find("<->");
  Endpoint inside, outside;
  if (fwd != absl::string_view::npos && fwd < both) {
    // Session: FSRC<->FDST, RSRC<-->RDST.
    size_t comma = rest.find(',', fwd);
    if (comma == absl::string_view::npos || comma > both) {
      return error->Set("unrecognized",
                        "a10: expected ',' between the session directions",
                        At(line, rest) + fwd);
    }
    Endpoint fdst, rsrc, rdst;
    if (!ReadEndpoint(line, rest.substr(0, fwd), "a10: invalid inside address",
                      "a10: invalid inside port", &inside, error) ||
        !ReadEndpoint(line, rest.substr(fwd + 3, comma - fwd - 3),
                      "a10: invalid destination address",
                      "a10: invalid destination port", &fdst, error) ||
        !ReadEndpoint(line, rest.substr(comma + 1, both - comma - 1),
                      "a10: invalid reverse source address",
                      "a10: invalid reverse source port", &rsrc, error) ||
        !ReadEndpoint(line, rest.substr(both + 4),
                      "a10: invalid reverse destination address",
                      "a10: invalid reverse destination port", &rdst, error)) {
      return false;
    }
    if (!inside.has_port || !fdst.has_port || !rsrc.has_port ||
        !rdst.has_port || inside.has_range || fdst.has_range ||
        rsrc.has_range || rdst.has_range) {
      return error->Set("unrecognized",
                        "a10: a session needs one port on every endpoint",
                        At(line, rest));
    }
    // The reverse direction runs between the destination and the NAT
    // address; A10 writes it server first, some relays the other way.
    if (SameEndpoint(rsrc, fdst)) {
      outside = rdst;
    } else if (SameEndpoint(rdst, fdst)) {
      outside = rsrc;
    } else {
      outside = rdst;  // destination NAT: the packet's target is ours
    }
    event->set_mapping(cgnat::v1::SESSION);
    SetIp(fdst.ip, event->mutable_destination_ip());
    event->set_destination_port(fdst.port);
  } else {
    // Port mapping or port batch: IN<-->NAT[ to DST].
    absl::string_view nat_text = rest.substr(both + 4);
    size_t to = nat_text.find(" to ");
    absl::string_view dst_text;
    if (to != absl::string_view::npos) {
      dst_text = nat_text.substr(to + 4);
      nat_text = nat_text.substr(0, to);
    }
    if (!ReadEndpoint(line, rest.substr(0, both), "a10: invalid inside address",
                      "a10: invalid inside port", &inside, error) ||
        !ReadEndpoint(line, nat_text, "a10: invalid NAT address",
                      "a10: invalid NAT port", &outside, error)) {
      return false;
    }
    if (to != absl::string_view::npos) {
      Endpoint dst;
      if (!ReadEndpoint(line, dst_text, "a10: invalid destination address",
                        "a10: invalid destination port", &dst, error)) {
        return false;
      }
    }
    if (inside.has_range) {
      return error->Set("invalid_value", "a10: inside port cannot be a range",
                        At(line, rest));
    }
    if (outside.has_range) {
      if (inside.has_port) {
        return error->Set("unrecognized",
                          "a10: a port batch has no inside port",
                          At(line, rest));
      }
      event->set_mapping(cgnat::v1::PORT_BLOCK);
      event->set_port_block_start(outside.port);
      event->set_port_block_end(outside.port_end);
    } else {
      if (!inside.has_port || !outside.has_port) {
        return error->Set("unrecognized",
                          "a10: a port mapping needs ip:port on both sides",
                          At(line, rest));
      }
      event->set_mapping(cgnat::v1::PORT);
    }
  }
  SetIp(inside.ip, event->mutable_inside_ip());
  SetIp(outside.ip, event->mutable_outside_ip());
  if (event->mapping() != cgnat::v1::PORT_BLOCK) {
    event->set_inside_port(inside.port);
    event->set_outside_port(outside.port);
  }
  return true;
}

// FIXED-NAT-PORTS INIP->NATIP:FIRST-LAST
bool ParseFixedNat(absl::string_view body, absl::string_view line,
                   NatEvent* event, ParseError* error) {
  absl::string_view rest = TrimRight(body.substr(kFixedNat.size()));
  size_t arrow = rest.find("->");
  if (arrow == absl::string_view::npos) {
    return error->Set("unrecognized", "a10: expected '->' in FIXED-NAT-PORTS",
                      At(line, rest));
  }
  Endpoint inside, outside;
  if (!ReadEndpoint(line, rest.substr(0, arrow), "a10: invalid inside address",
                    "a10: invalid inside port", &inside, error) ||
      !ReadEndpoint(line, rest.substr(arrow + 2), "a10: invalid NAT address",
                    "a10: invalid NAT port", &outside, error)) {
    return false;
  }
  if (inside.has_port || !outside.has_range) {
    return error->Set("unrecognized",
                      "a10: FIXED-NAT-PORTS needs INIP->NATIP:FIRST-LAST",
                      At(line, rest));
  }
  event->set_action(cgnat::v1::CREATE);
  event->set_mapping(cgnat::v1::PORT_BLOCK);
  SetIp(inside.ip, event->mutable_inside_ip());
  SetIp(outside.ip, event->mutable_outside_ip());
  event->set_port_block_start(outside.port);
  event->set_port_block_end(outside.port_end);
  return true;
}

}  // namespace

bool DetectA10(const SyslogMessage& syslog) {
  return Locate(syslog).form != Form::kNone;
}

bool ParseA10(const VendorInput& input, NatEvent* event, BodyTime* body_time,
              ParseError* error) {
  const SyslogMessage& syslog = input.syslog;
  Located loc = Locate(syslog);
  absl::string_view line = syslog.message;
  bool ok = false;
  switch (loc.form) {
    case Form::kNone:
      return error->Set("unrecognized",
                        "a10: no CEF, NAT- or FIXED-NAT-PORTS "
                        "body",
                        0);
    case Form::kCef:
      ok = ParseCef(input, loc.body, line, event, body_time, error);
      break;
    case Form::kAscii:
      ok = ParseAscii(loc.tag, loc.rest, line, event, error);
      break;
    case Form::kFixedNat:
      ok = ParseFixedNat(loc.body, line, event, error);
      break;
  }
  if (!ok) return false;
  if (!loc.device_token.empty()) {
    absl::string_view token = loc.device_token;
    size_t slash = token.find('/');
    if (slash != absl::string_view::npos) {
      event->set_device(token.data(), slash);
      absl::string_view partition = token.substr(slash + 1);
      if (!partition.empty()) {
        event->set_vrf(partition.data(), partition.size());
      }
    } else {
      event->set_device(token.data(), token.size());
    }
  }
  return true;
}

}  // namespace netstreams
