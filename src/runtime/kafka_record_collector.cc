#include "src/runtime/kafka_record_collector.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/message.h"
#include "src/common/log.h"

namespace netstreams {

absl::StatusOr<std::unique_ptr<KafkaRecordCollector>>
KafkaRecordCollector::Create(const KafkaSettings& settings,
                             const LoadedTopology& topology,
                             const std::string& client_id) {
  std::unique_ptr<KafkaRecordCollector> collector(
      new KafkaRecordCollector(topology));
  KafkaRecordCollector* self = collector.get();
  auto producer = NewKafkaClient(
      RD_KAFKA_PRODUCER, settings,
      {
          {"client.id", client_id},
          // Retries never duplicate or reorder within a partition.
          {"enable.idempotence", "true"},
          // Same key -> same partition as Java clients and Kafka Streams.
          {"partitioner", "murmur2_random"},
          // Successful deliveries are confirmed by Flush(); only failures
          // need a report, unless state stores need their changelog
          // offsets for checkpoints.
          {"delivery.report.only.error",
           topology.stores.empty() ? "true" : "false"},
          {"queue.buffering.max.messages", "500000"},
      },
      [self](rd_kafka_conf_t* conf) {
        rd_kafka_conf_set_dr_msg_cb(conf, &KafkaRecordCollector::OnDelivery);
        rd_kafka_conf_set_opaque(conf, self);
      });
  if (!producer.ok()) return producer.status();
  collector->producer_ = std::move(*producer);
  auto dlq = collector->ResolveTopic(topology.dead_letter_topic);
  if (!dlq.ok()) return dlq.status();
  collector->dead_letter_topic_ = collector->topics_[dlq->index].get();
  return collector;
}

KafkaRecordCollector::~KafkaRecordCollector() {
  topics_.clear();
  if (producer_ != nullptr) {
    int left = rd_kafka_outq_len(producer_.get());
    if (left > 0) {
      LogWarning("producer closed with undelivered records")
          .With("records", left);
    }
  }
}

void KafkaRecordCollector::OnDelivery(rd_kafka_t* rk,
                                      const rd_kafka_message_t* message,
                                      void* opaque) {
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Changelog records carry the address of their store's acked offset.
    if (message->_private != nullptr) {
      auto* acked = static_cast<int64_t*>(message->_private);
      if (message->offset > *acked) *acked = message->offset;
    }
    return;
  }
  auto* self = static_cast<KafkaRecordCollector*>(opaque);
  self->Fail(absl::UnavailableError(
      absl::StrCat("delivery to topic ", rd_kafka_topic_name(message->rkt),
                   " failed: ", rd_kafka_err2str(message->err))));
}

void KafkaRecordCollector::Fail(absl::Status status) {
  if (failure_.ok()) {
    LogError("output delivery failed; offsets will not be committed")
        .With("error", status.ToString());
    failure_ = std::move(status);
  }
}

absl::StatusOr<TopicId> KafkaRecordCollector::ResolveTopic(
    absl::string_view name) {
  for (size_t i = 0; i < topic_names_.size(); ++i) {
    if (topic_names_[i] == name) return TopicId{static_cast<int32_t>(i)};
  }
  if (topology_.FindTopic(name) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("topic '", name, "' is not declared"));
  }
  rd_kafka_topic_t* t =
      rd_kafka_topic_new(producer_.get(), std::string(name).c_str(), nullptr);
  if (t == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot open topic ", name, ": ",
                     rd_kafka_err2str(rd_kafka_last_error())));
  }
  topic_names_.emplace_back(name);
  topics_.emplace_back(t);
  return TopicId{static_cast<int32_t>(topics_.size() - 1)};
}

