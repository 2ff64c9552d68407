#include "src/runtime/engine.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "src/common/log.h"

namespace netstreams {

std::vector<TopicSpec> TopicsToCreate(const LoadedTopology& topology) {
  std::vector<TopicSpec> out;
  for (const TopicInfo& t : topology.topics) {
    TopicSpec spec{t.name, t.partitions, {}};
    if (t.compacted) spec.configs["cleanup.policy"] = "compact";
    out.push_back(spec);
  }
  return out;
}

Engine::Engine(const LoadedTopology& topology, EngineOptions options)
    : topology_(topology),
      options_(std::move(options)),
      stats_(std::make_unique<EngineStats>(
          static_cast<int>(topology.stages.size()),
          topology.processing.threads)),
      store_memory_(std::make_unique<StoreMemory>(
          static_cast<size_t>(topology.processing.state_memory_mb) << 20)) {}

Engine::~Engine() { Shutdown(); }

void Engine::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t* partitions,
                         void* opaque) {
  static_cast<Engine*>(opaque)->HandleRebalance(err, partitions);
}

void Engine::OnError(rd_kafka_t* rk, int err, const char* reason,
                     void* opaque) {
  auto* self = static_cast<Engine*>(opaque);
  auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    char detail[512];
    rd_kafka_fatal_error(rk, detail, sizeof(detail));
    self->Fail(
        absl::InternalError(absl::StrCat("fatal Kafka error: ", detail)));
    return;
  }
  if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    auto it = self->options_.kafka.find("bootstrap.servers");
    LogWarning("cannot reach any Kafka broker; retrying")
        .With("bootstrap.servers",
              it == self->options_.kafka.end() ? "" : it->second);
    return;
  }
  LogWarning("Kafka client error").With("error", reason);
}

void Engine::Fail(absl::Status status) {
  if (failure_.ok()) failure_ = status;
  fatal_ = true;
}

int Engine::SubtopologyOf(const std::string& topic) const {
  for (const Subtopology& s : topology_.subtopologies) {
    if (std::find(s.source_topics.begin(), s.source_topics.end(), topic) !=
        s.source_topics.end()) {
      return s.id;
    }
  }
  return -1;
}

void Engine::HandleRebalance(rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t* partitions) {
  const bool cooperative =
      std::string(rd_kafka_rebalance_protocol(consumer_.get())) ==
      "COOPERATIVE";
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    absl::Status status = AssignPartitions(partitions);
    if (!status.ok()) Fail(status);
    if (cooperative) {
      rd_kafka_error_t* e =
          rd_kafka_incremental_assign(consumer_.get(), partitions);
      if (e != nullptr) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(consumer_.get(), partitions);
    }
    assigned_once_ = true;
    between_revoke_and_assign_ = false;
  } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    between_revoke_and_assign_ = !cooperative;
    // An eager revocation is followed by an assignment that usually hands
    // much back: tasks are suspended, unless the membership was lost (then
    // others may own them already).
    const bool suspend =
        !cooperative && !rd_kafka_assignment_lost(consumer_.get());
    absl::Status status = RevokePartitions(partitions, suspend);
    if (!status.ok()) Fail(status);
    if (cooperative) {
      rd_kafka_error_t* e =
          rd_kafka_incremental_unassign(consumer_.get(), partitions);
      if (e != nullptr) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(consumer_.get(), nullptr);
    }
  } else {
    LogWarning("rebalance error").With("error", rd_kafka_err2str(err));
    rd_kafka_assign(consumer_.get(), nullptr);
  }
}

