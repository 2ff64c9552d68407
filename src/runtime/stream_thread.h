// A stream thread: runs the tasks assigned to it, consuming their
// partitions from its own librdkafka queue (the partitions' fetch queues
// are forwarded there, so records are never re-dispatched between
// threads), writing outputs through its own producer, and committing the
// offsets it has processed every commit interval once those outputs are
// acknowledged.
//
// Thread-safety: the public methods are called by the engine's
// coordinator thread; Assign/Revoke/Stop block until the stream thread has
// applied them between two batches.
#ifndef NETSTREAMS_SRC_RUNTIME_STREAM_THREAD_H_
#define NETSTREAMS_SRC_RUNTIME_STREAM_THREAD_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/arena.h"
#include "src/kafka/client.h"
#include "src/runtime/changelog_restorer.h"
#include "src/runtime/engine_stats.h"
#include "src/runtime/kafka_record_collector.h"
#include "src/runtime/task.h"
#include "src/topology/loaded_topology.h"

namespace netstreams {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  bool operator<(const TopicPartition& o) const {
    return topic != o.topic ? topic < o.topic : partition < o.partition;
  }
};

class StreamThread {
 public:
  StreamThread(int index, const LoadedTopology& topology, rd_kafka_t* consumer,
               EngineStats* stats, StoreMemory* store_memory,
               std::string state_dir);
  ~StreamThread();

  // Creates the producer and the queue and starts the thread.
  absl::Status Start(const KafkaSettings& settings);

  // Creates the tasks of these partitions (if new) before the coordinator
  // forwards their queues here and assigns them. A suspended task that
  // comes back resumes where it stopped, if the group's committed offsets
  // are still the ones it left: `resume_at` gets the offset each such
  // partition is to be fetched from (the others start at the committed
  // offset).
  absl::Status Assign(const std::vector<TopicPartition>& partitions,
                      std::map<TopicPartition, int64_t>* resume_at);
  // Flushes outputs and commits the tasks of these partitions, then closes
  // them; with `suspend` (an eager rebalance revokes everything and often
  // hands much of it back) keeps them open, not processing, until the next
  // assignment, as Kafka Streams suspends tasks.
  absl::Status Revoke(const std::vector<TopicPartition>& partitions,
                      bool suspend);
  // After an assignment: closes the suspended tasks that did not come back
  // (and reports the work a refused hand-over commit left to their next
  // owner).
  absl::Status CloseSuspended();
  // Finishes the current batch, flushes, commits, closes every task and
  // ends the thread. Idempotent.
  void Stop();

  rd_kafka_queue_t* queue() const { return queue_.get(); }
  int index() const { return index_; }
  // Every assigned partition is at its end, and outputs and offsets are
  // flushed and committed.
  bool idle() const { return idle_.load(); }
  // The thread hit a fatal error and stopped; see status().
  bool failed() const { return failed_.load(); }
  absl::Status status() const;
  int task_count() const { return task_count_.load(); }

 private:
  struct SourceRef {
    Task* task = nullptr;
    size_t source = 0;
  };

  void Run();
  // Restores the stores of new tasks before they process input.
  absl::Status RestorePending();
  // Runs `command` on the stream thread; returns its status.
  absl::Status Call(std::function<absl::Status()> command);
  void RunCommands();
  void ProcessBatch(size_t count);
  SourceRef* Lookup(const rd_kafka_message_t* message);
  // How a commit is made. kPeriodic: asynchronous, only partitions that
  // progressed. kIdle: synchronous, only partitions that progressed.
  // kHandOver (revocation) and kShutdown: synchronous, every partition the
  // tasks have processed, so that an asynchronous commit that failed
  // unnoticed cannot leave the next owner an older offset.
  enum class CommitMode { kPeriodic, kIdle, kHandOver, kShutdown };
  absl::Status Commit(CommitMode mode);
  // After a hand-over commit failed (a group coordinator may refuse
  // commits while the group rebalances): reads the offsets the group did
  // commit for `offsets` and reports, in the log and a metric, how many
  // processed records the partitions' next owner will process again; for
  // tasks being suspended, keeps the gaps until the next assignment says
  // whether another member owns them (handover_gaps_).
  void ReportUncommittedHandOver(const rd_kafka_topic_partition_list_t* offsets,
                                 rd_kafka_resp_err_t err, CommitMode mode);
  // Records [from, to) of a partition that its next owner processes again
  // (`from`: the group's committed offset, -1 when it could not be read).
  struct HandOverGap {
    int64_t from = -1;
    int64_t to = -1;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;  // the refusal
  };
  void ReportGaps(
      const std::vector<std::pair<TopicPartition, HandOverGap>>& gaps,
      const char* reason);
  // Closes a task (no longer owned).
  std::map<std::pair<int, int32_t>, std::unique_ptr<Task>>::iterator CloseTask(
      std::map<std::pair<int, int32_t>, std::unique_ptr<Task>>::iterator it);
  // Commits (timed and counted), then publishes the tasks' gauges.
  absl::Status CommitTasks(const std::vector<Task*>& tasks, CommitMode mode);
  absl::Status CommitTasksNow(const std::vector<Task*>& tasks, CommitMode mode);
  // Consumer lag per source partition and entries per store, for metrics.
  void PublishGauges(const std::vector<Task*>& tasks);
  void SetFailed(absl::Status status);
  static void OnCommitted(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* offsets,
                          void* opaque);

  // CPU time of this thread by phase, logged when it ends: where a
  // topology's cost goes (see README, Performance).
  struct PhaseCpu {
    double commands = 0, restore = 0, consume = 0, process = 0, punctuate = 0,
           commit_state_flush = 0, commit_produce_flush = 0, commit_offsets = 0,
           commit_local = 0;
  };
  PhaseCpu cpu_;

  const int index_;
  const LoadedTopology& topology_;
  rd_kafka_t* consumer_;
  EngineStats* stats_;
  StoreMemory* store_memory_;
  std::string state_dir_;
  std::unique_ptr<ChangelogRestorer> restorer_;
  KafkaQueuePtr queue_;
  std::unique_ptr<KafkaRecordCollector> collector_;
  std::vector<char> arena_block_;
  std::unique_ptr<google::protobuf::Arena> arena_;
  std::map<std::pair<int, int32_t>, std::unique_ptr<Task>> tasks_;
  absl::flat_hash_map<std::pair<const void*, int32_t>, SourceRef> routes_;
  std::vector<rd_kafka_message_t*> batch_;
  absl::Time last_commit_;
  bool recommit_ = false;
  // Refused hand-over commits of suspended tasks, by partition.
  std::map<TopicPartition, HandOverGap> handover_gaps_;
  bool suspending_ = false;  // inside Revoke(..., suspend=true)
  // Consecutive failed offset commits (each is retried at once): the first
  // is logged, then one line per kCommitFailureLogEvery, and the recovery.
  void NoteCommitResult(rd_kafka_resp_err_t err);
  int64_t commit_failures_ = 0;
  absl::Time commit_failure_logged_ = absl::InfinitePast();

  std::thread thread_;
  std::mutex mu_;
  std::condition_variable done_cv_;
  struct Command {
    std::function<absl::Status()> fn;
    absl::Status result;
    bool done = false;
  };
  std::deque<Command*> commands_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  std::atomic<bool> idle_{false};
  std::atomic<bool> failed_{false};
  std::atomic<int> task_count_{0};
  mutable std::mutex status_mu_;
  absl::Status status_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_RUNTIME_STREAM_THREAD_H_
