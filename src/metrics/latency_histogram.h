// A fixed-bucket histogram of durations in seconds, written lock-free by
// any thread (relaxed atomics) and read as a Prometheus histogram
// (cumulative bucket counts, count, sum). Observations are meant to be
// sampled on hot paths: one observation is a few atomic adds.
#ifndef NETSTREAMS_SRC_METRICS_LATENCY_HISTOGRAM_H_
#define NETSTREAMS_SRC_METRICS_LATENCY_HISTOGRAM_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace netstreams {

class LatencyHistogram {
 public:
  // `bounds`: upper bounds in seconds, ascending; +Inf is implicit.
  explicit LatencyHistogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)),
        buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
    for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
  }

  void Observe(double seconds) {
    size_t i = 0;
    while (i < bounds_.size() && seconds > bounds_[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    double sum = sum_.load(std::memory_order_relaxed);
    while (!sum_.compare_exchange_weak(sum, sum + seconds,
                                       std::memory_order_relaxed)) {
    }
  }

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // per bound; count is the +Inf one
    uint64_t count = 0;
    double sum = 0;
  };
  Snapshot Read() const {
    Snapshot s;
    s.bounds = bounds_;
    uint64_t running = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      running += buckets_[i].load(std::memory_order_relaxed);
      s.cumulative.push_back(running);
    }
    s.count =
        running + buckets_[bounds_.size()].load(std::memory_order_relaxed);
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
  }

  // Bucket sets used by the engine.
  static std::vector<double> ProcessingBounds() {  // 1 µs .. 1 s
    return {1e-6, 2.5e-6, 5e-6,   1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4,
            5e-4, 1e-3,   2.5e-3, 5e-3, 0.01,   0.1,  1};
  }
  static std::vector<double> EventAgeBounds() {  // 10 ms .. 7 days
    return {0.01, 0.05, 0.1, 0.25, 0.5,  1,        2.5,   5,        10,
            30,   60,   300, 900,  3600, 6 * 3600, 86400, 7 * 86400};
  }
  static std::vector<double> CommitBounds() {  // 1 ms .. 30 s
    return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
            0.25,  0.5,    1,     2.5,  5,     10,   30};
  }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_METRICS_LATENCY_HISTOGRAM_H_
