// The change-logging layer: every write that reaches it is also handed to
// a ChangelogWriter, which the runtime implements by producing to the
// store's changelog topic. state/ itself never sees Kafka.
#ifndef NETSTREAMS_STATE_CHANGELOGGING_STORE_H_
#define NETSTREAMS_STATE_CHANGELOGGING_STORE_H_

#include <memory>
#include <string>

#include "state/key_value_store.h"

namespace netstreams {

class ChangelogWriter {
 public:
  virtual ~ChangelogWriter() = default;
  // Records a write; `value` null means the key was deleted (a tombstone).
  virtual void Log(absl::string_view key, const absl::string_view* value) = 0;
};

class ChangeLoggingStore : public KeyValueStore {
 public:
  // `writer` must outlive the store.
  ChangeLoggingStore(std::unique_ptr<KeyValueStore> inner,
                     ChangelogWriter* writer)
      : inner_(std::move(inner)), writer_(writer) {}

  const std::string& name() const override { return inner_->name(); }
  absl::StatusOr<bool> Get(absl::string_view key, std::string* value) override {
    return inner_->Get(key, value);
  }
  absl::Status Put(absl::string_view key, absl::string_view value) override {
    writer_->Log(key, &value);
    return inner_->Put(key, value);
  }
  absl::Status Delete(absl::string_view key) override {
    writer_->Log(key, nullptr);
    return inner_->Delete(key);
  }
  std::unique_ptr<KeyValueIterator> Range(absl::string_view from,
                                          absl::string_view to) override {
    return inner_->Range(from, to);
  }
  absl::Status Flush() override { return inner_->Flush(); }
  uint64_t ApproximateEntries() override {
    return inner_->ApproximateEntries();
  }

 private:
  std::unique_ptr<KeyValueStore> inner_;
  ChangelogWriter* writer_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_STATE_CHANGELOGGING_STORE_H_
