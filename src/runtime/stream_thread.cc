#include "src/runtime/stream_thread.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "src/common/log.h"

namespace netstreams {
namespace {

// Exposes a consumed librdkafka message as a record origin.
class KafkaOrigin final : public Origin {
 public:
  explicit KafkaOrigin(const rd_kafka_message_t* m) : message_(m) {
    topic = rd_kafka_topic_name(m->rkt);
    partition = m->partition;
    offset = m->offset;
    key = absl::string_view(static_cast<const char*>(m->key), m->key_len);
    value = absl::string_view(static_cast<const char*>(m->payload), m->len);
    rd_kafka_timestamp_type_t type;
    int64_t ts = rd_kafka_message_timestamp(m, &type);
    timestamp_ms = ts >= 0 ? ts : absl::ToUnixMillis(absl::Now());
  }

  void VisitHeaders(
      absl::FunctionRef<void(absl::string_view, absl::string_view)> visit)
      const override {
    ForEachHeader(message_, [&](const char* name, absl::string_view value) {
      visit(name, value);
    });
  }

 private:
  const rd_kafka_message_t* message_;
};

constexpr size_t kArenaBlockBytes = 1 << 20;

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Adds the thread CPU time of its scope to a counter.
class CpuScope {
 public:
  explicit CpuScope(double* total)
      : total_(total), start_(ThreadCpuSeconds()) {}
  ~CpuScope() { *total_ += ThreadCpuSeconds() - start_; }

 private:
  double* total_;
  double start_;
};

}  // namespace

StreamThread::StreamThread(int index, const LoadedTopology& topology,
                           rd_kafka_t* consumer, EngineStats* stats,
                           StoreMemory* store_memory, std::string state_dir)
    : index_(index),
      topology_(topology),
      consumer_(consumer),
      stats_(stats),
      store_memory_(store_memory),
      state_dir_(std::move(state_dir)) {}

StreamThread::~StreamThread() {
  Stop();
  tasks_.clear();
  queue_.reset();
}

absl::Status StreamThread::Start(const KafkaSettings& settings) {
  auto collector = KafkaRecordCollector::Create(
      settings, topology_,
      absl::StrCat(topology_.application_id, "-thread-", index_, "-producer"));
  if (!collector.ok()) return collector.status();
  collector_ = std::move(*collector);
  bool logged = false;
  for (const StoreInfo& store : topology_.stores) logged |= store.logged;
  if (logged) {
    auto restorer = ChangelogRestorer::Create(
        settings,
        absl::StrCat(topology_.application_id, "-thread-", index_, "-restore"),
        stats_);
    if (!restorer.ok()) return restorer.status();
    restorer_ = std::move(*restorer);
  }
  queue_.reset(rd_kafka_queue_new(consumer_));
  arena_block_.resize(kArenaBlockBytes);
  google::protobuf::ArenaOptions options;
  options.initial_block = arena_block_.data();
  options.initial_block_size = arena_block_.size();
  arena_ = std::make_unique<google::protobuf::Arena>(options);
  batch_.resize(static_cast<size_t>(topology_.processing.max_poll_records));
  last_commit_ = absl::Now();
  running_ = true;
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

absl::Status StreamThread::status() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  return status_;
}

void StreamThread::SetFailed(absl::Status status) {
  {
    std::lock_guard<std::mutex> lock(status_mu_);
    if (status_.ok()) status_ = status;
  }
  LogError("stream thread failed")
      .With("thread", index_)
      .With("error", status.ToString());
  failed_ = true;
}

absl::Status StreamThread::Call(std::function<absl::Status()> fn) {
  Command command;
  command.fn = std::move(fn);
  std::unique_lock<std::mutex> lock(mu_);
  if (!running_) {
    return absl::FailedPreconditionError("stream thread is not running");
  }
  commands_.push_back(&command);
  rd_kafka_queue_yield(queue_.get());
  done_cv_.wait(lock, [&] { return command.done; });
  return command.result;
}

void StreamThread::RunCommands() {
  while (true) {
    Command* command;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (commands_.empty()) return;
      command = commands_.front();
      commands_.pop_front();
    }
    absl::Status result = command->fn();
    {
      std::lock_guard<std::mutex> lock(mu_);
      command->result = result;
      command->done = true;
    }
    done_cv_.notify_all();
  }
}

