#include "src/runtime/engine_stats.h"

namespace netstreams {

EngineStats::EngineStats(int stages, int threads)
    : stages_(stages),
      slots_(static_cast<size_t>(stages) * threads),
      threads_(threads) {
  for (int i = 0; i < stages; ++i) {
    stage_latency_.push_back(std::make_unique<LatencyHistogram>(
        LatencyHistogram::ProcessingBounds()));
    event_age_.push_back(
        std::make_unique<LatencyHistogram>(LatencyHistogram::EventAgeBounds()));
  }
}

void EngineStats::SetLag(const std::string& topic, int32_t partition,
                         int64_t lag) {
  std::lock_guard<std::mutex> lock(gauges_mu_);
  lags_[{topic, partition}] = lag;
}

void EngineStats::ClearLag(const std::string& topic, int32_t partition) {
  std::lock_guard<std::mutex> lock(gauges_mu_);
  lags_.erase({topic, partition});
}

std::map<std::pair<std::string, int32_t>, int64_t> EngineStats::Lags() const {
  std::lock_guard<std::mutex> lock(gauges_mu_);
  return lags_;
}

void EngineStats::SetStoreEntries(const std::string& store,
                                  const std::string& task, int64_t entries) {
  std::lock_guard<std::mutex> lock(gauges_mu_);
  store_entries_[{store, task}] = entries;
}

void EngineStats::ClearStoreEntries(const std::string& task) {
  std::lock_guard<std::mutex> lock(gauges_mu_);
  for (auto it = store_entries_.begin(); it != store_entries_.end();) {
    it = it->first.second == task ? store_entries_.erase(it) : std::next(it);
  }
}

std::map<std::pair<std::string, std::string>, int64_t>
EngineStats::StoreEntries() const {
  std::lock_guard<std::mutex> lock(gauges_mu_);
  return store_entries_;
}

Gauge* EngineStats::TaskGauge(absl::string_view stage, absl::string_view name,
                              const std::string& task) {
  std::lock_guard<std::mutex> lock(gauges_mu_);
  auto& gauge = task_gauges_[{std::string(stage), std::string(name), task}];
  if (gauge == nullptr) gauge = std::make_unique<Gauge>();
  return gauge.get();
}

void EngineStats::RemoveTaskGauges(const std::string& task) {
  std::lock_guard<std::mutex> lock(gauges_mu_);
  for (auto it = task_gauges_.begin(); it != task_gauges_.end();) {
    it =
        std::get<2>(it->first) == task ? task_gauges_.erase(it) : std::next(it);
  }
}

std::map<std::pair<std::string, std::string>, int64_t>
EngineStats::GaugeTotals() const {
  std::lock_guard<std::mutex> lock(gauges_mu_);
  std::map<std::pair<std::string, std::string>, int64_t> out;
  for (const auto& [key, gauge] : task_gauges_) {
    out[{std::get<0>(key), std::get<1>(key)}] += gauge->Get();
  }
  return out;
}

StageTotals EngineStats::Totals(int stage) const {
  StageTotals t;
  for (size_t i = static_cast<size_t>(stage); i < slots_.size();
       i += static_cast<size_t>(stages_)) {
    t.in += slots_[i].in.Get();
    t.out += slots_[i].out.Get();
    t.dead_lettered += slots_[i].dead_lettered.Get();
  }
  return t;
}

Counter* EngineStats::NamedCounter(int thread, absl::string_view stage,
                                   absl::string_view name) {
  std::lock_guard<std::mutex> lock(named_mu_);
  auto& counters = named_[{std::string(stage), std::string(name)}];
  if (counters == nullptr) counters.reset(new Counter[threads_]);
  return &counters[thread];
}

std::map<std::pair<std::string, std::string>, uint64_t>
EngineStats::NamedTotals() const {
  std::lock_guard<std::mutex> lock(named_mu_);
  std::map<std::pair<std::string, std::string>, uint64_t> out;
  for (const auto& [key, counters] : named_) {
    uint64_t total = 0;
    for (int t = 0; t < threads_; ++t) total += counters[t].Get();
    out[key] = total;
  }
  return out;
}

void EngineStats::AddPhaseCpu(absl::string_view phase, double seconds) {
  std::lock_guard<std::mutex> lock(phase_mu_);
  phase_cpu_[std::string(phase)] += seconds;
}

std::map<std::string, double> EngineStats::PhaseCpu() const {
  std::lock_guard<std::mutex> lock(phase_mu_);
  return phase_cpu_;
}

void EngineStats::AddRestore(uint64_t records, double seconds) {
  restored_records_ += records;
  restore_micros_ += static_cast<uint64_t>(seconds * 1e6);
}

double EngineStats::restore_seconds() const {
  return restore_micros_.load() / 1e6;
}

void EngineStats::CountDeadLetter(absl::string_view stage,
                                  absl::string_view reason) {
  std::lock_guard<std::mutex> lock(dead_mu_);
  ++dead_letters_[{std::string(stage), std::string(reason)}];
}

std::map<std::pair<std::string, std::string>, uint64_t>
EngineStats::DeadLetters() const {
  std::lock_guard<std::mutex> lock(dead_mu_);
  return dead_letters_;
}

}  // namespace netstreams
