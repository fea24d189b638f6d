// CachingServiceAccountLookup: TTLs with a FakeClock, live lookup on miss, stale-if-error.
#include <gtest/gtest.h>

#include <chrono>

#include "base/clock.h"
#include "kube/service_account_lookup.h"
#include "unit/kube/webhook_test_util.h"

namespace irsa::kube {
namespace {

using namespace std::chrono_literals;
using testing::FakeLookup;

TEST(CachingLookupTest, PositiveTtl) {
  FakeLookup live;
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  CachingServiceAccountLookup cache(live, clock, {.positive_ttl = 60s, .negative_ttl = 2s});
  live.Put("ns", "sa", {{"eks.amazonaws.com/role-arn", "arn:1"}});
  auto first = cache.Get("ns", "sa");
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->annotations.at("eks.amazonaws.com/role-arn"), "arn:1");
  live.Put("ns", "sa", {{"eks.amazonaws.com/role-arn", "arn:2"}});
  clock.Advance(59s);
  EXPECT_EQ((*cache.Get("ns", "sa"))->annotations.at("eks.amazonaws.com/role-arn"), "arn:1");
  EXPECT_EQ(live.calls(), 1);
  clock.Advance(1s);
  EXPECT_EQ((*cache.Get("ns", "sa"))->annotations.at("eks.amazonaws.com/role-arn"), "arn:2");
  EXPECT_EQ(live.calls(), 2);
  cache.Invalidate("ns", "sa");
  EXPECT_EQ(cache.size(), 0u);
  ASSERT_TRUE(cache.Get("ns", "sa").ok());
  EXPECT_EQ(live.calls(), 3);
}

TEST(CachingLookupTest, ServiceAccountCreatedAfterMissIsFoundAfterNegativeTtl) {
  FakeLookup live;
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  CachingServiceAccountLookup cache(live, clock);  // defaults: negative TTL 2 s
  auto miss = cache.Get("ns", "new");
  ASSERT_TRUE(miss.ok());
  EXPECT_FALSE(miss->has_value());
  live.Put("ns", "new", {{"eks.amazonaws.com/role-arn", "arn"}});
  clock.Advance(1s);
  EXPECT_FALSE(cache.Get("ns", "new")->has_value()) << "negative entry still fresh";
  EXPECT_EQ(live.calls(), 1);
  clock.Advance(1s);
  EXPECT_TRUE(cache.Get("ns", "new")->has_value());
  EXPECT_EQ(live.calls(), 2);
  // A first lookup of a key is always live (no informer race).
  live.Put("ns", "fresh", {});
  EXPECT_TRUE(cache.Get("ns", "fresh")->has_value());
}

TEST(CachingLookupTest, ErrorsAreNotCachedAndStaleServesOnError) {
  FakeLookup live;
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  CachingServiceAccountLookup cache(
      live, clock, {.positive_ttl = 10s, .negative_ttl = 1s, .stale_if_error_ttl = 60s});
  live.FailWith(errors::ServiceUnavailable("down"));
  EXPECT_FALSE(cache.Get("ns", "sa").ok());
  EXPECT_FALSE(cache.Get("ns", "sa").ok());
  EXPECT_EQ(live.calls(), 2) << "errors are not cached";
  live.FailWith(std::nullopt);
  live.Put("ns", "sa", {{"k", "v"}});
  ASSERT_TRUE(cache.Get("ns", "sa")->has_value());
  live.FailWith(errors::ServiceUnavailable("down"));
  clock.Advance(30s);
  auto stale = cache.Get("ns", "sa");
  ASSERT_TRUE(stale.ok());
  EXPECT_TRUE(stale->has_value()) << "stale entry served while the live lookup fails";
  clock.Advance(41s);
  EXPECT_FALSE(cache.Get("ns", "sa").ok()) << "too stale";
}

TEST(CachingLookupTest, BoundedSize) {
  FakeLookup live;
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  CachingServiceAccountLookup cache(live, clock, {.max_entries = 3});
  for (int i = 0; i < 10; ++i) {
    live.Put("ns", "sa" + std::to_string(i), {});
    ASSERT_TRUE(cache.Get("ns", "sa" + std::to_string(i)).ok());
    clock.Advance(1ms);
    EXPECT_LE(cache.size(), 3u);
  }
  const int calls = live.calls();
  ASSERT_TRUE(cache.Get("ns", "sa9").ok());
  EXPECT_EQ(live.calls(), calls) << "the newest entry survived eviction";
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace irsa::kube