void KafkaRecordCollector::Produce(rd_kafka_topic_t* topic, int32_t partition,
                                   absl::string_view key,
                                   const absl::string_view* value,
                                   int64_t timestamp_ms,
                                   rd_kafka_headers_t* headers, void* opaque) {
  // A null value is a tombstone (a deleted key in a compacted changelog).
  void* payload = value != nullptr ? const_cast<char*>(value->data()) : nullptr;
  size_t size = value != nullptr ? value->size() : 0;
  while (true) {
    rd_kafka_resp_err_t err;
    if (headers != nullptr) {
      err = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_RKT(topic),
          RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_VALUE(payload, size),
          RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
          RD_KAFKA_V_TIMESTAMP(timestamp_ms), RD_KAFKA_V_HEADERS(headers),
          RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    } else {
      err = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_RKT(topic),
          RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_VALUE(payload, size),
          RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
          RD_KAFKA_V_TIMESTAMP(timestamp_ms), RD_KAFKA_V_END);
    }
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++sent_;
      return;
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // Back-pressure: wait for the brokers to drain the local queue.
      rd_kafka_poll(producer_.get(), 10);
      continue;
    }
    if (headers != nullptr) rd_kafka_headers_destroy(headers);
    Fail(absl::InternalError(absl::StrCat("cannot produce to ",
                                          rd_kafka_topic_name(topic), ": ",
                                          rd_kafka_err2str(err))));
    return;
  }
}

void KafkaRecordCollector::Send(TopicId topic, absl::string_view key,
                                const Record& record) {
  absl::string_view value = record.bytes;
  if (record.message != nullptr) {
    size_t size = record.message->ByteSizeLong();
    buffer_.resize(size);
    record.message->SerializeWithCachedSizesToArray(
        reinterpret_cast<uint8_t*>(&buffer_[0]));
    value = buffer_;
  }
  Produce(topics_[topic.index].get(), RD_KAFKA_PARTITION_UA, key, &value,
          record.timestamp_ms, nullptr, nullptr);
}

void KafkaRecordCollector::SendDeadLetter(const Record& record,
                                          absl::string_view stage,
                                          const DeadLetterReason& reason) {
  const Origin& origin = *record.origin;
  rd_kafka_headers_t* headers = rd_kafka_headers_new(8);
  auto add = [headers](const char* name, absl::string_view value) {
    rd_kafka_header_add(headers, name, -1, value.data(),
                        static_cast<ssize_t>(value.size()));
  };
  add("deadletter.stage", stage);
  add("deadletter.reason_class", reason.reason_class);
  add("deadletter.reason", reason.detail);
  add("deadletter.topic", origin.topic);
  add("deadletter.partition", absl::StrCat(origin.partition));
  add("deadletter.offset", absl::StrCat(origin.offset));
  add("deadletter.timestamp", absl::StrCat(origin.timestamp_ms));
  origin.VisitHeaders([&](absl::string_view name, absl::string_view value) {
    rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()),
                        value.data(), static_cast<ssize_t>(value.size()));
  });
  Produce(dead_letter_topic_, RD_KAFKA_PARTITION_UA, origin.key, &origin.value,
          origin.timestamp_ms, headers, nullptr);
}

void KafkaRecordCollector::SendChangelog(TopicId topic, int32_t partition,
                                         absl::string_view key,
                                         const absl::string_view* value,
                                         absl::string_view tag,
                                         int64_t* acked_offset) {
  rd_kafka_headers_t* headers = rd_kafka_headers_new(1);
  rd_kafka_header_add(headers, kChangelogTagHeader, -1, tag.data(),
                      static_cast<ssize_t>(tag.size()));
  Produce(topics_[topic.index].get(), partition, key, value,
          absl::ToUnixMillis(absl::Now()), headers, acked_offset);
}

void KafkaRecordCollector::Poll() { rd_kafka_poll(producer_.get(), 0); }

absl::Status KafkaRecordCollector::Flush() {
  absl::Time start = absl::Now();
  absl::Time next_log = start + absl::Seconds(5);
  while (rd_kafka_outq_len(producer_.get()) > 0 && failure_.ok()) {
    rd_kafka_flush(producer_.get(), 1000);
    if (absl::Now() > next_log) {
      LogWarning("waiting for outputs to be acknowledged before committing")
          .With("records", rd_kafka_outq_len(producer_.get()))
          .With("waited_s", absl::ToDoubleSeconds(absl::Now() - start));
      next_log = absl::Now() + absl::Seconds(5);
    }
  }
  return failure_;
}

}  // namespace netstreams
