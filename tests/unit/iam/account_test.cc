// Account aliases, STS preferences, GetAccountAuthorizationDetails, and what policies say about
// services and context keys (account_settings.h, authorization_details.h, service_access.h).
#include <gmock/gmock.h>

#include "iam/account_settings.h"
#include "iam/attachments.h"
#include "iam/authorization_details.h"
#include "iam/aws_managed_policies.h"
#include "iam/groups.h"
#include "iam/inline_policies.h"
#include "iam/instance_profiles.h"
#include "iam/policies.h"
#include "iam/roles.h"
#include "iam/service_access.h"
#include "iam/users.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using ::testing::ElementsAre;
using testing::IamTest;
using testing::kAccount;
using testing::kOtherAccount;
using testing::kS3Read;

class AccountTest : public IamTest {};

TEST_F(AccountTest, AliasPatternIsTheModels) {
  const std::vector<std::string> good_aliases = {"abc", "a-b", "my-account-1", "000",
                                                 std::string(63, 'a')};
  for (const std::string& good : good_aliases) {
    EXPECT_TRUE(IsValidAccountAlias(good)) << good;
  }
  const std::vector<std::string> bad_aliases = {
      "ab", "-abc", "abc-", "a--b", "Abc", "a_b", "a.b", "", std::string(64, 'a')};
  for (const std::string& bad : bad_aliases) {
    EXPECT_FALSE(IsValidAccountAlias(bad)) << bad;
  }
  EXPECT_ERROR(CreateAccountAlias(ctx(), kAccount, "my--alias"), "ValidationError",
               "The specified value for accountAlias is invalid. It must be a minimum length of "
               "3 characters and maximum length of 63 characters, contain only digits, lowercase "
               "letters, and hyphens (-), but cannot begin or end with a hyphen.");
}

TEST_F(AccountTest, AliasIsUniqueAcrossAccountsAndReplacedWithinOne) {
  ASSERT_OK(CreateAccountAlias(ctx(), kAccount, "first-alias"));
  ASSERT_OK(CreateAccountAlias(ctx(), kAccount, "first-alias"));  // idempotent
  EXPECT_ERROR(CreateAccountAlias(ctx(), kOtherAccount, "first-alias"), "EntityAlreadyExists",
               "The account alias first-alias already exists.");
  // A second alias replaces the first (one per account, as AWS).
  ASSERT_OK(CreateAccountAlias(ctx(), kAccount, "second-alias"));
  auto listed = ListAccountAliases(ctx(), kAccount, "", 0);
  ASSERT_OK(listed);
  EXPECT_THAT(listed->items, ElementsAre("second-alias"));
  // The replaced alias is free again.
  ASSERT_OK(CreateAccountAlias(ctx(), kOtherAccount, "first-alias"));
  EXPECT_ERROR(DeleteAccountAlias(ctx(), kAccount, "first-alias"), "NoSuchEntity",
               "The account alias first-alias cannot be found.");
  ASSERT_OK(DeleteAccountAlias(ctx(), kAccount, "second-alias"));
  listed = ListAccountAliases(ctx(), kAccount, "", 0);
  ASSERT_OK(listed);
  EXPECT_TRUE(listed->items.empty());
}

TEST_F(AccountTest, AliasQuotaAndPaging) {
  quotas_.aliases_per_account = 2;
  ASSERT_OK(CreateAccountAlias(ctx(), kAccount, "alias-b"));
  ASSERT_OK(CreateAccountAlias(ctx(), kAccount, "alias-a"));
  auto page = ListAccountAliases(ctx(), kAccount, "", 1);
  ASSERT_OK(page);
  EXPECT_THAT(page->items, ElementsAre("alias-a"));
  ASSERT_TRUE(page->truncated);
  auto rest = ListAccountAliases(ctx(), kAccount, page->marker, 1);
  ASSERT_OK(rest);
  EXPECT_THAT(rest->items, ElementsAre("alias-b"));
  EXPECT_FALSE(rest->truncated);
  ASSERT_OK(CreateAccountAlias(ctx(), kAccount, "alias-c"));  // replaces the first by key
  auto all = ListAccountAliases(ctx(), kAccount, "", 0);
  ASSERT_OK(all);
  EXPECT_THAT(all->items, ElementsAre("alias-b", "alias-c"));
}

TEST_F(AccountTest, GlobalEndpointTokenVersion) {
  auto version = GetGlobalEndpointTokenVersion(ctx(), kAccount);
  ASSERT_OK(version);
  EXPECT_EQ(*version, "v1Token");
  ASSERT_OK(SetGlobalEndpointTokenVersion(ctx(), kAccount, "v2Token"));
  version = GetGlobalEndpointTokenVersion(ctx(), kAccount);
  ASSERT_OK(version);
  EXPECT_EQ(*version, "v2Token");
  auto other = GetGlobalEndpointTokenVersion(ctx(), kOtherAccount);
  ASSERT_OK(other);
  EXPECT_EQ(*other, "v1Token");
  EXPECT_ERROR_CODE(SetGlobalEndpointTokenVersion(ctx(), kAccount, "v3Token"), "InvalidInput");
}

constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
constexpr char kConditioned[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:PrincipalTag/team, 'none'}"},"Bool":{"aws:SecureTransport":"true"}}}]})";
constexpr char kEverything[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
constexpr char kNotIam[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]})";
constexpr char kDenyS3[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]})";

class AccountWorldTest : public IamTest {
 protected:
  void SetUp() override {
    ASSERT_OK(SeedAwsManagedPolicies(ctx()));
    auto local = CreatePolicy(ctx(), kAccount, {.name = "S3Read", .document = kS3Read});
    ASSERT_OK(local);
    local_arn_ = local->policy.arn;
    ASSERT_OK(CreatePolicyVersion(ctx(), kAccount, local_arn_, kConditioned, true));
    ASSERT_OK(
        CreateUser(ctx(), kAccount, {.name = "alice", .permissions_boundary_arn = local_arn_}));
    ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "bob"}));
    ASSERT_OK(CreateGroup(ctx(), kAccount, "Admins", "/"));
    ASSERT_OK(AddUserToGroup(ctx(), kAccount, "Admins", "alice"));
    ASSERT_OK(PutGroupPolicy(ctx(), kAccount, "Admins", "everything", kEverything));
    ASSERT_OK(PutUserPolicy(ctx(), kAccount, "alice", "not-iam", kNotIam));
    ASSERT_OK(AttachUserPolicy(ctx(), kAccount, "alice", local_arn_));
    ASSERT_OK(AttachGroupPolicy(ctx(), kAccount, "Admins", local_arn_));
    ASSERT_OK(CreateRole(ctx(), kAccount, {.name = "app", .assume_role_policy = kTrust}));
    ASSERT_OK(PutRolePolicy(ctx(), kAccount, "app", "deny-s3", kDenyS3));
    ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "app", kReadOnly));
    ASSERT_OK(CreateInstanceProfile(ctx(), kAccount, "app-profile", "/", {}));
    ASSERT_OK(AddRoleToInstanceProfile(ctx(), kAccount, "app-profile", "app"));
  }
  static constexpr char kReadOnly[] = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  std::string local_arn_;
};

TEST_F(AccountWorldTest, AuthorizationDetailsCarryEverythingThatGoverns) {
  auto details = GetAccountAuthorizationDetails(ctx(), kAccount, {}, "", 0);
  ASSERT_OK(details);
  EXPECT_FALSE(details->truncated);
  ASSERT_EQ(details->users.size(), 2u);
  const UserDetail& alice = details->users[0];
  EXPECT_EQ(alice.user.name, "alice");
  EXPECT_EQ(alice.user.permissions_boundary_arn, local_arn_);
  EXPECT_THAT(alice.groups, ElementsAre("Admins"));
  ASSERT_EQ(alice.inline_policies.size(), 1u);
  EXPECT_EQ(alice.inline_policies[0].name, "not-iam");
  ASSERT_EQ(alice.attached.size(), 1u);
  EXPECT_EQ(alice.attached[0].policy_arn, local_arn_);
  ASSERT_EQ(details->groups.size(), 1u);
  EXPECT_EQ(details->groups[0].inline_policies.size(), 1u);
  EXPECT_EQ(details->groups[0].attached.size(), 1u);
  ASSERT_EQ(details->roles.size(), 1u);
  EXPECT_EQ(details->roles[0].role.assume_role_policy, kTrust);
  ASSERT_EQ(details->roles[0].instance_profiles.size(), 1u);
  EXPECT_EQ(details->roles[0].instance_profiles[0].profile.name, "app-profile");
  // The local policy with both versions, then the one attached AWS-managed policy only.
  ASSERT_EQ(details->policies.size(), 2u);
  EXPECT_EQ(details->policies[0].info.policy.arn, local_arn_);
  EXPECT_EQ(details->policies[0].info.attachment_count, 2);
  EXPECT_EQ(details->policies[0].info.boundary_usage_count, 1);
  ASSERT_EQ(details->policies[0].versions.size(), 2u);
  EXPECT_EQ(details->policies[0].versions[0].version.version_id, "v2");
  EXPECT_TRUE(details->policies[0].versions[0].is_default);
  EXPECT_EQ(details->policies[0].versions[1].version.document, kS3Read);
  EXPECT_EQ(details->policies[1].info.policy.arn, kReadOnly);
  EXPECT_TRUE(details->policies[1].info.aws_managed);
}

