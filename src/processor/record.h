// The unit of data inside a task: a record and where it came from.
//
// Records pass between the stages of a task by const reference, without
// serialization. A record's views (key, bytes, origin) and message point
// into the consumed batch or the batch arena, so they are valid only while
// the stage processes the record; a stage that keeps data longer copies it.
#ifndef NETSTREAMS_SRC_PROCESSOR_RECORD_H_
#define NETSTREAMS_SRC_PROCESSOR_RECORD_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace google {
namespace protobuf {
class Message;
}  // namespace protobuf
}  // namespace google

namespace netstreams {

// The Kafka record a record derives from: what a dead letter carries and
// what evidence fields cite. Runtimes subclass it to expose headers.
class Origin {
 public:
  virtual ~Origin() = default;

  absl::string_view topic;
  int32_t partition = -1;
  int64_t offset = -1;
  absl::string_view key;
  absl::string_view value;
  // The Kafka record timestamp (CreateTime or LogAppendTime), in ms.
  int64_t timestamp_ms = 0;

  // Calls `visit` for each header of the original record, in order.
  virtual void VisitHeaders(
      absl::FunctionRef<void(absl::string_view name, absl::string_view value)>
          visit) const {}
};

struct Record {
  // Serialized key; empty when the record has none.
  absl::string_view key;
  // The value: a message when the edge carries a protobuf type, otherwise
  // raw bytes (message == nullptr).
  const google::protobuf::Message* message = nullptr;
  absl::string_view bytes;
  // Event time in milliseconds since the Unix epoch.
  int64_t timestamp_ms = 0;
  // Never null inside a running task.
  const Origin* origin = nullptr;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PROCESSOR_RECORD_H_
