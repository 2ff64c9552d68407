// How a stage kind plugs into the engine (Envoy's typed-config factories):
// a kind names its configuration message, checks a configured stage
// against the topology around it, and creates processors. A new kind is
// one folder under src/stages/ with one NETSTREAMS_REGISTER_STAGE; nothing
// else changes.
#ifndef NETSTREAMS_SRC_PROCESSOR_STAGE_FACTORY_H_
#define NETSTREAMS_SRC_PROCESSOR_STAGE_FACTORY_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "src/processor/processor.h"

namespace netstreams {

// The type carried by raw-bytes topics and edges; every other type is a
// protobuf message full name such as "cgnat.v1.NatEvent".
inline constexpr absl::string_view kBytesType = "bytes";

// A declared topic, as stage checks see it.
struct TopicInfo {
  std::string name;
  int partitions = 0;
  std::string type;
  // Created by the engine for the topology's own use (repartition and
  // changelog topics), not declared in the file.
  bool internal = false;
  // Changelogs: created with cleanup.policy=compact.
  bool compacted = false;
};

// What a kind's Check() sees of the topology around one stage.
class StageCheckContext {
 public:
  virtual ~StageCheckContext() = default;
  virtual const TopicInfo* FindTopic(absl::string_view name) const = 0;
  // One entry per input, in the order the stage lists them.
  virtual const std::vector<std::string>& input_types() const = 0;
  // Reports a problem with the field at `config_path` inside the stage's
  // configuration ("topic", "patterns[2].regex"); "" means the stage
  // itself. The loader adds file:line.
  virtual void Error(absl::string_view config_path,
                     absl::string_view message) = 0;
};

// What Create() knows of a checked stage besides its configuration.
struct StageCreateInfo {
  std::string stage_name;
  std::vector<std::string> input_types;
  std::string output_type;  // "" for sinks
  // For repartition stages: the internal topic to write.
  std::string repartition_topic;
};

// A state store a stage keeps per task.
struct StoreSpec {
  std::string name;
  // Change-logged to <application>-<name>-changelog and restored from it.
  bool logged = true;
};

// What a repartition stage re-keys by.
struct Repartitioning {
  std::vector<std::string> key_by;
  int partitions = 0;  // 0: as many as upstream
};

// For kinds that read or write one topic: the declared topic named by the
// config field `field`, or null after reporting why not.
const TopicInfo* RequireTopic(const std::string& topic, absl::string_view field,
                              absl::string_view kind,
                              StageCheckContext& context);

// The Kafka topics a configured stage reads from or writes to.
struct StageTopics {
  std::vector<std::string> reads;
  std::vector<std::string> writes;
};

class StageFactory {
 public:
  enum class Shape {
    kSource,       // no inputs; reads topics
    kProcessor,    // inputs and outputs
    kSink,         // inputs; writes topics; no stage may consume it
    kRepartition,  // re-keys through an internal topic (see Repartition())
  };

  virtual ~StageFactory() = default;

  // The YAML key of the kind ("parse").
  virtual absl::string_view kind() const = 0;
  virtual Shape shape() const = 0;
  // A default instance of the kind's configuration message.
  virtual const google::protobuf::Message& default_config() const = 0;

  // Checks a stage's configuration against its topics and input types.
  // Returns the stage's output type ("" for sinks), or nullopt after
  // reporting at least one error through `context`.
  virtual std::optional<std::string> Check(
      const google::protobuf::Message& config,
      StageCheckContext& context) const = 0;

  virtual StageTopics Topics(const google::protobuf::Message& config) const {
    return {};
  }

  // The state stores of one task of this stage.
  virtual std::vector<StoreSpec> Stores(const google::protobuf::Message& config,
                                        absl::string_view stage_name) const {
    return {};
  }

  // Stateful kinds: the fields that decide which records share state. The
  // stage's input must be partitioned by a subset of them (the loader
  // demands a repartition stage otherwise).
  virtual std::vector<std::string> KeyFields(
      const google::protobuf::Message& config) const {
    return {};
  }

  // Whether the output keeps the input's partitioning.
  virtual bool PreservesPartitioning() const { return true; }

  // kRepartition kinds: what they re-key by.
  virtual std::optional<Repartitioning> Repartition(
      const google::protobuf::Message& config) const {
    return std::nullopt;
  }

  // Creates the processor of one task. Only called with a configuration
  // that passed Check().
  virtual std::unique_ptr<Processor> Create(
      const google::protobuf::Message& config,
      const StageCreateInfo& info) const = 0;
};

// Convenience base: binds the configuration message type.
template <typename Config>
class TypedStageFactory : public StageFactory {
 public:
  const google::protobuf::Message& default_config() const final {
    return Config::default_instance();
  }
  std::optional<std::string> Check(const google::protobuf::Message& config,
                                   StageCheckContext& context) const final {
    return CheckTyped(static_cast<const Config&>(config), context);
  }
  StageTopics Topics(const google::protobuf::Message& config) const final {
    return TopicsTyped(static_cast<const Config&>(config));
  }
  std::vector<StoreSpec> Stores(const google::protobuf::Message& config,
                                absl::string_view stage_name) const final {
    return StoresTyped(static_cast<const Config&>(config), stage_name);
  }
  std::vector<std::string> KeyFields(
      const google::protobuf::Message& config) const final {
    return KeyFieldsTyped(static_cast<const Config&>(config));
  }
  std::optional<Repartitioning> Repartition(
      const google::protobuf::Message& config) const final {
    return RepartitionTyped(static_cast<const Config&>(config));
  }
  std::unique_ptr<Processor> Create(const google::protobuf::Message& config,
                                    const StageCreateInfo& info) const final {
    return CreateTyped(static_cast<const Config&>(config), info);
  }

 protected:
  virtual std::optional<std::string> CheckTyped(
      const Config& config, StageCheckContext& context) const = 0;
  virtual StageTopics TopicsTyped(const Config& config) const { return {}; }
  virtual std::vector<StoreSpec> StoresTyped(
      const Config& config, absl::string_view stage_name) const {
    return {};
  }
  virtual std::vector<std::string> KeyFieldsTyped(const Config& config) const {
    return {};
  }
  virtual std::optional<Repartitioning> RepartitionTyped(
      const Config& config) const {
    return std::nullopt;
  }
  virtual std::unique_ptr<Processor> CreateTyped(
      const Config& config, const StageCreateInfo& info) const = 0;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PROCESSOR_STAGE_FACTORY_H_
