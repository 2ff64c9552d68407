// What the runtime counts, for the summary and the Prometheus metrics: per
// stage records in / out / dead-lettered, dead letters per reason class,
// named counters of stages and stores, sampled latencies, commits,
// rebalances, assignment, restore progress, consumer lag and store sizes.
// Per-stage counters have one slot per stream thread, written only by that
// thread (relaxed atomics, no shared cache lines between threads) and
// summed by readers; everything else is atomics or locked cold paths, so
// the metrics endpoint can read it from its own threads.
#ifndef NETSTREAMS_SRC_RUNTIME_ENGINE_STATS_H_
#define NETSTREAMS_SRC_RUNTIME_ENGINE_STATS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "src/common/counter.h"
#include "src/metrics/latency_histogram.h"

namespace netstreams {

struct alignas(64) StageSlot {
  Counter in;
  Counter out;
  Counter dead_lettered;
};

struct StageTotals {
  uint64_t in = 0;
  uint64_t out = 0;
  uint64_t dead_lettered = 0;
};

class EngineStats {
 public:
  EngineStats(int stages, int threads);

  StageSlot& slot(int thread, int stage) {
    return slots_[static_cast<size_t>(thread) * stages_ + stage];
  }
  StageTotals Totals(int stage) const;

  // A stage's named counter ("closed", ...) for one thread; registered on
  // first use (cold path), then incremented lock-free by that thread.
  Counter* NamedCounter(int thread, absl::string_view stage,
                        absl::string_view name);
  // Totals of the named counters by (stage, name).
  std::map<std::pair<std::string, std::string>, uint64_t> NamedTotals() const;

  // Stream-thread CPU seconds by phase ("process", "commit_local", ...),
  // summed over threads as they end.
  void AddPhaseCpu(absl::string_view phase, double seconds);
  std::map<std::string, double> PhaseCpu() const;

  // State restoration totals (changelog records read, seconds spent).
  void AddRestore(uint64_t records, double seconds);
  uint64_t restored_records() const { return restored_records_.load(); }
  double restore_seconds() const;

  // Dead letters by (stage, reason class); cold path, locked.
  void CountDeadLetter(absl::string_view stage, absl::string_view reason);
  std::map<std::pair<std::string, std::string>, uint64_t> DeadLetters() const;

  // Sampled latencies: time in a stage's Process() (including the stages
  // it forwards to), and at sinks the age of the record's event time.
  LatencyHistogram& stage_latency(int stage) { return *stage_latency_[stage]; }
  LatencyHistogram& event_age(int stage) { return *event_age_[stage]; }
  LatencyHistogram& commit_latency() { return commit_latency_; }

  // Gauges published by their owners (stream threads at each commit, the
  // engine at each rebalance), read by the metrics endpoint.
  void SetLag(const std::string& topic, int32_t partition, int64_t lag);
  void ClearLag(const std::string& topic, int32_t partition);
  std::map<std::pair<std::string, int32_t>, int64_t> Lags() const;
  void SetStoreEntries(const std::string& store, const std::string& task,
                       int64_t entries);
  void ClearStoreEntries(const std::string& task);
  std::map<std::pair<std::string, std::string>, int64_t> StoreEntries() const;
  // A stage's named gauge in one task; cold path (stages take it once).
  Gauge* TaskGauge(absl::string_view stage, absl::string_view name,
                   const std::string& task);
  void RemoveTaskGauges(const std::string& task);
  // Sums over tasks by (stage, name).
  std::map<std::pair<std::string, std::string>, int64_t> GaugeTotals() const;

  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> rebalances{0};
  // Processed records whose offsets a failed hand-over commit left behind.
  std::atomic<uint64_t> handover_uncommitted_records{0};
  // Suspended tasks that came back to this process and resumed in place.
  std::atomic<uint64_t> tasks_resumed{0};
  std::atomic<int64_t> partitions_assigned{0};
  std::atomic<int64_t> tasks_assigned{0};
  std::atomic<int64_t> tasks_restoring{0};
  std::atomic<bool> joined{false};                // a first assignment arrived
  std::atomic<uint64_t> restore_records_read{0};  // as it happens
  std::atomic<int64_t> restore_remaining{0};

 private:
  int stages_;
  std::vector<StageSlot> slots_;
  int threads_;
  mutable std::mutex named_mu_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Counter[]>>
      named_;
  mutable std::mutex phase_mu_;
  std::map<std::string, double> phase_cpu_;
  std::atomic<uint64_t> restored_records_{0};
  std::atomic<uint64_t> restore_micros_{0};
  mutable std::mutex dead_mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> dead_letters_;
  std::vector<std::unique_ptr<LatencyHistogram>> stage_latency_;
  std::vector<std::unique_ptr<LatencyHistogram>> event_age_;
  LatencyHistogram commit_latency_{LatencyHistogram::CommitBounds()};
  mutable std::mutex gauges_mu_;
  std::map<std::pair<std::string, int32_t>, int64_t> lags_;
  std::map<std::pair<std::string, std::string>, int64_t> store_entries_;
  // (stage, name, task) -> gauge.
  std::map<std::tuple<std::string, std::string, std::string>,
           std::unique_ptr<Gauge>>
      task_gauges_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_RUNTIME_ENGINE_STATS_H_
