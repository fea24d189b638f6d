#include "iam/principal_policies.h"

#include "iam/attachments.h"
#include "iam/aws_managed_policies.h"
#include "iam/inline_policies.h"
#include "iam/policies.h"
#include "iam/roles.h"
#include "iam/users.h"
#include "policy/decision.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;
using testing::kS3Read;
using testing::kS3Write;
using testing::kWebIdentityTrust;

class PrincipalPoliciesTest : public IamTest {
 protected:
  void SetUp() override {
    ASSERT_OK(SeedAwsManagedPolicies(ctx()));
    auto boundary = CreatePolicy(ctx(), kAccount, {.name = "Boundary", .document = kS3Read});
    ASSERT_OK(boundary);
    boundary_arn_ = boundary->policy.arn;
    auto managed = CreatePolicy(ctx(), kAccount, {.name = "Managed", .document = kS3Read});
    ASSERT_OK(managed);
    managed_arn_ = managed->policy.arn;
    ASSERT_OK(CreatePolicyVersion(ctx(), kAccount, managed_arn_, kS3Write, true));
    ASSERT_OK(CreateRole(ctx(), kAccount,
                         {.name = "App",
                          .assume_role_policy = kWebIdentityTrust,
                          .path = "/eks/",
                          .max_session_duration = 7200,
                          .permissions_boundary_arn = boundary_arn_,
                          .tags = {{"team", "a"}}}));
    ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "App", managed_arn_));
    ASSERT_OK(
        AttachRolePolicy(ctx(), kAccount, "App", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
    ASSERT_OK(PutRolePolicy(ctx(), kAccount, "App", "inline1", kS3Read));
  }
  std::string boundary_arn_;
  std::string managed_arn_;
};

TEST_F(PrincipalPoliciesTest, GathersRole) {
  auto gathered = GatherRolePolicies(ctx(), kAccount, "app");
  ASSERT_OK(gathered);
  EXPECT_TRUE(gathered->is_role);
  EXPECT_EQ(gathered->name, "App");
  EXPECT_EQ(gathered->arn, "arn:aws:iam::111122223333:role/eks/App");
  EXPECT_TRUE(gathered->unique_id.starts_with("AROA"));
  EXPECT_EQ(gathered->max_session_duration, 7200);
  ASSERT_EQ(gathered->tags.size(), 1u);
  ASSERT_TRUE(gathered->trust.has_value());
  EXPECT_EQ(gathered->trust->document, kWebIdentityTrust);
  EXPECT_EQ(gathered->trust->type, PolicySourceType::kTrust);
  ASSERT_EQ(gathered->identity.size(), 3u);
  EXPECT_EQ(gathered->identity[0].type, PolicySourceType::kInline);
  EXPECT_EQ(gathered->identity[0].name, "inline1");
  // Attachments come ordered by ARN: the account's own ("arn:aws:iam::1111…") first.
  EXPECT_EQ(gathered->identity[1].type, PolicySourceType::kManaged);
  EXPECT_EQ(gathered->identity[1].id, managed_arn_);
  EXPECT_EQ(gathered->identity[1].version_id, "v2");
  EXPECT_EQ(gathered->identity[1].document, kS3Write);  // the default version
  EXPECT_EQ(gathered->identity[2].type, PolicySourceType::kAwsManaged);
  EXPECT_EQ(gathered->identity[2].id, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
  ASSERT_TRUE(gathered->boundary.has_value());
  EXPECT_EQ(gathered->boundary->id, boundary_arn_);

  auto compiled = CompilePrincipalPolicies(*gathered);
  ASSERT_OK(compiled);
  ASSERT_NE(compiled->trust, nullptr);
  EXPECT_EQ(compiled->trust->kind(), policy::PolicyKind::kTrust);
  EXPECT_EQ(compiled->identity.size(), 3u);
  EXPECT_EQ(compiled->identity[0]->name(), "inline:inline1");
  ASSERT_NE(compiled->boundary, nullptr);

  // The compiled set decides: s3:PutObject is allowed by Managed v2 but not by the boundary.
  policy::PolicySet set;
  set.identity = compiled->identity;
  set.boundary = compiled->boundary;
  policy::Request request =
      policy::RequestBuilder()
          .Action("s3:PutObject")
          .Resource("arn:aws:s3:::bucket/key")
          .Principal(policy::RequestPrincipal::AssumedRole(
              "arn:aws:sts::111122223333:assumed-role/App/s", gathered->arn, gathered->unique_id))
          .Build();
  EXPECT_FALSE(policy::Decide(set, request).allowed());
  request.action = "s3:GetObject";
  EXPECT_TRUE(policy::Decide(set, request).allowed());
}

TEST_F(PrincipalPoliciesTest, GathersUserAndByArn) {
  ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "Bob", .path = "/ops/"}));
  ASSERT_OK(AttachUserPolicy(ctx(), kAccount, "Bob", managed_arn_));
  ASSERT_OK(PutUserPolicy(ctx(), kAccount, "Bob", "mine", kS3Read));
  auto user = GatherPrincipalPolicies(ctx(), kAccount, "arn:aws:iam::111122223333:user/ops/Bob");
  ASSERT_OK(user);
  EXPECT_FALSE(user->is_role);
  EXPECT_FALSE(user->trust.has_value());
  EXPECT_FALSE(user->boundary.has_value());
  EXPECT_EQ(user->identity.size(), 2u);
  auto compiled = CompilePrincipalPolicies(*user);
  ASSERT_OK(compiled);
  EXPECT_EQ(compiled->trust, nullptr);
  EXPECT_EQ(compiled->boundary, nullptr);

  auto role = GatherPrincipalPolicies(ctx(), kAccount, "arn:aws:iam::111122223333:role/eks/App");
  ASSERT_OK(role);
  EXPECT_TRUE(role->is_role);

  const std::string wrong_path = "arn:aws:iam::111122223333:role/App";
  EXPECT_ERROR(GatherPrincipalPolicies(ctx(), kAccount, wrong_path), "NoSuchEntity",
               "Could not find user or role with ARN " + wrong_path + ".");
  EXPECT_ERROR_CODE(
      GatherPrincipalPolicies(ctx(), kAccount, "arn:aws:iam::444455556666:role/eks/App"),
      "NoSuchEntity");
  EXPECT_ERROR_CODE(GatherPrincipalPolicies(ctx(), kAccount, "nope"), "InvalidInput");
  EXPECT_ERROR(GatherRolePolicies(ctx(), kAccount, "ghost"), "NoSuchEntity",
               "The role with name ghost cannot be found.");
  EXPECT_ERROR(GatherUserPolicies(ctx(), kAccount, "ghost"), "NoSuchEntity",
               "The user with name ghost cannot be found.");
}

