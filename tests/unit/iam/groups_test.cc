#include "iam/groups.h"

#include "iam/access_keys.h"
#include "iam/attachments.h"
#include "iam/inline_policies.h"
#include "iam/policies.h"
#include "iam/principal_policies.h"
#include "iam/simulation.h"
#include "iam/users.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;
using testing::kS3Read;
using testing::kS3Write;

class GroupsTest : public IamTest {
 protected:
  void SetUp() override {
    ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "alice"}));
    ASSERT_OK(CreateGroup(ctx(), kAccount, "Admins", "/ops/"));
  }

  std::string PolicyArn(const std::string& name, const char* document) {
    auto created = CreatePolicy(ctx(), kAccount, {.name = name, .document = document});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->policy.arn : "";
  }
};

TEST_F(GroupsTest, CreateGetListAndConflicts) {
  auto got = GetGroup(ctx(), kAccount, "admins", "", 0);
  ASSERT_OK(got);
  EXPECT_EQ(got->group.name, "Admins");
  EXPECT_EQ(got->group.arn, "arn:aws:iam::111122223333:group/ops/Admins");
  EXPECT_TRUE(got->group.id.starts_with("AGPA"));
  EXPECT_TRUE(got->users.items.empty());
  EXPECT_ERROR(CreateGroup(ctx(), kAccount, "ADMINS", "/"), "EntityAlreadyExists",
               "Group with name ADMINS already exists.");
  EXPECT_ERROR(GetGroup(ctx(), kAccount, "nobody", "", 0), "NoSuchEntity",
               "The group with name nobody cannot be found.");
  EXPECT_ERROR_CODE(CreateGroup(ctx(), kAccount, "bad name", "/"), "ValidationError");
  ASSERT_OK(CreateGroup(ctx(), kAccount, "Devs", "/"));
  auto all = ListGroups(ctx(), kAccount, "", "", 1);
  ASSERT_OK(all);
  ASSERT_EQ(all->items.size(), 1u);
  EXPECT_EQ(all->items[0].name, "Admins");
  EXPECT_TRUE(all->truncated);
  auto rest = ListGroups(ctx(), kAccount, "", all->marker, 1);
  ASSERT_OK(rest);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].name, "Devs");
  EXPECT_FALSE(rest->truncated);
  auto ops = ListGroups(ctx(), kAccount, "/ops/", "", 0);
  ASSERT_OK(ops);
  EXPECT_EQ(ops->items.size(), 1u);
}

TEST_F(GroupsTest, GroupsPerAccountQuota) {
  quotas_.groups_per_account = 1;
  EXPECT_ERROR(CreateGroup(ctx(), kAccount, "Second", "/"), "LimitExceeded",
               "Cannot exceed quota for GroupsPerAccount: 1");
}

TEST_F(GroupsTest, MembershipAndGroupsPerUserQuota) {
  ASSERT_OK(AddUserToGroup(ctx(), kAccount, "admins", "ALICE"));
  ASSERT_OK(AddUserToGroup(ctx(), kAccount, "Admins", "alice"));  // idempotent
  auto got = GetGroup(ctx(), kAccount, "Admins", "", 0);
  ASSERT_OK(got);
  ASSERT_EQ(got->users.items.size(), 1u);
  EXPECT_EQ(got->users.items[0].name, "alice");
  auto groups = ListGroupsForUser(ctx(), kAccount, "alice", "", 0);
  ASSERT_OK(groups);
  ASSERT_EQ(groups->items.size(), 1u);
  EXPECT_EQ(groups->items[0].name, "Admins");
  EXPECT_ERROR(AddUserToGroup(ctx(), kAccount, "Admins", "bob"), "NoSuchEntity",
               "The user with name bob cannot be found.");

  quotas_.groups_per_user = 1;
  ASSERT_OK(CreateGroup(ctx(), kAccount, "Devs", "/"));
  EXPECT_ERROR(AddUserToGroup(ctx(), kAccount, "Devs", "alice"), "LimitExceeded",
               "Cannot exceed quota for GroupsPerUser: 1");
  ASSERT_OK(RemoveUserFromGroup(ctx(), kAccount, "Admins", "alice"));
  EXPECT_ERROR(RemoveUserFromGroup(ctx(), kAccount, "Admins", "alice"), "NoSuchEntity",
               "User alice is not in group Admins.");
  ASSERT_OK(AddUserToGroup(ctx(), kAccount, "Devs", "alice"));
}

