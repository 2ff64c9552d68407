#include "src/testing/topology_test_driver.h"

#include <librdkafka/rdkafka.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/message.h"
#include "src/format/record_json.h"

namespace netstreams {

// Where the tasks' writes go: sink outputs and dead letters are kept,
// repartition records queued for their readers, changelog records counted
// and acknowledged at once.
class TopologyTestDriver::Collector final : public RecordCollector,
                                            public DeadLetterSink,
                                            public ChangelogSink {
 public:
  explicit Collector(TopologyTestDriver* driver) : driver_(driver) {}

  absl::StatusOr<TopicId> ResolveTopic(absl::string_view name) override {
    if (driver_->topology_.FindTopic(name) == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("topic ", name, " is not in the topology"));
    }
    for (size_t i = 0; i < topics_.size(); ++i) {
      if (topics_[i] == name) return TopicId{static_cast<int32_t>(i)};
    }
    topics_.emplace_back(name);
    return TopicId{static_cast<int32_t>(topics_.size() - 1)};
  }

  void Send(TopicId topic, absl::string_view key,
            const Record& record) override {
    const std::string& name = topics_[topic.index];
    std::string value(record.bytes);
    if (record.message != nullptr) record.message->SerializeToString(&value);
    const bool has_key = !key.empty();
    const TopicInfo* info = driver_->topology_.FindTopic(name);
    if (info->internal) {
      driver_->internal_.push_back(
          {name, driver_->PartitionFor(name, key, has_key), std::string(key),
           has_key, std::move(value), record.timestamp_ms});
      return;
    }
    TestRecord out;
    out.topic = name;
    out.partition = driver_->PartitionFor(name, key, has_key);
    out.timestamp_ms = record.timestamp_ms;
    out.has_key = has_key;
    out.key = std::string(key);
    out.value = std::move(value);
    driver_->Append(std::move(out));
  }

  void SendDeadLetter(const Record& record, absl::string_view stage,
                      const DeadLetterReason& reason) override {
    const Origin& origin = *record.origin;
    TestRecord out;
    out.topic = driver_->topology_.dead_letter_topic;
    out.has_key = !origin.key.empty();
    out.key = std::string(origin.key);
    out.partition = driver_->PartitionFor(out.topic, out.key, out.has_key);
    out.timestamp_ms = origin.timestamp_ms;
    out.headers = {
        {"deadletter.stage", std::string(stage)},
        {"deadletter.reason_class", std::string(reason.reason_class)},
        {"deadletter.reason", std::string(reason.detail)},
        {"deadletter.topic", std::string(origin.topic)},
        {"deadletter.partition", absl::StrCat(origin.partition)},
        {"deadletter.offset", absl::StrCat(origin.offset)},
        {"deadletter.timestamp", absl::StrCat(origin.timestamp_ms)}};
    out.value = std::string(origin.value);
    driver_->Append(std::move(out));
  }

  void SendChangelog(TopicId topic, int32_t partition, absl::string_view key,
                     const absl::string_view* value, absl::string_view tag,
                     int64_t* acked_offset) override {
    int64_t& next = driver_->next_offset_[{topics_[topic.index], partition}];
    *acked_offset = next++;
  }

 private:
  TopologyTestDriver* driver_;
  std::vector<std::string> topics_;
};

TopologyTestDriver::TopologyTestDriver(const LoadedTopology& topology,
                                       absl::Time start)
    : topology_(topology),
      now_(start),
      stats_(std::make_unique<EngineStats>(
          static_cast<int>(topology.stages.size()), 1)),
      store_memory_(std::make_unique<StoreMemory>(
          static_cast<size_t>(topology.processing.state_memory_mb) << 20)),
      collector_(std::make_unique<Collector>(this)),
      arena_(std::make_unique<google::protobuf::Arena>()) {
  char pattern[] = "/tmp/netstreams-driver-XXXXXX";
  if (mkdtemp(pattern) != nullptr) state_dir_ = pattern;
}

TopologyTestDriver::~TopologyTestDriver() {
  for (auto& [key, task] : tasks_) task->Close();
  tasks_.clear();
  if (!state_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(state_dir_, ignored);
  }
}

int32_t TopologyTestDriver::PartitionFor(const std::string& topic,
                                         absl::string_view key,
                                         bool has_key) const {
  const TopicInfo* info = topology_.FindTopic(topic);
  int32_t partitions = info != nullptr ? info->partitions : 1;
  if (!has_key || partitions <= 1) return 0;
  // The engine's producers use librdkafka's murmur2 partitioner (Java's).
  return rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(),
                                          partitions, nullptr, nullptr);
}

void TopologyTestDriver::Append(TestRecord record) {
  record.offset = next_offset_[{record.topic, record.partition}]++;
  outputs_[record.topic].push_back(std::move(record));
}

