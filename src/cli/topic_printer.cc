#include "src/cli/topic_printer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "src/format/message_text.h"
#include "src/format/record_json.h"
#include "src/kafka/topic_admin.h"

namespace netstreams {

std::string RecordToJson(const rd_kafka_message_t* m, const std::string& type,
                         bool with_headers) {
  RecordView r;
  r.topic = rd_kafka_topic_name(m->rkt);
  r.partition = m->partition;
  r.offset = m->offset;
  rd_kafka_timestamp_type_t ts_type;
  r.timestamp_ms = rd_kafka_message_timestamp(m, &ts_type);
  if (m->key != nullptr) {
    r.has_key = true;
    r.key = absl::string_view(static_cast<const char*>(m->key), m->key_len);
  }
  if (with_headers) {
    ForEachHeader(m, [&](const char* name, absl::string_view value) {
      r.headers.emplace_back(name, std::string(value));
    });
  }
  r.value = absl::string_view(static_cast<const char*>(m->payload), m->len);
  return RecordToJson(r, type, with_headers);
}

TopicPrinter::TopicPrinter(const KafkaSettings& settings,
                           const LoadedTopology& topology,
                           std::vector<std::string> topics, size_t limit,
                           std::FILE* out)
    : settings_(settings),
      topology_(topology),
      topics_(std::move(topics)),
      limit_(limit),
      out_(out),
      printed_(topics_.size(), 0) {}

TopicPrinter::~TopicPrinter() {
  draining_ = true;
  if (thread_.joinable()) thread_.join();
}

absl::Status TopicPrinter::Start() {
  auto consumer = NewKafkaClient(
      RD_KAFKA_CONSUMER, settings_,
      {{"group.id", absl::StrCat(topology_.application_id, "-printer")},
       {"client.id", "printer"},
       {"enable.auto.commit", "false"},
       {"enable.partition.eof", "false"}});
  if (!consumer.ok()) return consumer.status();
  consumer_ = std::move(*consumer);
  auto partitions = DescribeTopics(consumer_.get(), topics_, absl::Seconds(10));
  if (!partitions.ok()) return partitions.status();
  PartitionListPtr list(rd_kafka_topic_partition_list_new(16));
  for (const std::string& topic : topics_) {
    auto it = partitions->find(topic);
    if (it == partitions->end()) {
      return absl::NotFoundError(
          absl::StrCat("topic ", topic, " does not exist"));
    }
    for (int p = 0; p < it->second; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
      progress_.push_back({topic, p, 0, -1});
    }
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(consumer_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(rd_kafka_err2str(err));
  }
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

absl::Status TopicPrinter::DrainAndStop() {
  // Fix the end of every partition now; the thread prints up to it.
  for (Progress& p : progress_) {
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        consumer_.get(), p.topic.c_str(), p.partition, &low, &high, 10000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      draining_ = true;
      thread_.join();
      return absl::UnavailableError(absl::StrCat(
          "cannot read the end of ", p.topic, ": ", rd_kafka_err2str(err)));
    }
    p.end = high;
  }
  draining_ = true;
  if (thread_.joinable()) thread_.join();
  std::fflush(out_);
  return absl::OkStatus();
}

void TopicPrinter::Run() {
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(consumer_.get());
  std::vector<rd_kafka_message_t*> batch(512);
  while (true) {
    if (draining_) {
      bool done = true;
      for (size_t i = 0; i < progress_.size(); ++i) {
        const Progress& p = progress_[i];
        size_t topic_index = static_cast<size_t>(
            std::find(topics_.begin(), topics_.end(), p.topic) -
            topics_.begin());
        bool limit_hit = limit_ > 0 && printed_[topic_index] >= limit_;
        if (!limit_hit && (p.end < 0 || p.next < p.end)) done = false;
      }
      if (done) break;
    }
    ssize_t n =
        rd_kafka_consume_batch_queue(queue, 100, batch.data(), batch.size());
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = batch[static_cast<size_t>(i)];
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::string topic = rd_kafka_topic_name(m->rkt);
        size_t t = static_cast<size_t>(
            std::find(topics_.begin(), topics_.end(), topic) - topics_.begin());
        for (Progress& p : progress_) {
          if (p.topic == topic && p.partition == m->partition) {
            p.next = m->offset + 1;
          }
        }
        if (t < topics_.size() && (limit_ == 0 || printed_[t] < limit_)) {
          const TopicInfo* info = topology_.FindTopic(topic);
          std::string line =
              RecordToJson(m, info != nullptr ? info->type : "bytes",
                           topic == topology_.dead_letter_topic);
          line.push_back('\n');
          std::fwrite(line.data(), 1, line.size(), out_);
          ++printed_[t];
        }
      }
      rd_kafka_message_destroy(m);
    }
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_consumer_close(consumer_.get());
}

}  // namespace netstreams
