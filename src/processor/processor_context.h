// The narrow view a stage has of the engine: forward records, dead-letter
// them, write to topics, allocate batch-scoped messages, read task time.
// Stages never see the runtime or librdkafka, so the same stage code runs
// in the engine and in the in-process test driver.
//
// A context is bound to one stage of one task and is used from that task's
// stream thread only.
#ifndef NETSTREAMS_SRC_PROCESSOR_PROCESSOR_CONTEXT_H_
#define NETSTREAMS_SRC_PROCESSOR_PROCESSOR_CONTEXT_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "src/common/counter.h"
#include "src/processor/record.h"
#include "src/processor/record_collector.h"
#include "state/key_value_store.h"

namespace google {
namespace protobuf {
class Arena;
}  // namespace protobuf
}  // namespace google

namespace netstreams {

// Why a record was dead-lettered: a short, stable class for metrics labels
// and alerting, plus a human-readable detail.
struct DeadLetterReason {
  absl::string_view reason_class;  // e.g. "unrecognized_format"
  absl::string_view detail;        // e.g. "expected 'VRF' at column 3"
};

enum class PunctuationType {
  // Fires as stream time (the largest record timestamp the task has seen)
  // passes each due time; deterministic for a given input.
  kStreamTime,
  // Fires on the wall clock, between batches, even without input.
  kWallClock,
};

class ProcessorContext {
 public:
  virtual ~ProcessorContext() = default;

  // Passes `record` to every stage that names this stage as an input, in
  // topology order; returns once they have processed it.
  virtual void Forward(const Record& record) = 0;

  // Sends the record's origin (the raw consumed record) to the topology's
  // dead-letter topic with headers naming this stage, the reason and the
  // source topic/partition/offset. Counted per stage and reason class.
  virtual void DeadLetter(const Record& record,
                          const DeadLetterReason& reason) = 0;

  // Writes records to output topics (sink stages).
  virtual RecordCollector& collector() = 0;

  // Arena for messages created while processing the current batch. It is
  // reset after every batch: a message that must outlive the batch is
  // copied.
  virtual google::protobuf::Arena* arena() = 0;

  // The state store `name` this stage's factory declared (Stores()), or
  // null. Its writes are made durable with each commit.
  virtual KeyValueStore* GetStore(absl::string_view name) = 0;

  // Calls `callback(now_ms)` every `interval_ms` of stream time or wall
  // time. Callbacks run on the task's thread, between records.
  virtual void Schedule(int64_t interval_ms, PunctuationType type,
                        std::function<void(int64_t now_ms)> callback) = 0;

  // A named counter of this stage ("closed", "duplicate", ...), summed over
  // tasks in the summary and the metrics. Valid while the context lives.
  virtual Counter* GetCounter(absl::string_view name) = 0;

  // A named gauge of this stage in this task ("open", ...): a level that
  // goes up and down, summed over tasks in the metrics and dropped when
  // the task closes. Valid while the context lives.
  virtual Gauge* GetGauge(absl::string_view name) = 0;

  // An error that is not the input's fault (a state store I/O error): the
  // engine stops without committing, so the records are processed again
  // after a restart. Processing of the current record should stop.
  virtual void ReportFatal(const absl::Status& status) = 0;

  virtual absl::string_view stage_name() const = 0;
  // "<sub-topology>_<partition>", as Kafka Streams names tasks.
  virtual absl::string_view task_id() const = 0;
  // Largest record timestamp the task has seen, in ms.
  virtual int64_t stream_time_ms() const = 0;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PROCESSOR_PROCESSOR_CONTEXT_H_
