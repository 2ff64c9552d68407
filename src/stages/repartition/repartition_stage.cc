// The `repartition` stage kind: re-keys records by fields of the message
// and writes them to the internal topic <application>-<stage>-repartition;
// the loader makes a source of that topic start the next sub-topology, so
// every record of one key reaches the same downstream task.

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "netstreams/stages/v1/repartition.pb.h"
#include "src/format/message_text.h"
#include "src/processor/stage_registry.h"

namespace netstreams {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using netstreams::stages::v1::RepartitionConfig;

class RepartitionProcessor : public Processor {
 public:
  RepartitionProcessor(std::string topic,
                       std::vector<const FieldDescriptor*> fields)
      : topic_name_(std::move(topic)), fields_(std::move(fields)) {}

  absl::Status Init(ProcessorContext& context) override {
    context_ = &context;
    auto topic = context.collector().ResolveTopic(topic_name_);
    if (!topic.ok()) return topic.status();
    topic_ = *topic;
    return absl::OkStatus();
  }

  void Process(const Record& record) override {
    key_.clear();
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (i > 0) key_.push_back('|');
      AppendFieldText(*record.message, fields_[i], &key_);
    }
    context_->collector().Send(topic_, key_, record);
  }

 private:
  std::string topic_name_;
  std::vector<const FieldDescriptor*> fields_;
  ProcessorContext* context_ = nullptr;
  TopicId topic_;
  std::string key_;
};

class RepartitionStageFactory : public TypedStageFactory<RepartitionConfig> {
 public:
  absl::string_view kind() const override { return "repartition"; }
  Shape shape() const override { return Shape::kRepartition; }

 protected:
  std::optional<std::string> CheckTyped(
      const RepartitionConfig& config,
      StageCheckContext& context) const override {
    const auto& types = context.input_types();
    bool ok = true;
    for (const std::string& type : types) {
      if (type != types[0]) {
        context.Error("", absl::StrCat("all inputs must carry one type; got ",
                                       types[0], " and ", type));
        ok = false;
      }
    }
    if (types.empty() || types[0] == kBytesType) {
      context.Error("",
                    "repartition keys by message fields; its input is "
                    "raw bytes (parse it first)");
      return std::nullopt;
    }
    if (config.key_by().empty()) {
      context.Error("", "repartition needs key_by: [field, ...]");
      ok = false;
    }
    const Descriptor* d = google::protobuf::DescriptorPool::generated_pool()
                              ->FindMessageTypeByName(types[0]);
    for (int i = 0; i < config.key_by_size(); ++i) {
      const FieldDescriptor* f = d->FindFieldByName(config.key_by(i));
      if (f == nullptr || !IsKeyableField(f)) {
        context.Error(
            absl::StrCat("key_by[", i, "]"),
            absl::StrCat(types[0],
                         f == nullptr ? " has no field '" : " field '",
                         config.key_by(i),
                         f == nullptr ? "'" : "' is not a single value"));
        ok = false;
      }
    }
    if (config.partitions() > 10000) {
      context.Error("partitions", "at most 10000 partitions");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return types[0];
  }

  std::optional<Repartitioning> RepartitionTyped(
      const RepartitionConfig& config) const override {
    Repartitioning r;
    r.key_by.assign(config.key_by().begin(), config.key_by().end());
    r.partitions = static_cast<int>(config.partitions());
    return r;
  }

  std::unique_ptr<Processor> CreateTyped(
      const RepartitionConfig& config,
      const StageCreateInfo& info) const override {
    const Descriptor* d = google::protobuf::DescriptorPool::generated_pool()
                              ->FindMessageTypeByName(info.input_types[0]);
    std::vector<const FieldDescriptor*> fields;
    for (const std::string& name : config.key_by()) {
      fields.push_back(d->FindFieldByName(name));
    }
    return std::make_unique<RepartitionProcessor>(info.repartition_topic,
                                                  std::move(fields));
  }
};

NETSTREAMS_REGISTER_STAGE(RepartitionStageFactory);

}  // namespace
}  // namespace netstreams
