// The `parse` stage kind: raw records (bytes) to cgnat.v1.NatEvent.
//
// Syslog framing first (RFC 5424, RFC 3164, or none), then the message
// body in one format: a built-in vendor parser, auto-detection among all
// of them, or the operator's RE2 patterns. Event time is the time the
// message body reports if it has one (the mapping changed then), else
// the syslog header's time, else the Kafka record timestamp. Records that
// do not parse are dead-lettered with the reason; nothing is half-filled.

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cgnat/v1/nat_event.pb.h"
#include "cgnat/v1/radius_accounting.pb.h"
#include "google/protobuf/arena.h"
#include "netstreams/stages/v1/parse.pb.h"
#include "src/common/counter.h"
#include "src/common/proto_time.h"
#include "src/parsers/nfacctd_parser.h"
#include "src/parsers/pattern_parser.h"
#include "src/parsers/radius_parser.h"
#include "src/parsers/syslog_framing.h"
#include "src/parsers/vendor.h"
#include "src/processor/stage_registry.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using netstreams::stages::v1::ParseConfig;

constexpr absl::string_view kNatEventType = "cgnat.v1.NatEvent";
constexpr absl::string_view kRadiusType = "cgnat.v1.RadiusAccounting";

// nfacctd with Juniper's nat_event numbering, as a VendorFormat.
bool ParseNfacctdJunos(const VendorInput& input, NatEvent* event,
                       BodyTime* body_time, ParseError* error) {
  return ParseNfacctdJson(input.syslog.message, NatEventNumbering::kJunos,
                          input.time, event, body_time, error);
}

bool ParseRadiusNat(const VendorInput& input, NatEvent* event,
                    BodyTime* body_time, ParseError* error) {
  return ParseRadiusNatEvent(input.syslog.message, event, body_time, error);
}

bool DetectNothing(const SyslogMessage&) { return false; }

constexpr VendorFormat kNfacctdJunos = {"nfacctd", DetectNfacctd,
                                        ParseNfacctdJunos};
constexpr VendorFormat kRadiusNat = {"radius_nat", DetectNothing,
                                     ParseRadiusNat};

SyslogFraming ToFraming(ParseConfig::Framing f) {
  switch (f) {
    case ParseConfig::RFC3164:
      return SyslogFraming::kRfc3164;
    case ParseConfig::RFC5424:
      return SyslogFraming::kRfc5424;
    case ParseConfig::NONE:
      return SyslogFraming::kNone;
    default:
      return SyslogFraming::kAuto;
  }
}

// The built-in format a Format value names; null for AUTO_DETECT,
// PATTERN and the RADIUS formats.
const VendorFormat* BuiltinFor(const ParseConfig& config) {
  if (config.format() == ParseConfig::NFACCTD &&
      config.nat_event_numbering() == ParseConfig::JUNOS) {
    return &kNfacctdJunos;
  }
  if (config.format() == ParseConfig::RADIUS_NAT) return &kRadiusNat;
  // The vendor formats' enum names are their registry names, upper-cased;
  // the other formats have no entry.
  return FindFormat(
      absl::AsciiStrToLower(ParseConfig::Format_Name(config.format())));
}

// Where the message body starts in the line. An empty body (an RFC 5424
// line whose content is all structured data) may be a view that points
// nowhere; its offset is the end of the line.
size_t MessageOffset(absl::string_view line, absl::string_view message) {
  const auto start = reinterpret_cast<uintptr_t>(line.data());
  const auto at = reinterpret_cast<uintptr_t>(message.data());
  if (message.empty() || at < start || at > start + line.size()) {
    return line.size();
  }
  return static_cast<size_t>(at - start);
}

class ParseProcessor : public Processor {
 public:
  ParseProcessor(const ParseConfig& config, absl::TimeZone zone,
                 absl::flat_hash_map<std::string, absl::TimeZone> device_zones,
                 std::unique_ptr<PatternParser> patterns)
      : framing_(ToFraming(config.framing())),
        format_(config.format()),
        fixed_(BuiltinFor(config)),
        junos_numbering_(config.nat_event_numbering() == ParseConfig::JUNOS),
        device_(config.device()),
        pattern_vendor_(config.vendor().empty() ? "pattern" : config.vendor()),
        zone_(zone),
        device_zones_(std::move(device_zones)),
        patterns_(std::move(patterns)) {}

