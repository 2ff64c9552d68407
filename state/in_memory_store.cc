#include "state/in_memory_store.h"

namespace netstreams {
namespace {

class MapIterator : public KeyValueIterator {
 public:
  using Map = std::map<std::string, std::string, std::less<>>;
  MapIterator(Map::const_iterator it, Map::const_iterator end)
      : it_(it), end_(end) {}
  bool Valid() const override { return it_ != end_; }
  absl::string_view key() const override { return it_->first; }
  absl::string_view value() const override { return it_->second; }
  void Next() override { ++it_; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  Map::const_iterator it_;
  Map::const_iterator end_;
};

}  // namespace

absl::StatusOr<bool> InMemoryStore::Get(absl::string_view key,
                                        std::string* value) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  value->assign(it->second);
  return true;
}

absl::Status InMemoryStore::Put(absl::string_view key,
                                absl::string_view value) {
  entries_[std::string(key)] = std::string(value);
  return absl::OkStatus();
}

absl::Status InMemoryStore::Delete(absl::string_view key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) entries_.erase(it);
  return absl::OkStatus();
}

std::unique_ptr<KeyValueIterator> InMemoryStore::Range(absl::string_view from,
                                                       absl::string_view to) {
  auto begin = entries_.lower_bound(from);
  auto end = to.empty() ? entries_.end() : entries_.lower_bound(to);
  return std::make_unique<MapIterator>(begin, end);
}

}  // namespace netstreams