absl::StatusOr<Task*> TopologyTestDriver::TaskFor(const std::string& topic,
                                                  int32_t partition) {
  int sub = -1;
  for (const Subtopology& s : topology_.subtopologies) {
    if (std::find(s.source_topics.begin(), s.source_topics.end(), topic) !=
        s.source_topics.end()) {
      sub = s.id;
    }
  }
  if (sub < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic ", topic, " is not read by the topology"));
  }
  auto key = std::make_pair(sub, partition);
  auto it = tasks_.find(key);
  if (it != tasks_.end()) return it->second.get();
  if (state_dir_.empty()) {
    return absl::FailedPreconditionError("no temporary state directory");
  }
  TaskServices services;
  services.collector = collector_.get();
  services.dead_letters = collector_.get();
  services.changelog = collector_.get();
  services.arena = arena_.get();
  services.stats = stats_.get();
  services.store_memory = store_memory_.get();
  services.state_dir = absl::StrCat(state_dir_, "/", topology_.application_id);
  services.thread_index = 0;
  auto task = std::make_unique<Task>(topology_, sub, partition, services);
  absl::Status status = task->Init();
  if (!status.ok()) return status;
  // A new, empty state: nothing to restore.
  for (TaskStore& store : task->stores()) store.restored = true;
  for (SourcePartition& sp : task->sources()) sp.assigned = true;
  // Wall-clock schedules start now, as the engine's do when a task is
  // created (its stream thread checks them from then on).
  task->PunctuateWallClock(absl::ToUnixMillis(now_));
  return tasks_.emplace(key, std::move(task)).first->second.get();
}

absl::Status TopologyTestDriver::Process(const Pending& record) {
  const TopicInfo* info = topology_.FindTopic(record.topic);
  if (info != nullptr && record.partition >= info->partitions) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic ", record.topic, " has ", info->partitions,
                     " partitions; there is no partition ", record.partition));
  }
  absl::StatusOr<Task*> task = TaskFor(record.topic, record.partition);
  if (!task.ok()) return task.status();
  Origin origin;
  origin.topic = record.topic;
  origin.partition = record.partition;
  origin.offset = next_offset_[{record.topic, record.partition}]++;
  origin.key = record.key;
  origin.value = record.value;
  origin.timestamp_ms = record.timestamp_ms;
  int source = (*task)->SourceIndex(record.topic);
  (*task)->Process(static_cast<size_t>(source), origin);
  if (std::find(touched_.begin(), touched_.end(), *task) == touched_.end()) {
    touched_.push_back(*task);
  }
  return (*task)->fatal();
}

absl::Status TopologyTestDriver::CommitTouched() {
  // Records written to repartition topics first, in the order written.
  while (!internal_.empty()) {
    Pending next = std::move(internal_.front());
    internal_.pop_front();
    absl::Status status = Process(next);
    if (!status.ok()) return status;
  }
  for (Task* task : touched_) {
    absl::Status status = task->FlushState();
    if (status.ok()) status = task->CommitState();
    if (!status.ok()) return status;
  }
  touched_.clear();
  arena_->Reset();
  return absl::OkStatus();
}

absl::Status TopologyTestDriver::PipeInput(const std::string& topic,
                                           absl::string_view value,
                                           int32_t partition,
                                           absl::string_view key, bool has_key,
                                           int64_t timestamp_ms) {
  const TopicInfo* info = topology_.FindTopic(topic);
  if (info == nullptr || info->internal) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic ", topic, " is not a topic of the topology"));
  }
  Pending record{topic,
                 partition >= 0 ? partition : PartitionFor(topic, key, has_key),
                 std::string(key),
                 has_key,
                 std::string(value),
                 timestamp_ms >= 0 ? timestamp_ms : absl::ToUnixMillis(now_)};
  absl::Status status = Process(record);
  if (!status.ok()) return status;
  return CommitTouched();
}

absl::Status TopologyTestDriver::AdvanceWallClock(absl::Duration by) {
  now_ += by;
  int64_t now_ms = absl::ToUnixMillis(now_);
  for (auto& [key, task] : tasks_) {
    task->PunctuateWallClock(now_ms);
    if (!task->fatal().ok()) return task->fatal();
    touched_.push_back(task.get());
  }
  return CommitTouched();
}

absl::Status TopologyTestDriver::AdvanceStreamTime(absl::Time to) {
  int64_t ms = absl::ToUnixMillis(to);
  for (auto& [key, task] : tasks_) {
    task->AdvanceStreamTime(ms);
    if (!task->fatal().ok()) return task->fatal();
    touched_.push_back(task.get());
  }
  return CommitTouched();
}

std::vector<TestRecord> TopologyTestDriver::ReadOutput(
    const std::string& topic) {
  std::vector<TestRecord> out;
  out.swap(outputs_[topic]);
  return out;
}

std::vector<std::string> TopologyTestDriver::ReadOutputJson(
    const std::string& topic) {
  const TopicInfo* info = topology_.FindTopic(topic);
  const std::string type = info != nullptr ? info->type : "bytes";
  std::vector<std::string> lines;
  for (const TestRecord& r : ReadOutput(topic)) {
    RecordView view;
    view.topic = r.topic;
    view.partition = r.partition;
    view.offset = r.offset;
    view.timestamp_ms = r.timestamp_ms;
    view.has_key = r.has_key;
    view.key = r.key;
    view.headers = r.headers;
    view.value = r.value;
    lines.push_back(
        RecordToJson(view, type, topic == topology_.dead_letter_topic));
  }
  return lines;
}

KeyValueStore* TopologyTestDriver::GetStore(const std::string& store,
                                            int32_t partition) {
  for (const StoreInfo& info : topology_.stores) {
    if (info.name != store) continue;
    auto it = tasks_.find({info.subtopology, partition});
    if (it == tasks_.end()) return nullptr;
    for (TaskStore& s : it->second->stores()) {
      if (s.info->name == store) return s.top.get();
    }
  }
  return nullptr;
}

}  // namespace netstreams
