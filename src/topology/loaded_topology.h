// A topology file after loading and checking: the stage graph in
// topological order with each stage's typed configuration, output type and
// topics, the declared topics, the sub-topologies, and the effective
// processing settings (defaults filled in). Immutable once loaded; safe to
// share between threads.
#ifndef NETSTREAMS_SRC_TOPOLOGY_LOADED_TOPOLOGY_H_
#define NETSTREAMS_SRC_TOPOLOGY_LOADED_TOPOLOGY_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "netstreams/topology/v1/topology.pb.h"
#include "src/processor/stage_factory.h"

namespace netstreams {

struct StageNode {
  std::string name;
  std::string kind;
  const StageFactory* factory = nullptr;
  std::unique_ptr<google::protobuf::Message> config;
  // Indices into LoadedTopology::stages.
  std::vector<int> inputs;
  std::vector<int> outputs;
  // "" for sinks.
  std::string output_type;
  StageTopics topics;
  int subtopology = -1;
  // "stages[3]": where it is written in the file (for messages).
  std::string path;
  // Repartition stages: the internal topic they write.
  std::string repartition_topic;
  // Made by the loader (a repartition's ".in" source), not written.
  bool synthesized = false;
};

// A state store of one stage, instantiated per task of its sub-topology.
struct StoreInfo {
  std::string name;
  int stage = -1;
  int subtopology = -1;
  bool logged = true;
  // <application>-<name>-changelog, for logged stores.
  std::string changelog_topic;
};

// A connected part of the stage graph. It runs as one task per partition
// of its source topics, which must all have that many partitions.
struct Subtopology {
  int id = 0;
  std::vector<int> stages;  // topological order
  std::vector<std::string> source_topics;
  int partitions = 0;
};

struct ProcessingSettings {
  absl::Duration commit_interval = absl::Seconds(5);
  int threads = 1;
  std::string state_dir = "/tmp/netstreams";
  int max_poll_records = 1024;
  int state_memory_mb = 256;
};

class LoadedTopology {
 public:
  std::string file;
  netstreams::topology::v1::Topology proto;
  std::string application_id;
  std::map<std::string, std::string> kafka;
  std::vector<TopicInfo> topics;
  std::string dead_letter_topic;
  ProcessingSettings processing;
  std::vector<StageNode> stages;  // topological order
  std::vector<Subtopology> subtopologies;
  std::vector<StoreInfo> stores;

  // The stores of one stage.
  std::vector<const StoreInfo*> StoresOf(int stage) const;

  const TopicInfo* FindTopic(absl::string_view name) const;
  const StageNode* FindStage(absl::string_view name) const;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_TOPOLOGY_LOADED_TOPOLOGY_H_
