#include "src/runtime/task.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "src/common/log.h"
#include "state/caching_store.h"
#include "state/changelogging_store.h"
#include "state/metered_store.h"

namespace netstreams {

// The context bound to one stage of this task.
class Task::Node final : public ProcessorContext {
 public:
  Node(Task* task, int stage, std::unique_ptr<Processor> processor)
      : task_(task),
        stage_(stage),
        name_(task->topology_.stages[stage].name),
        processor_(std::move(processor)),
        slot_(
            &task->services_.stats->slot(task->services_.thread_index, stage)),
        latency_(&task->services_.stats->stage_latency(stage)),
        event_age_(task->topology_.stages[stage].factory->shape() ==
                           StageFactory::Shape::kSink
                       ? &task->services_.stats->event_age(stage)
                       : nullptr) {}

  void AddChild(Node* child) { children_.push_back(child); }

  absl::Status Init() { return processor_->Init(*this); }
  void Close() { processor_->Close(); }

  void Deliver(const Record& record) {
    slot_->in.Add();
    if (!task_->sample_) {
      processor_->Process(record);
      return;
    }
    // One record in 64: how long this stage (and what it forwards to)
    // takes, and at sinks how old the event is when it is written.
    if (event_age_ != nullptr) {
      event_age_->Observe(std::max<double>(0, absl::ToUnixMillis(absl::Now()) -
                                                  record.timestamp_ms) /
                          1000.0);
    }
    auto start = std::chrono::steady_clock::now();
    processor_->Process(record);
    latency_->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }

  void Forward(const Record& record) override {
    slot_->out.Add();
    if (record.origin == nullptr) {
      // Emitted by a punctuation: no input record behind it.
      Record with_origin = record;
      with_origin.origin = task_->punctuation_origin_.get();
      for (Node* child : children_) child->Deliver(with_origin);
      return;
    }
    for (Node* child : children_) child->Deliver(record);
  }

  void DeadLetter(const Record& record,
                  const DeadLetterReason& reason) override {
    slot_->dead_lettered.Add();
    task_->services_.stats->CountDeadLetter(name_, reason.reason_class);
    task_->services_.dead_letters->SendDeadLetter(record, name_, reason);
  }

  RecordCollector& collector() override { return *task_->services_.collector; }
  google::protobuf::Arena* arena() override { return task_->services_.arena; }
  absl::string_view stage_name() const override { return name_; }
  absl::string_view task_id() const override { return task_->id_; }
  int64_t stream_time_ms() const override { return task_->stream_time_ms_; }

  KeyValueStore* GetStore(absl::string_view name) override {
    for (TaskStore& store : task_->stores_) {
      if (store.info->name == name && store.info->stage == stage_) {
        return store.top.get();
      }
    }
    return nullptr;
  }

  void Schedule(int64_t interval_ms, PunctuationType type,
                std::function<void(int64_t)> callback) override {
    task_->punctuations_.push_back(
        {this, std::max<int64_t>(interval_ms, 1), type, std::move(callback)});
  }

  void ReportFatal(const absl::Status& status) override {
    if (task_->fatal_.ok()) {
      task_->fatal_ = absl::Status(
          status.code(), absl::StrCat("stage ", name_, " in task ", task_->id_,
                                      ": ", status.message()));
    }
  }

  Gauge* GetGauge(absl::string_view name) override {
    return task_->services_.stats->TaskGauge(name_, name, task_->id_);
  }

  Counter* GetCounter(absl::string_view name) override {
    return task_->services_.stats->NamedCounter(task_->services_.thread_index,
                                                name_, name);
  }

 private:
  Task* task_;
  int stage_;
  std::string name_;
  std::unique_ptr<Processor> processor_;
  std::vector<Node*> children_;
  StageSlot* slot_;
  LatencyHistogram* latency_;
  LatencyHistogram* event_age_;  // sinks only
};

// Hands a store's changes to the changelog sink, tagged with the input
// offsets of the commit in progress.
class Task::StoreChangelog final : public ChangelogWriter {
 public:
  StoreChangelog(Task* task, TaskStore* store)
      : task_(task),
        store_(store),
        written_(task->services_.stats->NamedCounter(
            task->services_.thread_index, store->info->name,
            "changelog_records")) {}
  void Log(absl::string_view key, const absl::string_view* value) override {
    written_->Add();
    task_->services_.changelog->SendChangelog(
        store_->changelog_topic, task_->partition_, key, value, task_->tag_,
        &store_->acked_changelog_offset);
  }