TEST_F(GroupsTest, DeleteConflicts) {
  ASSERT_OK(AddUserToGroup(ctx(), kAccount, "Admins", "alice"));
  EXPECT_ERROR(DeleteGroup(ctx(), kAccount, "Admins"), "DeleteConflict",
               "Cannot delete entity, must remove users from group first.");
  EXPECT_ERROR(DeleteUser(ctx(), kAccount, "alice"), "DeleteConflict",
               "Cannot delete entity, must remove user from all groups first.");
  ASSERT_OK(RemoveUserFromGroup(ctx(), kAccount, "Admins", "alice"));
  const std::string arn = PolicyArn("read", kS3Read);
  ASSERT_OK(AttachGroupPolicy(ctx(), kAccount, "Admins", arn));
  EXPECT_ERROR(DeleteGroup(ctx(), kAccount, "Admins"), "DeleteConflict",
               "Cannot delete entity, must detach all policies first.");
  auto info = GetPolicy(ctx(), kAccount, arn);
  ASSERT_OK(info);
  EXPECT_EQ(info->attachment_count, 1);
  EXPECT_ERROR(DeletePolicy(ctx(), kAccount, arn), "DeleteConflict",
               "Cannot delete a policy attached to entities.");
  ASSERT_OK(DetachGroupPolicy(ctx(), kAccount, "Admins", arn));
  ASSERT_OK(PutGroupPolicy(ctx(), kAccount, "Admins", "inline", kS3Write));
  EXPECT_ERROR(DeleteGroup(ctx(), kAccount, "Admins"), "DeleteConflict",
               "Cannot delete entity, must delete policies first.");
  ASSERT_OK(DeleteGroupPolicy(ctx(), kAccount, "Admins", "inline"));
  ASSERT_OK(DeleteGroup(ctx(), kAccount, "Admins"));
  EXPECT_ERROR_CODE(GetGroup(ctx(), kAccount, "Admins", "", 0), "NoSuchEntity");
}

TEST_F(GroupsTest, GroupPolicyQuotas) {
  quotas_.attached_policies_per_group = 1;
  ASSERT_OK(AttachGroupPolicy(ctx(), kAccount, "Admins", PolicyArn("a", kS3Read)));
  EXPECT_ERROR(AttachGroupPolicy(ctx(), kAccount, "Admins", PolicyArn("b", kS3Write)),
               "LimitExceeded", "Cannot exceed quota for PoliciesPerGroup: 1");
  quotas_.group_inline_policy_size = 50;
  EXPECT_ERROR(PutGroupPolicy(ctx(), kAccount, "Admins", "big", kS3Read), "LimitExceeded",
               "Maximum policy size of 50 bytes exceeded for group Admins");
  EXPECT_ERROR(GetGroupPolicy(ctx(), kAccount, "Admins", "none"), "NoSuchEntity",
               "The group policy with name none cannot be found.");
}

TEST_F(GroupsTest, UserEvaluationIncludesGroupPolicies) {
  ASSERT_OK(AddUserToGroup(ctx(), kAccount, "Admins", "alice"));
  ASSERT_OK(PutGroupPolicy(ctx(), kAccount, "Admins", "write", kS3Write));
  ASSERT_OK(AttachGroupPolicy(ctx(), kAccount, "Admins", PolicyArn("read", kS3Read)));
  auto gathered = GatherUserPolicies(ctx(), kAccount, "alice");
  ASSERT_OK(gathered);
  ASSERT_EQ(gathered->identity.size(), 2u);
  EXPECT_EQ(gathered->identity[0].type, PolicySourceType::kGroupInline);
  EXPECT_EQ(GatheredPolicyName(gathered->identity[0]), "group:Admins:inline:write");
  EXPECT_EQ(gathered->identity[1].id, "arn:aws:iam::111122223333:policy/read");
  EXPECT_EQ(gathered->identity[1].group, "Admins");
  ASSERT_EQ(gathered->groups.size(), 1u);

  SimulationInput input;
  input.action_names = {"s3:PutObject", "s3:DeleteObject"};
  auto simulated =
      SimulatePrincipalPolicy(ctx(), kAccount, "arn:aws:iam::111122223333:user/alice", input);
  ASSERT_OK(simulated);
  ASSERT_EQ(simulated->results.size(), 2u);
  EXPECT_EQ(simulated->results[0].decision, "allowed");
  ASSERT_EQ(simulated->results[0].matched.size(), 1u);
  EXPECT_EQ(simulated->results[0].matched[0].source_policy_type, "group");
  EXPECT_EQ(simulated->results[1].decision, "implicitDeny");

  // Leaving the group takes its policies away.
  ASSERT_OK(RemoveUserFromGroup(ctx(), kAccount, "Admins", "alice"));
  auto after = GatherUserPolicies(ctx(), kAccount, "alice");
  ASSERT_OK(after);
  EXPECT_TRUE(after->identity.empty());
}

