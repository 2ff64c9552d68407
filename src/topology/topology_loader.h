// Loads a topology file (YAML) and checks it completely before anything
// runs: schema (unknown keys, wrong types), stage kinds, dangling inputs,
// cycles, message types along every edge, declared and typed topics,
// co-partitioning, settings. Every problem is reported as
// "file:line:col: field.path: message"; the caller exits 2 on any.
#ifndef NETSTREAMS_SRC_TOPOLOGY_TOPOLOGY_LOADER_H_
#define NETSTREAMS_SRC_TOPOLOGY_TOPOLOGY_LOADER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/processor/stage_registry.h"
#include "src/topology/loaded_topology.h"

namespace netstreams {

// Reads and checks `path`. On problems, returns kInvalidArgument whose
// message lists every problem, one per line.
absl::StatusOr<std::unique_ptr<LoadedTopology>> LoadTopologyFile(
    const std::string& path,
    const StageRegistry& registry = StageRegistry::Global());

// The same for YAML text; `file_name` is used in messages.
absl::StatusOr<std::unique_ptr<LoadedTopology>> LoadTopologyYaml(
    absl::string_view yaml, const std::string& file_name,
    const StageRegistry& registry = StageRegistry::Global());

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_TOPOLOGY_TOPOLOGY_LOADER_H_
