// A task: the stages of one sub-topology instantiated for one partition
// number, as in Kafka Streams. It owns its processors and their contexts,
// tracks stream time and the offsets it has processed per source
// partition. Used only from the stream thread that owns it.
#ifndef NETSTREAMS_SRC_RUNTIME_TASK_H_
#define NETSTREAMS_SRC_RUNTIME_TASK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "src/processor/processor.h"
#include "src/runtime/engine_stats.h"
#include "src/topology/loaded_topology.h"

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

// What a task borrows from its stream thread.
struct TaskServices {
  RecordCollector* collector = nullptr;
  DeadLetterSink* dead_letters = nullptr;
  google::protobuf::Arena* arena = nullptr;
  EngineStats* stats = nullptr;
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

class Task {
 public:
  Task(const LoadedTopology& topology, int subtopology, int32_t partition,
       TaskServices services);
  ~Task();

  // Creates and initializes the processors.
  absl::Status Init();
  void Close();

  const std::string& id() const { return id_; }
  int subtopology() const { return subtopology_; }
  int32_t partition() const { return partition_; }

  // Processes one consumed record of `source` (an index into sources()).
  void Process(size_t source, const Origin& origin);
  void MarkEnd(size_t source) { sources_[source].at_end = true; }

  std::vector<SourcePartition>& sources() { return sources_; }
  // Index of the source partition for `topic`, or -1.
  int SourceIndex(absl::string_view topic) const;

  int64_t stream_time_ms() const { return stream_time_ms_; }
  bool AllAtEnd() const;
  bool HasUncommitted() const;

 private:
  class Node;

  const LoadedTopology& topology_;
  int subtopology_;
  int32_t partition_;
  std::string id_;
  TaskServices services_;
  std::vector<std::unique_ptr<Node>> nodes_;  // by global stage index
  // For each source partition: the source stages reading that topic.
  std::vector<std::vector<Node*>> source_nodes_;
  std::vector<SourcePartition> sources_;
  int64_t stream_time_ms_ = 0;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_RUNTIME_TASK_H_
