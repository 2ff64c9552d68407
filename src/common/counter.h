// A counter with one writer (the task's stream thread) that any thread may
// read: relaxed atomics, no locked instruction on the increment path. And
// a gauge, the same for a value that goes up and down.
#ifndef NETSTREAMS_SRC_COMMON_COUNTER_H_
#define NETSTREAMS_SRC_COMMON_COUNTER_H_

#include <atomic>
#include <cstdint>

namespace netstreams {

class Counter {
 public:
  void Add(uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n,
                 std::memory_order_relaxed);
  }
  uint64_t Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  int64_t Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_COMMON_COUNTER_H_
