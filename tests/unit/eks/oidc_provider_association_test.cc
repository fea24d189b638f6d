// The IAM OIDC provider of a hosted cluster (eks/oidc_provider_association.h): planning changes
// nothing, associating creates the provider eksctl would (issuer URL, sts.amazonaws.com, the CA's
// SHA-1), is idempotent, completes a provider lacking the client id, and refuses unknown clusters.
#include "eks/oidc_provider_association.h"

#include <gtest/gtest.h>

#include <chrono>

#include "base/clock.h"
#include "base/encoding.h"
#include "base/random.h"
#include "crypto/hash.h"
#include "crypto/x509.h"
#include "iam/accounts.h"
#include "iam/oidc_providers.h"
#include "unit/iam/memory_store.h"

namespace irsa::eks {
namespace {

constexpr char kAccount[] = "111122223333";
using State = OidcProviderPlan::State;

class OidcProviderAssociationTest : public ::testing::Test {
 protected:
  OidcProviderAssociationTest()
      : clock_(FakeClock::AtUnixSeconds(1800000000)),
        random_(7),
        ctx_{store_, clock_, random_, quotas_},
        registry_(store_, clock_, random_,
                  {.issuer_base = "https://irsa.example:8443", .region = "eu-west-1"}) {}

  void SetUp() override {
    ASSERT_TRUE(iam::EnsureAccount(ctx_, kAccount).ok());
    auto cluster = registry_.Create(kAccount, "c1", "ES256");
    ASSERT_TRUE(cluster.ok()) << cluster.error().message();
    issuer_ = cluster->issuer;
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
    ASSERT_TRUE(key.ok());
    auto ca = crypto::CreateCaCertificate(
        *key, {.common_name = "test CA", .not_before = clock_.Now() - std::chrono::hours(1)},
        random_);
    ASSERT_TRUE(ca.ok()) << ca.error().message();
    ca_pem_ = ca->ToPem();
    ca_sha1_ = HexEncode(crypto::Sha1(ca->ToDer()));
  }

  OidcProviderPlan Plan(std::string_view ca_pem) {
    auto plan = PlanOidcProviderAssociation(registry_, ctx_, kAccount, "c1", ca_pem);
    EXPECT_TRUE(plan.ok()) << plan.error().message();
    return plan.ok() ? *plan : OidcProviderPlan{};
  }

  std::vector<iam::OidcProviderRecord> Providers() {
    auto list = iam::ListOpenIDConnectProviders(ctx_, kAccount);
    EXPECT_TRUE(list.ok());
    return list.ok() ? *list : std::vector<iam::OidcProviderRecord>{};
  }

  std::string HostPath() const { return issuer_.substr(std::string("https://").size()); }

  iam::testing::MemoryStore store_;
  FakeClock clock_;
  SeededRandom random_;
  iam::Quotas quotas_;
  iam::ServiceContext ctx_;
  oidc::ClusterRegistry registry_;
  std::string issuer_;
  std::string ca_pem_;
  std::string ca_sha1_;
};

TEST_F(OidcProviderAssociationTest, PlanNamesTheProviderAndChangesNothing) {
  OidcProviderPlan plan = Plan(ca_pem_);
  EXPECT_EQ(plan.state, State::kAbsent);
  EXPECT_EQ(plan.cluster, "c1");
  EXPECT_EQ(plan.region, "eu-west-1");
  EXPECT_EQ(plan.issuer, issuer_);
  EXPECT_EQ(plan.provider_url, HostPath());
  EXPECT_EQ(plan.provider_arn, "arn:aws:iam::111122223333:oidc-provider/" + HostPath());
  EXPECT_EQ(plan.thumbprint, ca_sha1_);
  EXPECT_EQ(plan.thumbprint.size(), 40u);
  EXPECT_TRUE(Providers().empty());
}

TEST_F(OidcProviderAssociationTest, CreatesTheProviderOnceThenSaysItIsAssociated) {
  auto created = AssociateOidcProvider(ctx_, kAccount, Plan(ca_pem_));
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_EQ(*created, State::kAbsent);
  auto providers = Providers();
  ASSERT_EQ(providers.size(), 1u);
  EXPECT_EQ(providers[0].arn, "arn:aws:iam::111122223333:oidc-provider/" + HostPath());
  EXPECT_EQ(providers[0].url, HostPath());
  EXPECT_EQ(providers[0].client_ids, std::vector<std::string>{"sts.amazonaws.com"});
  EXPECT_EQ(providers[0].thumbprints, std::vector<std::string>{ca_sha1_});
  // STS finds it for the cluster's tokens.
  auto found = iam::FindOidcProviderByUrl(ctx_, kAccount, issuer_);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->has_value());