absl::Status Engine::AssignPartitions(
    rd_kafka_topic_partition_list_t* partitions) {
  std::map<int, std::vector<TopicPartition>> per_thread;
  std::vector<int> load(threads_.size(), 0);
  for (const auto& [task, owner] : task_owner_) ++load[owner];
  std::vector<std::string> described;
  for (int i = 0; i < partitions->cnt; ++i) {
    TopicPartition tp{partitions->elems[i].topic,
                      partitions->elems[i].partition};
    described.push_back(absl::StrCat(tp.topic, "[", tp.partition, "]"));
    int sub = SubtopologyOf(tp.topic);
    if (sub < 0) continue;
    auto key = std::make_pair(sub, tp.partition);
    auto it = task_owner_.find(key);
    if (it == task_owner_.end()) {
      int best = static_cast<int>(std::min_element(load.begin(), load.end()) -
                                  load.begin());
      ++load[best];
      it = task_owner_.emplace(key, best).first;
    }
    per_thread[it->second].push_back(tp);
    assigned_[tp] = it->second;
  }
  LogInfo("partitions assigned")
      .With("group", topology_.application_id)
      .With("partitions", absl::StrJoin(described, ","));
  ++stats_->rebalances;
  stats_->joined = true;
  stats_->partitions_assigned = static_cast<int64_t>(assigned_.size());
  stats_->tasks_assigned = static_cast<int64_t>(task_owner_.size());
  std::map<TopicPartition, int64_t> resume_at;
  for (auto& [thread, tps] : per_thread) {
    absl::Status status = threads_[thread]->Assign(tps, &resume_at);
    if (!status.ok()) return status;
    // Route each partition's records straight to its stream thread.
    for (const TopicPartition& tp : tps) {
      rd_kafka_queue_t* pq = rd_kafka_queue_get_partition(
          consumer_.get(), tp.topic.c_str(), tp.partition);
      if (pq == nullptr) {
        return absl::InternalError(
            absl::StrCat("no queue for ", tp.topic, "[", tp.partition, "]"));
      }
      rd_kafka_queue_forward(pq, threads_[thread]->queue());
      rd_kafka_queue_destroy(pq);
    }
  }
  // Resumed tasks continue where they stopped (their last commit may have
  // been refused); the others start at the group's committed offsets.
  for (int i = 0; i < partitions->cnt; ++i) {
    auto it = resume_at.find(TopicPartition{partitions->elems[i].topic,
                                            partitions->elems[i].partition});
    if (it != resume_at.end()) partitions->elems[i].offset = it->second;
  }
  // Suspended tasks that did not come back belong to others now.
  for (auto& thread : threads_) {
    absl::Status status = thread->CloseSuspended();
    if (!status.ok()) return status;
  }
  ForgetUnassignedTasks();
  return absl::OkStatus();
}

void Engine::ForgetUnassignedTasks() {
  std::set<std::pair<int, int32_t>> live;
  for (const auto& [tp, thread] : assigned_) {
    live.insert({SubtopologyOf(tp.topic), tp.partition});
  }
  for (auto it = task_owner_.begin(); it != task_owner_.end();) {
    it = live.count(it->first) ? std::next(it) : task_owner_.erase(it);
  }
  stats_->partitions_assigned = static_cast<int64_t>(assigned_.size());
  stats_->tasks_assigned = static_cast<int64_t>(task_owner_.size());
}

absl::Status Engine::RevokePartitions(
    rd_kafka_topic_partition_list_t* partitions, bool suspend) {
  std::map<int, std::vector<TopicPartition>> per_thread;
  for (int i = 0; i < partitions->cnt; ++i) {
    TopicPartition tp{partitions->elems[i].topic,
                      partitions->elems[i].partition};
    auto it = assigned_.find(tp);
    if (it == assigned_.end()) continue;
    per_thread[it->second].push_back(tp);
    assigned_.erase(it);
  }
  LogInfo("partitions revoked")
      .With("group", topology_.application_id)
      .With("count", partitions->cnt);
  absl::Status result;
  for (auto& [thread, tps] : per_thread) {
    if (shutting_down_) break;  // threads already committed and closed
    absl::Status status = threads_[thread]->Revoke(tps, suspend);
    if (!status.ok() && result.ok()) result = status;
  }
  if (suspend) {
    // Suspended tasks keep their thread until the next assignment.
    stats_->partitions_assigned = static_cast<int64_t>(assigned_.size());
  } else {
    ForgetUnassignedTasks();
  }
  return result;
}