TEST_F(AccountWorldTest, AuthorizationDetailsPaginateAcrossPartsAndFilter) {
  std::vector<std::string> seen;
  std::string marker;
  int pages = 0;
  do {
    auto page = GetAccountAuthorizationDetails(ctx(), kAccount, {}, marker, 2);
    ASSERT_OK(page);
    const size_t n =
        page->users.size() + page->groups.size() + page->roles.size() + page->policies.size();
    EXPECT_LE(n, 2u);
    for (const auto& u : page->users) seen.push_back("user:" + u.user.name);
    for (const auto& g : page->groups) seen.push_back("group:" + g.group.name);
    for (const auto& r : page->roles) seen.push_back("role:" + r.role.name);
    for (const auto& p : page->policies) seen.push_back("policy:" + p.info.policy.name);
    marker = page->truncated ? page->marker : "";
    ++pages;
  } while (!marker.empty() && pages < 10);
  EXPECT_THAT(seen, ElementsAre("user:alice", "user:bob", "group:Admins", "role:app",
                                "policy:S3Read", "policy:ReadOnlyAccess"));
  EXPECT_EQ(pages, 3);

  DetailsFilter only_roles_and_aws{.users = false,
                                   .groups = false,
                                   .roles = true,
                                   .local_policies = false,
                                   .aws_policies = true};
  auto filtered = GetAccountAuthorizationDetails(ctx(), kAccount, only_roles_and_aws, "", 0);
  ASSERT_OK(filtered);
  EXPECT_TRUE(filtered->users.empty());
  EXPECT_TRUE(filtered->groups.empty());
  EXPECT_EQ(filtered->roles.size(), 1u);
  ASSERT_EQ(filtered->policies.size(), 1u);
  EXPECT_EQ(filtered->policies[0].info.policy.arn, kReadOnly);
  EXPECT_ERROR_CODE(GetAccountAuthorizationDetails(ctx(), kAccount, {}, "not-a-marker!", 0),
                    "InvalidInput");
}

TEST_F(AccountWorldTest, PoliciesGrantingServiceAccess) {
  auto alice = ListPoliciesGrantingServiceAccess(
      ctx(), kAccount, "arn:aws:iam::111122223333:user/alice", {"s3", "iam", "ec2"});
  ASSERT_OK(alice);
  ASSERT_EQ(alice->size(), 3u);
  auto names = [](const ServiceAccess& access) {
    std::vector<std::string> out;
    for (const auto& p : access.policies) {
      out.push_back(p.type + ":" + p.name + ":" + p.entity_type + ":" + p.entity_name);
    }
    return out;
  };
  // s3: the user's NotAction policy, the local policy once (direct and via the group), the
  // group's "*" policy.
  EXPECT_THAT(names((*alice)[0]), ElementsAre("INLINE:not-iam:USER:alice", "MANAGED:S3Read::",
                                              "INLINE:everything:GROUP:Admins"));
  // iam: NotAction iam:* excludes it; only "*".
  EXPECT_THAT(names((*alice)[1]), ElementsAre("INLINE:everything:GROUP:Admins"));
  EXPECT_EQ((*alice)[0].policies[1].arn, local_arn_);
  // A Deny grants nothing; ReadOnlyAccess has ec2:Describe*.
  auto role = ListPoliciesGrantingServiceAccess(
      ctx(), kAccount, "arn:aws:iam::111122223333:role/app", {"s3", "sts"});
  ASSERT_OK(role);
  EXPECT_THAT(names((*role)[0]), ElementsAre("MANAGED:ReadOnlyAccess::"));
  auto group = ListPoliciesGrantingServiceAccess(ctx(), kAccount,
                                                 "arn:aws:iam::111122223333:group/Admins", {"kms"});
  ASSERT_OK(group);
  EXPECT_THAT(names((*group)[0]), ElementsAre("INLINE:everything:GROUP:Admins"));
  EXPECT_ERROR(ListPoliciesGrantingServiceAccess(ctx(), kAccount,
                                                 "arn:aws:iam::111122223333:user/nobody", {"s3"}),
               "NoSuchEntity",
               "The entity with ARN arn:aws:iam::111122223333:user/nobody cannot be found.");
  EXPECT_ERROR_CODE(ListPoliciesGrantingServiceAccess(
                        ctx(), kAccount, "arn:aws:iam::444455556666:user/alice", {"s3"}),
                    "NoSuchEntity");
  EXPECT_ERROR_CODE(ListPoliciesGrantingServiceAccess(ctx(), kAccount, "alice", {"s3"}),
                    "InvalidInput");
}

TEST_F(AccountWorldTest, ContextKeys) {
  auto custom = ContextKeysForCustomPolicy({kConditioned, kS3Read});
  ASSERT_OK(custom);
  EXPECT_THAT(*custom, ElementsAre("aws:username", "aws:PrincipalTag/team", "aws:SecureTransport"));
  EXPECT_ERROR_CODE(ContextKeysForCustomPolicy({"{not json"}), "InvalidInput");
  // alice: her own policies and her group's (S3Read's default version is kConditioned), plus
  // the input, each key once (case-insensitively).
  const std::string extra =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"AWS:USERNAME":"x","s3:prefix":"y"}}}]})";
  auto principal = ContextKeysForPrincipalPolicy(ctx(), kAccount,
                                                 "arn:aws:iam::111122223333:user/alice", {extra});
  ASSERT_OK(principal);
  EXPECT_THAT(*principal, ElementsAre("aws:username", "aws:PrincipalTag/team",
                                      "aws:SecureTransport", "s3:prefix"));
  auto bob =
      ContextKeysForPrincipalPolicy(ctx(), kAccount, "arn:aws:iam::111122223333:user/bob", {});
  ASSERT_OK(bob);
  EXPECT_TRUE(bob->empty());
}

}  // namespace
}  // namespace irsa::iam
