// librdkafka handles with RAII, and client configuration built from a
// topology's `kafka` settings plus the settings the engine owns. The engine
// is an ordinary librdkafka client: nothing here is specific to the mock
// cluster.
#ifndef NETSTREAMS_SRC_KAFKA_CLIENT_H_
#define NETSTREAMS_SRC_KAFKA_CLIENT_H_

#include <librdkafka/rdkafka.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace netstreams {

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct RdKafkaQueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct RdKafkaTopicDeleter {
  void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
};
struct RdKafkaPartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using KafkaPtr = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;
using KafkaQueuePtr = std::unique_ptr<rd_kafka_queue_t, RdKafkaQueueDeleter>;
using KafkaTopicPtr = std::unique_ptr<rd_kafka_topic_t, RdKafkaTopicDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t,
                                         RdKafkaPartitionListDeleter>;

using KafkaSettings = std::map<std::string, std::string>;

// Creates a client. `settings` are applied in order: the caller's
// (topology) settings first, then `overrides`, so the engine's own keys
// win. `customize` may set callbacks and the opaque. Errors name the
// offending key (never its value, which may be a secret).
absl::StatusOr<KafkaPtr> NewKafkaClient(
    rd_kafka_type_t type, const KafkaSettings& settings,
    const KafkaSettings& overrides,
    const std::function<void(rd_kafka_conf_t*)>& customize = nullptr);

// Calls `visit(name, value)` for each header of a consumed message.
void ForEachHeader(const rd_kafka_message_t* message,
                   const std::function<void(const char* name,
                                            absl::string_view value)>& visit);

// Routes librdkafka's own log lines through the engine's logger.
void UseEngineLogger(rd_kafka_conf_t* conf);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_KAFKA_CLIENT_H_
