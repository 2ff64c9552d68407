// The metered layer: counts what stages do to a store (reads, hits,
// writes, deletes, scans) without changing it. The counters are owned by
// the caller (the runtime registers them per store) and written only from
// the store's thread.
#ifndef NETSTREAMS_STATE_METERED_STORE_H_
#define NETSTREAMS_STATE_METERED_STORE_H_

#include <memory>
#include <string>

#include "src/common/counter.h"
#include "state/key_value_store.h"

namespace netstreams {

struct StoreCounters {
  Counter* gets = nullptr;
  Counter* hits = nullptr;
  Counter* puts = nullptr;
  Counter* deletes = nullptr;
  Counter* scans = nullptr;
};

class MeteredStore : public KeyValueStore {
 public:
  MeteredStore(std::unique_ptr<KeyValueStore> inner, StoreCounters counters)
      : inner_(std::move(inner)), counters_(counters) {}

  const std::string& name() const override { return inner_->name(); }
  absl::StatusOr<bool> Get(absl::string_view key, std::string* value) override {
    counters_.gets->Add();
    absl::StatusOr<bool> found = inner_->Get(key, value);
    if (found.ok() && *found) counters_.hits->Add();
    return found;
  }
  absl::Status Put(absl::string_view key, absl::string_view value) override {
    counters_.puts->Add();
    return inner_->Put(key, value);
  }
  absl::Status Delete(absl::string_view key) override {
    counters_.deletes->Add();
    return inner_->Delete(key);
  }
  std::unique_ptr<KeyValueIterator> Range(absl::string_view from,
                                          absl::string_view to) override {
    counters_.scans->Add();
    return inner_->Range(from, to);
  }
  absl::Status Flush() override { return inner_->Flush(); }
  uint64_t ApproximateEntries() override {
    return inner_->ApproximateEntries();
  }

 private:
  std::unique_ptr<KeyValueStore> inner_;
  StoreCounters counters_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_STATE_METERED_STORE_H_
