// A task: the stages of one sub-topology instantiated for one partition
// number, as in Kafka Streams. It owns its processors and their contexts,
// its state stores, its punctuations, tracks stream time and the offsets
// it has processed per source partition. Used only from the stream thread
// that owns it.
#ifndef NETSTREAMS_SRC_RUNTIME_TASK_H_
#define NETSTREAMS_SRC_RUNTIME_TASK_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "src/processor/processor.h"
#include "src/runtime/engine_stats.h"
#include "src/topology/loaded_topology.h"
#include "state/caching_store.h"
#include "state/changelogging_store.h"
#include "state/rocksdb_store.h"
#include "state/store_memory.h"

namespace google {
namespace protobuf {
class Arena;
}  // namespace protobuf
}  // namespace google

namespace netstreams {

// Where dead letters go; the runtime writes them to the dead-letter topic.
class DeadLetterSink {
 public:
  virtual ~DeadLetterSink() = default;
  virtual void SendDeadLetter(const Record& record, absl::string_view stage,
                              const DeadLetterReason& reason) = 0;
};

// Where changelog records go; the runtime produces them to the store's
// changelog topic. `tag` names the input offsets at which the write
// becomes part of the committed state; `acked_offset` receives the
// record's offset once the broker has it.
class ChangelogSink {
 public:
  virtual ~ChangelogSink() = default;
  virtual void SendChangelog(TopicId topic, int32_t partition,
                             absl::string_view key,
                             const absl::string_view* value,
                             absl::string_view tag, int64_t* acked_offset) = 0;
};

// What a task borrows from its stream thread.
struct TaskServices {
  RecordCollector* collector = nullptr;
  DeadLetterSink* dead_letters = nullptr;
  ChangelogSink* changelog = nullptr;
  google::protobuf::Arena* arena = nullptr;
  EngineStats* stats = nullptr;
  StoreMemory* store_memory = nullptr;
  // <state_dir>/<application>
  std::string state_dir;
  int thread_index = 0;
};

// One source partition of a task and how far the task has got in it.
struct SourcePartition {
  std::string topic;
  int32_t partition = 0;
  // Offset of the next record to process; what a commit stores.
  int64_t next_offset = -1;
  // What was last committed (or -1).
  int64_t committed_offset = -1;
  // The consumer reported end-of-partition and nothing came after it.
  bool at_end = false;
  bool assigned = false;
};

// One state store of the task, with its layers.
struct TaskStore {
  const StoreInfo* info = nullptr;
  std::string path;
  RocksDbStore* rocks = nullptr;                // the bottom layer
  CachingStore* cache = nullptr;                // the write cache
  std::unique_ptr<KeyValueStore> top;           // what stages see
  ChangelogWriter* changelog_writer = nullptr;  // null: not logged
  TopicId changelog_topic;
  int64_t acked_changelog_offset = -1;  // written by delivery reports
  bool restored = false;
};

class Task {
 public:
  Task(const LoadedTopology& topology, int subtopology, int32_t partition,
       TaskServices services);
  ~Task();

  // Opens the state stores and creates and initializes the processors.
  absl::Status Init();
  void Close();

  const std::string& id() const { return id_; }
  int subtopology() const { return subtopology_; }
  int32_t partition() const { return partition_; }

  // Processes one consumed record of `source` (an index into sources()).
  void Process(size_t source, const Origin& origin);
  void MarkEnd(size_t source) { sources_[source].at_end = true; }
  // Runs due wall-clock punctuations.
  void PunctuateWallClock(int64_t now_ms);
  // Moves stream time on to `ms` (never back) without a record, and runs
  // the stream-time punctuations that are due (the test driver's control).
  void AdvanceStreamTime(int64_t ms);

  std::vector<SourcePartition>& sources() { return sources_; }
  // Index of the source partition for `topic`, or -1.
  int SourceIndex(absl::string_view topic) const;

  std::vector<TaskStore>& stores() { return stores_; }
  bool needs_restore() const;
  // Deletes a store's local files and opens it empty (its checkpoint no
  // longer matches the committed input offsets).
  absl::Status WipeStore(TaskStore& store);
  // Writes the current local value of each of `keys` (a tombstone when
  // absent) to the store's changelog, tagged with the input position
  // `resume`: after a restore, it supersedes records of an incomplete
  // commit that were skipped.
  absl::Status RelogKeys(TaskStore& store, const std::vector<int64_t>& resume,
                         const absl::flat_hash_set<std::string>& keys);

  // Commit, in three steps around the producer flush and offset commit:
  // FlushState() writes the stores' cached changes to the changelog and to
  // RocksDB's pending batch; after outputs are acknowledged,
  // CommitState() writes each store's batch together with its checkpoint.
  absl::Status FlushState();
  absl::Status CommitState();

  int64_t stream_time_ms() const { return stream_time_ms_; }
  // The first fatal error a stage reported, if any.
  const absl::Status& fatal() const { return fatal_; }
  bool AllAtEnd() const;
  bool HasUncommitted() const;
  // The input positions (next offset per source) as a changelog tag.
  std::string InputTag() const;

 private:
  class Node;
  class StoreChangelog;
  struct Punctuation {
    Node* node;
    int64_t interval_ms;
    PunctuationType type;
    std::function<void(int64_t)> callback;
    int64_t next_due_ms = -1;
  };

  absl::Status OpenStores();
  absl::Status BuildStack(TaskStore& store);
  void RunPunctuations(PunctuationType type, int64_t now_ms);

  const LoadedTopology& topology_;
  int subtopology_;
  int32_t partition_;
  std::string id_;
  TaskServices services_;
  std::vector<std::unique_ptr<Node>> nodes_;  // by global stage index
  // For each source partition: the source stages reading that topic.
  std::vector<std::vector<Node*>> source_nodes_;
  std::vector<SourcePartition> sources_;
  std::vector<TaskStore> stores_;
  std::vector<std::unique_ptr<StoreChangelog>> changelogs_;
  std::vector<Punctuation> punctuations_;
  std::string tag_;
  // The origin of records emitted by punctuations (no input record).
  std::unique_ptr<Origin> punctuation_origin_;
  int64_t stream_time_ms_ = 0;
  // Whether the record being processed is one of the sampled ones.
  bool sample_ = false;
  uint32_t sample_counter_ = 0;
  absl::Status fatal_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_RUNTIME_TASK_H_
