#include "iam/attachments.h"

#include "iam/aws_managed_policies.h"
#include "iam/policies.h"
#include "iam/roles.h"
#include "iam/users.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;
using testing::kOtherAccount;
using testing::kS3Read;
using testing::kWebIdentityTrust;

class AttachmentsTest : public IamTest {
 protected:
  void SetUp() override {
    ASSERT_OK(SeedAwsManagedPolicies(ctx()));
    ASSERT_OK(
        CreateRole(ctx(), kAccount, {.name = "Role", .assume_role_policy = kWebIdentityTrust}));
    ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "Bob"}));
  }
  std::string Policy(const std::string& name, const std::string& path = "/") {
    auto r = CreatePolicy(ctx(), kAccount, {.name = name, .document = kS3Read, .path = path});
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->policy.arn : "";
  }
};

TEST_F(AttachmentsTest, AttachIsIdempotentAndCounted) {
  const std::string arn = Policy("p");
  ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "role", arn));
  ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "Role", arn));
  auto listed = ListAttachedRolePolicies(ctx(), kAccount, "role", "", "", 0);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].policy_arn, arn);
  EXPECT_EQ(listed->items[0].policy_name, "p");
  ASSERT_OK(AttachUserPolicy(ctx(), kAccount, "bob", arn));
  EXPECT_EQ(GetPolicy(ctx(), kAccount, arn)->attachment_count, 2);
}

TEST_F(AttachmentsTest, AttachErrors) {
  const std::string missing = "arn:aws:iam::111122223333:policy/missing";
  EXPECT_ERROR(AttachRolePolicy(ctx(), kAccount, "Role", missing), "NoSuchEntity",
               "Policy " + missing + " does not exist or is not attachable.");
  EXPECT_ERROR(AttachRolePolicy(ctx(), kAccount, "nobody", Policy("p")), "NoSuchEntity",
               "The role with name nobody cannot be found.");
  EXPECT_ERROR(AttachRolePolicy(ctx(), kAccount, "Role", "nonsense"), "InvalidInput",
               "ARN nonsense is not valid.");
  // Another account's policy is not attachable.
  auto foreign = CreatePolicy(ctx(), kOtherAccount, {.name = "f", .document = kS3Read});
  ASSERT_OK(foreign);
  EXPECT_ERROR_CODE(AttachRolePolicy(ctx(), kAccount, "Role", foreign->policy.arn), "NoSuchEntity");
  EXPECT_ERROR(AttachUserPolicy(ctx(), kAccount, "carol", Policy("q")), "NoSuchEntity",
               "The user with name carol cannot be found.");
}

TEST_F(AttachmentsTest, PoliciesPerRoleQuota) {
  quotas_.attached_policies_per_role = 2;
  quotas_.attached_policies_per_user = 1;
  ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "Role", Policy("a")));
  ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "Role", "arn:aws:iam::aws:policy/ReadOnlyAccess"));
  EXPECT_ERROR(AttachRolePolicy(ctx(), kAccount, "Role", Policy("c")), "LimitExceeded",
               "Cannot exceed quota for PoliciesPerRole: 2");
  // Re-attaching an attached policy at the limit is still fine.
  ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "Role", "arn:aws:iam::aws:policy/ReadOnlyAccess"));
  ASSERT_OK(AttachUserPolicy(ctx(), kAccount, "Bob", "arn:aws:iam::aws:policy/ReadOnlyAccess"));
  EXPECT_ERROR(
      AttachUserPolicy(ctx(), kAccount, "Bob", "arn:aws:iam::aws:policy/AdministratorAccess"),
      "LimitExceeded", "Cannot exceed quota for PoliciesPerUser: 1");
}

TEST_F(AttachmentsTest, Detach) {
  const std::string arn = Policy("p");
  EXPECT_ERROR(DetachRolePolicy(ctx(), kAccount, "Role", arn), "NoSuchEntity",
               "Policy " + arn + " was not found.");
  ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "Role", arn));
  ASSERT_OK(DetachRolePolicy(ctx(), kAccount, "role", arn));
  EXPECT_ERROR_CODE(DetachRolePolicy(ctx(), kAccount, "Role", arn), "NoSuchEntity");
  EXPECT_ERROR_CODE(DetachRolePolicy(ctx(), kAccount, "nobody", arn), "NoSuchEntity");
  ASSERT_OK(AttachUserPolicy(ctx(), kAccount, "Bob", arn));
  ASSERT_OK(DetachUserPolicy(ctx(), kAccount, "Bob", arn));
  EXPECT_ERROR_CODE(DetachUserPolicy(ctx(), kAccount, "Bob", arn), "NoSuchEntity");
  EXPECT_EQ(GetPolicy(ctx(), kAccount, arn)->attachment_count, 0);
}

