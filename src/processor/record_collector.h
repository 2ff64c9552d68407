// Where sink stages hand records to be written to Kafka topics. The runtime
// implements it over a Kafka producer; the test driver over memory.
// Not thread-safe: one collector per stream thread.
#ifndef NETSTREAMS_SRC_PROCESSOR_RECORD_COLLECTOR_H_
#define NETSTREAMS_SRC_PROCESSOR_RECORD_COLLECTOR_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/processor/record.h"

namespace netstreams {

// A resolved output topic; cheap to copy.
struct TopicId {
  int32_t index = -1;
};

class RecordCollector {
 public:
  virtual ~RecordCollector() = default;

  // Resolves a declared topic once, when a stage initializes.
  virtual absl::StatusOr<TopicId> ResolveTopic(absl::string_view name) = 0;

  // Writes `record` to `topic` with `key` (empty: no key) and the record's
  // timestamp. The message is serialized (or the bytes taken) and copied
  // before this returns. Delivery is confirmed before the offsets of the
  // record's origin are committed.
  virtual void Send(TopicId topic, absl::string_view key,
                    const Record& record) = 0;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PROCESSOR_RECORD_COLLECTOR_H_
