// The store layers against real RocksDB on disk and the in-memory store.

#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "state/caching_store.h"
#include "state/changelogging_store.h"
#include "state/in_memory_store.h"
#include "state/rocksdb_store.h"
#include "state/store_memory.h"

namespace netstreams {
namespace {

std::vector<std::pair<std::string, std::string>> Scan(KeyValueStore& store,
                                                      absl::string_view from,
                                                      absl::string_view to) {
  std::vector<std::pair<std::string, std::string>> out;
  auto it = store.Range(from, to);
  for (; it->Valid(); it->Next()) {
    out.emplace_back(std::string(it->key()), std::string(it->value()));
  }
  EXPECT_TRUE(it->status().ok());
  return out;
}

std::string Get(KeyValueStore& store, absl::string_view key) {
  std::string value;
  auto found = store.Get(key, &value);
  EXPECT_TRUE(found.ok());
  return *found ? value : "<absent>";
}

class RecordingWriter : public ChangelogWriter {
 public:
  void Log(absl::string_view key, const absl::string_view* value) override {
    log.push_back(absl::StrCat(key, "=", value ? *value : "<tombstone>"));
  }
  std::vector<std::string> log;
};

std::string TempPath(const std::string& name) {
  return absl::StrCat(
      testing::TempDir(), "/", name, "-",
      testing::UnitTest::GetInstance()->current_test_info()->name());
}

TEST(RocksDbStoreTest, CommitWritesStateAndCheckpointTogether) {
  StoreMemory memory(64 << 20);
  std::string path = TempPath("db");
  {
    auto store = RocksDbStore::Open(path, "s", &memory);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("a", "1").ok());
    ASSERT_TRUE((*store)->Put("b", "2").ok());
    EXPECT_EQ(Get(**store, "a"), "1");  // reads see buffered writes
    Checkpoint checkpoint;
    checkpoint.set_changelog_offset(41);
    checkpoint.add_input_offsets(1000);
    ASSERT_TRUE((*store)->Commit(checkpoint).ok());
    // Written after the commit, never committed: a crash loses it.
    ASSERT_TRUE((*store)->Put("c", "3").ok());
    ASSERT_TRUE((*store)->Delete("a").ok());
    EXPECT_EQ((*store)->PendingWrites(), 2u);
  }
  auto store = RocksDbStore::Open(path, "s", &memory);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(Get(**store, "a"), "1");
  EXPECT_EQ(Get(**store, "b"), "2");
  EXPECT_EQ(Get(**store, "c"), "<absent>");
  auto checkpoint = (*store)->ReadCheckpoint();
  ASSERT_TRUE(checkpoint.ok());
  ASSERT_TRUE(checkpoint->has_value());
  EXPECT_EQ((*checkpoint)->changelog_offset(), 41);
  EXPECT_EQ((*checkpoint)->input_offsets(0), 1000);
  // The checkpoint is not part of the user's key space.
  EXPECT_EQ(Scan(**store, "", "").size(), 2u);
}

TEST(RocksDbStoreTest, RangeMergesBufferedWritesInOrder) {
  StoreMemory memory(64 << 20);
  auto store = RocksDbStore::Open(TempPath("db"), "s", &memory);
  ASSERT_TRUE(store.ok());
  for (const char* k : {"t/3", "t/1", "u/1", "s/9"}) {
    ASSERT_TRUE((*store)->Put(k, k).ok());
  }
  ASSERT_TRUE((*store)->Commit(Checkpoint()).ok());
  ASSERT_TRUE((*store)->Put("t/2", "x").ok());
  ASSERT_TRUE((*store)->Delete("t/3").ok());
  auto got = Scan(**store, "t/", "t0");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, "t/1");
  EXPECT_EQ(got[1].first, "t/2");
}

