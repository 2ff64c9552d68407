#include "src/kafka/embedded_broker.h"

#include "absl/strings/str_cat.h"

namespace netstreams {

absl::StatusOr<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::Start(
    int broker_count) {
  // The mock cluster lives inside a client handle; a bare producer that is
  // never used to produce is the lightest owner.
  // It has no bootstrap.servers of its own; log_level 3 keeps librdkafka
  // from warning about that.
  auto owner = NewKafkaClient(
      RD_KAFKA_PRODUCER, {{"client.id", "embedded-broker"}, {"log_level", "3"}},
      {});
  if (!owner.ok()) return owner.status();
  std::unique_ptr<EmbeddedBroker> broker(new EmbeddedBroker());
  broker->owner_ = std::move(*owner);
  broker->cluster_ =
      rd_kafka_mock_cluster_new(broker->owner_.get(), broker_count);
  if (broker->cluster_ == nullptr) {
    return absl::InternalError("cannot start librdkafka's mock cluster");
  }
  broker->bootstrap_ = rd_kafka_mock_cluster_bootstraps(broker->cluster_);
  return broker;
}

EmbeddedBroker::~EmbeddedBroker() {
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
}

absl::Status EmbeddedBroker::CreateTopic(const std::string& name,
                                         int partitions) {
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, 1);
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return absl::AlreadyExistsError(name);
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(
        absl::StrCat("creating topic ", name, ": ", rd_kafka_err2str(err)));
  }
  return absl::OkStatus();
}

}  // namespace netstreams
