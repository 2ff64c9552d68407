#include "state/caching_store.h"

namespace netstreams {
namespace {

// Merges the cache's dirty entries over the inner store's iterator; cache
// entries win, cache deletions hide inner entries.
class MergedIterator : public KeyValueIterator {
 public:
  using Map = std::map<std::string, std::pair<std::optional<std::string>, bool>,
                       std::less<>>;
  template <typename It>
  MergedIterator(It begin, It end, std::unique_ptr<KeyValueIterator> inner)
      : inner_(std::move(inner)) {
    for (It it = begin; it != end; ++it) {
      cache_.emplace_back(it->first, it->second.value);
    }
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
  auto begin = entries_.lower_bound(from);
  auto end = to.empty() ? entries_.end() : entries_.lower_bound(to);
  return std::make_unique<MergedIterator>(begin, end, inner_->Range(from, to));
}

absl::Status CachingStore::Flush() {
  for (auto& [key, entry] : entries_) {
    if (!entry.dirty) continue;
    absl::Status status = entry.value.has_value()
                              ? inner_->Put(key, *entry.value)
                              : inner_->Delete(key);
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
