#include "src/topology/topology_loader.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <numeric>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/duration.pb.h"
#include "src/topology/diagnostics.h"
#include "src/topology/yaml_to_proto.h"
#include "yaml-cpp/yaml.h"

namespace netstreams {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::Message;

// Settings the engine owns: letting a topology override them would break
// the processing guarantees.
const std::map<std::string, std::string>& EngineOwnedKafkaKeys() {
  static const auto* keys = new std::map<std::string, std::string>{
      {"group.id", "the application_id is the consumer group id"},
      {"enable.auto.commit",
       "the engine commits offsets itself, after outputs are delivered"},
      {"enable.auto.offset.store", "the engine stores offsets itself"},
      {"enable.partition.eof", "the engine uses end-of-partition events"},
      {"transactional.id", "the engine names its transactional producers"},
      {"group.protocol.type", "the engine uses the consumer protocol"},
  };
  return *keys;
}

bool ValidName(absl::string_view name, size_t max_len) {
  if (name.empty() || name.size() > max_len) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

class Loader;

class CheckContext : public StageCheckContext {
 public:
  CheckContext(const LoadedTopology* topology, Diagnostics* diagnostics,
               std::string config_path, std::vector<std::string> input_types)
      : topology_(topology),
        diagnostics_(diagnostics),
        config_path_(std::move(config_path)),
        input_types_(std::move(input_types)) {}

  const TopicInfo* FindTopic(absl::string_view name) const override {
    return topology_->FindTopic(name);
  }
  const std::vector<std::string>& input_types() const override {
    return input_types_;
  }
  void Error(absl::string_view config_path,
             absl::string_view message) override {
    ++errors_;
    std::string path = config_path.empty()
                           ? config_path_
                           : absl::StrCat(config_path_, ".", config_path);
    diagnostics_->Error(path, message);
  }
  int errors() const { return errors_; }

 private:
  const LoadedTopology* topology_;
  Diagnostics* diagnostics_;
  std::string config_path_;
  std::vector<std::string> input_types_;
  int errors_ = 0;
};

// One stage as written, before ordering.
struct RawStage {
  std::string name;
  std::string kind;
  const StageFactory* factory = nullptr;
  std::unique_ptr<Message> config;
  std::vector<std::string> inputs;
  std::string path;         // "stages[3]"
  std::string config_path;  // "stages[3].parse"
  bool valid = false;       // kind and config mapped cleanly
  bool inputs_malformed = false;
};

class Loader {
 public:
  Loader(const std::string& file, const StageRegistry& registry)
      : diagnostics_(file, &source_map_),
        mapper_(&diagnostics_, &source_map_),
        registry_(registry),
        out_(std::make_unique<LoadedTopology>()) {
    out_->file = file;
  }

  absl::StatusOr<std::unique_ptr<LoadedTopology>> Load(absl::string_view yaml) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
      SourceLocation loc;
      if (!e.mark.is_null()) loc = {e.mark.line + 1, e.mark.column + 1};
      diagnostics_.ErrorAt(loc, "", absl::StrCat("invalid YAML: ", e.msg));
      return Fail();
    }
    if (!root.IsMap()) {
      diagnostics_.ErrorAt(LocationOf(root), "",
                           "a topology file is a mapping with application_id, "
                           "topics, stages, dead_letter_topic");
      return Fail();
    }
    mapper_.MapMessage(root, "", &out_->proto, {"stages"});
    if (root["stages"]) {
      MapStages(root["stages"]);
    } else {
      diagnostics_.ErrorAt(LocationOf(root), "stages",
                           "stages is required: a topology needs at least a "
                           "source and a sink");
    }
    CheckApplication(root);
    CheckTopics();
    CheckSettings();
    CheckGraph();
    if (!diagnostics_.empty()) return Fail();
    return std::move(out_);
  }

