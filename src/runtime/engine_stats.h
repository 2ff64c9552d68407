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
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace netstreams {

// A counter with one writer; readable from any thread.
class SingleWriterCounter {
 public:
  void Add(uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n,
                 std::memory_order_relaxed);
  }
  uint64_t Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

struct alignas(64) StageSlot {
  SingleWriterCounter in;
  SingleWriterCounter out;
  SingleWriterCounter dead_lettered;
};

struct StageTotals {
  uint64_t in = 0;
  uint64_t out = 0;
  uint64_t dead_lettered = 0;
};

class EngineStats {
 public:
  EngineStats(int stages, int threads)
      : stages_(stages), slots_(static_cast<size_t>(stages) * threads) {}

  StageSlot& slot(int thread, int stage) {
    return slots_[static_cast<size_t>(thread) * stages_ + stage];
  }
  StageTotals Totals(int stage) const;

  // Dead letters by (stage, reason class); cold path, locked.
  void CountDeadLetter(absl::string_view stage, absl::string_view reason);
  std::map<std::pair<std::string, std::string>, uint64_t> DeadLetters() const;

 private:
  int stages_;
  std::vector<StageSlot> slots_;
  mutable std::mutex dead_mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> dead_letters_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_RUNTIME_ENGINE_STATS_H_
