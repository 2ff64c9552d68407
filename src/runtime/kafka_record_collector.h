// The stream thread's output side: one idempotent Kafka producer per
// stream thread (as Kafka Streams does), writing sink records and dead
// letters. Messages are serialized once, into a reused buffer, and copied
// by librdkafka; delivery reports are requested for failures only, and
// Flush() is what makes a commit safe (at-least-once: outputs are
// acknowledged before the offsets that produced them are committed).
// Used only from its stream thread.
#ifndef NETSTREAMS_SRC_RUNTIME_KAFKA_RECORD_COLLECTOR_H_
#define NETSTREAMS_SRC_RUNTIME_KAFKA_RECORD_COLLECTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/kafka/client.h"
#include "src/processor/record_collector.h"
#include "src/runtime/task.h"
#include "src/topology/loaded_topology.h"

namespace netstreams {

// The changelog header with the input offsets at which a write becomes
// part of the committed state (comma-separated, in the task's source
// order).
inline constexpr char kChangelogTagHeader[] = "netstreams.input_offsets";

class KafkaRecordCollector final : public RecordCollector,
                                   public DeadLetterSink,
                                   public ChangelogSink {
 public:
  static absl::StatusOr<std::unique_ptr<KafkaRecordCollector>> Create(
      const KafkaSettings& settings, const LoadedTopology& topology,
      const std::string& client_id);
  ~KafkaRecordCollector() override;

  absl::StatusOr<TopicId> ResolveTopic(absl::string_view name) override;
  void Send(TopicId topic, absl::string_view key,
            const Record& record) override;
  void SendDeadLetter(const Record& record, absl::string_view stage,
                      const DeadLetterReason& reason) override;
  void SendChangelog(TopicId topic, int32_t partition, absl::string_view key,
                     const absl::string_view* value, absl::string_view tag,
                     int64_t* acked_offset) override;

  // Serves delivery reports without blocking.
  void Poll();
  // Blocks until everything sent so far is acknowledged by the brokers;
  // fails if any record could not be delivered (then nothing may be
  // committed).
  absl::Status Flush();
  // The first delivery failure, if any.
  const absl::Status& status() const { return failure_; }
  uint64_t records_sent() const { return sent_; }

 private:
  explicit KafkaRecordCollector(const LoadedTopology& topology)
      : topology_(topology) {}
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message,
                         void* opaque);
  void Produce(rd_kafka_topic_t* topic, int32_t partition,
               absl::string_view key, const absl::string_view* value,
               int64_t timestamp_ms, rd_kafka_headers_t* headers, void* opaque);
  void Fail(absl::Status status);

  const LoadedTopology& topology_;
  KafkaPtr producer_;
  std::vector<std::string> topic_names_;
  std::vector<KafkaTopicPtr> topics_;
  rd_kafka_topic_t* dead_letter_topic_ = nullptr;
  std::string buffer_;
  absl::Status failure_;
  uint64_t sent_ = 0;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_RUNTIME_KAFKA_RECORD_COLLECTOR_H_
