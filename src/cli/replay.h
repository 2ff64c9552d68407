// Replays a text file into a topic, one record per line (blank lines are
// skipped, a trailing CR is removed), without a key, spread round-robin
// over the topic's partitions, with an idempotent producer, and waits
// until every record is acknowledged. Logs progress every few
// seconds for large files.
#ifndef NETSTREAMS_SRC_CLI_REPLAY_H_
#define NETSTREAMS_SRC_CLI_REPLAY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "src/kafka/client.h"

namespace netstreams {

struct ReplayResult {
  uint64_t records = 0;
  uint64_t bytes = 0;
  uint64_t blank_lines = 0;
};

absl::StatusOr<ReplayResult> ReplayFile(const KafkaSettings& settings,
                                        const std::string& topic,
                                        const std::string& path);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_CLI_REPLAY_H_
