// The `parse` stage kind: raw log lines (bytes) to cgnat.v1.NatEvent.
// Syslog framing first (RFC 5424, RFC 3164, or none), then the vendor
// format on the message body. Event time comes from the syslog header;
// without one, from the Kafka record timestamp. Lines that do not parse
// are dead-lettered with the reason; nothing is half-filled.

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cgnat/v1/nat_event.pb.h"
#include "google/protobuf/arena.h"
#include "netstreams/stages/v1/parse.pb.h"
#include "src/parsers/nfware_parser.h"
#include "src/parsers/syslog_framing.h"
#include "src/processor/stage_registry.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using netstreams::stages::v1::ParseConfig;

constexpr absl::string_view kNatEventType = "cgnat.v1.NatEvent";

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

void SetTimestamp(int64_t epoch_ms, google::protobuf::Timestamp* ts) {
  int64_t seconds = epoch_ms / 1000;
  int64_t ms = epoch_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    seconds -= 1;
  }
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(ms * 1000000));
}

class ParseProcessor : public Processor {
 public:
  ParseProcessor(const ParseConfig& config, absl::TimeZone zone)
      : framing_(ToFraming(config.framing())),
        device_(config.device()),
        zone_(zone) {}

  absl::Status Init(ProcessorContext& context) override {
    context_ = &context;
    return absl::OkStatus();
  }

  void Process(const Record& record) override {
    absl::string_view line = record.bytes;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    ParseError error;
    SyslogMessage syslog;
    SyslogTimeContext time_context{zone_, record.origin->timestamp_ms};
    if (!ParseSyslog(line, framing_, time_context, &syslog, &error)) {
      Reject(record, error);
      return;
    }
    NatEvent* event =
        google::protobuf::Arena::CreateMessage<NatEvent>(context_->arena());
    if (!ParseNfware(syslog.message, event, &error)) {
      error.offset += static_cast<size_t>(syslog.message.data() - line.data());
      Reject(record, error);
      return;
    }
    int64_t event_ms = syslog.has_time ? syslog.time_ms : record.timestamp_ms;
    SetTimestamp(event_ms, event->mutable_event_time());
    if (!syslog.hostname.empty()) {
      event->set_device(syslog.hostname.data(), syslog.hostname.size());
    } else if (!device_.empty()) {
      event->set_device(device_);
    }
    event->set_vendor("nfware");
    cgnat::v1::SourceRecord* source = event->mutable_source();
    source->set_topic(record.origin->topic.data(), record.origin->topic.size());
    source->set_partition(record.origin->partition);
    source->set_offset(record.origin->offset);
    Record out;
    out.key = record.key;
    out.message = event;
    out.timestamp_ms = event_ms;
    out.origin = record.origin;
    context_->Forward(out);
  }

 private:
  void Reject(const Record& record, const ParseError& error) {
    std::string detail =
        absl::StrCat(error.detail, " (at byte ", error.offset, ")");
    context_->DeadLetter(record, {error.reason_class, detail});
  }

  SyslogFraming framing_;
  std::string device_;
  absl::TimeZone zone_;
  ProcessorContext* context_ = nullptr;
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
    if (config.format() == ParseConfig::FORMAT_UNSPECIFIED) {
      context.Error("", "parse needs a format (nfware)");
      ok = false;
    }
    absl::TimeZone zone;
    if (!config.timezone().empty() &&
        !absl::LoadTimeZone(config.timezone(), &zone)) {
      context.Error("timezone",
                    absl::StrCat("unknown time zone '", config.timezone(),
                                 "' (use an IANA name such as "
                                 "Europe/Berlin, or UTC)"));
      ok = false;
    }
    if (!ok) return std::nullopt;
    return std::string(kNatEventType);
  }

  std::unique_ptr<Processor> CreateTyped(
      const ParseConfig& config, const StageCreateInfo& info) const override {
    absl::TimeZone zone = absl::UTCTimeZone();
    if (!config.timezone().empty()) {
      absl::LoadTimeZone(config.timezone(), &zone);
    }
    return std::make_unique<ParseProcessor>(config, zone);
  }
};

NETSTREAMS_REGISTER_STAGE(ParseStageFactory);

}  // namespace
}  // namespace netstreams