  absl::Status Init(ProcessorContext& context) override {
    context_ = &context;
    if (BuiltinFormats().size() > kMaxFormats) {
      return absl::InternalError("more built-in formats than counter slots");
    }
    // One counter per format this stage can produce, so that a mixed
    // feed shows what each vendor contributes.
    if (format_ == ParseConfig::PATTERN) {
      single_counter_ = context.GetCounter(pattern_vendor_);
    } else if (format_ == ParseConfig::RADIUS) {
      single_counter_ = context.GetCounter("radius");
    } else if (format_ == ParseConfig::RADIUS_NAT) {
      single_counter_ = context.GetCounter("radius_nat");
    } else {
      for (const VendorFormat& f : BuiltinFormats()) {
        if (fixed_ == nullptr || FormatIndex(fixed_) == FormatIndex(&f)) {
          counters_[FormatIndex(&f)] = context.GetCounter(f.name);
        }
      }
    }
    return absl::OkStatus();
  }

  void Process(const Record& record) override {
    absl::string_view line = record.bytes;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    ParseError error;
    SyslogMessage syslog;
    SyslogTimeContext time_context{zone_, record.origin->timestamp_ms,
                                   &device_zones_};
    if (!ParseSyslog(line, framing_, time_context, &syslog, &error)) {
      Reject(record, error);
      return;
    }
    // Zone-less times in the body are in the device's zone too.
    time_context.zone = time_context.ZoneOf(syslog.hostname);
    if (format_ == ParseConfig::RADIUS) {
      ProcessRadius(record, line, syslog);
      return;
    }
    const VendorFormat* format = fixed_;
    if (format == nullptr && format_ == ParseConfig::AUTO_DETECT) {
      format = DetectFormat(syslog);
      if (format != nullptr && junos_numbering_ &&
          format->name == kNfacctdJunos.name) {
        format = &kNfacctdJunos;
      }
      if (format == nullptr) {
        error.Set("unrecognized", "no built-in format recognizes the message",
                  0);
        error.offset = MessageOffset(line, syslog.message);
        Reject(record, error);
        return;
      }
    }
    NatEvent* event =
        google::protobuf::Arena::CreateMessage<NatEvent>(context_->arena());
    BodyTime body_time;
    VendorInput input{syslog, time_context};
    bool ok = format != nullptr
                  ? format->parse(input, event, &body_time, &error)
                  : patterns_->Parse(input, event, &body_time, &error);
    if (!ok) {
      error.offset += MessageOffset(line, syslog.message);
      Reject(record, error);
      return;
    }
    if (!event->device().empty()) {
      // The message named its exporter.
    } else if (!syslog.hostname.empty()) {
      event->set_device(syslog.hostname.data(), syslog.hostname.size());
    } else if (!device_.empty()) {
      event->set_device(device_);
    }
    if (format == &kRadiusNat) {
      event->set_vendor("nfware");
      single_counter_->Add();
    } else if (format != nullptr) {
      event->set_vendor(format->name.data(), format->name.size());
      counters_[FormatIndex(format)]->Add();
    } else {
      event->set_vendor(pattern_vendor_);
      single_counter_->Add();
    }
    Emit(record, syslog, body_time, event);
  }

 private:
  // RADIUS accounting: a different output message, same rules.
  void ProcessRadius(const Record& record, absl::string_view line,
                     const SyslogMessage& syslog) {
    auto* out_message =
        google::protobuf::Arena::CreateMessage<cgnat::v1::RadiusAccounting>(
            context_->arena());
    BodyTime body_time;
    ParseError error;
    if (!ParseRadiusAccounting(syslog.message, out_message, &body_time,
                               &error)) {
      error.offset += MessageOffset(line, syslog.message);
      Reject(record, error);
      return;
    }
    single_counter_->Add();
    Emit(record, syslog, body_time, out_message);
  }

  // Stamps a parsed message (NatEvent or RadiusAccounting) with its event
  // time (the body's, else the header's, else the Kafka record's) and the
  // raw record it came from, and forwards it under the input's key.
  template <typename Message>
  void Emit(const Record& record, const SyslogMessage& syslog,
            const BodyTime& body_time, Message* message) {
    const int64_t event_ms = body_time.present ? body_time.ms
                             : syslog.has_time ? syslog.time_ms
                                               : record.timestamp_ms;
    SetTimestampMs(event_ms, message->mutable_event_time());
    cgnat::v1::SourceRecord* source = message->mutable_source();
    source->set_topic(record.origin->topic.data(), record.origin->topic.size());
    source->set_partition(record.origin->partition);
    source->set_offset(record.origin->offset);
    Record out;
    out.key = record.key;
    out.message = message;
    out.timestamp_ms = event_ms;
    out.origin = record.origin;
    context_->Forward(out);
  }

