// The engine: one consumer-group member per process (application id =
// group id) whose assigned partitions become tasks spread over N stream
// threads. The coordinator thread (the caller of Run) serves the
// consumer's group protocol: on assignment it creates tasks on a stream
// thread and forwards the partitions' fetch queues to that thread; on
// revocation it has the owning thread flush, commit and close the tasks
// before the partitions are released. Scaling out is starting another
// process with the same topology.
#ifndef NETSTREAMS_SRC_RUNTIME_ENGINE_H_
#define NETSTREAMS_SRC_RUNTIME_ENGINE_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/kafka/client.h"
#include "src/kafka/topic_admin.h"
#include "src/runtime/engine_stats.h"
#include "src/runtime/stream_thread.h"
#include "src/topology/loaded_topology.h"
#include "state/store_memory.h"

namespace netstreams {

// Every topic the topology needs, internal ones included, as topic
// administration creates them (changelogs compacted).
std::vector<TopicSpec> TopicsToCreate(const LoadedTopology& topology);

struct EngineOptions {
  // Client settings applied over the topology's `kafka` block (e.g. the
  // resolved bootstrap.servers).
  KafkaSettings kafka;
  // Return once every assigned partition is drained and committed.
  bool until_idle = false;
  // Set (e.g. by a signal handler) to stop gracefully.
  const std::atomic<bool>* stop = nullptr;
  // Replaces the topology's processing.state_dir when not empty.
  std::string state_dir;
};

class Engine {
 public:
  Engine(const LoadedTopology& topology, EngineOptions options);
  ~Engine();

  // Runs until idle (with until_idle) or until *stop; then stops polling,
  // finishes in-flight records, flushes, commits and leaves the group.
  // Errors: kUnavailable and others for runtime failures.
  absl::Status Run();

  const EngineStats& stats() const { return *stats_; }
  // The most RocksDB memory (block cache and memtables) in use at once
  // during Run(), in bytes.
  size_t peak_state_memory_bytes() const { return peak_state_memory_; }
  absl::Duration elapsed() const { return elapsed_; }

  // For the metrics endpoint; callable from any thread at any time.
  // Prometheus text exposition of every metric (engine_metrics.cc).
  std::string MetricsText() const;
  // Whether the engine is processing: running, in the group, every
  // assigned task restored. `reason` says why not, or what it does.
  bool Ready(std::string* reason) const;

 private:
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions,
                          void* opaque);
  static void OnError(rd_kafka_t* rk, int err, const char* reason,
                      void* opaque);
  void HandleRebalance(rd_kafka_resp_err_t err,
                       rd_kafka_topic_partition_list_t* partitions);
  absl::Status AssignPartitions(rd_kafka_topic_partition_list_t* partitions);
  absl::Status RevokePartitions(rd_kafka_topic_partition_list_t* partitions,
                                bool suspend);
  // Drops the thread of tasks with no assigned partition; updates gauges.
  void ForgetUnassignedTasks();
  int SubtopologyOf(const std::string& topic) const;
  // Whether every assigned partition's consumer position has reached its
  // high watermark: records produced by this process to its own internal
  // topics (repartitions) count as input that is not drained yet.
  bool AssignedPartitionsDrained();
  void Fail(absl::Status status);
  void Shutdown();

  const LoadedTopology& topology_;
  EngineOptions options_;
  std::unique_ptr<EngineStats> stats_;
  std::unique_ptr<StoreMemory> store_memory_;
  KafkaPtr consumer_;
  // Asks brokers for high watermarks when deciding the input is drained.
  KafkaPtr watermarks_;
  std::vector<std::unique_ptr<StreamThread>> threads_;
  // Task (sub-topology, partition) -> owning thread index.
  std::map<std::pair<int, int32_t>, int> task_owner_;
  std::map<TopicPartition, int> assigned_;
  bool assigned_once_ = false;
  // Between an eager revocation and the assignment that follows, threads
  // have no tasks and look idle; they are not.
  bool between_revoke_and_assign_ = false;
  bool shutting_down_ = false;
  absl::Status failure_;
  std::atomic<bool> fatal_{false};
  std::atomic<bool> running_{false};
  absl::Duration elapsed_;
  size_t peak_state_memory_ = 0;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_RUNTIME_ENGINE_H_
