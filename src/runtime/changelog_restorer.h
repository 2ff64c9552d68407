// Brings a task's state stores up to date from their changelog topics
// before the task processes input, as Kafka Streams' restore consumer
// does.
//
// Consistency rule: a changelog record is tagged with the input offsets at
// which its write became part of a commit; the task resumes from its
// group's committed offsets R, so only records tagged <= R are applied
// (records of a commit that never completed are skipped). A local store is
// reused, reading only the changelog after its checkpoint, when its
// checkpoint's input offsets are <= R; otherwise (no local state, or local
// state ahead of R after a crash between the local write and the offset
// commit) it is rebuilt from the whole changelog.
//
// Skipped records stay in the changelog, and once the committed input
// moves past their tags a later restore would apply them; reprocessing
// does not always overwrite them (the write cache absorbs a create and
// delete of one key within one commit). So after a restore every key whose
// last record read was skipped is written again, with its restored value
// or a tombstone, tagged with R: the changelog's last applicable record of
// every key is then always a committed one.
//
// Used from one stream thread; owns its own consumer (no group).
#ifndef NETSTREAMS_SRC_RUNTIME_CHANGELOG_RESTORER_H_
#define NETSTREAMS_SRC_RUNTIME_CHANGELOG_RESTORER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "src/kafka/client.h"
#include "src/runtime/engine_stats.h"
#include "src/runtime/task.h"

namespace netstreams {

struct RestoreResult {
  uint64_t records_read = 0;
  uint64_t records_applied = 0;
  double seconds = 0;
  bool full = false;  // rebuilt from the whole changelog
};

class ChangelogRestorer {
 public:
  static absl::StatusOr<std::unique_ptr<ChangelogRestorer>> Create(
      const KafkaSettings& settings, const std::string& client_id,
      EngineStats* stats);

  struct TaskToRestore {
    Task* task;
    // The committed input offset of each of the task's sources (-1: none).
    std::vector<int64_t> resume;
  };

  // Restores every logged store of these tasks, all changelog partitions
  // at once (one fetch session, not one per store).
  absl::Status RestoreTasks(const std::vector<TaskToRestore>& tasks);

 private:
  struct Partition;
  ChangelogRestorer() = default;
  // Decides where a store's restore starts (wiping it when its local state
  // is ahead of the committed input); fills `p`.
  absl::Status Prepare(Task& task, TaskStore& store,
                       const std::vector<int64_t>& resume, Partition* p);

  KafkaPtr consumer_;
  EngineStats* stats_ = nullptr;
};

// Whether a changelog record tagged `tag` ("o1,o2,...") belongs to the
// state at input position `resume`.
bool TagWithin(absl::string_view tag, const std::vector<int64_t>& resume);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_RUNTIME_CHANGELOG_RESTORER_H_
