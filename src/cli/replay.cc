#include "src/cli/replay.h"

#include <atomic>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "src/common/log.h"
#include "src/kafka/topic_admin.h"

namespace netstreams {
namespace {

struct DeliveryState {
  std::atomic<uint64_t> failed{0};
  std::string first_error;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  auto* state = static_cast<DeliveryState*>(opaque);
  if (state->failed++ == 0) state->first_error = rd_kafka_err2str(m->err);
}

}  // namespace

absl::StatusOr<ReplayResult> ReplayFile(const KafkaSettings& settings,
                                        const std::string& topic,
                                        const std::string& path,
                                        const PartitionChooser& chooser) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read replay file ", path));
  }
  DeliveryState state;
  auto producer =
      NewKafkaClient(RD_KAFKA_PRODUCER, settings,
                     {{"client.id", "replay"},
                      {"enable.idempotence", "true"},
                      {"delivery.report.only.error", "true"},
                      {"queue.buffering.max.messages", "500000"}},
                     [&state](rd_kafka_conf_t* conf) {
                       rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
                       rd_kafka_conf_set_opaque(conf, &state);
                     });
  if (!producer.ok()) return producer.status();
  rd_kafka_t* rk = producer->get();
  auto partitions = DescribeTopics(rk, {topic}, absl::Seconds(10));
  if (!partitions.ok()) return partitions.status();
  if (partitions->count(topic) == 0) {
    return absl::NotFoundError(
        absl::StrCat("topic ", topic, " does not exist"));
  }
  const int32_t partition_count = partitions->at(topic);
  KafkaTopicPtr rkt(rd_kafka_topic_new(rk, topic.c_str(), nullptr));

  ReplayResult result;
  absl::Time start = absl::Now();
  absl::Time next_log = start + absl::Seconds(2);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      ++result.blank_lines;
      continue;
    }
    while (true) {
      // Round-robin: an even spread whatever the line, as unkeyed
      // collectors do (the order across partitions is not kept).
      int32_t partition =
          chooser ? chooser(line, result.records, partition_count)
                  : static_cast<int32_t>(result.records % partition_count);
      if (rd_kafka_produce(rkt.get(), partition, RD_KAFKA_MSG_F_COPY,
                           line.data(), line.size(), nullptr, 0,
                           nullptr) == 0) {
        break;
      }
      rd_kafka_resp_err_t err = rd_kafka_last_error();
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        return absl::UnavailableError(absl::StrCat(
            "replay into ", topic, " failed: ", rd_kafka_err2str(err)));
      }
      rd_kafka_poll(rk, 10);
    }
    ++result.records;
    result.bytes += line.size();
    if ((result.records & 0x3FFF) == 0) {
      rd_kafka_poll(rk, 0);
      if (absl::Now() > next_log) {
        double secs = absl::ToDoubleSeconds(absl::Now() - start);
        LogInfo("replaying")
            .With("topic", topic)
            .With("records", result.records)
            .With("rate_per_s", result.records / secs);
        next_log = absl::Now() + absl::Seconds(2);
      }
    }
  }
  while (rd_kafka_outq_len(rk) > 0) rd_kafka_flush(rk, 1000);
  if (state.failed > 0) {
    return absl::UnavailableError(absl::StrCat(
        state.failed.load(), " records of ", path, " were not delivered to ",
        topic, ": ", state.first_error));
  }
  LogInfo("replayed")
      .With("file", path)
      .With("topic", topic)
      .With("records", result.records)
      .With("seconds", absl::ToDoubleSeconds(absl::Now() - start));
  return result;
}

}  // namespace netstreams