absl::Status StreamThread::Assign(
    const std::vector<TopicPartition>& partitions,
    std::map<TopicPartition, int64_t>* resume_at) {
  return Call([this, partitions, resume_at]() -> absl::Status {
    routes_.clear();
    idle_ = false;
    // Suspended tasks that come back resume where they stopped, unless
    // the group's committed offsets moved since (another member owned the
    // partition in between): then their state is rebuilt as a new task's.
    std::map<std::pair<int, int32_t>, bool> back;  // task -> resumable
    PartitionListPtr committed(rd_kafka_topic_partition_list_new(8));
    for (const TopicPartition& tp : partitions) {
      for (auto& [key, task] : tasks_) {
        if (task->partition() != tp.partition) continue;
        int source = task->SourceIndex(tp.topic);
        if (source < 0) continue;
        bool suspended = true;
        for (const auto& other : task->sources()) {
          suspended = suspended && !other.assigned;
        }
        if (!suspended) continue;
        const SourcePartition& sp = task->sources()[source];
        back.emplace(key, true);
        if (sp.next_offset < 0) continue;  // nothing processed yet
        rd_kafka_topic_partition_list_add(committed.get(), tp.topic.c_str(),
                                          tp.partition);
      }
    }
    rd_kafka_resp_err_t fetched = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (committed->cnt > 0) {
      fetched = rd_kafka_committed(consumer_, committed.get(), 10000);
    }
    for (auto& [key, resumable] : back) {
      Task* task = tasks_.at(key).get();
      for (const SourcePartition& sp : task->sources()) {
        if (sp.next_offset < 0) continue;
        TopicPartition tp{sp.topic, sp.partition};
        auto gap = handover_gaps_.find(tp);
        const int64_t expected =
            gap == handover_gaps_.end() ? sp.next_offset : gap->second.from;
        bool same = false;
        for (int i = 0; i < committed->cnt; ++i) {
          const rd_kafka_topic_partition_t& c = committed->elems[i];
          if (c.topic == sp.topic && c.partition == sp.partition) {
            same = fetched == RD_KAFKA_RESP_ERR_NO_ERROR &&
                   c.err == RD_KAFKA_RESP_ERR_NO_ERROR && expected >= 0 &&
                   c.offset == expected;
          }
        }
        resumable = resumable && same;
      }
    }
    for (auto& [key, resumable] : back) {
      auto it = tasks_.find(key);
      Task* task = it->second.get();
      std::vector<std::pair<TopicPartition, HandOverGap>> gaps;
      for (SourcePartition& sp : task->sources()) {
        TopicPartition tp{sp.topic, sp.partition};
        auto gap = handover_gaps_.find(tp);
        if (gap == handover_gaps_.end()) continue;
        if (!resumable) gaps.emplace_back(tp, gap->second);
        // What the group holds: the next commit carries the position.
        sp.committed_offset = gap->second.from;
        handover_gaps_.erase(gap);
      }
      if (resumable) {
        for (const SourcePartition& sp : task->sources()) {
          if (sp.next_offset >= 0) {
            (*resume_at)[TopicPartition{sp.topic, sp.partition}] =
                sp.next_offset;
          }
        }
        ++stats_->tasks_resumed;
        LogInfo("task resumed").With("task", task->id()).With("thread", index_);
        continue;
      }
      // This thread redoes what it left uncommitted itself.
      ReportGaps(gaps, "revoked");
      LogInfo(
          "suspended task not resumed: the group's committed offsets "
          "moved; rebuilding it")
          .With("task", task->id())
          .With("thread", index_);
      CloseTask(it);
    }
    for (const TopicPartition& tp : partitions) {
      int sub = -1;
      for (const Subtopology& s : topology_.subtopologies) {
        if (std::find(s.source_topics.begin(), s.source_topics.end(),
                      tp.topic) != s.source_topics.end()) {
          sub = s.id;
        }
      }
      if (sub < 0) {
        return absl::InternalError(
            absl::StrCat("assigned topic ", tp.topic, " is not a source"));
      }
      auto key = std::make_pair(sub, tp.partition);
      auto it = tasks_.find(key);
      if (it == tasks_.end()) {
        TaskServices services;
        services.collector = collector_.get();
        services.dead_letters = collector_.get();
        services.changelog = collector_.get();
        services.arena = arena_.get();
        services.stats = stats_;
        services.store_memory = store_memory_;
        services.state_dir = state_dir_;
        services.thread_index = index_;
        auto task =
            std::make_unique<Task>(topology_, sub, tp.partition, services);
        absl::Status status = task->Init();
        if (!status.ok()) return status;
        if (task->needs_restore()) ++stats_->tasks_restoring;
        LogInfo("task created").With("task", task->id()).With("thread", index_);
        it = tasks_.emplace(key, std::move(task)).first;
      }
      int source = it->second->SourceIndex(tp.topic);
      SourcePartition& sp = it->second->sources()[source];
      sp.assigned = true;
      sp.at_end = false;
    }
    task_count_ = static_cast<int>(tasks_.size());
    return absl::OkStatus();
  });
}

