// Runs a loaded topology in process with no broker, deterministically, as
// Kafka Streams' TopologyTestDriver does: the same tasks, stages, RocksDB
// stores and timers as the engine, fed one record at a time.
//
//   TopologyTestDriver driver(topology);
//   driver.PipeInput("cgnat.syslog", "<134>1 2026-...", /*partition=*/0);
//   driver.AdvanceWallClock(absl::Seconds(30));
//   driver.AdvanceStreamTime(absl::FromUnixSeconds(...));
//   for (const TestRecord& r : driver.ReadOutput("cgnat.sessions")) ...
//
// What happens to one input record, before PipeInput returns: its task
// processes it (stream-time timers fire as its timestamp moves stream time
// on); records written to a repartition topic are routed, by the same
// murmur2 partitioning as the engine's producers, to the task of the
// sub-topology that reads it and processed in the order written; then every
// task that worked commits (write caches flushed, changelog written,
// RocksDB checkpoint). Outputs of sinks and dead letters are kept per
// topic, with per-partition offsets from 0. Records without a key go to
// partition 0 unless the caller picks one. Wall-clock timers fire only on
// AdvanceWallClock. State lives in a temporary directory removed with the
// driver. Not thread-safe.
#ifndef NETSTREAMS_SRC_TESTING_TOPOLOGY_TEST_DRIVER_H_
#define NETSTREAMS_SRC_TESTING_TOPOLOGY_TEST_DRIVER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/runtime/engine_stats.h"
#include "src/runtime/task.h"
#include "src/topology/loaded_topology.h"
#include "state/key_value_store.h"
#include "state/store_memory.h"

namespace netstreams {

// A record written to a topic (or fed to one).
struct TestRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  bool has_key = false;
  std::string key;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string value;
};

class TopologyTestDriver {
 public:
  // `start` is the initial wall-clock time, also the default timestamp of
  // piped records.
  explicit TopologyTestDriver(const LoadedTopology& topology,
                              absl::Time start = absl::FromUnixSeconds(
                                  1767225600));  // 2026-01-01T00:00:00Z
  ~TopologyTestDriver();

  // Processes one record of a source topic (see above). `partition` < 0:
  // by key (murmur2, as the engine's producers), partition 0 without one.
  // `timestamp_ms` < 0: the driver's wall-clock time. Errors: the topic is
  // not a source of the topology, or a stage reported a fatal error.
  absl::Status PipeInput(const std::string& topic, absl::string_view value,
                         int32_t partition = -1, absl::string_view key = "",
                         bool has_key = false, int64_t timestamp_ms = -1);

  // Moves the wall clock on and fires the wall-clock timers that are due.
  absl::Status AdvanceWallClock(absl::Duration by);
  // Moves every existing task's stream time on to `to` (never back), as a
  // record with that timestamp would, and fires the stream-time timers
  // that are due.
  absl::Status AdvanceStreamTime(absl::Time to);
  absl::Time wall_clock() const { return now_; }

  // Records written to `topic` (a sink's topic or the dead-letter topic)
  // since the last read, in the order written.
  std::vector<TestRecord> ReadOutput(const std::string& topic);
  // The same as JSON lines in `--print`'s format, one string per record.
  std::vector<std::string> ReadOutputJson(const std::string& topic);

  // A task's store (what its stages see, through every layer), or null if
  // that task has not run yet.
  KeyValueStore* GetStore(const std::string& store, int32_t partition);

  // Counters of the stages, as the engine's summary shows them.
  const EngineStats& stats() const { return *stats_; }

 private:
  class Collector;
  struct Pending {
    std::string topic;
    int32_t partition;
    std::string key;
    bool has_key;
    std::string value;
    int64_t timestamp_ms;
  };

  absl::StatusOr<Task*> TaskFor(const std::string& topic, int32_t partition);
  absl::Status Process(const Pending& record);
  absl::Status CommitTouched();
  int32_t PartitionFor(const std::string& topic, absl::string_view key,
                       bool has_key) const;
  void Append(TestRecord record);

  const LoadedTopology& topology_;
  absl::Time now_;
  std::string state_dir_;
  std::unique_ptr<EngineStats> stats_;
  std::unique_ptr<StoreMemory> store_memory_;
  std::unique_ptr<Collector> collector_;
  std::unique_ptr<google::protobuf::Arena> arena_;
  std::map<std::pair<int, int32_t>, std::unique_ptr<Task>> tasks_;
  std::vector<Task*> touched_;
  std::deque<Pending> internal_;  // repartition records to process
  std::map<std::pair<std::string, int32_t>, int64_t> next_offset_;
  std::map<std::string, std::vector<TestRecord>> outputs_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_TESTING_TOPOLOGY_TEST_DRIVER_H_
