#include "src/runtime/engine_stats.h"

namespace netstreams {

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
