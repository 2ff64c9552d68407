// Replays a text file into a topic, one record per line (blank lines are
// skipped, a trailing CR is removed), without a key, spread round-robin
// over the topic's partitions, with an idempotent producer, and waits
// until every record is acknowledged. Logs progress every few
// seconds for large files.
#ifndef NETSTREAMS_SRC_CLI_REPLAY_H_
#define NETSTREAMS_SRC_CLI_REPLAY_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "src/kafka/client.h"

namespace netstreams {

struct ReplayResult {
  uint64_t records = 0;
  uint64_t bytes = 0;
  uint64_t blank_lines = 0;
};

// Chooses the partition of line number `index` (from 0, blank lines not
// counted) among `partitions`.
using PartitionChooser = std::function<int32_t(
    absl::string_view line, uint64_t index, int32_t partitions)>;

absl::StatusOr<ReplayResult> ReplayFile(
    const KafkaSettings& settings, const std::string& topic,
    const std::string& path, const PartitionChooser& chooser = nullptr);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_CLI_REPLAY_H_
