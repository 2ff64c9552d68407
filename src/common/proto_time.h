// Milliseconds since the Unix epoch to and from protobuf's Timestamp, the
// way every stage writes event times (negative times floor, so nanos stay
// within 0..999,999,999 as the Timestamp contract requires).
#ifndef NETSTREAMS_SRC_COMMON_PROTO_TIME_H_
#define NETSTREAMS_SRC_COMMON_PROTO_TIME_H_

#include <cstdint>

#include "google/protobuf/timestamp.pb.h"

namespace netstreams {

inline void SetTimestampMs(int64_t epoch_ms, google::protobuf::Timestamp* ts) {
  int64_t seconds = epoch_ms / 1000;
  int64_t ms = epoch_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    seconds -= 1;
  }
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(ms * 1000000));
}

inline int64_t TimestampMs(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000 + ts.nanos() / 1000000;
}

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_COMMON_PROTO_TIME_H_