TEST_F(AttachmentsTest, ListAttachedPagesAndPathPrefix) {
  quotas_.attached_policies_per_role = 20;
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "Role",
                               Policy("p" + std::to_string(i), i < 3 ? "/app/" : "/")));
  }
  ASSERT_OK(
      AttachRolePolicy(ctx(), kAccount, "Role", "arn:aws:iam::aws:policy/AmazonS3FullAccess"));
  std::vector<std::string> names;
  std::string marker;
  int pages = 0;
  do {
    auto page = ListAttachedRolePolicies(ctx(), kAccount, "Role", "", marker, 2);
    ASSERT_OK(page);
    for (const auto& a : page->items) names.push_back(a.policy_name);
    marker = page->truncated ? page->marker : "";
    ++pages;
  } while (!marker.empty());
  EXPECT_EQ(names.size(), 6u);
  EXPECT_EQ(pages, 3);
  auto app = ListAttachedRolePolicies(ctx(), kAccount, "Role", "/app/", "", 2);
  ASSERT_OK(app);
  EXPECT_EQ(app->items.size(), 2u);
  EXPECT_TRUE(app->truncated);
  auto app2 = ListAttachedRolePolicies(ctx(), kAccount, "Role", "/app/", app->marker, 2);
  ASSERT_OK(app2);
  ASSERT_EQ(app2->items.size(), 1u);
  EXPECT_FALSE(app2->truncated);
  EXPECT_ERROR_CODE(ListAttachedRolePolicies(ctx(), kAccount, "nobody", "", "", 0), "NoSuchEntity");
  auto user = ListAttachedUserPolicies(ctx(), kAccount, "Bob", "", "", 0);
  ASSERT_OK(user);
  EXPECT_TRUE(user->items.empty());
}

TEST_F(AttachmentsTest, ListEntitiesForPolicy) {
  const std::string arn = Policy("p");
  for (int i = 0; i < 3; ++i) {
    const std::string name = "r" + std::to_string(i);
    ASSERT_OK(CreateRole(
        ctx(), kAccount,
        {.name = name, .assume_role_policy = kWebIdentityTrust, .path = i == 0 ? "/svc/" : "/"}));
    ASSERT_OK(AttachRolePolicy(ctx(), kAccount, name, arn));
  }
  ASSERT_OK(AttachUserPolicy(ctx(), kAccount, "Bob", arn));
  ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "Dan", .permissions_boundary_arn = arn}));

  auto all = ListEntitiesForPolicy(ctx(), kAccount, {.policy_arn = arn});
  ASSERT_OK(all);
  EXPECT_EQ(all->roles.size(), 3u);
  ASSERT_EQ(all->users.size(), 2u);
  EXPECT_EQ(all->users[0].name, "Bob");
  EXPECT_TRUE(all->users[0].id.starts_with("AIDA"));
  EXPECT_TRUE(all->roles[0].id.starts_with("AROA"));

  // Pages of 2 across roles and users.
  size_t total = 0;
  std::string marker;
  do {
    auto page = ListEntitiesForPolicy(ctx(), kAccount,
                                      {.policy_arn = arn, .marker = marker, .max_items = 2});
    ASSERT_OK(page);
    EXPECT_LE(page->roles.size() + page->users.size(), 2u);
    total += page->roles.size() + page->users.size();
    marker = page->truncated ? page->marker : "";
  } while (!marker.empty());
  EXPECT_EQ(total, 5u);

  auto roles =
      ListEntitiesForPolicy(ctx(), kAccount, {.policy_arn = arn, .filter = EntityFilter::kRole});
  ASSERT_OK(roles);
  EXPECT_EQ(roles->roles.size(), 3u);
  EXPECT_TRUE(roles->users.empty());
  auto svc = ListEntitiesForPolicy(ctx(), kAccount, {.policy_arn = arn, .path_prefix = "/svc/"});
  ASSERT_OK(svc);
  ASSERT_EQ(svc->roles.size(), 1u);
  EXPECT_EQ(svc->roles[0].name, "r0");
  EXPECT_TRUE(svc->users.empty());
  auto boundary = ListEntitiesForPolicy(
      ctx(), kAccount, {.policy_arn = arn, .usage = PolicyUsageFilter::kPermissionsBoundary});
  ASSERT_OK(boundary);
  EXPECT_TRUE(boundary->roles.empty());
  ASSERT_EQ(boundary->users.size(), 1u);
  EXPECT_EQ(boundary->users[0].name, "Dan");
  auto perms = ListEntitiesForPolicy(
      ctx(), kAccount, {.policy_arn = arn, .usage = PolicyUsageFilter::kPermissionsPolicy});
  ASSERT_OK(perms);
  EXPECT_EQ(perms->users.size(), 1u);
  auto aws_only = ListEntitiesForPolicy(
      ctx(), kAccount, {.policy_arn = arn, .filter = EntityFilter::kAwsManagedPolicy});
  ASSERT_OK(aws_only);
  EXPECT_TRUE(aws_only->roles.empty() && aws_only->users.empty());
  auto groups =
      ListEntitiesForPolicy(ctx(), kAccount, {.policy_arn = arn, .filter = EntityFilter::kGroup});
  ASSERT_OK(groups);
  EXPECT_TRUE(groups->roles.empty() && groups->users.empty() && groups->groups.empty());
  EXPECT_ERROR_CODE(
      ListEntitiesForPolicy(ctx(), kAccount, {.policy_arn = "arn:aws:iam::111122223333:policy/x"}),
      "NoSuchEntity");
}

}  // namespace
}  // namespace irsa::iam
