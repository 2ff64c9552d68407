// Counters the runtime keeps for the summary (and, later, metrics): per
// stage records in / out / dead-lettered, dead letters per reason class,
// records consumed and produced. Per-stage counters have one slot per
// stream thread, written only by that thread (relaxed atomics, no shared
// cache lines between threads) and summed by readers.
#ifndef NETSTREAMS_SRC_RUNTIME_ENGINE_STATS_H_
#define NETSTREAMS_SRC_RUNTIME_ENGINE_STATS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "src/common/counter.h"

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
  EngineStats(int stages, int threads)
      : stages_(stages),
        slots_(static_cast<size_t>(stages) * threads),
        threads_(threads) {}

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
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_RUNTIME_ENGINE_STATS_H_
