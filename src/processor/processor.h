// A stage's per-task processing logic, as in Kafka Streams' Processor API.
// One instance per (stage, task); all calls come from the task's stream
// thread, so implementations need no locking.
#ifndef NETSTREAMS_SRC_PROCESSOR_PROCESSOR_H_
#define NETSTREAMS_SRC_PROCESSOR_PROCESSOR_H_

#include "absl/status/status.h"
#include "src/processor/processor_context.h"
#include "src/processor/record.h"

namespace netstreams {

class Processor {
 public:
  virtual ~Processor() = default;

  // Called once before the first record. `context` outlives the processor.
  // A non-OK status stops the engine (it is a bug or a broken environment,
  // not bad input).
  virtual absl::Status Init(ProcessorContext& context) {
    return absl::OkStatus();
  }

  // Handles one record: forward results, or dead-letter it. Bad input is
  // never an error here; it is a dead letter.
  virtual void Process(const Record& record) = 0;

  // Called when the task closes (revocation, shutdown).
  virtual void Close() {}
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PROCESSOR_PROCESSOR_H_