 private:
  Task* task_;
  TaskStore* store_;
  Counter* written_;
};

Task::Task(const LoadedTopology& topology, int subtopology, int32_t partition,
           TaskServices services)
    : topology_(topology),
      subtopology_(subtopology),
      partition_(partition),
      id_(absl::StrCat(subtopology, "_", partition)),
      services_(std::move(services)),
      punctuation_origin_(std::make_unique<Origin>()) {
  punctuation_origin_->partition = partition;
}

Task::~Task() = default;

absl::Status Task::OpenStores() {
  for (const StoreInfo& info : topology_.stores) {
    if (info.subtopology != subtopology_) continue;
    stores_.emplace_back();
    TaskStore& store = stores_.back();
    store.info = &info;
    store.path = absl::StrCat(services_.state_dir, "/", id_, "/", info.name);
  }
  // Addresses are stable from here on (no more emplace_back).
  for (TaskStore& store : stores_) {
    std::error_code error;
    std::filesystem::create_directories(store.path, error);
    if (error) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create state directory ", store.path, ": ", error.message()));
    }
    if (store.info->logged) {
      auto topic =
          services_.collector->ResolveTopic(store.info->changelog_topic);
      if (!topic.ok()) return topic.status();
      store.changelog_topic = *topic;
      changelogs_.push_back(std::make_unique<StoreChangelog>(this, &store));
      store.changelog_writer = changelogs_.back().get();
    } else {
      store.restored = true;  // local only: nothing to restore
    }
    absl::Status built = BuildStack(store);
    if (!built.ok()) return built;
  }
  return absl::OkStatus();
}

// metered(caching(change-logging(RocksDB))), as Kafka Streams layers them;
// the metered layer is the engine's counters around stages' calls.
absl::Status Task::BuildStack(TaskStore& store) {
  auto rocks =
      RocksDbStore::Open(store.path, store.info->name, services_.store_memory);
  if (!rocks.ok()) return rocks.status();
  store.rocks = rocks->get();
  std::unique_ptr<KeyValueStore> layer = std::move(*rocks);
  if (store.changelog_writer != nullptr) {
    layer = std::make_unique<ChangeLoggingStore>(std::move(layer),
                                                 store.changelog_writer);
  }
  auto cache = std::make_unique<CachingStore>(std::move(layer));
  store.cache = cache.get();
  // Counted under the store's name in the summary and the metrics.
  EngineStats* stats = services_.stats;
  int thread = services_.thread_index;
  const std::string& name = store.info->name;
  StoreCounters counters{stats->NamedCounter(thread, name, "store_gets"),
                         stats->NamedCounter(thread, name, "store_hits"),
                         stats->NamedCounter(thread, name, "store_puts"),
                         stats->NamedCounter(thread, name, "store_deletes"),
                         stats->NamedCounter(thread, name, "store_scans")};
  store.top = std::make_unique<MeteredStore>(std::move(cache), counters);
  return absl::OkStatus();
}

absl::Status Task::WipeStore(TaskStore& store) {
  // In place: the stages already hold the store's top layer.
  return store.rocks->Wipe();
}