TEST(RocksDbStoreTest, SecondOpenOfTheSameStoreFailsClearly) {
  StoreMemory memory(64 << 20);
  std::string path = TempPath("db");
  auto first = RocksDbStore::Open(path, "s", &memory);
  ASSERT_TRUE(first.ok());
  auto second = RocksDbStore::Open(path, "s", &memory);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("another engine"), std::string::npos)
      << second.status();
}

TEST(RocksDbStoreTest, StoresShareOneMemoryBudget) {
  StoreMemory memory(8 << 20);
  std::vector<std::unique_ptr<RocksDbStore>> stores;
  std::string value(1000, 'v');
  for (int s = 0; s < 8; ++s) {
    auto store =
        RocksDbStore::Open(TempPath(absl::StrCat("db", s)), "s", &memory);
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < 3000; ++i) {
      ASSERT_TRUE((*store)->Put(absl::StrCat("key", i), value).ok());
      if (i % 100 == 99) {
        ASSERT_TRUE((*store)->Commit(Checkpoint()).ok());
      }
    }
    stores.push_back(std::move(*store));
  }
  // 24 MB written into 8 stores, a commit per 100 KB; the shared budget
  // holds at 8 MB (memtables are a quarter of it).
  // Flushes run in the background: allow them a moment.
  for (int i = 0; i < 50 && memory.UsageBytes() > (size_t{8} << 20); ++i) {
    usleep(100 * 1000);
  }
  EXPECT_LE(memory.UsageBytes(), size_t{8} << 20);
  EXPECT_GT(memory.MemtableBytes(), 0u);
}

TEST(CachingStoreTest, AbsorbsRepeatedWritesAndCancelsCreateDelete) {
  auto inner = std::make_unique<InMemoryStore>("s");
  InMemoryStore* below = inner.get();
  RecordingWriter changelog;
  CachingStore cache(
      std::make_unique<ChangeLoggingStore>(std::move(inner), &changelog));
  ASSERT_TRUE(below->Put("old", "v0").ok());

  // A key read as absent, then created and deleted: nothing goes below.
  EXPECT_EQ(Get(cache, "session"), "<absent>");
  ASSERT_TRUE(cache.Put("session", "open").ok());
  ASSERT_TRUE(cache.Delete("session").ok());
  // Written three times: goes below once, with the last value.
  ASSERT_TRUE(cache.Put("k", "1").ok());
  ASSERT_TRUE(cache.Put("k", "2").ok());
  ASSERT_TRUE(cache.Put("k", "3").ok());
  // A key that may exist below: its deletion is a tombstone.
  ASSERT_TRUE(cache.Delete("old").ok());
  EXPECT_EQ(Get(cache, "old"), "<absent>");
  EXPECT_EQ(Get(cache, "k"), "3");
  EXPECT_TRUE(changelog.log.empty());
  EXPECT_EQ(below->entries().size(), 1u);

  ASSERT_TRUE(cache.Flush().ok());
  EXPECT_EQ(changelog.log,
            (std::vector<std::string>{"k=3", "old=<tombstone>"}));
  EXPECT_EQ(below->entries().size(), 1u);
  EXPECT_EQ(Get(*below, "k"), "3");
  EXPECT_EQ(cache.dirty_entries(), 0u);
  EXPECT_EQ(cache.absorbed_writes(), 3u);  // put+delete, 2 of 3 puts
}

TEST(CachingStoreTest, RangeSeesCacheOverStore) {
  auto inner = std::make_unique<InMemoryStore>("s");
  for (const char* k : {"a", "b", "c", "d"}) {
    ASSERT_TRUE(inner->Put(k, "below").ok());
  }
  CachingStore cache(std::move(inner));
  ASSERT_TRUE(cache.Put("b", "cached").ok());
  ASSERT_TRUE(cache.Delete("c").ok());
  ASSERT_TRUE(cache.Put("bb", "new").ok());
  auto got = Scan(cache, "a", "d");
  std::vector<std::pair<std::string, std::string>> want = {
      {"a", "below"}, {"b", "cached"}, {"bb", "new"}};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace netstreams
