#include "iam/inline_policies.h"

#include "iam/roles.h"
#include "iam/users.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;
using testing::kS3Read;
using testing::kS3Write;
using testing::kWebIdentityTrust;

class InlinePoliciesTest : public IamTest {
 protected:
  void SetUp() override {
    ASSERT_OK(
        CreateRole(ctx(), kAccount, {.name = "Role", .assume_role_policy = kWebIdentityTrust}));
    ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "Bob"}));
  }
};

TEST_F(InlinePoliciesTest, PutGetReplaceDeleteRole) {
  ASSERT_OK(PutRolePolicy(ctx(), kAccount, "role", "Read", kS3Read));
  auto got = GetRolePolicy(ctx(), kAccount, "ROLE", "Read");
  ASSERT_OK(got);
  EXPECT_EQ(got->entity_name, "Role");
  EXPECT_EQ(got->policy.name, "Read");
  EXPECT_EQ(got->policy.document, kS3Read);
  ASSERT_OK(PutRolePolicy(ctx(), kAccount, "Role", "Read", kS3Write));  // replace
  EXPECT_EQ(GetRolePolicy(ctx(), kAccount, "Role", "Read")->policy.document, kS3Write);
  EXPECT_ERROR(GetRolePolicy(ctx(), kAccount, "Role", "read"), "NoSuchEntity",
               "The role policy with name read cannot be found.");
  EXPECT_ERROR(GetRolePolicy(ctx(), kAccount, "nobody", "Read"), "NoSuchEntity",
               "The role with name nobody cannot be found.");
  ASSERT_OK(DeleteRolePolicy(ctx(), kAccount, "Role", "Read"));
  EXPECT_ERROR(DeleteRolePolicy(ctx(), kAccount, "Role", "Read"), "NoSuchEntity",
               "The role policy with name Read cannot be found.");
  EXPECT_ERROR_CODE(PutRolePolicy(ctx(), kAccount, "nobody", "x", kS3Read), "NoSuchEntity");
}

TEST_F(InlinePoliciesTest, Validation) {
  EXPECT_ERROR_CODE(PutRolePolicy(ctx(), kAccount, "Role", "bad name", kS3Read), "ValidationError");
  EXPECT_ERROR_CODE(PutRolePolicy(ctx(), kAccount, "Role", "p", "{}"), "MalformedPolicyDocument");
  EXPECT_ERROR_CODE(PutRolePolicy(ctx(), kAccount, "Role", "p", kWebIdentityTrust),
                    "MalformedPolicyDocument");
  // Inline policies accept documents without Version (2008 semantics).
  ASSERT_OK(PutRolePolicy(ctx(), kAccount, "Role", "old",
                          R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})"));
}

TEST_F(InlinePoliciesTest, AggregateSizeQuota) {
  // kS3Read and kS3Write are between 90 and 100 counted characters each.
  quotas_.role_inline_policy_size = 250;
  ASSERT_OK(PutRolePolicy(ctx(), kAccount, "Role", "a", kS3Read));
  ASSERT_OK(PutRolePolicy(ctx(), kAccount, "Role", "b", kS3Read));
  EXPECT_ERROR(PutRolePolicy(ctx(), kAccount, "role", "c", kS3Read), "LimitExceeded",
               "Maximum policy size of 250 bytes exceeded for role Role");
  // Replacing an existing one counts only the new text.
  ASSERT_OK(PutRolePolicy(ctx(), kAccount, "Role", "b", kS3Write));
  quotas_.user_inline_policy_size = 150;
  ASSERT_OK(PutUserPolicy(ctx(), kAccount, "Bob", "a", kS3Read));
  EXPECT_ERROR(PutUserPolicy(ctx(), kAccount, "Bob", "b", kS3Read), "LimitExceeded",
               "Maximum policy size of 150 bytes exceeded for user Bob");
}

TEST_F(InlinePoliciesTest, ListPaginated) {
  for (const char* name : {"d", "a", "c", "b", "e"}) {
    ASSERT_OK(PutRolePolicy(ctx(), kAccount, "Role", name, kS3Read));
  }
  auto page1 = ListRolePolicies(ctx(), kAccount, "Role", "", 2);
  ASSERT_OK(page1);
  EXPECT_EQ(page1->items, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(page1->truncated);
  auto page2 = ListRolePolicies(ctx(), kAccount, "Role", page1->marker, 2);
  ASSERT_OK(page2);
  EXPECT_EQ(page2->items, (std::vector<std::string>{"c", "d"}));
  auto page3 = ListRolePolicies(ctx(), kAccount, "Role", page2->marker, 2);
  ASSERT_OK(page3);
  EXPECT_EQ(page3->items, (std::vector<std::string>{"e"}));
  EXPECT_FALSE(page3->truncated);
  EXPECT_ERROR_CODE(ListRolePolicies(ctx(), kAccount, "nobody", "", 0), "NoSuchEntity");
}

TEST_F(InlinePoliciesTest, UserPolicies) {
  ASSERT_OK(PutUserPolicy(ctx(), kAccount, "bob", "p", kS3Read));
  auto got = GetUserPolicy(ctx(), kAccount, "Bob", "p");
  ASSERT_OK(got);
  EXPECT_EQ(got->entity_name, "Bob");
  EXPECT_EQ(got->policy.document, kS3Read);
  auto list = ListUserPolicies(ctx(), kAccount, "Bob", "", 0);
  ASSERT_OK(list);
  EXPECT_EQ(list->items, (std::vector<std::string>{"p"}));
  EXPECT_ERROR(DeleteUser(ctx(), kAccount, "Bob"), "DeleteConflict",
               "Cannot delete entity, must delete policies first.");
  EXPECT_ERROR(GetUserPolicy(ctx(), kAccount, "Bob", "q"), "NoSuchEntity",
               "The user policy with name q cannot be found.");
  ASSERT_OK(DeleteUserPolicy(ctx(), kAccount, "Bob", "p"));
  EXPECT_ERROR_CODE(DeleteUserPolicy(ctx(), kAccount, "Bob", "p"), "NoSuchEntity");
  ASSERT_OK(DeleteUser(ctx(), kAccount, "Bob"));
  EXPECT_ERROR(PutUserPolicy(ctx(), kAccount, "Bob", "p", kS3Read), "NoSuchEntity",
               "The user with name Bob cannot be found.");
}

}  // namespace
}  // namespace irsa::iam
