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

#include "absl/strings/string_view.h"
#include "src/processor/record.h"
#include "src/processor/record_collector.h"

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

  virtual absl::string_view stage_name() const = 0;
  // "<sub-topology>_<partition>", as Kafka Streams names tasks.
  virtual absl::string_view task_id() const = 0;
  // Largest record timestamp the task has seen, in ms.
  virtual int64_t stream_time_ms() const = 0;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PROCESSOR_PROCESSOR_CONTEXT_H_