  OidcProviderPlan again = Plan(ca_pem_);
  EXPECT_EQ(again.state, State::kAssociated);
  auto rerun = AssociateOidcProvider(ctx_, kAccount, again);
  ASSERT_TRUE(rerun.ok());
  EXPECT_EQ(*rerun, State::kAssociated);
  ASSERT_EQ(Providers().size(), 1u);
  EXPECT_EQ(Providers()[0].created, providers[0].created);
}

TEST_F(OidcProviderAssociationTest, WithoutACaTheProviderHasNoThumbprint) {
  OidcProviderPlan plan = Plan("");
  EXPECT_EQ(plan.thumbprint, "");
  ASSERT_TRUE(AssociateOidcProvider(ctx_, kAccount, plan).ok());
  auto providers = Providers();
  ASSERT_EQ(providers.size(), 1u);
  EXPECT_TRUE(providers[0].thumbprints.empty());
  EXPECT_EQ(providers[0].client_ids, std::vector<std::string>{"sts.amazonaws.com"});
}

TEST_F(OidcProviderAssociationTest, AddsTheClientIdToAProviderMadeWithoutIt) {
  const std::string other_thumbprint(40, 'a');
  ASSERT_TRUE(iam::CreateOpenIDConnectProvider(
                  ctx_, kAccount,
                  {.url = issuer_, .client_ids = {"other"}, .thumbprints = {other_thumbprint}})
                  .ok());
  OidcProviderPlan plan = Plan(ca_pem_);
  EXPECT_EQ(plan.state, State::kMissingClientId);
  auto added = AssociateOidcProvider(ctx_, kAccount, plan);
  ASSERT_TRUE(added.ok()) << added.error().message();
  EXPECT_EQ(*added, State::kMissingClientId);
  auto providers = Providers();
  ASSERT_EQ(providers.size(), 1u);
  EXPECT_EQ(providers[0].client_ids, (std::vector<std::string>{"other", "sts.amazonaws.com"}));
  EXPECT_EQ(providers[0].thumbprints, std::vector<std::string>{other_thumbprint});  // untouched
  EXPECT_EQ(Plan(ca_pem_).state, State::kAssociated);
}

TEST_F(OidcProviderAssociationTest, AProviderCreatedSinceThePlanCountsAsAssociated) {
  OidcProviderPlan plan = Plan(ca_pem_);
  ASSERT_EQ(plan.state, State::kAbsent);
  ASSERT_TRUE(
      iam::CreateOpenIDConnectProvider(ctx_, kAccount, {.url = issuer_, .client_ids = {"other"}})
          .ok());
  auto result = AssociateOidcProvider(ctx_, kAccount, plan);
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(*result, State::kAssociated);
  auto providers = Providers();
  ASSERT_EQ(providers.size(), 1u);
  EXPECT_EQ(providers[0].client_ids, (std::vector<std::string>{"other", "sts.amazonaws.com"}));
}

TEST_F(OidcProviderAssociationTest, UnknownClusterAndBadCaAreErrors) {
  auto missing = PlanOidcProviderAssociation(registry_, ctx_, kAccount, "nope", ca_pem_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ResourceNotFoundException");
  EXPECT_EQ(missing.error().message(), "No cluster found for name: nope.");
  auto bad_ca = PlanOidcProviderAssociation(registry_, ctx_, kAccount, "c1", "not a PEM");
  ASSERT_FALSE(bad_ca.ok());
  EXPECT_EQ(bad_ca.error().code(), "InvalidInput");
  EXPECT_TRUE(Providers().empty());
}

}  // namespace
}  // namespace irsa::eks
