// librdkafka's mock cluster as an embedded Kafka: real protocol on
// loopback (produce, fetch, consumer groups and commits, idempotent and
// transactional producers) with no Kafka installation. In memory only;
// each partition keeps about its newest 5 MB (older data is dropped, like
// a small retention); topics are created here because the mock has no
// CreateTopics API. Used by `//:engine` without --bootstrap_servers and by
// //tools:dev_broker. Thread-safe after Start().
#ifndef NETSTREAMS_SRC_KAFKA_EMBEDDED_BROKER_H_
#define NETSTREAMS_SRC_KAFKA_EMBEDDED_BROKER_H_

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h needs rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "src/kafka/client.h"

namespace netstreams {

class EmbeddedBroker {
 public:
  static absl::StatusOr<std::unique_ptr<EmbeddedBroker>> Start(
      int broker_count);
  ~EmbeddedBroker();

  // "127.0.0.1:port[,...]" of the mock brokers.
  const std::string& bootstrap_servers() const { return bootstrap_; }
  // Creates a topic (AlreadyExists if it exists).
  absl::Status CreateTopic(const std::string& name, int partitions);
  rd_kafka_mock_cluster_t* cluster() const { return cluster_; }

 private:
  EmbeddedBroker() = default;

  KafkaPtr owner_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_KAFKA_EMBEDDED_BROKER_H_
