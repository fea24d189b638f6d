#include "store/generation_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <thread>

namespace irsa::store {
namespace {

// A store holding one value: Write() replaces it and bumps the generation after the "commit",
// as SqliteStore and PostgresStore do. Reads go through Snapshot().
class OneValueStore final : public Store {
 public:
  Status Read(const std::function<Status(StoreTx&)>&) override { return OkStatus(); }
  Status Write(const std::function<Status(StoreTx&)>&) override { return OkStatus(); }
  Status Reset() override { return OkStatus(); }
  int64_t Generation() override {
    ++generation_calls;
    return generation_.load();
  }

  std::string Snapshot() {
    std::lock_guard lock(mu_);
    return value_;
  }
  void Put(std::string value) {
    {
      std::lock_guard lock(mu_);
      value_ = std::move(value);
    }
    generation_.fetch_add(1);
  }

  std::atomic<int> generation_calls{0};

 private:
  std::mutex mu_;
  std::string value_ = "v1";
  std::atomic<int64_t> generation_{1};
};

using Cache = GenerationCache<std::string, std::string>;

TEST(GenerationCacheTest, LoadsOnceThenServesUntilAWrite) {
  OneValueStore store;
  Cache cache(store, 10);
  int loads = 0;
  auto load = [&]() -> Result<std::string> {
    ++loads;
    return store.Snapshot();
  };
  EXPECT_EQ(*cache.GetOrLoad("k", load), "v1");
  EXPECT_EQ(*cache.GetOrLoad("k", load), "v1");
  EXPECT_EQ(loads, 1);
  store.Put("v2");
  EXPECT_EQ(*cache.GetOrLoad("k", load), "v2");
  EXPECT_EQ(loads, 2);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(GenerationCacheTest, LoaderErrorsAreNotCached) {
  OneValueStore store;
  Cache cache(store, 10);
  int loads = 0;
  auto failing = [&]() -> Result<std::string> {
    ++loads;
    return errors::ServiceFailure("store down");
  };
  EXPECT_EQ(cache.GetOrLoad("k", failing).error().code(), "ServiceFailure");
  EXPECT_EQ(cache.GetOrLoad("k", failing).error().code(), "ServiceFailure");
  EXPECT_EQ(loads, 2);
  EXPECT_EQ(cache.size(), 0u);
}

// The race the cache exists for: load A reads its snapshot, a write commits, load B reads the new
// value and publishes it, then A tries to publish what it read before the write.
TEST(GenerationCacheTest, AValueReadBeforeANewerWriteIsNeverPublished) {
  OneValueStore store;
  Cache cache(store, 10);
  std::promise<void> read_done, release;
  std::shared_future<void> released = release.get_future().share();
  Result<std::string> slow = errors::InternalFailure("not run");
  std::thread loader([&] {
    slow = cache.GetOrLoad("k", [&]() -> Result<std::string> {
      std::string snapshot = store.Snapshot();
      read_done.set_value();
      released.wait();
      return snapshot;
    });
  });
  read_done.get_future().wait();
  store.Put("v2");
  EXPECT_EQ(*cache.GetOrLoad("k", [&]() -> Result<std::string> { return store.Snapshot(); }), "v2");
  release.set_value();
  loader.join();
  EXPECT_EQ(*slow, "v1") << "the slow caller gets what it read";
  int64_t ticket = 0;
  std::optional<std::string> cached = cache.Find("k", ticket);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(*cached, "v2");
}

// Same, with no other lookup in between: the write completed before A's insert, so A's value is
// not published and the next lookup loads again.
TEST(GenerationCacheTest, AValueReadBeforeAWriteThatCompletedBeforeTheInsertIsNotPublished) {
  OneValueStore store;
  Cache cache(store, 10);
  std::promise<void> read_done, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread loader([&] {
    (void)cache.GetOrLoad("k", [&]() -> Result<std::string> {
      std::string snapshot = store.Snapshot();
      read_done.set_value();
      released.wait();
      return snapshot;
    });
  });
  read_done.get_future().wait();
  store.Put("v2");
  release.set_value();
  loader.join();
  int64_t ticket = 0;
  EXPECT_FALSE(cache.Find("k", ticket).has_value());
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(*cache.GetOrLoad("k", [&]() -> Result<std::string> { return store.Snapshot(); }), "v2");
}

TEST(GenerationCacheTest, InsertWithAnOlderTicketIsRefused) {
  OneValueStore store;
  Cache cache(store, 10);
  int64_t ticket = 0;
  EXPECT_FALSE(cache.Find("k", ticket).has_value());
  const int64_t before = ticket;
  store.Put("v2");
  EXPECT_FALSE(cache.Insert("k", "v1", before));
  EXPECT_FALSE(cache.Find("k", ticket).has_value());
  EXPECT_GT(ticket, before);
  EXPECT_TRUE(cache.Insert("k", "v2", ticket));
  EXPECT_EQ(*cache.Find("k", ticket), "v2");
}

TEST(GenerationCacheTest, AWriteDropsEveryEntry) {
  OneValueStore store;
  Cache cache(store, 10);
  int64_t ticket = 0;
  cache.Find("a", ticket);
  EXPECT_TRUE(cache.Insert("a", "1", ticket));
  EXPECT_TRUE(cache.Insert("b", "2", ticket));
  EXPECT_EQ(cache.size(), 2u);
  store.Put("v2");
  EXPECT_FALSE(cache.Find("a", ticket).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(GenerationCacheTest, StaysWithinItsBound) {
  OneValueStore store;
  Cache cache(store, 3);
  int64_t ticket = 0;
  cache.Find("k0", ticket);
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(cache.Insert("k" + std::to_string(i), std::to_string(i), ticket));
    EXPECT_LE(cache.size(), 3u);
    EXPECT_EQ(*cache.Find("k" + std::to_string(i), ticket), std::to_string(i));
  }
  EXPECT_EQ(cache.size(), 3u);
  // Replacing an existing key evicts nothing.
  EXPECT_TRUE(cache.Insert("k9", "nine", ticket));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(*cache.Find("k9", ticket), "nine");
}

TEST(GenerationCacheTest, AHitCostsOneGenerationRead) {
  OneValueStore store;
  GenerationCache<std::string, std::shared_ptr<const std::string>> cache(store, 10);
  auto value = std::make_shared<const std::string>("v");
  int64_t ticket = 0;
  cache.Find("k", ticket);
  ASSERT_TRUE(cache.Insert("k", value, ticket));
  const int before = store.generation_calls.load();
  auto hit = cache.Find("k", ticket);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->get(), value.get()) << "shared, not copied";
  EXPECT_EQ(store.generation_calls.load() - before, 1);
}

// Many readers and a writer at once: no reader ever gets a value older than the newest write
// that completed before its lookup began.
TEST(GenerationCacheTest, ConcurrentReadersNeverSeeAValueOlderThanACompletedWrite) {
  OneValueStore store;
  Cache cache(store, 10);
  store.Put("0");
  std::atomic<int> completed{0};  // the newest value whose write has completed
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        const int floor = completed.load();
        auto got = cache.GetOrLoad("k", [&]() -> Result<std::string> { return store.Snapshot(); });
        if (!got.ok() || std::stoi(*got) < floor) violations.fetch_add(1);
      }
    });
  }
  for (int i = 1; i <= 2000; ++i) {
    store.Put(std::to_string(i));
    completed.store(i);
  }
  stop.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(violations.load(), 0);
}

}  // namespace
}  // namespace irsa::store
