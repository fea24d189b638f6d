// The STS role and provider caches never publish an entry read before a newer write: a slow load
// that read a trust policy (or provider) before an update must not put it back after the
// update's successor was cached.
#include <thread>

#include "unit/sts/sts_test_util.h"

namespace irsa::sts {
namespace {

using testing::kAccount;
using testing::kOtherAccount;
using testing::kProviderArn;

class StsCacheTest : public testing::StsTest {};

TEST_F(StsCacheTest, SlowRoleLoadDoesNotReplaceANewerTrustPolicy) {
  const std::string root = std::string("arn:aws:iam::") + kAccount + ":root";
  CreateRole("target", AwsTrust(root));
  ASSERT_TRUE(sts_.AssumeRole(Root(), {}, Assume("target")).ok());  // warm

  // Any write empties the cache; the next assumption loads the role again. Pause that load after
  // it read the trust policy that still trusts the account.
  ASSERT_TRUE(iam::TagRole(ctx_, kAccount, "target", {{"k", "v"}}).ok());
  store_.ArmPause();
  Result<IssuedCredentials> slow = errors::InternalFailure("not run");
  std::thread loader([&] { slow = sts_.AssumeRole(Root(), {}, Assume("target", "slow")); });
  store_.WaitUntilPaused();

  // Meanwhile the trust policy is replaced by one that trusts only another account, and a
  // request on this node loads (and caches) the new one.
  ASSERT_TRUE(
      iam::UpdateAssumeRolePolicy(ctx_, kAccount, "target",
                                  AwsTrust(std::string("arn:aws:iam::") + kOtherAccount + ":root"))
          .ok());
  auto during = sts_.AssumeRole(Root(), {}, Assume("target"));
  ASSERT_FALSE(during.ok());
  EXPECT_EQ(during.error().code(), "AccessDenied");

  store_.Release();
  loader.join();
  // The slow request itself read the old policy before the update committed: it may be allowed
  // (it is ordered before the update). What it read must not be served afterwards.
  (void)slow;
  auto after = sts_.AssumeRole(Root(), {}, Assume("target"));
  ASSERT_FALSE(after.ok()) << "the trust policy read before the update was put back in the cache";
  EXPECT_EQ(after.error().code(), "AccessDenied");
}

TEST_F(StsCacheTest, SlowRoleLoadFinishingAfterTheWriteIsNotServed) {
  const std::string root = std::string("arn:aws:iam::") + kAccount + ":root";
  CreateRole("target", AwsTrust(root));
  store_.ArmPause();
  Result<IssuedCredentials> slow = errors::InternalFailure("not run");
  std::thread loader([&] { slow = sts_.AssumeRole(Root(), {}, Assume("target", "slow")); });
  store_.WaitUntilPaused();
  ASSERT_TRUE(
      iam::UpdateAssumeRolePolicy(ctx_, kAccount, "target",
                                  AwsTrust(std::string("arn:aws:iam::") + kOtherAccount + ":root"))
          .ok());
  store_.Release();
  loader.join();
  auto after = sts_.AssumeRole(Root(), {}, Assume("target"));
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code(), "AccessDenied");
}

TEST_F(StsCacheTest, SlowProviderLoadDoesNotResurrectADeletedProvider) {
  CreateProvider();
  CreateRole("web", WebIdentityTrust());
  ASSERT_TRUE(sts_.AssumeRoleWithWebIdentity(WebIdentity("web", Sign(TokenClaims()))).ok());

  // Empty the cache, then pause the provider's reload after it read the provider.
  ASSERT_TRUE(iam::TagRole(ctx_, kAccount, "web", {{"k", "v"}}).ok());
  store_.ArmPause();
  Result<IssuedCredentials> slow = errors::InternalFailure("not run");
  std::thread loader(
      [&] { slow = sts_.AssumeRoleWithWebIdentity(WebIdentity("web", Sign(TokenClaims()))); });
  store_.WaitUntilPaused();
  ASSERT_TRUE(iam::DeleteOpenIDConnectProvider(ctx_, kAccount, kProviderArn).ok());
  auto during = sts_.AssumeRoleWithWebIdentity(WebIdentity("web", Sign(TokenClaims())));
  ASSERT_FALSE(during.ok());
  EXPECT_EQ(during.error().code(), "InvalidIdentityToken");
  store_.Release();
  loader.join();
  (void)slow;
  auto after = sts_.AssumeRoleWithWebIdentity(WebIdentity("web", Sign(TokenClaims())));
  ASSERT_FALSE(after.ok()) << "the deleted provider was put back in the cache";
  EXPECT_EQ(after.error().code(), "InvalidIdentityToken");
}

}  // namespace
}  // namespace irsa::sts
