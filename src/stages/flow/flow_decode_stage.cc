// The `flow_decode` stage kind: NetFlow v9 / IPFIX NAT Event Logging
// packets (bytes, one UDP payload per record, keyed by exporter) to
// cgnat.v1.NatEvent, with src/parsers/flow_decoder.h.
//
// Templates are state: the decoder's TemplateCache lives in memory for
// speed, and every change to it (DrainChanges, after each packet) is
// written to a change-logged store, so a restarted task rebuilds the cache
// from the store and decodes data sets without waiting for the exporter to
// resend its templates. The store is read on the first record, not in
// Init(), because the runtime restores it from the changelog after Init().
//
// Each event: device = the record key's text (else the configured
// device), vendor = "ipfix" or "netflow_v9" by packet version, source =
// the packet's topic/partition/offset, event_time from the decoder. The
// output record carries the input key and the event time as timestamp.
//
// A packet the decoder rejects is dead-lettered whole, and the events it
// committed before the broken set are dropped: forwarding them as well
// would duplicate them whenever the dead letter is replayed. Templates it
// carried before the broken set stay (they were valid). A packet that
// decodes but yields no events is not an error; DecodeStats become the
// stage's counters.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cgnat/v1/nat_event.pb.h"
#include "google/protobuf/arena.h"
#include "netstreams/stages/v1/flow_decode.pb.h"
#include "src/common/counter.h"
#include "src/common/log.h"
#include "src/parsers/flow_decoder.h"
#include "src/processor/stage_registry.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using netstreams::stages::v1::FlowDecodeConfig;

constexpr absl::string_view kNatEventType = "cgnat.v1.NatEvent";

// Collects a packet's events on the batch arena, preset with what the
// stage knows (device, vendor, source); forwarded only once the whole
// packet has decoded.
class ArenaSink : public NatEventSink {
 public:
  struct Pending {
    NatEvent* event;
    int64_t time_ms;
  };

  void Reset(google::protobuf::Arena* arena, absl::string_view device,
             absl::string_view vendor, const Origin* origin) {
    arena_ = arena;
    device_ = device;
    vendor_ = vendor;
    origin_ = origin;
    open_ = nullptr;
    events_.clear();
  }

  NatEvent* Next() override {
    open_ = google::protobuf::Arena::CreateMessage<NatEvent>(arena_);
    if (!device_.empty()) open_->set_device(device_.data(), device_.size());
    open_->set_vendor(vendor_.data(), vendor_.size());
    cgnat::v1::SourceRecord* source = open_->mutable_source();
    source->set_topic(origin_->topic.data(), origin_->topic.size());
    source->set_partition(origin_->partition);
    source->set_offset(origin_->offset);
    return open_;
  }

  void Commit(int64_t event_time_ms) override {
    // The decoder wrote event_time already; keep the exact ms for the
    // record timestamp.
    events_.push_back({open_, event_time_ms});
    open_ = nullptr;
  }

  const std::vector<Pending>& events() const { return events_; }

 private:
  google::protobuf::Arena* arena_ = nullptr;
  absl::string_view device_;
  absl::string_view vendor_;
  const Origin* origin_ = nullptr;
  NatEvent* open_ = nullptr;
  std::vector<Pending> events_;
};

class FlowDecodeProcessor : public Processor {
 public:
  FlowDecodeProcessor(const FlowDecodeConfig& config, std::string store)
      : decoder_(Options(config)),
        device_(config.device()),
        store_name_(std::move(store)) {}

