#include "src/runtime/changelog_restorer.h"

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_set.h"
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

// One changelog partition being restored into one store.
struct ChangelogRestorer::Partition {
  Task* task = nullptr;
  TaskStore* store = nullptr;
  const std::vector<int64_t>* resume = nullptr;
  bool full = false;
  int64_t from = 0;
  int64_t end = 0;  // high watermark when the restore started
  uint64_t read = 0;
  uint64_t applied = 0;
  // Keys whose last record read was skipped (written by a commit that
  // never completed) and that no later applied record superseded.
  absl::flat_hash_set<std::string> orphaned;
  bool done() const { return from >= end; }
};

absl::StatusOr<std::unique_ptr<ChangelogRestorer>> ChangelogRestorer::Create(
    const KafkaSettings& settings, const std::string& client_id,
    EngineStats* stats) {
  std::unique_ptr<ChangelogRestorer> restorer(new ChangelogRestorer());
  auto consumer = NewKafkaClient(RD_KAFKA_CONSUMER, settings,
                                 {{"group.id", client_id},
                                  {"client.id", client_id},
                                  {"enable.auto.commit", "false"},
                                  {"enable.partition.eof", "false"},
                                  {"auto.offset.reset", "earliest"},
                                  // Partitions finish at different times: a
                                  // fetch for the others must not wait.
                                  {"fetch.wait.max.ms", "10"}});
  if (!consumer.ok()) return consumer.status();
  restorer->consumer_ = std::move(*consumer);
  restorer->stats_ = stats;
  return restorer;
}

absl::Status ChangelogRestorer::Prepare(Task& task, TaskStore& store,
                                        const std::vector<int64_t>& resume,
                                        Partition* p) {
  p->task = &task;
  p->store = &store;
  p->resume = &resume;
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
  if (!reuse && checkpoint->has_value() == false) {
    // No checkpoint but entries: the leftovers of a restore that died.
    auto empty = store.rocks->Empty();
    if (!empty.ok()) return empty.status();
    if (!*empty) {
      absl::Status wiped = task.WipeStore(store);
      if (!wiped.ok()) return wiped;
    }
  }
  p->full = !reuse;
  p->from = reuse ? (*checkpoint)->changelog_offset() + 1 : 0;
  return absl::OkStatus();
}

