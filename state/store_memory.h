// The memory budget every RocksDB store of a process shares: one block
// cache, and memtables charged against that same cache through a write
// buffer manager, so that 100 tasks do not mean 100 unbounded RocksDB
// instances. Thread-safe (RocksDB's cache and manager are).
#ifndef NETSTREAMS_STATE_STORE_MEMORY_H_
#define NETSTREAMS_STATE_STORE_MEMORY_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <set>

namespace rocksdb {
class Cache;
class DB;
class WriteBufferManager;
}  // namespace rocksdb

namespace netstreams {

class StoreMemory {
 public:
  // `budget_bytes` bounds block cache plus memtables; a quarter of it may
  // be memtables.
  explicit StoreMemory(size_t budget_bytes);
  ~StoreMemory();

  size_t budget_bytes() const { return budget_bytes_; }
  const std::shared_ptr<rocksdb::Cache>& block_cache() const { return cache_; }
  const std::shared_ptr<rocksdb::WriteBufferManager>& write_buffers() const {
    return write_buffers_;
  }
  // Bytes in use: the cache's total (blocks plus charged memtables) and
  // the memtables alone.
  size_t UsageBytes() const;
  size_t MemtableBytes() const;

  // Stores register so that one store's writes can make others flush:
  // RocksDB only flushes the store being written, and idle stores would
  // otherwise keep their memtables over the budget.
  void Register(rocksdb::DB* db);
  void Unregister(rocksdb::DB* db);
  // While memtables exceed their share, starts flushing the largest ones.
  void Enforce();

 private:
  size_t budget_bytes_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers_;
  std::mutex mu_;
  std::set<rocksdb::DB*> dbs_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_STATE_STORE_MEMORY_H_