absl::Status StreamThread::Revoke(const std::vector<TopicPartition>& partitions,
                                  bool suspend) {
  return Call([this, partitions, suspend]() -> absl::Status {
    routes_.clear();
    // Commit what the affected tasks have processed before letting go.
    std::vector<Task*> affected;
    for (const TopicPartition& tp : partitions) {
      for (auto& [key, task] : tasks_) {
        int source = task->SourceIndex(tp.topic);
        if (source >= 0 && task->partition() == tp.partition) {
          if (std::find(affected.begin(), affected.end(), task.get()) ==
              affected.end()) {
            affected.push_back(task.get());
          }
        }
      }
    }
    suspending_ = suspend;
    absl::Status status = CommitTasks(affected, CommitMode::kHandOver);
    suspending_ = false;
    for (const TopicPartition& tp : partitions) {
      for (auto& [key, task] : tasks_) {
        int source = task->SourceIndex(tp.topic);
        if (source >= 0 && task->partition() == tp.partition) {
          task->sources()[source].assigned = false;
        }
      }
    }
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      Task* task = it->second.get();
      bool any_assigned = false;
      for (const auto& sp : task->sources()) any_assigned |= sp.assigned;
      if (any_assigned) {
        ++it;
      } else if (suspend && !task->needs_restore()) {
        LogInfo("task suspended")
            .With("task", task->id())
            .With("thread", index_);
        ++it;
      } else {
        it = CloseTask(it);
      }
    }
    task_count_ = static_cast<int>(tasks_.size());
    return status;
  });
}

absl::Status StreamThread::CloseSuspended() {
  return Call([this]() -> absl::Status {
    routes_.clear();
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      bool any_assigned = false;
      for (const auto& sp : it->second->sources()) any_assigned |= sp.assigned;
      if (any_assigned) {
        ++it;
        continue;
      }
      std::vector<std::pair<TopicPartition, HandOverGap>> gaps;
      for (const SourcePartition& sp : it->second->sources()) {
        auto gap = handover_gaps_.find(TopicPartition{sp.topic, sp.partition});
        if (gap == handover_gaps_.end()) continue;
        gaps.emplace_back(gap->first, gap->second);
        handover_gaps_.erase(gap);
      }
      ReportGaps(gaps, "revoked");
      it = CloseTask(it);
    }
    task_count_ = static_cast<int>(tasks_.size());
    return absl::OkStatus();
  });
}