TEST_F(GroupsTest, RenameGroupMovesMembersAndPolicies) {
  ASSERT_OK(AddUserToGroup(ctx(), kAccount, "Admins", "alice"));
  ASSERT_OK(PutGroupPolicy(ctx(), kAccount, "Admins", "write", kS3Write));
  const std::string arn = PolicyArn("read", kS3Read);
  ASSERT_OK(AttachGroupPolicy(ctx(), kAccount, "Admins", arn));
  ASSERT_OK(CreateGroup(ctx(), kAccount, "Taken", "/"));
  EXPECT_ERROR(UpdateGroup(ctx(), kAccount, "Admins", std::string("taken"), std::nullopt),
               "EntityAlreadyExists", "Group with name taken already exists.");
  ASSERT_OK(UpdateGroup(ctx(), kAccount, "Admins", std::string("Operators"), std::string("/x/")));
  EXPECT_ERROR_CODE(GetGroup(ctx(), kAccount, "Admins", "", 0), "NoSuchEntity");
  auto got = GetGroup(ctx(), kAccount, "Operators", "", 0);
  ASSERT_OK(got);
  EXPECT_EQ(got->group.arn, "arn:aws:iam::111122223333:group/x/Operators");
  ASSERT_EQ(got->users.items.size(), 1u);
  auto inline_policies = ListGroupPolicies(ctx(), kAccount, "Operators", "", 0);
  ASSERT_OK(inline_policies);
  EXPECT_EQ(inline_policies->items, std::vector<std::string>{"write"});
  auto attached = ListAttachedGroupPolicies(ctx(), kAccount, "Operators", "", "", 0);
  ASSERT_OK(attached);
  ASSERT_EQ(attached->items.size(), 1u);
  auto groups = ListGroupsForUser(ctx(), kAccount, "alice", "", 0);
  ASSERT_OK(groups);
  ASSERT_EQ(groups->items.size(), 1u);
  EXPECT_EQ(groups->items[0].name, "Operators");
  auto entities = ListEntitiesForPolicy(ctx(), kAccount, {.policy_arn = arn});
  ASSERT_OK(entities);
  ASSERT_EQ(entities->groups.size(), 1u);
  EXPECT_EQ(entities->groups[0].name, "Operators");
}

TEST_F(GroupsTest, RenameUserMovesEveryReference) {
  ASSERT_OK(AddUserToGroup(ctx(), kAccount, "Admins", "alice"));
  ASSERT_OK(PutUserPolicy(ctx(), kAccount, "alice", "own", kS3Read));
  const std::string arn = PolicyArn("write", kS3Write);
  ASSERT_OK(AttachUserPolicy(ctx(), kAccount, "alice", arn));
  ASSERT_OK(PutUserPermissionsBoundary(ctx(), kAccount, "alice", arn));
  auto key = CreateAccessKey(ctx(), kAccount, "alice");
  ASSERT_OK(key);
  ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "bob"}));
  EXPECT_ERROR(UpdateUser(ctx(), kAccount, "alice", std::string("BOB"), std::nullopt),
               "EntityAlreadyExists", "User with name BOB already exists.");

  auto renamed = UpdateUser(ctx(), kAccount, "alice", std::string("Alicia"), std::string("/hr/"));
  ASSERT_OK(renamed);
  EXPECT_EQ(renamed->arn, "arn:aws:iam::111122223333:user/hr/Alicia");
  EXPECT_ERROR_CODE(GetUser(ctx(), kAccount, "alice"), "NoSuchEntity");
  auto gathered = GatherUserPolicies(ctx(), kAccount, "alicia");
  ASSERT_OK(gathered);
  EXPECT_EQ(gathered->identity.size(), 2u);
  ASSERT_TRUE(gathered->boundary.has_value());
  EXPECT_EQ(gathered->groups, std::vector<std::string>{"Admins"});
  auto found = FindAccessKey(ctx(), key->id);
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->key.user_name, "Alicia");
  auto keys = ListAccessKeys(ctx(), kAccount, "Alicia");
  ASSERT_OK(keys);
  EXPECT_EQ(keys->size(), 1u);
  auto members = GetGroup(ctx(), kAccount, "Admins", "", 0);
  ASSERT_OK(members);
  ASSERT_EQ(members->users.items.size(), 1u);
  EXPECT_EQ(members->users.items[0].name, "Alicia");
  auto entities = ListEntitiesForPolicy(ctx(), kAccount, {.policy_arn = arn});
  ASSERT_OK(entities);
  ASSERT_EQ(entities->users.size(), 1u);
  EXPECT_EQ(entities->users[0].name, "Alicia");
}

}  // namespace
}  // namespace irsa::iam
