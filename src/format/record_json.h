// One Kafka record as a JSON line, the format of `--print` and of the
// topology test driver's outputs and golden files:
//   {"topic":..,"partition":..,"offset":..,"timestamp":"RFC 3339",
//    "key":..,"headers":{..},"value":<message JSON or string>}
// Thread-compatible: pure functions.
#ifndef NETSTREAMS_SRC_FORMAT_RECORD_JSON_H_
#define NETSTREAMS_SRC_FORMAT_RECORD_JSON_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace netstreams {

struct RecordView {
  absl::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;  // < 0: none
  bool has_key = false;
  absl::string_view key;
  std::vector<std::pair<std::string, std::string>> headers;
  absl::string_view value;
};

// `type` is the topic's type: "bytes" (value as a JSON string) or a
// message full name (value decoded and rendered; a value that does not
// decode gives "value":null,"error":...). Headers only if `with_headers`.
std::string RecordToJson(const RecordView& record, const std::string& type,
                         bool with_headers);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_FORMAT_RECORD_JSON_H_
