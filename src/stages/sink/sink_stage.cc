// The `sink` stage kind: writes its inputs to a Kafka topic whose type
// equals theirs, keyed by a chosen field of the message (rendered as text)
// or by the key the record arrived with.

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "netstreams/stages/v1/sink.pb.h"
#include "src/format/message_text.h"
#include "src/processor/stage_registry.h"

namespace netstreams {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using netstreams::stages::v1::SinkConfig;

class SinkProcessor : public Processor {
 public:
  SinkProcessor(std::string topic, const FieldDescriptor* key_field)
      : topic_name_(std::move(topic)), key_field_(key_field) {}

  absl::Status Init(ProcessorContext& context) override {
    context_ = &context;
    auto topic = context.collector().ResolveTopic(topic_name_);
    if (!topic.ok()) return topic.status();
    topic_ = *topic;
    return absl::OkStatus();
  }

  void Process(const Record& record) override {
    if (key_field_ == nullptr || record.message == nullptr) {
      context_->collector().Send(topic_, record.key, record);
      return;
    }
    key_.clear();
    AppendFieldText(*record.message, key_field_, &key_);
    context_->collector().Send(topic_, key_, record);
  }

 private:
  std::string topic_name_;
  const FieldDescriptor* key_field_;
  ProcessorContext* context_ = nullptr;
  TopicId topic_;
  std::string key_;  // reused: no allocation per record once warm
};

class SinkStageFactory : public TypedStageFactory<SinkConfig> {
 public:
  absl::string_view kind() const override { return "sink"; }
  Shape shape() const override { return Shape::kSink; }

 protected:
  std::optional<std::string> CheckTyped(
      const SinkConfig& config, StageCheckContext& context) const override {
    const TopicInfo* topic =
        RequireTopic(config.topic(), "topic", "sink", context);
    if (topic == nullptr) return std::nullopt;
    bool ok = true;
    for (const std::string& type : context.input_types()) {
      if (type != topic->type) {
        context.Error("topic", absl::StrCat("topic '", topic->name,
                                            "' carries ", topic->type,
                                            " but the input carries ", type));
        ok = false;
      }
    }
    if (!config.key().empty()) {
      if (topic->type == kBytesType) {
        context.Error("key",
                      "key selects a message field; this topic is bytes");
        ok = false;
      } else {
        const Descriptor* d = google::protobuf::DescriptorPool::generated_pool()
                                  ->FindMessageTypeByName(topic->type);
        const FieldDescriptor* f = d->FindFieldByName(config.key());
        if (f == nullptr) {
          context.Error("key", absl::StrCat(topic->type, " has no field '",
                                            config.key(), "'"));
          ok = false;
        } else if (!IsKeyableField(f)) {
          context.Error("key", absl::StrCat("field '", config.key(),
                                            "' is a message or a list; key "
                                            "by a single value field"));
          ok = false;
        }
      }
    }
    if (!ok) return std::nullopt;
    return std::string();
  }

  StageTopics TopicsTyped(const SinkConfig& config) const override {
    return {{}, {config.topic()}};
  }

  std::unique_ptr<Processor> CreateTyped(
      const SinkConfig& config, const StageCreateInfo& info) const override {
    const FieldDescriptor* key_field = nullptr;
    if (!config.key().empty() && !info.input_types.empty()) {
      const Descriptor* d = google::protobuf::DescriptorPool::generated_pool()
                                ->FindMessageTypeByName(info.input_types[0]);
      if (d != nullptr) key_field = d->FindFieldByName(config.key());
    }
    return std::make_unique<SinkProcessor>(config.topic(), key_field);
  }
};

NETSTREAMS_REGISTER_STAGE(SinkStageFactory);

}  // namespace
}  // namespace netstreams