absl::Status ChangelogRestorer::RestoreTasks(
    const std::vector<TaskToRestore>& tasks) {
  absl::Time start = absl::Now();
  std::vector<Partition> parts;
  for (const TaskToRestore& t : tasks) {
    for (TaskStore& store : t.task->stores()) {
      if (store.restored || !store.info->logged) continue;
      parts.emplace_back();
      absl::Status prepared = Prepare(*t.task, store, t.resume, &parts.back());
      if (!prepared.ok()) return prepared;
    }
  }
  if (parts.empty()) return absl::OkStatus();

  // Where each changelog partition begins and ends, in two requests.
  PartitionListPtr lows(
      rd_kafka_topic_partition_list_new(static_cast<int>(parts.size())));
  for (const Partition& p : parts) {
    rd_kafka_topic_partition_list_add(lows.get(),
                                      p.store->info->changelog_topic.c_str(),
                                      p.task->partition())
        ->offset = -2;  // earliest
  }
  PartitionListPtr highs(rd_kafka_topic_partition_list_copy(lows.get()));
  for (int i = 0; i < highs->cnt; ++i) highs->elems[i].offset = -1;  // latest
  for (rd_kafka_topic_partition_list_t* list : {lows.get(), highs.get()}) {
    rd_kafka_resp_err_t err =
        rd_kafka_offsets_for_times(consumer_.get(), list, 30000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::UnavailableError(absl::StrCat(
          "cannot read changelog offsets: ", rd_kafka_err2str(err)));
    }
  }
  std::map<std::pair<std::string, int32_t>, Partition*> by_partition;
  PartitionListPtr assignment(
      rd_kafka_topic_partition_list_new(static_cast<int>(parts.size())));
  int64_t total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    Partition& p = parts[i];
    int64_t low = lows->elems[i].offset;
    p.end = highs->elems[i].offset;
    if (lows->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR ||
        highs->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::UnavailableError(absl::StrCat(
          "cannot read the offsets of ", p.store->info->changelog_topic, "[",
          p.task->partition(), "]"));
    }
    if (p.from < low) {
      LogWarning(
          "changelog records were deleted before they could be "
          "restored (retention); the state may miss them")
          .With("topic", p.store->info->changelog_topic)
          .With("partition", p.task->partition())
          .With("first_available", low)
          .With("wanted_from", p.from);
      p.from = low;
    }
    if (p.done()) continue;
    total += p.end - p.from;
    by_partition[{p.store->info->changelog_topic, p.task->partition()}] = &p;
    rd_kafka_topic_partition_list_add(assignment.get(),
                                      p.store->info->changelog_topic.c_str(),
                                      p.task->partition())
        ->offset = p.from;
  }

  absl::Status status;
  if (assignment->cnt > 0) {
    rd_kafka_resp_err_t err =
        rd_kafka_assign(consumer_.get(), assignment.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::InternalError(rd_kafka_err2str(err));
    }
    LogInfo("restoring state")
        .With("stores", static_cast<int64_t>(by_partition.size()))
        .With("records", total);
  }
  stats_->restore_remaining += total;
  // How much of `read` the metrics have been told about.
  int64_t reported = 0;
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(consumer_.get());
  std::vector<rd_kafka_message_t*> batch(4096);
  size_t remaining = by_partition.size();
  uint64_t read = 0;
  absl::Time next_log = absl::Now() + absl::Seconds(2);
  absl::Time last_progress = absl::Now();
  while (remaining > 0 && status.ok()) {
    // A short wait: the batch call returns early only when the batch is
    // full, and the last one never is.
    ssize_t n =
        rd_kafka_consume_batch_queue(queue, 20, batch.data(), batch.size());
    if (n <= 0) {
      if (absl::Now() - last_progress > absl::Seconds(60)) {
        status =
            absl::UnavailableError("no progress reading changelogs for 60s");
      }
      continue;
    }
    last_progress = absl::Now();
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = batch[static_cast<size_t>(i)];
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && status.ok()) {
          status = absl::UnavailableError(rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
        continue;
      }
      auto it = by_partition.find({rd_kafka_topic_name(m->rkt), m->partition});
      if (it == by_partition.end() || it->second->done() || !status.ok()) {
        rd_kafka_message_destroy(m);
        continue;
      }
      Partition& p = *it->second;
      ++p.read;
      ++read;
      p.from = m->offset + 1;
      absl::string_view tag;
      rd_kafka_headers_t* headers = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR &&
          rd_kafka_header_get_last(headers, kChangelogTagHeader, &value,
                                   &size) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        tag = absl::string_view(static_cast<const char*>(value), size);
      }
      absl::string_view key(static_cast<const char*>(m->key), m->key_len);
      if (!TagWithin(tag, *p.resume)) {
        p.orphaned.emplace(key);
      } else {
        ++p.applied;
        if (!p.orphaned.empty()) p.orphaned.erase(key);
        status =
            m->payload == nullptr
                ? p.store->rocks->RestoreDelete(key)
                : p.store->rocks->RestorePut(
                      key, absl::string_view(
                               static_cast<const char*>(m->payload), m->len));
      }
      if (p.done()) --remaining;
      rd_kafka_message_destroy(m);
    }
    int64_t now_read = static_cast<int64_t>(read);
    stats_->restore_records_read += static_cast<uint64_t>(now_read - reported);
    stats_->restore_remaining -=
        std::min(now_read, total) - std::min(reported, total);
    reported = now_read;
    if (absl::Now() > next_log) {
      double secs = absl::ToDoubleSeconds(absl::Now() - start);
      double rate = read / std::max(secs, 1e-9);
      LogInfo("restoring state")
          .With("records", read)
          .With("total", total)
          .With("rate_per_s", rate)
          .With("eta_s",
                rate > 0 ? (total - static_cast<int64_t>(read)) / rate : 0.0);
      next_log = absl::Now() + absl::Seconds(2);
    }
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_assign(consumer_.get(), nullptr);
  stats_->restore_remaining -= total - std::min<int64_t>(reported, total);
  if (!status.ok()) return status;

  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  for (Partition& p : parts) {
    Checkpoint done;
    for (int64_t r : *p.resume) done.add_input_offsets(r);
    done.set_changelog_offset(p.end - 1);
    p.store->acked_changelog_offset = p.end - 1;
    absl::Status committed = p.store->rocks->FinishRestore(done);
    if (!committed.ok()) return committed;
    p.store->restored = true;
    if (!p.orphaned.empty()) {
      // Once the committed input moves past their tags, a later restore
      // would apply these records; write each key's restored value (or a
      // tombstone) after them, tagged with the resume position, so the
      // changelog's last word on every key stays the committed one.
      absl::Status relogged =
          p.task->RelogKeys(*p.store, *p.resume, p.orphaned);
      if (!relogged.ok()) return relogged;
      LogInfo("re-logged keys left by an incomplete commit")
          .With("task", p.task->id())
          .With("store", p.store->info->name)
          .With("keys", static_cast<int64_t>(p.orphaned.size()));
    }
    LogInfo("state restored")
        .With("task", p.task->id())
        .With("store", p.store->info->name)
        .With("mode", p.full ? "full" : "from checkpoint")
        .With("records", p.read)
        .With("applied", p.applied);
  }
  stats_->AddRestore(read, seconds);
  if (read > 0) {
    LogInfo("restore finished")
        .With("records", read)
        .With("seconds", seconds)
        .With("rate_per_s", read / std::max(seconds, 1e-9));
  }
  return absl::OkStatus();
}

}  // namespace netstreams