  absl::Status Init(ProcessorContext& context) override {
    context_ = &context;
    store_ = context.GetStore(store_name_);
    if (store_ == nullptr) {
      return absl::InternalError(
          absl::StrCat("state store ", store_name_, " is missing"));
    }
    events_ = context.GetCounter("events");
    sequence_gaps_ = context.GetCounter("sequence_gaps");
    sequence_late_ = context.GetCounter("sequence_late");
    sequence_resets_ = context.GetCounter("sequence_resets");
    sets_without_template_ = context.GetCounter("sets_without_template");
    sets_skipped_ = context.GetCounter("sets_skipped");
    options_records_ = context.GetCounter("options_records");
    records_not_nat_ = context.GetCounter("records_not_nat");
    records_not_mapping_ = context.GetCounter("records_not_mapping");
    records_invalid_ = context.GetCounter("records_invalid");
    templates_added_ = context.GetCounter("templates_added");
    templates_replaced_ = context.GetCounter("templates_replaced");
    templates_withdrawn_ = context.GetCounter("templates_withdrawn");
    templates_restored_ = context.GetCounter("templates_restored");
    restore_skipped_ = context.GetCounter("restore_skipped");
    templates_gauge_ = context.GetGauge("templates");
    return absl::OkStatus();
  }

  void Process(const Record& record) override {
    if (!loaded_ && !LoadTemplates()) return;
    absl::string_view exporter = record.key.empty() ? device_ : record.key;
    const uint16_t version =
        record.bytes.size() >= 2
            ? static_cast<uint16_t>(static_cast<uint8_t>(record.bytes[0]) << 8 |
                                    static_cast<uint8_t>(record.bytes[1]))
            : 0;
    sink_.Reset(context_->arena(), exporter,
                version == kIpfix ? "ipfix" : "netflow_v9", record.origin);
    DecodeStats stats;
    ParseError error;
    const bool ok =
        decoder_.Decode(record.bytes, exporter, &cache_, sink_, &stats, &error);
    // Whatever was applied before a rejection is state too.
    if (!SaveChanges()) return;
    Count(stats);
    if (!ok) {
      std::string detail =
          absl::StrCat(error.detail, " (at byte ", error.offset, ")");
      context_->DeadLetter(record, {error.reason_class, detail});
      return;
    }
    events_->Add(sink_.events().size());
    for (const ArenaSink::Pending& p : sink_.events()) {
      Record out;
      out.key = record.key;
      out.message = p.event;
      out.timestamp_ms = p.time_ms;
      out.origin = record.origin;
      context_->Forward(out);
    }
  }

 private:
  static FlowDecoderOptions Options(const FlowDecodeConfig& config) {
    FlowDecoderOptions options;
    options.numbering = config.numbering() == FlowDecodeConfig::CISCO_NSEL
                            ? FlowNatEventNumbering::kCiscoNsel
                            : FlowNatEventNumbering::kRfc8158;
    return options;
  }

  // Rebuilds the cache from the store. A malformed entry (a format this
  // build does not know, a corrupt or over-cap template) is logged and
  // skipped: the exporter resends its templates periodically, and a
  // missing template only costs the data sets until then.
  bool LoadTemplates() {
    loaded_ = true;
    cache_.Clear();
    uint64_t restored = 0, skipped = 0;
    auto it = store_->Range("", "");
    for (; it->Valid(); it->Next()) {
      if (cache_.Restore(it->key(), it->value())) {
        ++restored;
      } else {
        ++skipped;
        LogWarning("flow_decode: skipping a malformed template store entry")
            .With("stage", context_->stage_name())
            .With("task", context_->task_id())
            .With("key_bytes", static_cast<uint64_t>(it->key().size()))
            .With("value_bytes", static_cast<uint64_t>(it->value().size()));
      }
    }
    if (!it->status().ok()) {
      context_->ReportFatal(it->status());
      loaded_ = false;
      return false;
    }
    templates_restored_->Add(cache_.template_count());
    restore_skipped_->Add(skipped);
    templates_gauge_->Set(static_cast<int64_t>(cache_.template_count()));
    if (restored > 0 || skipped > 0) {
      LogInfo("flow_decode: templates restored")
          .With("stage", context_->stage_name())
          .With("task", context_->task_id())
          .With("entries", restored)
          .With("templates", static_cast<uint64_t>(cache_.template_count()))
          .With("skipped", skipped);
    }
    return true;
  }

  // Writes the cache's changes since the last packet; false after a store
  // error (reported as fatal: the engine stops without committing).
  bool SaveChanges() {
    absl::Status status;
    cache_.DrainChanges([&](absl::string_view key, absl::string_view value) {
      if (!status.ok()) return;
      status = value.empty() ? store_->Delete(key) : store_->Put(key, value);
    });
    if (!status.ok()) {
      context_->ReportFatal(status);
      return false;
    }
    return true;
  }

