#include "state/caching_store.h"

#include <algorithm>
#include <vector>

namespace netstreams {
namespace {

// Merges the cache's dirty entries over the inner store's iterator; cache
// entries win, cache deletions hide inner entries.
class MergedIterator : public KeyValueIterator {
 public:
  // `cache` holds the cached entries of the range, sorted by key.
  MergedIterator(
      std::vector<std::pair<std::string, std::optional<std::string>>> cache,
      std::unique_ptr<KeyValueIterator> inner)
      : cache_(std::move(cache)), inner_(std::move(inner)) {
    Settle();
  }

  bool Valid() const override { return valid_; }
  absl::string_view key() const override { return key_; }
  absl::string_view value() const override { return value_; }
  void Next() override {
    if (from_cache_) {
      ++pos_;
    } else {
      inner_->Next();
    }
    Settle();
  }
  absl::Status status() const override { return inner_->status(); }

 private:
  // Positions on the next visible entry.
  void Settle() {
    while (true) {
      bool cache_ok = pos_ < cache_.size();
      bool inner_ok = inner_->Valid();
      if (!cache_ok && !inner_ok) {
        valid_ = false;
        return;
      }
      int cmp =
          !cache_ok ? 1
          : !inner_ok
              ? -1
              : absl::string_view(cache_[pos_].first).compare(inner_->key());
      if (cmp > 0) {
        from_cache_ = false;
        key_ = inner_->key();
        value_ = inner_->value();
        valid_ = true;
        return;
      }
      if (cmp == 0) inner_->Next();  // the cache shadows the inner entry
      const auto& [k, v] = cache_[pos_];
      if (!v.has_value()) {
        ++pos_;  // deleted in the cache
        continue;
      }
      from_cache_ = true;
      key_ = k;
      value_ = *v;
      valid_ = true;
      return;
    }
  }

  std::vector<std::pair<std::string, std::optional<std::string>>> cache_;
  size_t pos_ = 0;
  std::unique_ptr<KeyValueIterator> inner_;
  bool valid_ = false;
  bool from_cache_ = false;
  absl::string_view key_;
  absl::string_view value_;
};

}  // namespace

void CachingStore::MarkDirty(Entry& entry) {
  if (entry.dirty) {
    ++absorbed_;
  } else {
    entry.dirty = true;
    ++dirty_count_;
  }
}

absl::StatusOr<bool> CachingStore::Get(absl::string_view key,
                                       std::string* value) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    if (!it->second.value.has_value()) return false;
    value->assign(*it->second.value);
    return true;
  }
  absl::StatusOr<bool> found = inner_->Get(key, value);
  if (found.ok() && !*found) {
    entries_.emplace(std::string(key), Entry{std::nullopt, false, false});
  }
  return found;
}

absl::Status CachingStore::Put(absl::string_view key, absl::string_view value) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    it = entries_.emplace(std::string(key), Entry{}).first;
  }
  it->second.value = std::string(value);
  MarkDirty(it->second);
  return absl::OkStatus();
}

absl::Status CachingStore::Delete(absl::string_view key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    it = entries_.emplace(std::string(key), Entry{}).first;
  }
  Entry& entry = it->second;
  entry.value.reset();
  if (entry.may_exist_below) {
    MarkDirty(entry);
  } else if (entry.dirty) {
    // Created and deleted since the last flush: nothing to tell below.
    entry.dirty = false;
    --dirty_count_;
    ++absorbed_;
  }
  return absl::OkStatus();
}

std::unique_ptr<KeyValueIterator> CachingStore::Range(absl::string_view from,
                                                      absl::string_view to) {
  // Point operations are the hot path, so the cache is a hash map; a range
  // scan (timers, rarely) sorts the cached keys it covers.
  std::vector<std::pair<std::string, std::optional<std::string>>> in_range;
  for (const auto& [key, entry] : entries_) {
    if (key < from || (!to.empty() && !(key < to))) continue;
    in_range.emplace_back(key, entry.value);
  }
  std::sort(in_range.begin(), in_range.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return std::make_unique<MergedIterator>(std::move(in_range),
                                          inner_->Range(from, to));
}

absl::Status CachingStore::Flush() {
  // In key order: deterministic changelogs, and RocksDB's memtable takes
  // sorted inserts faster.
  std::vector<const std::pair<const std::string, Entry>*> dirty;
  dirty.reserve(dirty_count_);
  for (const auto& kv : entries_) {
    if (kv.second.dirty) dirty.push_back(&kv);
  }
  std::sort(dirty.begin(), dirty.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* kv : dirty) {
    absl::Status status = kv->second.value.has_value()
                              ? inner_->Put(kv->first, *kv->second.value)
                              : inner_->Delete(kv->first);
    if (!status.ok()) return status;
  }
  entries_.clear();
  dirty_count_ = 0;
  return inner_->Flush();
}

uint64_t CachingStore::ApproximateEntries() {
  return inner_->ApproximateEntries() + dirty_count_;
}

}  // namespace netstreams
