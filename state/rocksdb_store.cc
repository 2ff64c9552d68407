#include "state/rocksdb_store.h"

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace netstreams {
namespace {

// User keys live under kData; the checkpoint under kMeta, outside every
// range a user can scan.
constexpr char kData = '\x01';
constexpr char kDataEnd = '\x02';
constexpr char kCheckpointKey[] = "\x00checkpoint";
constexpr size_t kCheckpointKeySize = sizeof(kCheckpointKey) - 1;

absl::Status ToStatus(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

class RocksIterator : public KeyValueIterator {
 public:
  RocksIterator(std::unique_ptr<rocksdb::Iterator> it, std::string from,
                std::string to)
      : from_(std::move(from)), to_(std::move(to)), it_(std::move(it)) {
    it_->Seek(from_);
  }
  bool Valid() const override {
    return it_->Valid() && it_->key().compare(rocksdb::Slice(to_)) < 0;
  }
  absl::string_view key() const override {
    rocksdb::Slice k = it_->key();
    return absl::string_view(k.data() + 1, k.size() - 1);
  }
  absl::string_view value() const override {
    rocksdb::Slice v = it_->value();
    return absl::string_view(v.data(), v.size());
  }
  void Next() override { it_->Next(); }
  absl::Status status() const override {
    return ToStatus(it_->status(), "iterating");
  }

 private:
  std::string from_;
  std::string to_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

namespace {

rocksdb::Options StoreOptions(StoreMemory* memory) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.write_buffer_manager = memory->write_buffers();
  options.write_buffer_size = 16 << 20;
  options.max_write_buffer_number = 3;
  options.max_background_jobs = 2;
  options.max_open_files = 256;
  options.info_log_level = rocksdb::WARN_LEVEL;
  options.keep_log_file_num = 2;
  options.max_log_file_size = 1 << 20;
  options.compression = rocksdb::kLZ4Compression;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = memory->block_cache();
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbStore>> RocksDbStore::Open(
    const std::string& path, const std::string& name, StoreMemory* memory) {
  std::unique_ptr<RocksDbStore> store(new RocksDbStore());
  store->name_ = name;
  store->path_ = path;
  store->memory_ = memory;
  absl::Status opened = store->OpenDb();
  if (!opened.ok()) return opened;
  return store;
}

absl::Status RocksDbStore::OpenDb() {
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(StoreOptions(memory_), path_, &db);
  if (!s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot open state store ", name_, " at ", path_, ": ", s.ToString(),
        s.IsIOError() ? " (is another engine using this state_dir?)" : ""));
  }
  db_.reset(db);
  memory_->Register(db);
  batch_ = std::make_unique<rocksdb::WriteBatchWithIndex>(
      rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true);
  pending_ = 0;
  return absl::OkStatus();
}

void RocksDbStore::CloseDb() {
  batch_.reset();
  restore_batch_.reset();
  if (db_ != nullptr) {
    memory_->Unregister(db_.get());
    db_->Close();
    db_.reset();
  }
}

RocksDbStore::~RocksDbStore() { CloseDb(); }

absl::Status RocksDbStore::Wipe() {
  CloseDb();
  absl::Status destroyed = ToStatus(
      rocksdb::DestroyDB(path_, rocksdb::Options()), "deleting state store");
  if (!destroyed.ok()) return destroyed;
  return OpenDb();
}

const std::string& RocksDbStore::DataKey(absl::string_view key) {
  key_buffer_.clear();
  key_buffer_.push_back(kData);
  key_buffer_.append(key.data(), key.size());
  return key_buffer_;
}

absl::StatusOr<bool> RocksDbStore::Get(absl::string_view key,
                                       std::string* value) {
  // Writes are pending only between a cache flush and the commit right
  // after it; otherwise the batch is empty and the DB alone answers.
  rocksdb::Status s =
      pending_ == 0
          ? db_->Get(rocksdb::ReadOptions(), DataKey(key), value)
          : batch_->GetFromBatchAndDB(db_.get(), rocksdb::ReadOptions(),
                                      DataKey(key), value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return ToStatus(s, "reading state");
  return true;
}

absl::Status RocksDbStore::Put(absl::string_view key, absl::string_view value) {
  ++pending_;
  return ToStatus(
      batch_->Put(DataKey(key), rocksdb::Slice(value.data(), value.size())),
      "writing state");
}

absl::Status RocksDbStore::Delete(absl::string_view key) {
  ++pending_;
  return ToStatus(batch_->Delete(DataKey(key)), "deleting state");
}

std::unique_ptr<KeyValueIterator> RocksDbStore::Range(absl::string_view from,
                                                      absl::string_view to) {
  std::string lower = absl::StrCat(absl::string_view(&kData, 1), from);
  std::string upper = to.empty()
                          ? std::string(1, kDataEnd)
                          : absl::StrCat(absl::string_view(&kData, 1), to);
  std::unique_ptr<rocksdb::Iterator> base(
      db_->NewIterator(rocksdb::ReadOptions()));
  std::unique_ptr<rocksdb::Iterator> merged(
      batch_->NewIteratorWithBase(base.release()));
  return std::make_unique<RocksIterator>(std::move(merged), std::move(lower),
                                         std::move(upper));
}

uint64_t RocksDbStore::ApproximateEntries() {
  uint64_t n = 0;
  db_->GetIntProperty("rocksdb.estimate-num-keys", &n);
  return n;
}

absl::Status RocksDbStore::Commit(const Checkpoint& checkpoint) {
  std::string encoded = checkpoint.SerializeAsString();
  rocksdb::Status s =
      batch_->Put(rocksdb::Slice(kCheckpointKey, kCheckpointKeySize), encoded);
  if (!s.ok()) return ToStatus(s, "writing checkpoint");
  rocksdb::WriteOptions options;
  options.sync = false;
  s = db_->Write(options, batch_->GetWriteBatch());
  if (!s.ok()) return ToStatus(s, "committing state");
  batch_->Clear();
  pending_ = 0;
  memory_->Enforce();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Checkpoint>> RocksDbStore::ReadCheckpoint() {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(),
               rocksdb::Slice(kCheckpointKey, kCheckpointKeySize), &value);
  if (s.IsNotFound()) return std::optional<Checkpoint>();
  if (!s.ok()) return ToStatus(s, "reading checkpoint");
  Checkpoint checkpoint;
  if (!checkpoint.ParseFromString(value)) {
    return absl::DataLossError(
        absl::StrCat("state store ", name_, ": corrupt checkpoint"));
  }
  return std::optional<Checkpoint>(checkpoint);
}

size_t RocksDbStore::PendingWrites() const { return pending_; }

absl::Status RocksDbStore::WriteRestoreBatch() {
  if (restore_batch_ == nullptr || restore_batch_->Count() == 0) {
    return absl::OkStatus();
  }
  rocksdb::WriteOptions options;  // WAL on, not synced: as commits
  absl::Status s =
      ToStatus(db_->Write(options, restore_batch_.get()), "restoring state");
  restore_batch_->Clear();
  return s;
}

absl::Status RocksDbStore::RestorePut(absl::string_view key,
                                      absl::string_view value) {
  if (restore_batch_ == nullptr) {
    restore_batch_ = std::make_unique<rocksdb::WriteBatch>();
  }
  rocksdb::Status s = restore_batch_->Put(
      DataKey(key), rocksdb::Slice(value.data(), value.size()));
  if (!s.ok()) return ToStatus(s, "restoring state");
  return restore_batch_->Count() >= 10000 ? WriteRestoreBatch()
                                          : absl::OkStatus();
}

absl::Status RocksDbStore::RestoreDelete(absl::string_view key) {
  if (restore_batch_ == nullptr) {
    restore_batch_ = std::make_unique<rocksdb::WriteBatch>();
  }
  rocksdb::Status s = restore_batch_->Delete(DataKey(key));
  if (!s.ok()) return ToStatus(s, "restoring state");
  return restore_batch_->Count() >= 10000 ? WriteRestoreBatch()
                                          : absl::OkStatus();
}

absl::Status RocksDbStore::FinishRestore(const Checkpoint& checkpoint) {
  absl::Status written = WriteRestoreBatch();
  if (!written.ok()) return written;
  restore_batch_.reset();
  // After the data in the WAL: a crash before this line leaves no
  // checkpoint, and the restore starts over.
  return Commit(checkpoint);
}

absl::StatusOr<bool> RocksDbStore::Empty() {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  it->Seek(rocksdb::Slice(&kData, 1));
  if (!it->status().ok()) return ToStatus(it->status(), "reading state");
  return !it->Valid() || it->key()[0] != kData;
}

}  // namespace netstreams
