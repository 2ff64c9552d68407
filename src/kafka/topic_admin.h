// Makes sure the topics a topology uses exist, and reports how many
// partitions each really has. Missing topics are created (CreateTopics
// admin API, or the embedded broker's own call); a cluster that refuses
// gets a clear error naming the topics and partition counts to create.
#ifndef NETSTREAMS_SRC_KAFKA_TOPIC_ADMIN_H_
#define NETSTREAMS_SRC_KAFKA_TOPIC_ADMIN_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/kafka/client.h"
#include "src/kafka/embedded_broker.h"

namespace netstreams {

struct TopicSpec {
  std::string name;
  int partitions = 1;
  // Topic configs used when the engine creates it (cleanup.policy, ...).
  std::map<std::string, std::string> configs;
};

// Returns topic name -> partition count for every wanted topic.
// `embedded` may be null (a real cluster).
absl::StatusOr<std::map<std::string, int>> EnsureTopics(
    const KafkaSettings& settings, const std::vector<TopicSpec>& wanted,
    EmbeddedBroker* embedded, absl::Duration timeout);

// Partition counts of `topics` that exist (absent ones are left out).
absl::StatusOr<std::map<std::string, int>> DescribeTopics(
    rd_kafka_t* client, const std::vector<std::string>& topics,
    absl::Duration timeout);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_KAFKA_TOPIC_ADMIN_H_
