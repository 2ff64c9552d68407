// The engine's Prometheus metrics, rendered on each scrape from EngineStats
// (pull: nothing on the record path but the counters and the sampled
// histograms it already keeps). Names follow Prometheus conventions:
// snake_case, base units (seconds, bytes), counters end in _total. The
// README lists them all; tools/grafana/netstreams.json queries them.

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "prometheus/client_metric.h"
#include "prometheus/metric_family.h"
#include "prometheus/text_serializer.h"
#include "src/runtime/engine.h"
#include "state/store_memory.h"

namespace netstreams {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using Labels = std::vector<std::pair<std::string, std::string>>;

class Families {
 public:
  explicit Families(std::string application)
      : application_(std::move(application)) {}

  // A family, created on first use (in a stable order).
  MetricFamily& Get(const std::string& name, const std::string& help,
                    MetricType type) {
    auto it = index_.find(name);
    if (it != index_.end()) return families_[it->second];
    index_[name] = families_.size();
    families_.push_back(MetricFamily{name, help, type, {}});
    return families_.back();
  }

  void Counter(const std::string& name, const std::string& help,
               const Labels& labels, double value) {
    Get(name, help, MetricType::Counter).metric.push_back(Metric(labels));
    families_[index_[name]].metric.back().counter.value = value;
  }
  void Gauge(const std::string& name, const std::string& help,
             const Labels& labels, double value) {
    Get(name, help, MetricType::Gauge).metric.push_back(Metric(labels));
    families_[index_[name]].metric.back().gauge.value = value;
  }
  void Histogram(const std::string& name, const std::string& help,
                 const Labels& labels, const LatencyHistogram& histogram) {
    LatencyHistogram::Snapshot s = histogram.Read();
    ClientMetric m = Metric(labels);
    m.histogram.sample_count = s.count;
    m.histogram.sample_sum = s.sum;
    for (size_t i = 0; i < s.bounds.size(); ++i) {
      m.histogram.bucket.push_back({s.cumulative[i], s.bounds[i]});
    }
    m.histogram.bucket.push_back(
        {s.count, std::numeric_limits<double>::infinity()});
    Get(name, help, MetricType::Histogram).metric.push_back(std::move(m));
  }

  std::string Text() const {
    return prometheus::TextSerializer().Serialize(families_);
  }

 private:
  ClientMetric Metric(const Labels& labels) const {
    ClientMetric m;
    m.label.push_back({"application", application_});
    for (const auto& [k, v] : labels) m.label.push_back({k, v});
    return m;
  }

  std::string application_;
  std::vector<MetricFamily> families_;
  std::map<std::string, size_t> index_;
};

// Named counters of stores ("store_gets", ...) and what they count.
const std::map<std::string, std::string>& StoreOperations() {
  static const auto* ops =
      new std::map<std::string, std::string>{{"store_gets", "get"},
                                             {"store_hits", "hit"},
                                             {"store_puts", "put"},
                                             {"store_deletes", "delete"},
                                             {"store_scans", "scan"}};
  return *ops;
}

}  // namespace

bool Engine::Ready(std::string* reason) const {
  if (fatal_) {
    *reason = "failed";
    return false;
  }
  if (!running_) {
    *reason = "not running";
    return false;
  }
  if (!stats_->joined) {
    *reason = "waiting for partition assignment from the group coordinator";
    return false;
  }
  int64_t restoring = stats_->tasks_restoring;
  if (restoring > 0) {
    *reason = absl::StrCat("restoring state of ", restoring, " tasks (",
                           stats_->restore_remaining.load(),
                           " changelog records to go)");
    return false;
  }
  *reason = absl::StrCat(stats_->tasks_assigned.load(), " tasks processing");
  return true;
}

