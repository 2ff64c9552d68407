#include "state/store_memory.h"

#include <algorithm>
#include <vector>

#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/write_buffer_manager.h"

namespace netstreams {

StoreMemory::StoreMemory(size_t budget_bytes)
    : budget_bytes_(budget_bytes),
      cache_(rocksdb::NewLRUCache(budget_bytes)),
      write_buffers_(std::make_shared<rocksdb::WriteBufferManager>(
          budget_bytes / 4, cache_)) {}

StoreMemory::~StoreMemory() = default;

size_t StoreMemory::UsageBytes() const { return cache_->GetUsage(); }

size_t StoreMemory::MemtableBytes() const {
  return write_buffers_->memory_usage();
}

void StoreMemory::Register(rocksdb::DB* db) {
  std::lock_guard<std::mutex> lock(mu_);
  dbs_.insert(db);
}

void StoreMemory::Unregister(rocksdb::DB* db) {
  std::lock_guard<std::mutex> lock(mu_);
  dbs_.erase(db);
}

void StoreMemory::Enforce() {
  size_t limit = write_buffers_->buffer_size();
  size_t usage = write_buffers_->memory_usage();
  if (usage <= limit) return;
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<uint64_t, rocksdb::DB*>> sizes;
  for (rocksdb::DB* db : dbs_) {
    uint64_t size = 0;
    db->GetIntProperty("rocksdb.cur-size-active-mem-table", &size);
    sizes.emplace_back(size, db);
  }
  std::sort(sizes.rbegin(), sizes.rend());
  // Aim for half the share, so that flushes are not started on every
  // commit once the budget is reached.
  size_t excess = usage - limit / 2;
  rocksdb::FlushOptions options;
  options.wait = false;
  options.allow_write_stall = true;
  for (const auto& [size, db] : sizes) {
    if (excess == 0 || size == 0) break;
    db->Flush(options);
    excess = size >= excess ? 0 : excess - size;
  }
}

}  // namespace netstreams