  // The counter slot of a built-in format (Junos-numbered nfacctd counts
  // as nfacctd).
  static size_t FormatIndex(const VendorFormat* format) {
    if (format == &kNfacctdJunos) format = FindFormat("nfacctd");
    return static_cast<size_t>(format - BuiltinFormats().data());
  }

  void Reject(const Record& record, const ParseError& error) {
    std::string detail =
        absl::StrCat(error.detail, " (at byte ", error.offset, ")");
    context_->DeadLetter(record, {error.reason_class, detail});
  }

  static constexpr size_t kMaxFormats = 16;

  SyslogFraming framing_;
  ParseConfig::Format format_;
  const VendorFormat* fixed_;
  bool junos_numbering_;
  std::string device_;
  std::string pattern_vendor_;
  absl::TimeZone zone_;
  absl::flat_hash_map<std::string, absl::TimeZone> device_zones_;
  std::unique_ptr<PatternParser> patterns_;
  ProcessorContext* context_ = nullptr;
  Counter* counters_[kMaxFormats] = {};
  // The counter of a stage whose records all come from one format that is
  // not a built-in vendor (pattern, radius, radius_nat).
  Counter* single_counter_ = nullptr;
};

class ParseStageFactory : public TypedStageFactory<ParseConfig> {
 public:
  absl::string_view kind() const override { return "parse"; }
  Shape shape() const override { return Shape::kProcessor; }

 protected:
  std::optional<std::string> CheckTyped(
      const ParseConfig& config, StageCheckContext& context) const override {
    bool ok = true;
    for (const std::string& type : context.input_types()) {
      if (type != kBytesType) {
        context.Error("", absl::StrCat("parse reads raw lines (bytes); its "
                                       "input carries ",
                                       type));
        ok = false;
      }
    }
    switch (config.format()) {
      case ParseConfig::FORMAT_UNSPECIFIED:
        context.Error("format",
                      "parse needs a format: auto_detect, a vendor (nfware, "
                      "a10, juniper, cisco_asa, f5, sixwind, mikrotik, "
                      "nfacctd), pattern, radius or radius_nat");
        ok = false;
        break;
      case ParseConfig::PATTERN: {
        std::vector<PatternIssue> issues;
        if (PatternParser::Create(config.patterns(), &issues) == nullptr) {
          for (const PatternIssue& issue : issues) {
            context.Error(issue.path, issue.message);
          }
          ok = false;
        }
        break;
      }
      default:
        if (!config.patterns().empty()) {
          context.Error("patterns",
                        "patterns are only read with "
                        "format: pattern");
          ok = false;
        }
        break;
    }
    if (!config.vendor().empty() && config.format() != ParseConfig::PATTERN) {
      context.Error("vendor",
                    "vendor names what format: pattern parses; "
                    "built-in formats name themselves");
      ok = false;
    }
    absl::TimeZone zone;
    auto check_zone = [&](const std::string& name, const std::string& path) {
      if (!absl::LoadTimeZone(name, &zone)) {
        context.Error(path, absl::StrCat("unknown time zone '", name,
                                         "' (use an IANA name such as "
                                         "Europe/Berlin, or UTC)"));
        ok = false;
      }
    };
    if (!config.timezone().empty()) check_zone(config.timezone(), "timezone");
    for (const auto& [device, name] : config.device_timezones()) {
      check_zone(name, absl::StrCat("device_timezones[\"", device, "\"]"));
    }
    if (config.nat_event_numbering() != ParseConfig::IANA &&
        config.format() != ParseConfig::NFACCTD &&
        config.format() != ParseConfig::AUTO_DETECT) {
      context.Error("nat_event_numbering",
                    "only applies to format nfacctd or auto_detect");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return std::string(config.format() == ParseConfig::RADIUS ? kRadiusType
                                                              : kNatEventType);
  }

  std::unique_ptr<Processor> CreateTyped(
      const ParseConfig& config, const StageCreateInfo& info) const override {
    absl::TimeZone zone = absl::UTCTimeZone();
    if (!config.timezone().empty()) {
      absl::LoadTimeZone(config.timezone(), &zone);
    }
    absl::flat_hash_map<std::string, absl::TimeZone> device_zones;
    for (const auto& [device, name] : config.device_timezones()) {
      absl::LoadTimeZone(name, &device_zones[device]);
    }
    std::unique_ptr<PatternParser> patterns;
    if (config.format() == ParseConfig::PATTERN) {
      std::vector<PatternIssue> issues;
      patterns = PatternParser::Create(config.patterns(), &issues);
    }
    return std::make_unique<ParseProcessor>(
        config, zone, std::move(device_zones), std::move(patterns));
  }
};

NETSTREAMS_REGISTER_STAGE(ParseStageFactory);

}  // namespace
}  // namespace netstreams