absl::Status Task::Init() {
  absl::Status opened = OpenStores();
  if (!opened.ok()) {
    return absl::Status(opened.code(),
                        absl::StrCat("task ", id_, ": ", opened.message()));
  }
  const Subtopology& sub = topology_.subtopologies[subtopology_];
  nodes_.resize(topology_.stages.size());
  for (int s : sub.stages) {
    const StageNode& stage = topology_.stages[s];
    StageCreateInfo info;
    info.stage_name = stage.name;
    for (int in : stage.inputs) {
      info.input_types.push_back(topology_.stages[in].output_type);
    }
    info.output_type = stage.output_type;
    info.repartition_topic = stage.repartition_topic;
    nodes_[s] = std::make_unique<Node>(
        this, s, stage.factory->Create(*stage.config, info));
  }
  for (int s : sub.stages) {
    for (int o : topology_.stages[s].outputs) {
      nodes_[s]->AddChild(nodes_[o].get());
    }
  }
  for (const std::string& topic : sub.source_topics) {
    if (SourceIndex(topic) >= 0) continue;
    SourcePartition sp;
    sp.topic = topic;
    sp.partition = partition_;
    sources_.push_back(sp);
    std::vector<Node*> readers;
    for (int s : sub.stages) {
      const auto& reads = topology_.stages[s].topics.reads;
      if (std::find(reads.begin(), reads.end(), topic) != reads.end()) {
        readers.push_back(nodes_[s].get());
      }
    }
    source_nodes_.push_back(std::move(readers));
  }
  for (int s : sub.stages) {
    absl::Status status = nodes_[s]->Init();
    if (!status.ok()) {
      return absl::Status(
          status.code(),
          absl::StrCat("stage ", topology_.stages[s].name, " in task ", id_,
                       ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

void Task::Close() {
  for (auto& node : nodes_) {
    if (node != nullptr) node->Close();
  }
  services_.stats->RemoveTaskGauges(id_);
}

int Task::SourceIndex(absl::string_view topic) const {
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (sources_[i].topic == topic) return static_cast<int>(i);
  }
  return -1;
}

void Task::Process(size_t source, const Origin& origin) {
  sample_ = (++sample_counter_ & 63) == 0;
  SourcePartition& sp = sources_[source];
  sp.at_end = false;
  if (origin.timestamp_ms > stream_time_ms_) {
    stream_time_ms_ = origin.timestamp_ms;
  }
  Record record;
  record.key = origin.key;
  record.bytes = origin.value;
  record.timestamp_ms = origin.timestamp_ms;
  record.origin = &origin;
  for (Node* node : source_nodes_[source]) node->Deliver(record);
  sp.next_offset = origin.offset + 1;
  if (!punctuations_.empty()) {
    RunPunctuations(PunctuationType::kStreamTime, stream_time_ms_);
  }
}

void Task::AdvanceStreamTime(int64_t ms) {
  if (ms > stream_time_ms_) stream_time_ms_ = ms;
  if (!punctuations_.empty()) {
    RunPunctuations(PunctuationType::kStreamTime, stream_time_ms_);
  }
}

void Task::PunctuateWallClock(int64_t now_ms) {
  if (!punctuations_.empty()) {
    RunPunctuations(PunctuationType::kWallClock, now_ms);
  }
}

void Task::RunPunctuations(PunctuationType type, int64_t now_ms) {
  for (Punctuation& p : punctuations_) {
    if (p.type != type) continue;
    if (p.next_due_ms < 0) {
      p.next_due_ms = now_ms + p.interval_ms;
      continue;
    }
    if (now_ms < p.next_due_ms) continue;
    p.callback(now_ms);
    // Skip missed intervals rather than firing once per interval.
    p.next_due_ms =
        now_ms - (now_ms - p.next_due_ms) % p.interval_ms + p.interval_ms;
  }
}

bool Task::needs_restore() const {
  for (const TaskStore& s : stores_) {
    if (!s.restored) return true;
  }
  return false;
}

absl::Status Task::RelogKeys(TaskStore& store,
                             const std::vector<int64_t>& resume,
                             const absl::flat_hash_set<std::string>& keys) {
  if (store.changelog_writer == nullptr) return absl::OkStatus();
  tag_ = absl::StrJoin(resume, ",");
  // Sorted: the same changelog for the same state, whatever the hashing.
  std::vector<absl::string_view> sorted(keys.begin(), keys.end());
  std::sort(sorted.begin(), sorted.end());
  std::string value;
  for (absl::string_view key : sorted) {
    absl::StatusOr<bool> found = store.rocks->Get(key, &value);
    if (!found.ok()) return found.status();
    absl::string_view v(value);
    store.changelog_writer->Log(key, *found ? &v : nullptr);
  }
  return absl::OkStatus();
}

std::string Task::InputTag() const {
  std::string tag;
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (i > 0) tag.push_back(',');
    absl::StrAppend(&tag, sources_[i].next_offset);
  }
  return tag;
}

absl::Status Task::FlushState() {
  if (stores_.empty()) return absl::OkStatus();
  tag_ = InputTag();
  for (TaskStore& store : stores_) {
    absl::Status status = store.top->Flush();
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status Task::CommitState() {
  for (TaskStore& store : stores_) {
    Checkpoint checkpoint;
    checkpoint.set_changelog_offset(store.acked_changelog_offset);
    for (const SourcePartition& sp : sources_) {
      checkpoint.add_input_offsets(sp.next_offset);
    }
    absl::Status status = store.rocks->Commit(checkpoint);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

bool Task::AllAtEnd() const {
  for (const auto& sp : sources_) {
    if (sp.assigned && !sp.at_end) return false;
  }
  return true;
}

bool Task::HasUncommitted() const {
  for (const auto& sp : sources_) {
    if (sp.next_offset >= 0 && sp.next_offset != sp.committed_offset) {
      return true;
    }
  }
  for (const TaskStore& s : stores_) {
    if (s.rocks != nullptr && s.rocks->PendingWrites() > 0) return true;
    if (s.cache != nullptr && s.cache->dirty_entries() > 0) return true;
  }
  return false;
}

}  // namespace netstreams