std::map<std::pair<int, int32_t>, std::unique_ptr<Task>>::iterator
StreamThread::CloseTask(
    std::map<std::pair<int, int32_t>, std::unique_ptr<Task>>::iterator it) {
  Task* task = it->second.get();
  LogInfo("task closed").With("task", task->id()).With("thread", index_);
  if (task->needs_restore()) --stats_->tasks_restoring;
  stats_->ClearStoreEntries(task->id());
  for (const auto& sp : task->sources()) {
    stats_->ClearLag(sp.topic, sp.partition);
  }
  task->Close();
  routes_.clear();
  return tasks_.erase(it);
}

void StreamThread::Stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  if (queue_ != nullptr) rd_kafka_queue_yield(queue_.get());
  thread_.join();
}

void StreamThread::Run() {
  while (!stop_ && !failed_) {
    {
      CpuScope scope(&cpu_.commands);
      RunCommands();
    }
    absl::Status restored;
    {
      CpuScope scope(&cpu_.restore);
      restored = RestorePending();
    }
    if (!restored.ok()) {
      SetFailed(restored);
      break;
    }
    ssize_t n;
    {
      CpuScope scope(&cpu_.consume);
      n = rd_kafka_consume_batch_queue(queue_.get(), 100, batch_.data(),
                                       batch_.size());
    }
    if (n < 0) {
      SetFailed(absl::InternalError(absl::StrCat(
          "consume failed: ", rd_kafka_err2str(rd_kafka_last_error()))));
      break;
    }
    {
      CpuScope scope(&cpu_.process);
      ProcessBatch(static_cast<size_t>(n));
    }
    int64_t now_ms = absl::ToUnixMillis(absl::Now());
    {
      CpuScope scope(&cpu_.punctuate);
      for (auto& [key, task] : tasks_) task->PunctuateWallClock(now_ms);
    }
    arena_->Reset();
    absl::Status fatal;
    for (auto& [key, task] : tasks_) {
      if (!task->fatal().ok()) fatal = task->fatal();
    }
    if (!fatal.ok()) {
      SetFailed(fatal);
      break;
    }
    collector_->Poll();
    if (!collector_->status().ok()) {
      SetFailed(collector_->status());
      break;
    }
    bool all_at_end = true;
    for (const auto& [key, task] : tasks_) {
      all_at_end = all_at_end && task->AllAtEnd();
    }
    bool interval_due =
        absl::Now() - last_commit_ >= topology_.processing.commit_interval;
    if (interval_due || (n == 0 && all_at_end) || recommit_) {
      absl::Status status = Commit(
          n == 0 && all_at_end ? CommitMode::kIdle : CommitMode::kPeriodic);
      if (!status.ok()) {
        SetFailed(status);
        break;
      }
    }
    bool uncommitted = false;
    for (const auto& [key, task] : tasks_) {
      uncommitted = uncommitted || task->HasUncommitted();
    }
    idle_ = n == 0 && all_at_end && !uncommitted;
  }
  // Shutdown: everything processed is flushed and committed, unless the
  // thread failed (then nothing more may be committed).
  RunCommands();
  if (!failed_) {
    absl::Status status = Commit(CommitMode::kShutdown);
    if (!status.ok()) SetFailed(status);
  }
  for (auto& [key, task] : tasks_) task->Close();
  for (const auto& [phase, seconds] :
       std::vector<std::pair<const char*, double>>{
           {"process", cpu_.process},
           {"consume", cpu_.consume},
           {"commit_state_flush", cpu_.commit_state_flush},
           {"commit_produce_flush", cpu_.commit_produce_flush},
           {"commit_offsets", cpu_.commit_offsets},
           {"commit_local", cpu_.commit_local},
           {"punctuate_wall", cpu_.punctuate},
           {"restore", cpu_.restore},
           {"tasks", cpu_.commands}}) {
    stats_->AddPhaseCpu(phase, seconds);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
    // Fail any command that raced with shutdown.
    for (Command* c : commands_) {
      c->result = absl::CancelledError("stream thread stopped");
      c->done = true;
    }
    commands_.clear();
  }
  done_cv_.notify_all();
}