  void Count(const DecodeStats& s) {
    sequence_gaps_->Add(s.sequence_gaps);
    sequence_late_->Add(s.sequence_late);
    sequence_resets_->Add(s.sequence_resets);
    sets_without_template_->Add(s.sets_without_template);
    sets_skipped_->Add(s.sets_skipped);
    options_records_->Add(s.options_records);
    records_not_nat_->Add(s.records_not_nat);
    records_not_mapping_->Add(s.records_not_mapping);
    records_invalid_->Add(s.records_invalid);
    templates_added_->Add(s.templates_added);
    templates_replaced_->Add(s.templates_replaced);
    templates_withdrawn_->Add(s.templates_withdrawn);
    templates_gauge_->Set(static_cast<int64_t>(cache_.template_count()));
  }

  const FlowDecoder decoder_;
  const std::string device_;
  const std::string store_name_;
  TemplateCache cache_;
  ArenaSink sink_;
  bool loaded_ = false;
  ProcessorContext* context_ = nullptr;
  KeyValueStore* store_ = nullptr;
  Counter* events_ = nullptr;
  Counter* sequence_gaps_ = nullptr;
  Counter* sequence_late_ = nullptr;
  Counter* sequence_resets_ = nullptr;
  Counter* sets_without_template_ = nullptr;
  Counter* sets_skipped_ = nullptr;
  Counter* options_records_ = nullptr;
  Counter* records_not_nat_ = nullptr;
  Counter* records_not_mapping_ = nullptr;
  Counter* records_invalid_ = nullptr;
  Counter* templates_added_ = nullptr;
  Counter* templates_replaced_ = nullptr;
  Counter* templates_withdrawn_ = nullptr;
  Counter* templates_restored_ = nullptr;
  Counter* restore_skipped_ = nullptr;
  Gauge* templates_gauge_ = nullptr;
};

class FlowDecodeStageFactory : public TypedStageFactory<FlowDecodeConfig> {
 public:
  absl::string_view kind() const override { return "flow_decode"; }
  Shape shape() const override { return Shape::kProcessor; }

 protected:
  std::optional<std::string> CheckTyped(
      const FlowDecodeConfig& config,
      StageCheckContext& context) const override {
    bool ok = true;
    for (const std::string& type : context.input_types()) {
      if (type != kBytesType) {
        context.Error("", absl::StrCat("flow_decode reads raw NetFlow v9 / "
                                       "IPFIX packets (bytes); its input "
                                       "carries ",
                                       type));
        ok = false;
      }
    }
    if (config.numbering() != FlowDecodeConfig::RFC8158 &&
        config.numbering() != FlowDecodeConfig::CISCO_NSEL) {
      context.Error("numbering", "numbering is rfc8158 or cisco_nsel");
      ok = false;
    }
    if (config.device().size() > kMaxExporterIdLength) {
      context.Error("device", absl::StrCat("device is the exporter identity of "
                                           "keyless packets: at most ",
                                           kMaxExporterIdLength, " bytes"));
      ok = false;
    }
    if (!ok) return std::nullopt;
    return std::string(kNatEventType);
  }

  std::vector<StoreSpec> StoresTyped(
      const FlowDecodeConfig& config,
      absl::string_view stage_name) const override {
    StoreSpec store;
    store.name = StoreName(config, stage_name);
    return {store};
  }

  std::unique_ptr<Processor> CreateTyped(
      const FlowDecodeConfig& config,
      const StageCreateInfo& info) const override {
    return std::make_unique<FlowDecodeProcessor>(
        config, StoreName(config, info.stage_name));
  }

 private:
  static std::string StoreName(const FlowDecodeConfig& config,
                               absl::string_view stage_name) {
    return config.store().empty() ? std::string(stage_name) : config.store();
  }
};

NETSTREAMS_REGISTER_STAGE(FlowDecodeStageFactory);

}  // namespace
}  // namespace netstreams
