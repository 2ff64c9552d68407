#include "src/runtime/changelog_restorer.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "src/common/log.h"
#include "src/runtime/kafka_record_collector.h"

namespace netstreams {

bool TagWithin(absl::string_view tag, const std::vector<int64_t>& resume) {
  size_t i = 0;
  for (absl::string_view part : absl::StrSplit(tag, ',')) {
    int64_t offset;
    if (!absl::SimpleAtoi(part, &offset)) return false;
    if (i < resume.size() && offset > resume[i]) return false;
    ++i;
  }
  return i > 0;
}

absl::StatusOr<std::unique_ptr<ChangelogRestorer>> ChangelogRestorer::Create(
    const KafkaSettings& settings, const std::string& client_id,
    EngineStats* stats) {
  std::unique_ptr<ChangelogRestorer> restorer(new ChangelogRestorer());
  auto consumer = NewKafkaClient(RD_KAFKA_CONSUMER, settings,
                                 {{"group.id", client_id},
                                  {"client.id", client_id},
                                  {"enable.auto.commit", "false"},
                                  {"enable.partition.eof", "false"},
                                  {"auto.offset.reset", "earliest"}});
  if (!consumer.ok()) return consumer.status();
  restorer->consumer_ = std::move(*consumer);
  restorer->stats_ = stats;
  return restorer;
}

absl::Status ChangelogRestorer::RestoreTask(
    Task& task, const std::vector<int64_t>& resume) {
  for (TaskStore& store : task.stores()) {
    if (store.restored || !store.info->logged) continue;
    auto result = RestoreStore(task, store, resume);
    if (!result.ok()) {
      return absl::Status(
          result.status().code(),
          absl::StrCat("restoring store ", store.info->name, " of task ",
                       task.id(), ": ", result.status().message()));
    }
    store.restored = true;
    stats_->AddRestore(result->records_read, result->seconds);
    LogInfo("state restored")
        .With("task", task.id())
        .With("store", store.info->name)
        .With("mode", result->full ? "full" : "from checkpoint")
        .With("records", result->records_read)
        .With("applied", result->records_applied)
        .With("seconds", result->seconds)
        .With("rate_per_s", result->seconds > 0
                                ? result->records_read / result->seconds
                                : 0.0);
  }
  return absl::OkStatus();
}

absl::StatusOr<RestoreResult> ChangelogRestorer::RestoreStore(
    Task& task, TaskStore& store, const std::vector<int64_t>& resume) {
  RestoreResult result;
  absl::Time start = absl::Now();
  const std::string& topic = store.info->changelog_topic;
  const int32_t partition = task.partition();

  auto checkpoint = store.rocks->ReadCheckpoint();
  if (!checkpoint.ok()) return checkpoint.status();
  bool reuse = checkpoint->has_value();
  if (reuse) {
    const Checkpoint& c = **checkpoint;
    for (int i = 0; i < c.input_offsets_size(); ++i) {
      if (i < static_cast<int>(resume.size()) &&
          c.input_offsets(i) > resume[i]) {
        reuse = false;  // ahead of the committed input: rebuild
      }
    }
    if (!reuse) {
      LogWarning(
          "local state is ahead of the committed input; rebuilding it "
          "from the changelog")
          .With("task", task.id())
          .With("store", store.info->name);
      absl::Status wiped = task.WipeStore(store);
      if (!wiped.ok()) return wiped;
    }
  }
  result.full = !reuse;

  int64_t low = 0, high = 0;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      consumer_.get(), topic.c_str(), partition, &low, &high, 30000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("cannot read the end of ", topic,
                                               "[", partition,
                                               "]: ", rd_kafka_err2str(err)));
  }
  int64_t from = reuse ? (*checkpoint)->changelog_offset() + 1 : 0;
  if (from < low) {
    if (reuse || low > 0) {
      LogWarning(
          "changelog records were deleted before they could be "
          "restored (retention); the state may miss them")
          .With("topic", topic)
          .With("partition", partition)
          .With("first_available", low)
          .With("wanted_from", from);
    }
    from = low;
  }
  Checkpoint done;
  for (int64_t r : resume) done.add_input_offsets(r);
  if (from >= high) {
    done.set_changelog_offset(
        reuse ? std::max<int64_t>((*checkpoint)->changelog_offset(), high - 1)
              : high - 1);
    store.acked_changelog_offset = done.changelog_offset();
    absl::Status committed = store.rocks->Commit(done);
    if (!committed.ok()) return committed;
    result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
    return result;
  }

  PartitionListPtr assignment(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), partition)
      ->offset = from;
  err = rd_kafka_assign(consumer_.get(), assignment.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(rd_kafka_err2str(err));
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(consumer_.get());
  std::vector<rd_kafka_message_t*> batch(4096);
  const int64_t total = high - from;
  int64_t next = from;
  absl::Time next_log = absl::Now() + absl::Seconds(2);
  absl::Time last_progress = absl::Now();
  absl::Status status;
  while (next < high && status.ok()) {
    // A short wait: the batch call returns early only when the batch is
    // full, and the last one never is.
    ssize_t n =
        rd_kafka_consume_batch_queue(queue, 20, batch.data(), batch.size());
    if (n <= 0) {
      if (absl::Now() - last_progress > absl::Seconds(60)) {
        status = absl::UnavailableError(absl::StrCat(
            "no progress reading ", topic, "[", partition, "] for 60s"));
      }
      continue;
    }
    last_progress = absl::Now();
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = batch[static_cast<size_t>(i)];
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && status.ok()) {
        ++result.records_read;
        next = m->offset + 1;
        absl::string_view tag;
        rd_kafka_headers_t* headers = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        if (rd_kafka_message_headers(m, &headers) ==
                RD_KAFKA_RESP_ERR_NO_ERROR &&
            rd_kafka_header_get_last(headers, kChangelogTagHeader, &value,
                                     &size) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          tag = absl::string_view(static_cast<const char*>(value), size);
        }
        if (TagWithin(tag, resume)) {
          ++result.records_applied;
          absl::string_view key(static_cast<const char*>(m->key), m->key_len);
          status =
              m->payload == nullptr
                  ? store.rocks->Delete(key)
                  : store.rocks->Put(
                        key, absl::string_view(
                                 static_cast<const char*>(m->payload), m->len));
        }
        // Bound the pending batch: commit progress as we go.
        if (status.ok() && store.rocks->PendingWrites() >= 100000) {
          Checkpoint partial = done;
          partial.set_changelog_offset(m->offset);
          status = store.rocks->Commit(partial);
        }
      } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR &&
                 m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        status = absl::UnavailableError(rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
    }
    if (absl::Now() > next_log) {
      double secs = absl::ToDoubleSeconds(absl::Now() - start);
      double rate = result.records_read / std::max(secs, 1e-9);
      LogInfo("restoring state")
          .With("task", task.id())
          .With("store", store.info->name)
          .With("records", result.records_read)
          .With("total", total)
          .With("rate_per_s", rate)
          .With("eta_s", rate > 0 ? (high - next) / rate : 0.0);
      next_log = absl::Now() + absl::Seconds(2);
    }
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_assign(consumer_.get(), nullptr);
  if (!status.ok()) return status;
  done.set_changelog_offset(high - 1);
  store.acked_changelog_offset = high - 1;
  absl::Status committed = store.rocks->Commit(done);
  if (!committed.ok()) return committed;
  result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return result;
}

}  // namespace netstreams