StreamThread::SourceRef* StreamThread::Lookup(const rd_kafka_message_t* m) {
  auto key = std::make_pair(static_cast<const void*>(m->rkt), m->partition);
  auto it = routes_.find(key);
  if (it != routes_.end()) return &it->second;
  absl::string_view topic = rd_kafka_topic_name(m->rkt);
  for (auto& [task_key, task] : tasks_) {
    if (task->partition() != m->partition) continue;
    int source = task->SourceIndex(topic);
    if (source < 0 || !task->sources()[source].assigned) continue;
    SourceRef ref{task.get(), static_cast<size_t>(source)};
    return &routes_.emplace(key, ref).first->second;
  }
  return nullptr;
}

void StreamThread::ProcessBatch(size_t count) {
  for (size_t i = 0; i < count; ++i) {
    rd_kafka_message_t* m = batch_[i];
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (SourceRef* ref = Lookup(m)) ref->task->MarkEnd(ref->source);
      } else if (m->rkt != nullptr) {
        LogWarning("consumer error")
            .With("topic", rd_kafka_topic_name(m->rkt))
            .With("partition", m->partition)
            .With("error", rd_kafka_message_errstr(m));
      } else {
        LogWarning("consumer error").With("error", rd_kafka_message_errstr(m));
      }
      continue;
    }
    SourceRef* ref = Lookup(m);
    // Records of a partition this thread no longer owns (fetched before a
    // revocation) are skipped: they were not committed, so the new owner
    // reads them again.
    if (ref == nullptr) continue;
    // A resumed task may be handed records it has processed (fetched again
    // from where it stopped while older fetches were in flight).
    if (m->offset < ref->task->sources()[ref->source].next_offset) continue;
    KafkaOrigin origin(m);
    ref->task->Process(ref->source, origin);
  }
  // Everything produced from this batch has been serialized and copied.
  arena_->Reset();
  for (size_t i = 0; i < count; ++i) rd_kafka_message_destroy(batch_[i]);
}

absl::Status StreamThread::RestorePending() {
  std::vector<Task*> pending;
  for (auto& [key, task] : tasks_) {
    if (task->needs_restore()) pending.push_back(task.get());
  }
  if (pending.empty()) return absl::OkStatus();
  // The input positions the restored state must match: the group's
  // committed offsets, for every pending task in one request.
  PartitionListPtr list(rd_kafka_topic_partition_list_new(8));
  for (Task* task : pending) {
    for (const SourcePartition& sp : task->sources()) {
      rd_kafka_topic_partition_list_add(list.get(), sp.topic.c_str(),
                                        sp.partition);
    }
  }
  rd_kafka_resp_err_t err = rd_kafka_committed(consumer_, list.get(), 30000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("cannot read committed offsets: ", rd_kafka_err2str(err)));
  }
  std::vector<ChangelogRestorer::TaskToRestore> restores;
  int i = 0;
  for (Task* task : pending) {
    ChangelogRestorer::TaskToRestore r{task, {}};
    for (size_t s = 0; s < task->sources().size(); ++s, ++i) {
      int64_t offset = list->elems[i].offset;
      r.resume.push_back(offset >= 0 ? offset : -1);
    }
    restores.push_back(std::move(r));
  }
  absl::Status status = restorer_->RestoreTasks(restores);
  for (Task* task : pending) {
    if (!task->needs_restore()) --stats_->tasks_restoring;
  }
  return status;
}

absl::Status StreamThread::Commit(CommitMode mode) {
  std::vector<Task*> all;
  for (auto& [key, task] : tasks_) all.push_back(task.get());
  return CommitTasks(all, mode);
}

absl::Status StreamThread::CommitTasks(const std::vector<Task*>& tasks,
                                       CommitMode mode) {
  bool work = false;
  for (Task* task : tasks) work = work || task->HasUncommitted();
  if (!work) return CommitTasksNow(tasks, mode);  // not counted
  auto start = std::chrono::steady_clock::now();
  absl::Status status = CommitTasksNow(tasks, mode);
  ++stats_->commits;
  stats_->commit_latency().Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
  PublishGauges(tasks);
  return status;
}

