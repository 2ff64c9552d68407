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

std::vector<const StoreInfo*> LoadedTopology::StoresOf(int stage) const {
  std::vector<const StoreInfo*> out;
  for (const auto& s : stores) {
    if (s.stage == stage) out.push_back(&s);
  }
  return out;
}

}  // namespace netstreams
