// The `source` stage kind: the records of one Kafka topic enter the task
// here. Raw-bytes topics pass through untouched; typed topics are decoded
// into a batch-arena message, and a record that does not decode is
// dead-lettered ("decode_error") rather than dropped or fatal.

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "netstreams/stages/v1/source.pb.h"
#include "src/processor/stage_registry.h"

namespace netstreams {
namespace {

using netstreams::stages::v1::SourceConfig;

class SourceProcessor : public Processor {
 public:
  explicit SourceProcessor(const google::protobuf::Message* prototype)
      : prototype_(prototype) {}

  absl::Status Init(ProcessorContext& context) override {
    context_ = &context;
    return absl::OkStatus();
  }

  void Process(const Record& record) override {
    if (prototype_ == nullptr) {
      context_->Forward(record);
      return;
    }
    google::protobuf::Message* message = prototype_->New(context_->arena());
    if (!message->ParseFromArray(record.bytes.data(),
                                 static_cast<int>(record.bytes.size()))) {
      std::string detail =
          absl::StrCat("value is not a valid ", prototype_->GetTypeName());
      context_->DeadLetter(record, {"decode_error", detail});
      return;
    }
    Record out = record;
    out.message = message;
    out.bytes = {};
    context_->Forward(out);
  }

 private:
  const google::protobuf::Message* prototype_;
  ProcessorContext* context_ = nullptr;
};

class SourceStageFactory : public TypedStageFactory<SourceConfig> {
 public:
  absl::string_view kind() const override { return "source"; }
  Shape shape() const override { return Shape::kSource; }

 protected:
  std::optional<std::string> CheckTyped(
      const SourceConfig& config, StageCheckContext& context) const override {
    const TopicInfo* topic =
        RequireTopic(config.topic(), "topic", "source", context);
    if (topic == nullptr) return std::nullopt;
    return topic->type;
  }

  StageTopics TopicsTyped(const SourceConfig& config) const override {
    return {{config.topic()}, {}};
  }

  std::unique_ptr<Processor> CreateTyped(
      const SourceConfig& config, const StageCreateInfo& info) const override {
    const google::protobuf::Message* prototype = nullptr;
    if (info.output_type != kBytesType) {
      const auto* descriptor =
          google::protobuf::DescriptorPool::generated_pool()
              ->FindMessageTypeByName(info.output_type);
      prototype =
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(
              descriptor);
    }
    return std::make_unique<SourceProcessor>(prototype);
  }
};

NETSTREAMS_REGISTER_STAGE(SourceStageFactory);

}  // namespace
}  // namespace netstreams