 private:
  absl::Status Fail() {
    return absl::InvalidArgumentError(absl::StrCat(
        diagnostics_.size(),
        diagnostics_.size() == 1 ? " problem" : " problems", " in topology ",
        diagnostics_.file(), ":\n", diagnostics_.ToString()));
  }

  void MapStages(const YAML::Node& node) {
    source_map_.Set("stages", LocationOf(node));
    if (!node.IsSequence()) {
      diagnostics_.ErrorAt(LocationOf(node), "stages",
                           "expected a list of stages ('- name: ...' lines)");
      return;
    }
    for (size_t i = 0; i < node.size(); ++i) {
      RawStage stage;
      stage.path = absl::StrCat("stages[", i, "]");
      MapStage(node[i], &stage);
      raw_.push_back(std::move(stage));
    }
  }

  void MapStage(const YAML::Node& node, RawStage* stage) {
    source_map_.Set(stage->path, LocationOf(node));
    if (!node.IsMap()) {
      diagnostics_.ErrorAt(LocationOf(node), stage->path,
                           "expected a mapping with name, inputs and the "
                           "stage kind");
      return;
    }
    std::vector<std::pair<std::string, YAML::Node>> kinds;
    std::vector<std::pair<std::string, YAML::Node>> unknown;
    std::set<std::string> seen;
    bool has_name = false;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) {
        diagnostics_.ErrorAt(LocationOf(it->first), stage->path,
                             "keys must be plain text");
        continue;
      }
      std::string key = it->first.Scalar();
      std::string path = absl::StrCat(stage->path, ".", key);
      if (!seen.insert(key).second) {
        diagnostics_.ErrorAt(LocationOf(it->first), path,
                             absl::StrCat("duplicate key '", key, "'"));
        continue;
      }
      if (key == "name") {
        has_name = mapper_.ReadString(it->second, path, &stage->name);
      } else if (key == "inputs") {
        ReadInputs(it->second, path, stage);
      } else if (registry_.Find(key) != nullptr) {
        kinds.emplace_back(key, it->second);
      } else {
        unknown.emplace_back(key, it->first);
      }
    }
    if (!has_name) {
      diagnostics_.ErrorAt(LocationOf(node), stage->path,
                           "every stage needs a name");
    }
    std::vector<std::string> known_kinds = registry_.Kinds();
    for (const auto& [key, key_node] : unknown) {
      std::string path = absl::StrCat(stage->path, ".", key);
      if (kinds.empty()) {
        diagnostics_.ErrorAt(
            LocationOf(key_node), path,
            absl::StrCat("unknown stage kind '", key, "'",
                         DidYouMean(key, known_kinds),
                         "; known kinds: ", absl::StrJoin(known_kinds, ", ")));
      } else {
        diagnostics_.ErrorAt(
            LocationOf(key_node), path,
            absl::StrCat("unknown key '", key,
                         "'; a stage has name, inputs and one kind (",
                         kinds[0].first, ")"));
      }
    }
    if (kinds.size() > 1) {
      std::vector<std::string> names;
      for (const auto& k : kinds) names.push_back(k.first);
      diagnostics_.ErrorAt(LocationOf(node), stage->path,
                           absl::StrCat("a stage has exactly one kind; this "
                                        "one has ",
                                        absl::StrJoin(names, " and ")));
      return;
    }
    if (kinds.empty()) {
      if (unknown.empty()) {
        diagnostics_.ErrorAt(
            LocationOf(node), stage->path,
            absl::StrCat("stage '", stage->name, "' has no kind; add one of: ",
                         absl::StrJoin(known_kinds, ", ")));
      }
      return;
    }
    stage->kind = kinds[0].first;
    stage->factory = registry_.Find(stage->kind);
    stage->config_path = absl::StrCat(stage->path, ".", stage->kind);
    stage->config.reset(stage->factory->default_config().New());
    stage->valid = mapper_.MapMessage(kinds[0].second, stage->config_path,
                                      stage->config.get()) &&
                   unknown.empty();
  }

  void ReadInputs(const YAML::Node& node, const std::string& path,
                  RawStage* stage) {
    source_map_.Set(path, LocationOf(node));
    if (!node.IsSequence()) {
      diagnostics_.ErrorAt(LocationOf(node), path,
                           "expected a list of stage names, e.g. [parse]");
      stage->inputs_malformed = true;
      return;
    }
    for (size_t i = 0; i < node.size(); ++i) {
      std::string name;
      std::string item_path = absl::StrCat(path, "[", i, "]");
      if (mapper_.ReadString(node[i], item_path, &name)) {
        stage->inputs.push_back(name);
      } else {
        stage->inputs.push_back("");  // keep indices aligned with the file
      }
    }
  }

  void CheckApplication(const YAML::Node& root) {
    const auto& p = out_->proto;
    out_->application_id = p.application_id();
    if (p.application_id().empty()) {
      diagnostics_.ErrorAt(LocationOf(root), "application_id",
                           "application_id is required (it is the consumer "
                           "group id and names internal topics and state)");
    } else if (!ValidName(p.application_id(), 200)) {
      diagnostics_.Error("application_id",
                         "use letters, digits, '.', '_' and '-' only");
    }
    const auto& owned = EngineOwnedKafkaKeys();
    for (const auto& [key, value] : p.kafka()) {
      auto it = owned.find(key);
      if (it != owned.end()) {
        diagnostics_.Error(
            absl::StrCat("kafka[\"", key, "\"]"),
            absl::StrCat("'", key, "' cannot be set: ", it->second));
        continue;
      }
      out_->kafka[key] = value;
    }
  }

  void CheckTopics() {
    const auto& p = out_->proto;
    std::set<std::string> names;
    for (int i = 0; i < p.topics_size(); ++i) {
      const auto& t = p.topics(i);
      std::string path = absl::StrCat("topics[", i, "]");
      bool ok = true;
      if (t.name().empty()) {
        diagnostics_.Error(path, "topic needs a name");
        ok = false;
      } else if (!ValidName(t.name(), 249)) {
        diagnostics_.Error(path + ".name",
                           absl::StrCat("'", t.name(),
                                        "' is not a valid Kafka topic name "
                                        "(letters, digits, '.', '_', '-')"));
        ok = false;
      } else if (!names.insert(t.name()).second) {
        diagnostics_.Error(path + ".name", absl::StrCat("topic '", t.name(),
                                                        "' is declared twice"));
        ok = false;
      }
      if (t.partitions() == 0) {
        diagnostics_.Error(path, absl::StrCat("topic '", t.name(),
                                              "' needs partitions (>= 1)"));
        ok = false;
      } else if (t.partitions() > 10000) {
        diagnostics_.Error(path + ".partitions",
                           "more than 10000 partitions is not supported");
        ok = false;
      }
      if (t.type().empty()) {
        diagnostics_.Error(path, absl::StrCat("topic '", t.name(),
                                              "' has no type: set type to "
                                              "bytes or a message such as "
                                              "cgnat.v1.NatEvent"));
        ok = false;
      } else if (t.type() != kBytesType &&
                 DescriptorPool::generated_pool()->FindMessageTypeByName(
                     t.type()) == nullptr) {
        diagnostics_.Error(
            path + ".type",
            absl::StrCat("unknown message type '", t.type(),
                         "': use bytes or a message of the shipped .proto "
                         "files, e.g. cgnat.v1.NatEvent"));
        ok = false;
      }
      if (ok) {
        out_->topics.push_back(
            {t.name(), static_cast<int>(t.partitions()), t.type()});
      }
    }
    out_->dead_letter_topic = p.dead_letter_topic();
    if (p.dead_letter_topic().empty()) {
      diagnostics_.ErrorAt(
          {1, 1}, "dead_letter_topic",
          "dead_letter_topic is required: records that fail to parse go "
          "there, never nowhere");
    } else if (const TopicInfo* t = out_->FindTopic(p.dead_letter_topic())) {
      if (t->type != kBytesType) {
        diagnostics_.Error("dead_letter_topic",
                           absl::StrCat("the dead-letter topic carries the "
                                        "original records: declare '",
                                        t->name, "' with type bytes"));
      }
    } else if (!names.count(p.dead_letter_topic())) {
      diagnostics_.Error("dead_letter_topic",
                         absl::StrCat("topic '", p.dead_letter_topic(),
                                      "' is not declared under topics"));
    }
  }

  void CheckSettings() {
    const auto& p = out_->proto.processing();
    ProcessingSettings& s = out_->processing;
    if (p.has_commit_interval()) {
      absl::Duration d = absl::Seconds(p.commit_interval().seconds()) +
                         absl::Nanoseconds(p.commit_interval().nanos());
      if (d < absl::Milliseconds(10) || d > absl::Hours(1)) {
        diagnostics_.Error("processing.commit_interval",
                           "commit_interval must be between 10ms and 1h");
      }
      s.commit_interval = d;
    }
    if (p.threads() > 64) {
      diagnostics_.Error("processing.threads",
                         "at most 64 stream threads per process; scale out "
                         "with more processes");
    } else if (p.threads() > 0) {
      s.threads = static_cast<int>(p.threads());
    }
    if (!p.state_dir().empty()) s.state_dir = p.state_dir();
    if (p.max_poll_records() > 100000) {
      diagnostics_.Error("processing.max_poll_records",
                         "max_poll_records must be at most 100000");
    } else if (p.max_poll_records() > 0) {
      s.max_poll_records = static_cast<int>(p.max_poll_records());
    }
    if (p.state_memory_mb() > 1024 * 1024) {
      diagnostics_.Error("processing.state_memory_mb",
                         "state_memory_mb must be at most 1048576 (1 TiB)");
    } else if (p.state_memory_mb() > 0) {
      if (p.state_memory_mb() < 16) {
        diagnostics_.Error("processing.state_memory_mb",
                           "state_memory_mb must be at least 16");
      }
      s.state_memory_mb = static_cast<int>(p.state_memory_mb());
    }
  }

  void CheckGraph() {
    const int n = static_cast<int>(raw_.size());
    std::map<std::string, int> by_name;
    for (int i = 0; i < n; ++i) {
      if (raw_[i].name.empty()) continue;
      if (!ValidName(raw_[i].name, 200)) {
        diagnostics_.Error(raw_[i].path + ".name",
                           "use letters, digits, '.', '_' and '-' only");
      }
      if (!by_name.emplace(raw_[i].name, i).second) {
        diagnostics_.Error(
            raw_[i].path + ".name",
            absl::StrCat("stage name '", raw_[i].name, "' is used twice"));
      }
    }
    std::vector<std::string> all_names;
    for (const auto& [name, index] : by_name) all_names.push_back(name);

    // Edges, shapes. `edges_complete` turns false when an input cannot be
    // resolved; then "output not consumed" would only echo that error.
    std::vector<std::vector<int>> inputs(n), outputs(n);
    std::vector<bool> broken(n, false);
    bool edges_complete = true;
    for (int i = 0; i < n; ++i) {
      RawStage& s = raw_[i];
      if (!s.valid) broken[i] = true;
      if (s.inputs_malformed) {
        broken[i] = true;
        edges_complete = false;
      }
      for (size_t j = 0; j < s.inputs.size(); ++j) {
        const std::string& in = s.inputs[j];
        std::string path = absl::StrCat(s.path, ".inputs[", j, "]");
        if (in.empty()) {
          broken[i] = true;
          edges_complete = false;
          continue;
        }
        auto it = by_name.find(in);
        if (it == by_name.end()) {
          diagnostics_.Error(path, absl::StrCat("unknown input '", in, "'",
                                                DidYouMean(in, all_names)));
          broken[i] = true;
          edges_complete = false;
          continue;
        }
        if (it->second == i) {
          diagnostics_.Error(
              path, absl::StrCat("stage '", s.name, "' names itself as input"));
          broken[i] = true;
          continue;
        }
        const RawStage& producer = raw_[it->second];
        if (producer.factory != nullptr &&
            producer.factory->shape() == StageFactory::Shape::kSink) {
          diagnostics_.Error(
              path, absl::StrCat("'", in,
                                 "' is a sink: it writes a topic and has no "
                                 "output; read the topic with a source"));
          broken[i] = true;
          continue;
        }
        inputs[i].push_back(it->second);
        outputs[it->second].push_back(i);
      }
      if (s.factory == nullptr) continue;
      bool is_source = s.factory->shape() == StageFactory::Shape::kSource;
      if (is_source && !s.inputs.empty()) {
        diagnostics_.Error(s.path + ".inputs",
                           absl::StrCat("'", s.name,
                                        "' is a source: it reads a topic and "
                                        "takes no inputs"));
      } else if (!is_source && s.inputs.empty() && !s.inputs_malformed) {
        diagnostics_.Error(
            s.path,
            absl::StrCat("stage '", s.name, "' needs inputs: [stage, ...]"));
        broken[i] = true;
      }
    }

    // Topological order (Kahn), stable in file order.
    std::vector<int> indegree(n, 0);
    for (int i = 0; i < n; ++i)
      indegree[i] = static_cast<int>(inputs[i].size());
    std::vector<int> order;
    std::vector<bool> done(n, false);
    bool progress = true;
    while (progress) {
      progress = false;
      for (int i = 0; i < n; ++i) {
        if (done[i] || indegree[i] != 0) continue;
        done[i] = true;
        order.push_back(i);
        for (int o : outputs[i]) --indegree[o];
        progress = true;
      }
    }
    if (static_cast<int>(order.size()) != n) {
      ReportCycle(inputs, done);
      return;
    }

    // Types along every edge, in topological order.
    std::vector<std::string> output_type(n);
    for (int i : order) {
      RawStage& s = raw_[i];
      bool inputs_ok = true;
      for (int in : inputs[i]) inputs_ok = inputs_ok && !broken[in];
      if (broken[i] || !inputs_ok || s.factory == nullptr) {
        broken[i] = true;
        continue;
      }
      std::vector<std::string> types;
      for (int in : inputs[i]) types.push_back(output_type[in]);
      CheckContext context(out_.get(), &diagnostics_, s.config_path, types);
      std::optional<std::string> result = s.factory->Check(*s.config, context);
      if (!result.has_value() || context.errors() > 0) {
        broken[i] = true;
        continue;
      }
      output_type[i] = *result;
      if (s.factory->shape() != StageFactory::Shape::kSink &&
          outputs[i].empty() && edges_complete) {
        diagnostics_.Error(
            s.path, absl::StrCat("the output of stage '", s.name,
                                 "' is not consumed by any stage: add a sink "
                                 "or remove the stage"));
      }
    }

    // Topics: no stage may read what the topology writes (a feedback loop),
    // and nothing but dead letters goes to the dead-letter topic.
    std::map<std::string, int> readers, writers;
    for (int i : order) {
      if (broken[i]) continue;
      StageTopics t = raw_[i].factory->Topics(*raw_[i].config);
      for (const auto& r : t.reads) readers.emplace(r, i);
      for (const auto& w : t.writes) {
        writers.emplace(w, i);
        if (w == out_->dead_letter_topic) {
          diagnostics_.Error(raw_[i].config_path,
                             absl::StrCat("'", w,
                                          "' is the dead-letter topic; a "
                                          "sink may not write to it"));
        }
      }
    }
    for (const auto& [topic, reader] : readers) {
      auto w = writers.find(topic);
      if (w == writers.end()) continue;
      diagnostics_.Error(
          raw_[w->second].config_path,
          absl::StrCat("stage '", raw_[w->second].name, "' writes topic '",
                       topic, "' which stage '", raw_[reader].name,
                       "' reads: the topology would consume its own output"));
    }
    if (!diagnostics_.empty()) return;
    CheckPartitioning(order, inputs);
    CheckStores();
    if (!diagnostics_.empty()) return;

    BuildModel(order, inputs, outputs, output_type);
  }

  void ReportCycle(const std::vector<std::vector<int>>& inputs,
                   const std::vector<bool>& done) {
    // Walk inputs from any stage left over; every such stage lies on or
    // behind a cycle, so the walk must revisit a stage.
    int start = -1;
    for (int i = 0; i < static_cast<int>(done.size()); ++i) {
      if (!done[i]) {
        start = i;
        break;
      }
    }
    std::vector<int> path;
    std::map<int, size_t> position;
    int current = start;
    while (position.find(current) == position.end()) {
      position[current] = path.size();
      path.push_back(current);
      int next = -1;
      for (int in : inputs[current]) {
        if (!done[in]) {
          next = in;
          break;
        }
      }
      current = next;
    }
    std::vector<std::string> names;
    for (size_t k = position[current]; k < path.size(); ++k) {
      names.push_back(raw_[path[k]].name);
    }
    std::reverse(names.begin(), names.end());
    names.push_back(names.front());
    diagnostics_.Error(raw_[current].path + ".inputs",
                       absl::StrCat("the stages form a cycle: ",
                                    absl::StrJoin(names, " -> ")));
  }

  // Where each stage's output stands in terms of partitioning: the fields
  // it is partitioned by, or nullopt when unknown. Stateful stages demand
  // that their inputs be partitioned by a subset of their key fields.
  void CheckPartitioning(const std::vector<int>& order,
                         const std::vector<std::vector<int>>& inputs) {
    const int n = static_cast<int>(raw_.size());
    std::vector<std::optional<std::set<std::string>>> partitioned_by(n);
    for (int i : order) {
      const RawStage& s = raw_[i];
      std::optional<Repartitioning> repartition =
          s.factory->Repartition(*s.config);
      if (repartition.has_value()) {
        partitioned_by[i] = std::set<std::string>(repartition->key_by.begin(),
                                                  repartition->key_by.end());
        continue;
      }
      std::vector<std::string> key_fields = s.factory->KeyFields(*s.config);
      if (!key_fields.empty()) {
        std::set<std::string> keys(key_fields.begin(), key_fields.end());
        for (size_t j = 0; j < inputs[i].size(); ++j) {
          const auto& p = partitioned_by[inputs[i][j]];
          bool ok =
              p.has_value() && !p->empty() &&
              std::includes(keys.begin(), keys.end(), p->begin(), p->end());
          if (!ok) {
            diagnostics_.Error(
                absl::StrCat(s.path, ".inputs[", j, "]"),
                absl::StrCat(
                    "stage '", s.name, "' keeps state per [",
                    absl::StrJoin(key_fields, ", "), "], but its input '",
                    raw_[inputs[i][j]].name,
                    p.has_value() ? absl::StrCat("' is partitioned by [",
                                                 absl::StrJoin(*p, ", "), "]")
                                  : std::string("' has no known partitioning"),
                    ": put a repartition stage in between, keyed by some of "
                    "those fields (e.g. key_by: [device, inside_ip])"));
          }
        }
      }
      if (!s.factory->PreservesPartitioning() || inputs[i].empty()) continue;
      partitioned_by[i] = partitioned_by[inputs[i][0]];
      for (int in : inputs[i]) {
        if (partitioned_by[in] != partitioned_by[i]) partitioned_by[i].reset();
      }
    }
  }

  void CheckStores() {
    std::map<std::string, std::string> owners;
    for (const RawStage& s : raw_) {
      if (s.factory == nullptr || !s.valid) continue;
      for (const StoreSpec& store : s.factory->Stores(*s.config, s.name)) {
        if (!ValidName(store.name, 200)) {
          diagnostics_.Error(s.config_path,
                             absl::StrCat("store name '", store.name,
                                          "': use letters, digits, '.', '_' "
                                          "and '-' only"));
          continue;
        }
        auto [it, inserted] = owners.emplace(store.name, s.name);
        if (!inserted) {
          diagnostics_.Error(
              s.config_path,
              absl::StrCat("store '", store.name,
                           "' is already used by stage '", it->second, "'"));
        }
      }
    }
  }

  void BuildModel(const std::vector<int>& order,
                  const std::vector<std::vector<int>>& inputs,
                  const std::vector<std::vector<int>>& outputs,
                  const std::vector<std::string>& output_type) {
    // Stages as written, in topological order.
    std::vector<StageNode> nodes;
    const int n = static_cast<int>(order.size());
    std::vector<int> new_index(n);
    for (int k = 0; k < n; ++k) new_index[order[k]] = k;
    for (int k = 0; k < n; ++k) {
      int i = order[k];
      RawStage& s = raw_[i];
      StageNode node;
      node.name = s.name;
      node.kind = s.kind;
      node.factory = s.factory;
      node.topics = s.factory->Topics(*s.config);
      node.config = std::move(s.config);
      node.path = s.path;
      for (int in : inputs[i]) node.inputs.push_back(new_index[in]);
      for (int o : outputs[i]) node.outputs.push_back(new_index[o]);
      node.output_type = output_type[i];
      auto* stage_proto = out_->proto.add_stages();
      stage_proto->set_name(node.name);
      for (const auto& in : s.inputs) stage_proto->add_inputs(in);
      stage_proto->set_kind(node.kind);
      stage_proto->mutable_config()->PackFrom(*node.config);
      nodes.push_back(std::move(node));
    }

    // A repartition stage ends its sub-topology by writing the internal
    // topic; a source of that topic (the stage's ".in" half) starts the
    // next one and feeds the stage's consumers.
    const StageFactory* source_factory = registry_.Find("source");
    for (int r = 0; r < n; ++r) {
      if (nodes[r].factory->shape() != StageFactory::Shape::kRepartition) {
        continue;
      }
      std::string topic = absl::StrCat(out_->application_id, "-", nodes[r].name,
                                       "-repartition");
      nodes[r].repartition_topic = topic;
      nodes[r].topics.writes = {topic};
      StageNode in;
      in.name = absl::StrCat(nodes[r].name, "/in");
      in.kind = "source";
      in.factory = source_factory;
      in.path = nodes[r].path;
      in.synthesized = true;
      in.config.reset(source_factory->default_config().New());
      const auto* field = in.config->GetDescriptor()->FindFieldByName("topic");
      in.config->GetReflection()->SetString(in.config.get(), field, topic);
      in.topics.reads = {topic};
      in.output_type = nodes[r].output_type;
      int in_index = static_cast<int>(nodes.size());
      in.outputs = nodes[r].outputs;
      for (int consumer : nodes[r].outputs) {
        for (int& input : nodes[consumer].inputs) {
          if (input == r) input = in_index;
        }
      }
      nodes[r].outputs.clear();
      nodes.push_back(std::move(in));
    }

    // Final order: topological again (the new sources precede their
    // consumers), stable.
    const int total = static_cast<int>(nodes.size());
    std::vector<int> indegree(total, 0), final_order;
    for (int k = 0; k < total; ++k) {
      indegree[k] = static_cast<int>(nodes[k].inputs.size());
    }
    std::vector<bool> placed(total, false);
    while (static_cast<int>(final_order.size()) < total) {
      for (int k = 0; k < total; ++k) {
        if (placed[k] || indegree[k] != 0) continue;
        placed[k] = true;
        final_order.push_back(k);
        for (int o : nodes[k].outputs) --indegree[o];
      }
    }
    std::vector<int> position(total);
    for (int k = 0; k < total; ++k) position[final_order[k]] = k;
    for (int k : final_order) {
      StageNode& node = nodes[k];
      for (int& in : node.inputs) in = position[in];
      for (int& o : node.outputs) o = position[o];
      std::sort(node.outputs.begin(), node.outputs.end());
      out_->stages.push_back(std::move(node));
    }

    // Sub-topologies: connected components (union-find).
    std::vector<int> parent(total);
    std::iota(parent.begin(), parent.end(), 0);
    std::function<int(int)> find = [&](int x) {
      return parent[x] == x ? x : parent[x] = find(parent[x]);
    };
    for (int k = 0; k < total; ++k) {
      for (int in : out_->stages[k].inputs) parent[find(in)] = find(k);
    }
    std::map<int, int> component_id;
    for (int k = 0; k < total; ++k) {
      int root = find(k);
      auto [it, inserted] = component_id.emplace(
          root, static_cast<int>(out_->subtopologies.size()));
      if (inserted) {
        Subtopology sub;
        sub.id = it->second;
        out_->subtopologies.push_back(sub);
      }
      Subtopology& sub = out_->subtopologies[it->second];
      sub.stages.push_back(k);
      out_->stages[k].subtopology = sub.id;
      for (const auto& topic : out_->stages[k].topics.reads) {
        sub.source_topics.push_back(topic);
      }
    }

    // Partition counts, upstream first: a repartition topic has as many
    // partitions as configured or as its upstream sub-topology.
    for (Subtopology& sub : out_->subtopologies) {
      std::vector<std::string> counts;
      std::set<int> distinct;
      for (const auto& topic : sub.source_topics) {
        int partitions = PartitionsOf(topic);
        distinct.insert(partitions);
        counts.push_back(absl::StrCat(topic, ":", partitions));
      }
      if (distinct.size() > 1) {
        diagnostics_.Error(
            out_->stages[sub.stages[0]].path,
            absl::StrCat("the sources of one connected part of the graph "
                         "must be co-partitioned (equal partition counts), "
                         "got ",
                         absl::StrJoin(counts, ", ")));
      }
      if (!distinct.empty()) sub.partitions = *distinct.begin();
      for (int k : sub.stages) {
        StageNode& node = out_->stages[k];
        if (!node.repartition_topic.empty()) {
          std::optional<Repartitioning> r =
              node.factory->Repartition(*node.config);
          int partitions = r->partitions > 0 ? r->partitions : sub.partitions;
          out_->topics.push_back({node.repartition_topic, partitions,
                                  node.output_type, /*internal=*/true});
        }
        for (const StoreSpec& spec :
             node.factory->Stores(*node.config, node.name)) {
          StoreInfo store;
          store.name = spec.name;
          store.stage = k;
          store.subtopology = sub.id;
          store.logged = spec.logged;
          if (store.logged) {
            store.changelog_topic = absl::StrCat(out_->application_id, "-",
                                                 spec.name, "-changelog");
            out_->topics.push_back({store.changelog_topic, sub.partitions,
                                    std::string(kBytesType),
                                    /*internal=*/true, /*compacted=*/true});
          }
          out_->stores.push_back(store);
        }
      }
    }
  }

  int PartitionsOf(const std::string& topic) const {
    const TopicInfo* t = out_->FindTopic(topic);
    return t != nullptr ? t->partitions : 0;
  }

  SourceMap source_map_;
  Diagnostics diagnostics_;
  YamlToProto mapper_;
  const StageRegistry& registry_;
  std::unique_ptr<LoadedTopology> out_;
  std::vector<RawStage> raw_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<LoadedTopology>> LoadTopologyYaml(
    absl::string_view yaml, const std::string& file_name,
    const StageRegistry& registry) {
  Loader loader(file_name, registry);
  return loader.Load(yaml);
}

absl::StatusOr<std::unique_ptr<LoadedTopology>> LoadTopologyFile(
    const std::string& path, const StageRegistry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read topology file ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return LoadTopologyYaml(buffer.str(), path, registry);
}

}  // namespace netstreams
