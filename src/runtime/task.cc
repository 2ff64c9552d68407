#include "src/runtime/task.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace netstreams {

// The context bound to one stage of this task.
class Task::Node final : public ProcessorContext {
 public:
  Node(Task* task, int stage, std::unique_ptr<Processor> processor)
      : task_(task),
        stage_(stage),
        name_(task->topology_.stages[stage].name),
        processor_(std::move(processor)),
        slot_(&task->services_.stats->slot(task->services_.thread_index,
                                           stage)) {}

  void AddChild(Node* child) { children_.push_back(child); }

  absl::Status Init() { return processor_->Init(*this); }
  void Close() { processor_->Close(); }

  void Deliver(const Record& record) {
    slot_->in.Add();
    processor_->Process(record);
  }

  void Forward(const Record& record) override {
    slot_->out.Add();
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

 private:
  Task* task_;
  int stage_;
  std::string name_;
  std::unique_ptr<Processor> processor_;
  std::vector<Node*> children_;
  StageSlot* slot_;
};

Task::Task(const LoadedTopology& topology, int subtopology, int32_t partition,
           TaskServices services)
    : topology_(topology),
      subtopology_(subtopology),
      partition_(partition),
      id_(absl::StrCat(subtopology, "_", partition)),
      services_(services) {}

Task::~Task() = default;

absl::Status Task::Init() {
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
    nodes_[s] = std::make_unique<Node>(
        this, s, stage.factory->Create(*stage.config, info));
  }
  for (int s : sub.stages) {
    std::vector<int> outputs = topology_.stages[s].outputs;
    std::sort(outputs.begin(), outputs.end());
    for (int o : outputs) nodes_[s]->AddChild(nodes_[o].get());
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
}

int Task::SourceIndex(absl::string_view topic) const {
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (sources_[i].topic == topic) return static_cast<int>(i);
  }
  return -1;
}

void Task::Process(size_t source, const Origin& origin) {
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
  return false;
}

}  // namespace netstreams
