// The write cache in front of a store (Kafka Streams' caching layer):
// writes stay in an in-memory hash map until Flush(), which the commit
// path calls. A key written and deleted between two commits never reaches
// the layers below (no RocksDB write, no changelog record); a key written
// many times reaches them once. Reads and range scans see the cache merged
// over the store below.
//
// Not thread-safe.
#ifndef NETSTREAMS_STATE_CACHING_STORE_H_
#define NETSTREAMS_STATE_CACHING_STORE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "state/key_value_store.h"

namespace netstreams {

class CachingStore : public KeyValueStore {
 public:
  explicit CachingStore(std::unique_ptr<KeyValueStore> inner)
      : inner_(std::move(inner)) {}

  const std::string& name() const override { return inner_->name(); }
  absl::StatusOr<bool> Get(absl::string_view key, std::string* value) override;
  absl::Status Put(absl::string_view key, absl::string_view value) override;
  absl::Status Delete(absl::string_view key) override;
  std::unique_ptr<KeyValueIterator> Range(absl::string_view from,
                                          absl::string_view to) override;
  absl::Status Flush() override;
  uint64_t ApproximateEntries() override;

  size_t dirty_entries() const { return dirty_count_; }
  size_t cached_entries() const { return entries_.size(); }
  // Writes that never went below because a later write replaced them.
  uint64_t absorbed_writes() const { return absorbed_; }

 private:
  struct Entry {
    std::optional<std::string> value;  // nullopt: absent or deleted
    // Whether the key may exist below. A read that missed below records
    // the key as known-absent, so that a key created and deleted again
    // before the next flush needs no tombstone below.
    bool may_exist_below = true;
    // Written since the last flush (clean entries are known-absent keys).
    bool dirty = false;
  };
  using Map = absl::flat_hash_map<std::string, Entry>;
  void MarkDirty(Entry& entry);

  std::unique_ptr<KeyValueStore> inner_;
  Map entries_;
  size_t dirty_count_ = 0;
  uint64_t absorbed_ = 0;
};

}  // namespace netstreams

#endif  // NETSTREAMS_STATE_CACHING_STORE_H_
