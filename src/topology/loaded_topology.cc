#include "src/topology/loaded_topology.h"

namespace netstreams {

const TopicInfo* LoadedTopology::FindTopic(absl::string_view name) const {
  for (const auto& t : topics) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const StageNode* LoadedTopology::FindStage(absl::string_view name) const {
  for (const auto& s : stages) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace netstreams