TEST_F(PrincipalPoliciesTest, UserBoundaryAndTags) {
  ASSERT_OK(
      CreateUser(ctx(), kAccount, {.name = "Eve", .permissions_boundary_arn = boundary_arn_}));
  EXPECT_EQ(GetPolicy(ctx(), kAccount, boundary_arn_)->boundary_usage_count, 2);
  auto gathered = GatherUserPolicies(ctx(), kAccount, "eve");
  ASSERT_OK(gathered);
  ASSERT_TRUE(gathered->boundary.has_value());
  EXPECT_ERROR_CODE(CreateUser(ctx(), kAccount,
                               {.name = "Mal",
                                .permissions_boundary_arn = "arn:aws:iam::111122223333:policy/no"}),
                    "NoSuchEntity");
  EXPECT_ERROR_CODE(GetUser(ctx(), kAccount, "Mal"), "NoSuchEntity");  // rolled back

  ASSERT_OK(DeleteUserPermissionsBoundary(ctx(), kAccount, "Eve"));
  EXPECT_EQ(GetPolicy(ctx(), kAccount, boundary_arn_)->boundary_usage_count, 1);
  ASSERT_OK(PutUserPermissionsBoundary(ctx(), kAccount, "Eve", managed_arn_));
  EXPECT_EQ(GetUser(ctx(), kAccount, "Eve")->permissions_boundary_arn, managed_arn_);
  ASSERT_OK(DeleteUser(ctx(), kAccount, "Eve"));
  EXPECT_EQ(GetPolicy(ctx(), kAccount, managed_arn_)->boundary_usage_count, 0);

  ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "Tom"}));
  ASSERT_OK(TagUser(ctx(), kAccount, "Tom", {{"k", "v"}}));
  ASSERT_OK(TagUser(ctx(), kAccount, "tom", {{"K", "w"}}));
  auto tags = ListUserTags(ctx(), kAccount, "Tom", "", 0);
  ASSERT_OK(tags);
  ASSERT_EQ(tags->items.size(), 1u);
  EXPECT_EQ(tags->items[0], (Tag{"K", "w"}));
  ASSERT_OK(UntagUser(ctx(), kAccount, "Tom", {"k"}));
  EXPECT_TRUE(GetUser(ctx(), kAccount, "Tom")->tags.empty());
  EXPECT_ERROR_CODE(TagUser(ctx(), kAccount, "ghost", {{"k", "v"}}), "NoSuchEntity");
}

}  // namespace
}  // namespace irsa::iam