std::string Engine::MetricsText() const {
  Families f(topology_.application_id);
  const EngineStats& st = *stats_;
  std::set<std::string> store_names;
  for (const StoreInfo& s : topology_.stores) store_names.insert(s.name);

  for (size_t i = 0; i < topology_.stages.size(); ++i) {
    const StageNode& stage = topology_.stages[i];
    StageTotals t = st.Totals(static_cast<int>(i));
    Labels labels = {{"stage", stage.name}, {"kind", stage.kind}};
    f.Counter("netstreams_records_in_total", "Records a stage received.",
              labels, t.in);
    // Sinks and repartitions write every record they take in (a failed
    // write stops the engine).
    StageFactory::Shape shape = stage.factory->shape();
    bool writes = shape == StageFactory::Shape::kSink ||
                  shape == StageFactory::Shape::kRepartition;
    f.Counter("netstreams_records_out_total",
              "Records a stage forwarded, or for sinks and repartitions "
              "wrote to Kafka.",
              labels, writes ? t.in : t.out);
  }
  f.Get("netstreams_dead_letters_total",
        "Records a stage sent to the dead-letter topic, by reason class.",
        MetricType::Counter);
  for (const auto& [key, n] : st.DeadLetters()) {
    f.Counter("netstreams_dead_letters_total", "",
              {{"stage", key.first}, {"reason_class", key.second}}, n);
  }
  f.Get("netstreams_stage_events_total",
        "Outcomes a stage counts (pairing: opened, closed, expired, "
        "superseded, unmatched_delete, duplicate, held_delete, updated, "
        "other_mapping).",
        MetricType::Counter);
  for (const auto& [key, n] : st.NamedTotals()) {
    const auto& [owner, name] = key;
    auto op = StoreOperations().find(name);
    if (op != StoreOperations().end()) {
      f.Counter("netstreams_store_operations_total",
                "State store operations reaching the store (after the "
                "stage, before the write cache).",
                {{"store", owner}, {"operation", op->second}}, n);
    } else if (name == "changelog_records") {
      f.Counter("netstreams_changelog_records_total",
                "Records written to a store's changelog (after the write "
                "cache).",
                {{"store", owner}}, n);
    } else {
      f.Counter("netstreams_stage_events_total", "",
                {{"stage", owner}, {"event", name}}, n);
    }
  }

  for (size_t i = 0; i < topology_.stages.size(); ++i) {
    const StageNode& stage = topology_.stages[i];
    f.Histogram("netstreams_stage_process_seconds",
                "Time a stage takes for one record, including the stages it "
                "forwards to (sampled: 1 record in 64).",
                {{"stage", stage.name}},
                stats_->stage_latency(static_cast<int>(i)));
  }
  for (size_t i = 0; i < topology_.stages.size(); ++i) {
    const StageNode& stage = topology_.stages[i];
    if (stage.factory->shape() != StageFactory::Shape::kSink) continue;
    f.Histogram("netstreams_end_to_end_latency_seconds",
                "Age of a record's event time when a sink writes it "
                "(sampled: 1 record in 64).",
                {{"stage", stage.name}},
                stats_->event_age(static_cast<int>(i)));
  }

  f.Counter("netstreams_commits_total",
            "Commits (state flush, output flush, offset commit, local "
            "checkpoint) by the stream threads.",
            {}, st.commits.load());
  f.Histogram("netstreams_commit_duration_seconds",
              "Duration of one stream thread's commit.", {},
              stats_->commit_latency());
  f.Counter("netstreams_rebalances_total",
            "Partition assignments received from the group.", {},
            st.rebalances.load());
  f.Counter("netstreams_handover_uncommitted_records_total",
            "Processed records whose offsets could not be committed when "
            "their partitions were handed over (revocation or shutdown): "
            "the next owner processes them again.",
            {}, st.handover_uncommitted_records.load());
  f.Counter("netstreams_tasks_resumed_total",
            "Tasks suspended by an eager revocation that came back to this "
            "process and resumed in place (no reopen, no restore).",
            {}, st.tasks_resumed.load());
  f.Gauge("netstreams_partitions_assigned",
          "Source partitions assigned to this process.", {},
          st.partitions_assigned.load());
  f.Gauge("netstreams_tasks_assigned", "Tasks this process runs.", {},
          st.tasks_assigned.load());
  f.Gauge("netstreams_tasks_restoring",
          "Tasks whose state is being restored (not processing yet).", {},
          st.tasks_restoring.load());
  f.Counter("netstreams_restore_records_total",
            "Changelog records read while restoring state.", {},
            st.restore_records_read.load());
  f.Gauge("netstreams_restore_remaining_records",
          "Changelog records still to read by restores in progress.", {},
          st.restore_remaining.load());
  f.Get("netstreams_consumer_lag_records",
        "Records between a source partition's end and the next record to "
        "process (as of the last commit).",
        MetricType::Gauge);
  for (const auto& [tp, lag] : st.Lags()) {
    f.Gauge("netstreams_consumer_lag_records", "",
            {{"topic", tp.first}, {"partition", absl::StrCat(tp.second)}}, lag);
  }
  f.Get("netstreams_state_store_entries",
        "Entries in a task's store (RocksDB estimate, as of the last "
        "commit).",
        MetricType::Gauge);
  for (const auto& [key, n] : st.StoreEntries()) {
    f.Gauge("netstreams_state_store_entries", "",
            {{"store", key.first}, {"task", key.second}}, n);
  }
  f.Get("netstreams_pairing_open_mappings",
        "Mappings (sessions, port blocks) open in a pairing stage's state.",
        MetricType::Gauge);
  f.Get("netstreams_pairing_held_deletes",
        "Deletes waiting for their create (within grace) in a pairing "
        "stage's state.",
        MetricType::Gauge);
  for (const auto& [key, value] : st.GaugeTotals()) {
    const auto& [stage, name] = key;
    if (name == "open") {
      f.Gauge("netstreams_pairing_open_mappings", "", {{"stage", stage}},
              value);
    } else if (name == "held") {
      f.Gauge("netstreams_pairing_held_deletes", "", {{"stage", stage}}, value);
    } else {
      f.Gauge("netstreams_stage_gauge", "A stage's named level.",
              {{"stage", stage}, {"name", name}}, value);
    }
  }
  f.Gauge("netstreams_state_memory_bytes",
          "RocksDB memory in use: the shared block cache with the memtables "
          "charged to it (total), and the memtables alone.",
          {{"component", "total"}}, store_memory_->UsageBytes());
  f.Gauge("netstreams_state_memory_bytes", "", {{"component", "memtables"}},
          store_memory_->MemtableBytes());
  f.Gauge("netstreams_state_memory_budget_bytes",
          "The state memory budget (processing.state_memory_mb).", {},
          store_memory_->budget_bytes());
  std::string reason;
  f.Gauge("netstreams_ready", "1 when /readyz answers 200.", {},
          Ready(&reason) ? 1 : 0);
  return f.Text();
}

}  // namespace netstreams
