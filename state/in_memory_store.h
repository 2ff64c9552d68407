// A KeyValueStore over std::map, for tests and for the topology test
// driver. Not thread-safe.
#ifndef NETSTREAMS_STATE_IN_MEMORY_STORE_H_
#define NETSTREAMS_STATE_IN_MEMORY_STORE_H_

#include <map>
#include <string>

#include "state/key_value_store.h"

namespace netstreams {

class InMemoryStore : public KeyValueStore {
 public:
  explicit InMemoryStore(std::string name) : name_(std::move(name)) {}

  const std::string& name() const override { return name_; }
  absl::StatusOr<bool> Get(absl::string_view key, std::string* value) override;
  absl::Status Put(absl::string_view key, absl::string_view value) override;
  absl::Status Delete(absl::string_view key) override;
  std::unique_ptr<KeyValueIterator> Range(absl::string_view from,
                                          absl::string_view to) override;
  absl::Status Flush() override { return absl::OkStatus(); }
  uint64_t ApproximateEntries() override { return entries_.size(); }

  const std::map<std::string, std::string, std::less<>>& entries() const {
    return entries_;
  }

 private:
  std::string name_;
  std::map<std::string, std::string, std::less<>> entries_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_STATE_IN_MEMORY_STORE_H_
