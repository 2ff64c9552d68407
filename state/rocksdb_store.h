// The production store: one RocksDB instance per (task, store), under
// <state_dir>/<application>/<task>/<store>, sharing the process's
// StoreMemory budget.
//
// Writes are buffered in an indexed batch (reads see them) until Commit(),
// which writes them together with the store's checkpoint (the changelog
// offset and input offsets they reflect) in one atomic RocksDB write: a
// crash can never leave state without the offsets it corresponds to, or
// the other way round. The WAL is on (not fsynced): a killed process loses
// nothing that Commit() returned for; a power loss may lose the last
// commits, which the changelog restores.
//
// Not thread-safe.
#ifndef NETSTREAMS_STATE_ROCKSDB_STORE_H_
#define NETSTREAMS_STATE_ROCKSDB_STORE_H_

#include <memory>
#include <optional>
#include <string>

#include "netstreams/state/v1/checkpoint.pb.h"
#include "state/key_value_store.h"
#include "state/store_memory.h"

namespace rocksdb {
class DB;
class WriteBatch;
class WriteBatchWithIndex;
}  // namespace rocksdb

namespace netstreams {

using netstreams::state::v1::Checkpoint;

class RocksDbStore : public KeyValueStore {
 public:
  // Opens (creating if needed) the store at `path`.
  static absl::StatusOr<std::unique_ptr<RocksDbStore>> Open(
      const std::string& path, const std::string& name, StoreMemory* memory);
  ~RocksDbStore() override;

  const std::string& name() const override { return name_; }
  absl::StatusOr<bool> Get(absl::string_view key, std::string* value) override;
  absl::Status Put(absl::string_view key, absl::string_view value) override;
  absl::Status Delete(absl::string_view key) override;
  std::unique_ptr<KeyValueIterator> Range(absl::string_view from,
                                          absl::string_view to) override;
  absl::Status Flush() override { return absl::OkStatus(); }
  uint64_t ApproximateEntries() override;

  // Atomically writes every buffered change and `checkpoint`.
  absl::Status Commit(const Checkpoint& checkpoint);
  // The checkpoint of the last Commit(), if any.
  absl::StatusOr<std::optional<Checkpoint>> ReadCheckpoint();
  // Buffered changes not yet committed.
  size_t PendingWrites() const;
  const std::string& path() const { return path_; }

  // Deletes every entry, the checkpoint and the files, and reopens the
  // store empty, in place (layers above keep their pointer).
  absl::Status Wipe();

  // Restoration writes: applied directly in plain batches (no index, no
  // read-your-writes), and completed by FinishRestore(), which writes the
  // checkpoint after them. A restore that dies leaves no new checkpoint
  // and is simply redone.
  absl::Status RestorePut(absl::string_view key, absl::string_view value);
  absl::Status RestoreDelete(absl::string_view key);
  absl::Status FinishRestore(const Checkpoint& checkpoint);
  // Whether the store holds any entry (for restores that start empty).
  absl::StatusOr<bool> Empty();

 private:
  RocksDbStore() = default;
  absl::Status OpenDb();
  const std::string& DataKey(absl::string_view key);

  std::string name_;
  std::string path_;
  StoreMemory* memory_ = nullptr;
  void CloseDb();
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<rocksdb::WriteBatchWithIndex> batch_;
  std::unique_ptr<rocksdb::WriteBatch> restore_batch_;
  absl::Status WriteRestoreBatch();
  size_t pending_ = 0;
  std::string key_buffer_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_STATE_ROCKSDB_STORE_H_
