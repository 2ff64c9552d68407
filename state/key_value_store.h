// The key-value store stages keep their state in, and its ordered
// iterator. Keys and values are bytes. Implementations: RocksDbStore (the
// production store), InMemoryStore (tests); decorators layer on top as in
// Kafka Streams: metered(caching(change-logging(RocksDB))).
//
// Not thread-safe: a store belongs to one task, used from its stream
// thread.
#ifndef NETSTREAMS_STATE_KEY_VALUE_STORE_H_
#define NETSTREAMS_STATE_KEY_VALUE_STORE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace netstreams {

// Entries in key order. Valid only until the store is next written.
class KeyValueIterator {
 public:
  virtual ~KeyValueIterator() = default;
  virtual bool Valid() const = 0;
  virtual absl::string_view key() const = 0;
  virtual absl::string_view value() const = 0;
  virtual void Next() = 0;
  virtual absl::Status status() const = 0;
};

class KeyValueStore {
 public:
  virtual ~KeyValueStore() = default;

  virtual const std::string& name() const = 0;

  // Reads `key` into *value; returns whether it exists. Errors are I/O
  // failures of the underlying storage and fatal to the task.
  virtual absl::StatusOr<bool> Get(absl::string_view key,
                                   std::string* value) = 0;
  virtual absl::Status Put(absl::string_view key, absl::string_view value) = 0;
  virtual absl::Status Delete(absl::string_view key) = 0;

  // Entries with from <= key < to, in key order; an empty `to` means no
  // upper bound.
  virtual std::unique_ptr<KeyValueIterator> Range(absl::string_view from,
                                                  absl::string_view to) = 0;

  // Pushes buffered writes down to the next layer (the commit path calls
  // it before making the state durable).
  virtual absl::Status Flush() = 0;

  // An estimate of the number of entries.
  virtual uint64_t ApproximateEntries() = 0;
};

}  // namespace netstreams

#endif  // NETSTREAMS_STATE_KEY_VALUE_STORE_H_
