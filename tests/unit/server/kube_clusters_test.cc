// The Kubernetes-API authentication of hosted clusters (server/kube_clusters.h): which admin
// bearer tokens open a cluster's API, and that the bootstrap token stays a bootstrap token
// (short-lived, invalidated by key rotation, refused in clear text).
#include "server/kube_clusters.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "jwt/mint.h"
#include "unit/iam/memory_store.h"

namespace irsa::server {
namespace {

constexpr char kAccount[] = "111122223333";

class KubeClustersTest : public ::testing::Test {
 protected:
  KubeClustersTest()
      : clock_(FakeClock::AtUnixSeconds(1800000000)),
        random_(3),
        registry_(store_, clock_, random_, {.issuer_base = "https://irsa.example:8443"}) {}

  void SetUp() override {
    ASSERT_TRUE(registry_.Create(kAccount, "c1").ok());
    ASSERT_TRUE(registry_.Create(kAccount, "c2").ok());
  }

  kube::AccessResult Check(HostedClusters& hosted, const std::string& cluster,
                           const std::string& token, bool tls = true) {
    kube::RequestAttributes attributes;
    attributes.verb = "list";
    attributes.resource = "serviceaccounts";
    attributes.secure_transport = tls;
    return hosted.Authorize({cluster, kAccount}, token, attributes);
  }

  std::string Token(const std::string& cluster, int64_t lifetime = 600) {
    auto token = MintKubeAdminToken(registry_, clock_, kAccount, cluster, lifetime);
    EXPECT_TRUE(token.ok()) << token.error().message();
    return token.ok() ? *token : "";
  }

  iam::testing::MemoryStore store_;
  FakeClock clock_;
  SeededRandom random_;
  oidc::ClusterRegistry registry_;
};

TEST_F(KubeClustersTest, AdminTokenOpensItsClusterOverTls) {
  HostedClusters hosted(registry_, clock_, kAccount);
  kube::AccessResult result = Check(hosted, "c1", Token("c1"));
  EXPECT_EQ(result.decision, kube::AccessDecision::kAllow);
  EXPECT_EQ(result.user, kKubeAdminSubject);
}

TEST_F(KubeClustersTest, NoTokenOrGarbageIsUnauthenticated) {
  HostedClusters hosted(registry_, clock_, kAccount);
  EXPECT_EQ(Check(hosted, "c1", "").decision, kube::AccessDecision::kUnauthenticated);
  EXPECT_EQ(Check(hosted, "c1", "not.a.jwt").decision, kube::AccessDecision::kUnauthenticated);
  std::string token = Token("c1");
  token.back() = token.back() == 'A' ? 'B' : 'A';  // signature tampered
  EXPECT_EQ(Check(hosted, "c1", token).decision, kube::AccessDecision::kUnauthenticated);
}

TEST_F(KubeClustersTest, TokenOfAnotherClusterIsRefused) {
  HostedClusters hosted(registry_, clock_, kAccount);
  EXPECT_EQ(Check(hosted, "c2", Token("c1")).decision, kube::AccessDecision::kUnauthenticated);
}

TEST_F(KubeClustersTest, PlainHttpIsRefusedUnlessAllowed) {
  HostedClusters strict(registry_, clock_, kAccount);
  const std::string token = Token("c1");
  EXPECT_EQ(Check(strict, "c1", token, /*tls=*/false).decision,
            kube::AccessDecision::kUnauthenticated);
  HostedClusters lenient(registry_, clock_, kAccount, {.allow_plain_http = true});
  EXPECT_EQ(Check(lenient, "c1", token, /*tls=*/false).decision, kube::AccessDecision::kAllow);
}

TEST_F(KubeClustersTest, KeyRotationInvalidatesAdminTokens) {
  HostedClusters hosted(registry_, clock_, kAccount);
  const std::string before = Token("c1");
  ASSERT_EQ(Check(hosted, "c1", before).decision, kube::AccessDecision::kAllow);
  ASSERT_TRUE(registry_.RotateKeys(kAccount, "c1").ok());
  // The retired key stays published for service-account tokens, but admin tokens need the
  // active key.
  EXPECT_EQ(Check(hosted, "c1", before).decision, kube::AccessDecision::kUnauthenticated);
  EXPECT_EQ(Check(hosted, "c1", Token("c1")).decision, kube::AccessDecision::kAllow);
}

TEST_F(KubeClustersTest, ExpiredTokenIsRefused) {
  HostedClusters hosted(registry_, clock_, kAccount);
  const std::string token = Token("c1", 60);
  clock_.Advance(std::chrono::seconds(59));
  EXPECT_EQ(Check(hosted, "c1", token).decision, kube::AccessDecision::kAllow);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(Check(hosted, "c1", token).decision, kube::AccessDecision::kUnauthenticated);
}

TEST_F(KubeClustersTest, LifetimeIsBounded) {
  EXPECT_FALSE(MintKubeAdminToken(registry_, clock_, kAccount, "c1", 0).ok());
  EXPECT_FALSE(
      MintKubeAdminToken(registry_, clock_, kAccount, "c1", kMaxKubeAdminLifetime + 1).ok());
  EXPECT_TRUE(MintKubeAdminToken(registry_, clock_, kAccount, "c1", kMaxKubeAdminLifetime).ok());
  EXPECT_EQ(kDefaultKubeAdminLifetime, 3600);
}

TEST_F(KubeClustersTest, ServiceAccountTokenIsNotAnAdminToken) {
  HostedClusters hosted(registry_, clock_, kAccount);
  jwt::ServiceAccountTokenSpec spec;
  spec.namespace_name = "default";
  spec.service_account_name = "app";
  spec.audiences = {kKubeAdminAudience};
  spec.issued_at = clock_.NowUnixSeconds();
  spec.lifetime_seconds = 600;
  auto token = registry_.MintServiceAccountToken(kAccount, "c1", spec);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(Check(hosted, "c1", *token).decision, kube::AccessDecision::kUnauthenticated);
}

}  // namespace
}  // namespace irsa::server