void StreamThread::PublishGauges(const std::vector<Task*>& tasks) {
  for (Task* task : tasks) {
    for (const SourcePartition& sp : task->sources()) {
      if (!sp.assigned || sp.next_offset < 0) continue;
      int64_t low = -1, high = -1;
      // Cached from fetch responses: no broker round trip.
      if (rd_kafka_get_watermark_offsets(consumer_, sp.topic.c_str(),
                                         sp.partition, &low,
                                         &high) == RD_KAFKA_RESP_ERR_NO_ERROR &&
          high >= 0) {
        stats_->SetLag(sp.topic, sp.partition,
                       std::max<int64_t>(0, high - sp.next_offset));
      }
    }
    for (TaskStore& store : task->stores()) {
      stats_->SetStoreEntries(
          store.info->name, task->id(),
          static_cast<int64_t>(store.top->ApproximateEntries()));
    }
  }
}

absl::Status StreamThread::CommitTasksNow(const std::vector<Task*>& tasks,
                                          CommitMode mode) {
  last_commit_ = absl::Now();
  // State first: the stores' cached changes go to their changelogs (and
  // RocksDB's pending batch) so that the flush below covers them too.
  {
    CpuScope scope(&cpu_.commit_state_flush);
    for (Task* task : tasks) {
      absl::Status flushed = task->FlushState();
      if (!flushed.ok()) return flushed;
    }
  }
  const bool sync = mode != CommitMode::kPeriodic;
  const bool hand_over =
      mode == CommitMode::kHandOver || mode == CommitMode::kShutdown;
  const bool recommit = recommit_ || hand_over;
  recommit_ = false;
  PartitionListPtr offsets(rd_kafka_topic_partition_list_new(8));
  std::vector<SourcePartition*> committed;
  for (Task* task : tasks) {
    for (SourcePartition& sp : task->sources()) {
      if (sp.next_offset < 0) continue;
      // A suspended task's partitions are not this member's to commit.
      if (!sp.assigned && mode != CommitMode::kHandOver) continue;
      if (sp.next_offset == sp.committed_offset && !recommit) continue;
      rd_kafka_topic_partition_list_add(offsets.get(), sp.topic.c_str(),
                                        sp.partition)
          ->offset = sp.next_offset;
      committed.push_back(&sp);
    }
  }
  auto commit_state = [&]() -> absl::Status {
    CpuScope scope(&cpu_.commit_local);
    for (Task* task : tasks) {
      absl::Status status = task->CommitState();
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  };
  // At-least-once: the outputs of these records (and their changelog
  // records) must be acknowledged before their offsets are committed.
  absl::Status flushed;
  {
    CpuScope scope(&cpu_.commit_produce_flush);
    flushed = collector_->Flush();
  }
  if (!flushed.ok()) return flushed;
  if (offsets->cnt == 0) return commit_state();
  CpuScope offsets_scope(&cpu_.commit_offsets);
  if (sync) {
    rd_kafka_resp_err_t err = rd_kafka_commit(consumer_, offsets.get(), 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Not fatal: the records will be processed again (at-least-once).
      if (hand_over) {
        ReportUncommittedHandOver(offsets.get(), err, mode);
      } else {
        NoteCommitResult(err);
      }
      recommit_ = true;
      return absl::OkStatus();
    }
    NoteCommitResult(RD_KAFKA_RESP_ERR_NO_ERROR);
  } else {
    rd_kafka_commit_queue(consumer_, offsets.get(), queue_.get(),
                          &StreamThread::OnCommitted, this);
  }
  for (SourcePartition* sp : committed) sp->committed_offset = sp->next_offset;
  // The local state, with the offsets it reflects, in one RocksDB write.
  return commit_state();
}

void StreamThread::ReportUncommittedHandOver(
    const rd_kafka_topic_partition_list_t* offsets, rd_kafka_resp_err_t err,
    CommitMode mode) {
  // Diagnostic only, and inside a revocation (the group waits for this
  // member to rejoin): a short bound, then the count is unknown.
  PartitionListPtr group(rd_kafka_topic_partition_list_copy(offsets));
  rd_kafka_resp_err_t fetched = rd_kafka_committed(consumer_, group.get(),
                                                   /*timeout_ms=*/2000);
  std::vector<std::pair<TopicPartition, HandOverGap>> gaps;
  for (int i = 0; i < group->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = group->elems[i];
    HandOverGap gap;
    gap.to = offsets->elems[i].offset;
    gap.error = err;
    if (fetched == RD_KAFKA_RESP_ERR_NO_ERROR &&
        p.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      gap.from = p.offset;
      if (gap.from < 0) {
        // Nothing committed: the next owner starts at the log's start.
        int64_t high = -1;
        if (rd_kafka_get_watermark_offsets(consumer_, p.topic, p.partition,
                                           &gap.from, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR) {
          gap.from = 0;
        }
      }
    }
    gaps.emplace_back(TopicPartition{p.topic, p.partition}, gap);
  }
  if (suspending_) {
    // Reported once the next assignment shows who owns them.
    for (const auto& [tp, gap] : gaps) handover_gaps_[tp] = gap;
    return;
  }
  ReportGaps(gaps, mode == CommitMode::kShutdown ? "shutdown" : "revoked");
}

void StreamThread::ReportGaps(
    const std::vector<std::pair<TopicPartition, HandOverGap>>& gaps,
    const char* reason) {
  if (gaps.empty()) return;
  const char* error = rd_kafka_err2str(gaps.front().second.error);
  int64_t records = 0;
  bool unknown = false;
  std::vector<std::string> ranges;
  for (const auto& [tp, gap] : gaps) {
    if (gap.from < 0) {
      unknown = true;
      continue;
    }
    if (gap.to <= gap.from) continue;
    records += gap.to - gap.from;
    ranges.push_back(absl::StrCat(tp.topic, "[", tp.partition, "]@", gap.from,
                                  "..", gap.to));
  }
  if (unknown) {
    LogWarning(
        "hand-over commit failed; the next owner reprocesses the records "
        "since the last commit (count unknown)")
        .With("thread", index_)
        .With("reason", reason)
        .With("error", error);
    return;
  }
  if (records == 0) {
    LogInfo("hand-over commit refused; every processed offset was committed")
        .With("thread", index_)
        .With("reason", reason)
        .With("error", error);
    return;
  }
  stats_->handover_uncommitted_records += static_cast<uint64_t>(records);
  LogWarning(
      "hand-over commit failed; the next owner reprocesses the records since "
      "the last commit")
      .With("thread", index_)
      .With("reason", reason)
      .With("error", error)
      .With("records", records)
      .With("ranges", absl::StrJoin(ranges, ","));
}

void StreamThread::OnCommitted(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                               rd_kafka_topic_partition_list_t* offsets,
                               void* opaque) {
  auto* self = static_cast<StreamThread*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;  // nothing to commit
  self->NoteCommitResult(err);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) self->recommit_ = true;
}

void StreamThread::NoteCommitResult(rd_kafka_resp_err_t err) {
  constexpr absl::Duration kCommitFailureLogEvery = absl::Seconds(10);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (commit_failures_ > 0) {
      LogInfo("offset commits succeed again")
          .With("thread", index_)
          .With("failed_attempts", commit_failures_);
    }
    commit_failures_ = 0;
    commit_failure_logged_ = absl::InfinitePast();
    return;
  }
  ++commit_failures_;
  const absl::Time now = absl::Now();
  if (now - commit_failure_logged_ < kCommitFailureLogEvery) return;
  commit_failure_logged_ = now;
  LogWarning("offset commit failed; will retry")
      .With("thread", index_)
      .With("error", rd_kafka_err2str(err))
      .With("failed_attempts", commit_failures_);
}

}  // namespace netstreams
