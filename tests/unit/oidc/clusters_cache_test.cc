// The hosted-issuer cache of ClusterRegistry never publishes an issuer read before a newer write.
#include <gtest/gtest.h>

#include <thread>

#include "base/clock.h"
#include "base/random.h"
#include "oidc/clusters.h"
#include "unit/store/pausing_store.h"

namespace irsa::oidc {
namespace {

constexpr char kAccount[] = "111122223333";

class ClustersCacheTest : public ::testing::Test {
 protected:
  ClustersCacheTest()
      : clock_(FakeClock::AtUnixSeconds(1800000000)),
        random_(3),
        registry_(store_, clock_, random_, {.issuer_base = "https://irsa.example"}) {}

  store::testing::PausingStore store_;
  FakeClock clock_;
  SeededRandom random_;
  ClusterRegistry registry_;
};

TEST_F(ClustersCacheTest, SlowIssuerLoadDoesNotResurrectADeletedCluster) {
  auto cluster = registry_.Create(kAccount, "c1");
  ASSERT_TRUE(cluster.ok());
  auto first = registry_.IssuerById(cluster->id);
  ASSERT_TRUE(first.ok() && first->has_value());

  // A write empties the cache. The next load reads the issuer index, the cluster and its keys
  // (three reads); pause it after the last one.
  ASSERT_TRUE(registry_.Create(kAccount, "c2").ok());
  store_.ArmPause(/*skip_reads=*/2);
  Result<std::optional<std::shared_ptr<const HostedIssuer>>> slow =
      errors::InternalFailure("not run");
  std::thread loader([&] { slow = registry_.IssuerById(cluster->id); });
  store_.WaitUntilPaused();

  ASSERT_TRUE(registry_.Delete(kAccount, "c1").ok());
  auto during = registry_.IssuerById(cluster->id);
  ASSERT_TRUE(during.ok());
  EXPECT_FALSE(during->has_value());

  store_.Release();
  loader.join();
  ASSERT_TRUE(slow.ok());
  EXPECT_TRUE(slow->has_value()) << "the slow load read the cluster before it was deleted";
  auto after = registry_.IssuerById(cluster->id);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has_value()) << "the deleted cluster's issuer was put back in the cache";
}

}  // namespace
}  // namespace irsa::oidc
