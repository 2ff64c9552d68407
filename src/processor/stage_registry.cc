#include "src/processor/stage_registry.h"

#include <cstdio>
#include <cstdlib>

namespace netstreams {

StageRegistry& StageRegistry::Global() {
  static StageRegistry* registry = new StageRegistry();
  return *registry;
}

void StageRegistry::Register(std::unique_ptr<StageFactory> factory) {
  std::string kind(factory->kind());
  if (!kinds_.emplace(kind, std::move(factory)).second) {
    std::fprintf(stderr, "stage kind '%s' registered twice\n", kind.c_str());
    std::abort();
  }
}

const StageFactory* StageRegistry::Find(absl::string_view kind) const {
  auto it = kinds_.find(kind);
  return it == kinds_.end() ? nullptr : it->second.get();
}

std::vector<std::string> StageRegistry::Kinds() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : kinds_) out.push_back(name);
  return out;
}

}  // namespace netstreams