absl::Status Engine::Run() {
  absl::Time start = absl::Now();
  KafkaSettings settings(topology_.kafka.begin(), topology_.kafka.end());
  for (const auto& [k, v] : options_.kafka) settings[k] = v;
  // New groups start from the earliest records unless the topology says
  // otherwise.
  KafkaSettings consumer_settings = {{"auto.offset.reset", "earliest"}};
  for (const auto& [k, v] : settings) consumer_settings[k] = v;
  Engine* self = this;
  auto consumer = NewKafkaClient(
      RD_KAFKA_CONSUMER, consumer_settings,
      {
          {"group.id", topology_.application_id},
          {"client.id", absl::StrCat(topology_.application_id, "-consumer")},
          // Offsets are committed by the stream threads, after the
          // outputs they produced are acknowledged.
          {"enable.auto.commit", "false"},
          {"enable.auto.offset.store", "false"},
          // End-of-partition events tell when input is drained.
          {"enable.partition.eof", "true"},
          // Range assigns equal partition numbers of co-partitioned
          // topics to the same member, which tasks rely on.
          {"partition.assignment.strategy", "range"},
      },
      [self](rd_kafka_conf_t* conf) {
        rd_kafka_conf_set_rebalance_cb(conf, &Engine::OnRebalance);
        rd_kafka_conf_set_error_cb(conf, &Engine::OnError);
        rd_kafka_conf_set_opaque(conf, self);
      });
  if (!consumer.ok()) return consumer.status();
  consumer_ = std::move(*consumer);
  auto watermarks = NewKafkaClient(
      RD_KAFKA_PRODUCER, settings,
      {{"client.id", absl::StrCat(topology_.application_id, "-watermarks")}});
  if (!watermarks.ok()) return watermarks.status();
  watermarks_ = std::move(*watermarks);
  rd_kafka_poll_set_consumer(consumer_.get());

  const std::string state_dir =
      absl::StrCat(options_.state_dir.empty() ? topology_.processing.state_dir
                                              : options_.state_dir,
                   "/", topology_.application_id);
  for (int i = 0; i < topology_.processing.threads; ++i) {
    auto thread = std::make_unique<StreamThread>(
        i, topology_, consumer_.get(), stats_.get(), store_memory_.get(),
        state_dir);
    absl::Status status = thread->Start(settings);
    if (!status.ok()) return status;
    threads_.push_back(std::move(thread));
  }

  std::set<std::string> topics;
  for (const Subtopology& s : topology_.subtopologies) {
    topics.insert(s.source_topics.begin(), s.source_topics.end());
  }
  PartitionListPtr subscription(
      rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const std::string& t : topics) {
    rd_kafka_topic_partition_list_add(subscription.get(), t.c_str(),
                                      RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err =
      rd_kafka_subscribe(consumer_.get(), subscription.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(
        absl::StrCat("cannot subscribe: ", rd_kafka_err2str(err)));
  }
  running_ = true;
  LogInfo("engine started")
      .With("application", topology_.application_id)
      .With("threads", topology_.processing.threads)
      .With("topics", absl::StrJoin(topics, ","));

  absl::Time next_wait_log = absl::Now() + absl::Seconds(5);
  while (!fatal_) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_.get(), 100);
    if (m != nullptr) {
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        LogWarning("consumer error").With("error", rd_kafka_message_errstr(m));
      } else {
        // Every assigned partition is forwarded to a stream thread before
        // it is assigned; a record here is a bug, and it is not committed.
        LogError("record reached the coordinator queue")
            .With("topic", rd_kafka_topic_name(m->rkt))
            .With("partition", m->partition)
            .With("offset", m->offset);
      }
      rd_kafka_message_destroy(m);
    }
    if (options_.stop != nullptr && options_.stop->load()) {
      LogInfo("stop requested; finishing in-flight records");
      break;
    }
    for (const auto& t : threads_) {
      if (t->failed()) Fail(t->status());
    }
    peak_state_memory_ =
        std::max(peak_state_memory_, store_memory_->UsageBytes());
    if (!assigned_once_ && absl::Now() > next_wait_log) {
      LogInfo("waiting for partition assignment")
          .With("group", topology_.application_id);
      next_wait_log = absl::Now() + absl::Seconds(5);
    }
    if (options_.until_idle && assigned_once_ && !between_revoke_and_assign_) {
      bool idle = true;
      for (const auto& t : threads_) idle = idle && t->idle();
      if (idle && AssignedPartitionsDrained()) {
        LogInfo("input drained; outputs flushed and offsets committed");
        break;
      }
    }
  }
  Shutdown();
  elapsed_ = absl::Now() - start;
  return failure_;
}

bool Engine::AssignedPartitionsDrained() {
  if (assigned_.empty()) return true;
  PartitionListPtr list(
      rd_kafka_topic_partition_list_new(static_cast<int>(assigned_.size())));
  for (const auto& [tp, thread] : assigned_) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(),
                                      tp.partition);
  }
  if (rd_kafka_position(consumer_.get(), list.get()) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return false;
  }
  // Partitions with nothing consumed since assignment have no position:
  // their committed offset is where they stand.
  PartitionListPtr committed(rd_kafka_topic_partition_list_copy(list.get()));
  if (rd_kafka_committed(consumer_.get(), committed.get(), 5000) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return false;
  }
  // High watermarks, fresh from the brokers, in one request per broker
  // (ListOffsets with timestamp -1 means "latest"). A separate client:
  // the consumer's connection is busy with long-polling fetches.
  PartitionListPtr ends(rd_kafka_topic_partition_list_copy(list.get()));
  for (int i = 0; i < ends->cnt; ++i) ends->elems[i].offset = -1;
  if (rd_kafka_offsets_for_times(watermarks_.get(), ends.get(), 5000) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return false;
  }
  for (int i = 0; i < list->cnt; ++i) {
    int64_t position = list->elems[i].offset;
    if (position < 0) position = committed->elems[i].offset;
    if (position < 0) position = 0;
    if (ends->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR ||
        position < ends->elems[i].offset) {
      return false;
    }
  }
  return true;
}

void Engine::Shutdown() {
  running_ = false;
  if (consumer_ == nullptr) return;
  shutting_down_ = true;
  for (auto& t : threads_) {
    t->Stop();
    if (t->failed()) Fail(t->status());
  }
  rd_kafka_consumer_close(consumer_.get());
  threads_.clear();
  consumer_.reset();
  watermarks_.reset();
}

}  // namespace netstreams
