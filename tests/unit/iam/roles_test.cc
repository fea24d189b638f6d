#include "iam/roles.h"

#include "iam/attachments.h"
#include "iam/inline_policies.h"
#include "iam/policies.h"
#include "iam/users.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;
using testing::kOtherAccount;
using testing::kS3Read;
using testing::kWebIdentityTrust;

class RolesTest : public IamTest {
 protected:
  RoleRecord Create(const std::string& name, const std::string& path = "/") {
    auto r = CreateRole(ctx(), kAccount,
                        {.name = name, .assume_role_policy = kWebIdentityTrust, .path = path});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
    return r.ok() ? r->role : RoleRecord{};
  }
};

TEST_F(RolesTest, CreateAndGet) {
  auto created = CreateRole(ctx(), kAccount,
                            {.name = "App-Role",
                             .assume_role_policy = kWebIdentityTrust,
                             .path = "/eks/",
                             .description = "for pods",
                             .max_session_duration = 7200,
                             .tags = {{"team", "a"}}});
  ASSERT_OK(created);
  const RoleRecord& role = created->role;
  EXPECT_EQ(role.arn, "arn:aws:iam::111122223333:role/eks/App-Role");
  EXPECT_TRUE(role.id.starts_with("AROA"));
  EXPECT_EQ(role.id.size(), 21u);
  EXPECT_EQ(role.created, clock_.Now());
  EXPECT_TRUE(created->warnings.empty()) << created->warnings[0].message;

  auto got = GetRole(ctx(), kAccount, "app-role");  // case-insensitive lookup
  ASSERT_OK(got);
  EXPECT_EQ(got->name, "App-Role");
  EXPECT_EQ(got->assume_role_policy, kWebIdentityTrust);
  EXPECT_EQ(got->description, "for pods");
  EXPECT_EQ(got->max_session_duration, 7200);
  EXPECT_EQ(got->path, "/eks/");
  ASSERT_EQ(got->tags.size(), 1u);
  EXPECT_EQ(GetRole(ctx(), kAccount, "plain").ok(), false);
  EXPECT_ERROR(GetRole(ctx(), kAccount, "plain"), "NoSuchEntity",
               "The role with name plain cannot be found.");
  EXPECT_ERROR_CODE(GetRole(ctx(), kOtherAccount, "App-Role"), "NoSuchEntity");
  EXPECT_EQ(Create("plain").max_session_duration, 3600);
}

TEST_F(RolesTest, DuplicateNameCaseInsensitive) {
  Create("MyRole");
  EXPECT_ERROR(
      CreateRole(ctx(), kAccount, {.name = "myrole", .assume_role_policy = kWebIdentityTrust}),
      "EntityAlreadyExists", "Role with name myrole already exists.");
}

TEST_F(RolesTest, CreateValidation) {
  auto create = [&](CreateRoleInput input) {
    if (input.assume_role_policy.empty()) input.assume_role_policy = kWebIdentityTrust;
    return CreateRole(ctx(), kAccount, input);
  };
  EXPECT_ERROR_CODE(create({.name = std::string(65, 'a')}), "ValidationError");
  EXPECT_ERROR_CODE(create({.name = "a/b"}), "ValidationError");
  EXPECT_ERROR_CODE(create({.name = "r", .path = "/no-trailing"}), "ValidationError");
  EXPECT_ERROR(create({.name = "r", .max_session_duration = 3599}), "ValidationError",
               "1 validation error detected: Value '3599' at 'maxSessionDuration' failed to "
               "satisfy constraint: Member must have value greater than or equal to 3600");
  EXPECT_ERROR_CODE(create({.name = "r", .max_session_duration = 43201}), "ValidationError");
  EXPECT_ERROR_CODE(create({.name = "r", .description = "bad\x01"}), "ValidationError");
  // Identity documents are not trust documents.
  EXPECT_ERROR_CODE(create({.name = "r", .assume_role_policy = kS3Read}),
                    "MalformedPolicyDocument");
  EXPECT_ERROR_CODE(create({.name = "r", .assume_role_policy = "[]"}), "MalformedPolicyDocument");
  EXPECT_ERROR(
      create({.name = "r", .permissions_boundary_arn = "arn:aws:iam::111122223333:policy/none"}),
      "NoSuchEntity",
      "Scope ARN: arn:aws:iam::111122223333:policy/none does not exist or is not "
      "attachable.");
  std::vector<Tag> tags;
  for (int i = 0; i < 51; ++i) tags.push_back({"k" + std::to_string(i), "v"});
  // More than the model's 50 in one request: ValidationError, as AWS answers.
  EXPECT_ERROR(create({.name = "r", .tags = tags}), "ValidationError",
               "1 validation error detected: Value '[...]' at 'tags' failed to satisfy "
               "constraint: Member must have length less than or equal to 50");
  EXPECT_EQ(store_.RowCount(), 0u);
}

TEST_F(RolesTest, TrustPolicySizeQuota) {
  quotas_.trust_policy_size = 200;
  std::string padded = kWebIdentityTrust;
  EXPECT_ERROR(CreateRole(ctx(), kAccount, {.name = "r", .assume_role_policy = padded}),
               "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 200");
  quotas_.trust_policy_size = 2048;
  Create("r");
  quotas_.trust_policy_size = 200;
  EXPECT_ERROR(UpdateAssumeRolePolicy(ctx(), kAccount, "r", padded), "LimitExceeded",
               "Cannot exceed quota for ACLSizePerRole: 200");
  // Whitespace does not count.
  std::string small = AwsPrincipalTrust("arn:aws:iam::444455556666:root");
  small.insert(1, std::string(500, '\n'));
  ASSERT_OK(UpdateAssumeRolePolicy(ctx(), kAccount, "r", small));
  EXPECT_EQ(GetRole(ctx(), kAccount, "r")->assume_role_policy, small);
}

TEST_F(RolesTest, RolesPerAccountQuota) {
  quotas_.roles_per_account = 1;
  Create("a");
  EXPECT_ERROR(CreateRole(ctx(), kAccount, {.name = "b", .assume_role_policy = kWebIdentityTrust}),
               "LimitExceeded", "Cannot exceed quota for RolesPerAccount: 1");
}

TEST_F(RolesTest, TrustPrincipalsMustExistInOwnAccount) {
  const std::string missing = "arn:aws:iam::111122223333:role/NonExistent";
  EXPECT_ERROR(
      CreateRole(ctx(), kAccount, {.name = "r", .assume_role_policy = AwsPrincipalTrust(missing)}),
      "MalformedPolicyDocument", "Invalid principal in policy: \"AWS\":\"" + missing + "\"");
  Create("Existing", "/p/");
  ASSERT_OK(CreateRole(
      ctx(), kAccount,
      {.name = "r",
       .assume_role_policy = AwsPrincipalTrust("arn:aws:iam::111122223333:role/p/Existing")}));
  // The path must match.
  EXPECT_ERROR_CODE(
      UpdateAssumeRolePolicy(ctx(), kAccount, "r",
                             AwsPrincipalTrust("arn:aws:iam::111122223333:role/Existing")),
      "MalformedPolicyDocument");
  ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "bob"}));
  ASSERT_OK(UpdateAssumeRolePolicy(ctx(), kAccount, "r",
                                   AwsPrincipalTrust("arn:aws:iam::111122223333:user/bob")));
  // Other accounts and account principals are not checked.
  ASSERT_OK(UpdateAssumeRolePolicy(ctx(), kAccount, "r",
                                   AwsPrincipalTrust("arn:aws:iam::444455556666:role/Whatever")));
  ASSERT_OK(UpdateAssumeRolePolicy(ctx(), kAccount, "r", AwsPrincipalTrust("111122223333")));
  EXPECT_ERROR_CODE(UpdateAssumeRolePolicy(ctx(), kAccount, "nope", kWebIdentityTrust),
                    "NoSuchEntity");
}

TEST_F(RolesTest, TrustLintWarnings) {
  const std::string no_conditions =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity"}]})";
  auto created = CreateRole(ctx(), kAccount, {.name = "r", .assume_role_policy = no_conditions});
  ASSERT_OK(created);
  std::set<std::string> codes;
  for (const auto& w : created->warnings) codes.insert(w.code);
  EXPECT_TRUE(codes.count("web-identity-without-sub"));
  EXPECT_TRUE(codes.count("web-identity-without-aud"));
  auto updated = UpdateAssumeRolePolicy(ctx(), kAccount, "r", kWebIdentityTrust);
  ASSERT_OK(updated);
  EXPECT_TRUE(updated->empty());
}

TEST_F(RolesTest, UpdateRoleAndDescription) {
  Create("r");
  ASSERT_OK(UpdateRole(ctx(), kAccount, "R", {.description = "d1", .max_session_duration = 43200}));
  auto role = GetRole(ctx(), kAccount, "r");
  EXPECT_EQ(role->description, "d1");
  EXPECT_EQ(role->max_session_duration, 43200);
  ASSERT_OK(UpdateRole(ctx(), kAccount, "r", {}));  // nothing changes
  EXPECT_EQ(GetRole(ctx(), kAccount, "r")->description, "d1");
  EXPECT_ERROR_CODE(UpdateRole(ctx(), kAccount, "r", {.max_session_duration = 100}),
                    "ValidationError");
  EXPECT_ERROR_CODE(UpdateRole(ctx(), kAccount, "x", {.description = "d"}), "NoSuchEntity");
  auto described = UpdateRoleDescription(ctx(), kAccount, "r", "d2");
  ASSERT_OK(described);
  EXPECT_EQ(described->description, "d2");
  EXPECT_EQ(described->max_session_duration, 43200);
  EXPECT_ERROR_CODE(UpdateRoleDescription(ctx(), kAccount, "x", "d"), "NoSuchEntity");
}

TEST_F(RolesTest, DeleteRoleConflicts) {
  Create("r");
  auto policy = CreatePolicy(ctx(), kAccount, {.name = "p", .document = kS3Read});
  ASSERT_OK(policy);
  ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "r", policy->policy.arn));
  EXPECT_ERROR(DeleteRole(ctx(), kAccount, "r"), "DeleteConflict",
               "Cannot delete entity, must detach all policies first.");
  ASSERT_OK(DetachRolePolicy(ctx(), kAccount, "r", policy->policy.arn));
  ASSERT_OK(PutRolePolicy(ctx(), kAccount, "r", "inline", kS3Read));
  EXPECT_ERROR(DeleteRole(ctx(), kAccount, "r"), "DeleteConflict",
               "Cannot delete entity, must delete policies first.");
  ASSERT_OK(DeleteRolePolicy(ctx(), kAccount, "r", "inline"));
  // A boundary does not block deletion, and its usage goes away with the role.
  ASSERT_OK(PutRolePermissionsBoundary(ctx(), kAccount, "r", policy->policy.arn));
  ASSERT_OK(DeleteRole(ctx(), kAccount, "R"));
  EXPECT_ERROR_CODE(GetRole(ctx(), kAccount, "r"), "NoSuchEntity");
  EXPECT_EQ(GetPolicy(ctx(), kAccount, policy->policy.arn)->boundary_usage_count, 0);
  EXPECT_ERROR(DeleteRole(ctx(), kAccount, "r"), "NoSuchEntity",
               "The role with name r cannot be found.");
  Create("r");  // the name is free again
}

TEST_F(RolesTest, ListRolesPaginationAndPathPrefix) {
  for (int i = 0; i < 7; ++i) Create("role" + std::to_string(i), i % 2 ? "/odd/" : "/");
  std::vector<std::string> names;
  std::string marker;
  int pages = 0;
  do {
    auto page = ListRoles(ctx(), kAccount, "", marker, 3);
    ASSERT_OK(page);
    for (const auto& r : page->items) names.push_back(r.name);
    marker = page->truncated ? page->marker : "";
    ++pages;
  } while (!marker.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(names, (std::vector<std::string>{"role0", "role1", "role2", "role3", "role4", "role5",
                                             "role6"}));
  auto odd = ListRoles(ctx(), kAccount, "/odd/", "", 0);
  ASSERT_OK(odd);
  EXPECT_EQ(odd->items.size(), 3u);
  EXPECT_FALSE(odd->truncated);
  auto none = ListRoles(ctx(), kOtherAccount, "", "", 0);
  ASSERT_OK(none);
  EXPECT_TRUE(none->items.empty());
  EXPECT_ERROR_CODE(ListRoles(ctx(), kAccount, "", "bogus", 3), "InvalidInput");
  EXPECT_ERROR_CODE(ListRoles(ctx(), kAccount, "", "", 1001), "ValidationError");
}

TEST_F(RolesTest, Tags) {
  Create("r");
  ASSERT_OK(TagRole(ctx(), kAccount, "r", {{"Env", "dev"}, {"Team", ""}}));
  ASSERT_OK(TagRole(ctx(), kAccount, "r", {{"ENV", "prod"}}));
  auto tags = ListRoleTags(ctx(), kAccount, "r", "", 0);
  ASSERT_OK(tags);
  ASSERT_EQ(tags->items.size(), 2u);
  EXPECT_EQ(tags->items[0], (Tag{"ENV", "prod"}));
  EXPECT_EQ(tags->items[1], (Tag{"Team", ""}));

  EXPECT_ERROR(TagRole(ctx(), kAccount, "r", {{"a", "1"}, {"A", "2"}}), "InvalidInput",
               "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  EXPECT_ERROR_CODE(TagRole(ctx(), kAccount, "r", {{"", "v"}}), "ValidationError");
  EXPECT_ERROR_CODE(TagRole(ctx(), kAccount, "r", {{"bad*key", "v"}}), "ValidationError");
  EXPECT_ERROR_CODE(TagRole(ctx(), kAccount, "r", {{"k", std::string(257, 'v')}}),
                    "ValidationError");
  ASSERT_OK(TagRole(ctx(), kAccount, "r", {{"ключ", "значение"}}));  // Unicode letters

  // 50 in total at most; overwriting existing keys does not count.
  std::vector<Tag> many;
  for (int i = 0; i < 47; ++i) many.push_back({"k" + std::to_string(i), "v"});
  ASSERT_OK(TagRole(ctx(), kAccount, "r", many));
  ASSERT_OK(TagRole(ctx(), kAccount, "r", {{"k0", "changed"}}));
  EXPECT_ERROR(TagRole(ctx(), kAccount, "r", {{"one-more", "v"}}), "LimitExceeded",
               "Cannot exceed quota for TagsPerRole: 50");

  auto page1 = ListRoleTags(ctx(), kAccount, "r", "", 20);
  ASSERT_OK(page1);
  EXPECT_EQ(page1->items.size(), 20u);
  EXPECT_TRUE(page1->truncated);
  auto page2 = ListRoleTags(ctx(), kAccount, "r", page1->marker, 40);
  ASSERT_OK(page2);
  EXPECT_EQ(page2->items.size(), 30u);
  EXPECT_FALSE(page2->truncated);

  ASSERT_OK(UntagRole(ctx(), kAccount, "r", {"env", "TEAM", "missing"}));
  EXPECT_EQ(GetRole(ctx(), kAccount, "r")->tags.size(), 48u);
  EXPECT_ERROR_CODE(UntagRole(ctx(), kAccount, "r", {}), "ValidationError");
  EXPECT_ERROR_CODE(TagRole(ctx(), kAccount, "x", {{"a", "b"}}), "NoSuchEntity");
  EXPECT_ERROR_CODE(ListRoleTags(ctx(), kAccount, "x", "", 0), "NoSuchEntity");
}

TEST_F(RolesTest, PermissionsBoundary) {
  Create("r");
  auto p1 = CreatePolicy(ctx(), kAccount, {.name = "b1", .document = kS3Read});
  auto p2 = CreatePolicy(ctx(), kAccount, {.name = "b2", .document = kS3Read});
  ASSERT_OK(p1);
  ASSERT_OK(p2);
  ASSERT_OK(PutRolePermissionsBoundary(ctx(), kAccount, "r", p1->policy.arn));
  EXPECT_EQ(GetRole(ctx(), kAccount, "r")->permissions_boundary_arn, p1->policy.arn);
  ASSERT_OK(PutRolePermissionsBoundary(ctx(), kAccount, "r", p2->policy.arn));
  EXPECT_EQ(GetPolicy(ctx(), kAccount, p1->policy.arn)->boundary_usage_count, 0);
  EXPECT_EQ(GetPolicy(ctx(), kAccount, p2->policy.arn)->boundary_usage_count, 1);
  EXPECT_ERROR_CODE(
      PutRolePermissionsBoundary(ctx(), kAccount, "r", "arn:aws:iam::111122223333:policy/zz"),
      "NoSuchEntity");
  EXPECT_ERROR_CODE(PutRolePermissionsBoundary(ctx(), kAccount, "r", "junk"), "InvalidInput");
  EXPECT_ERROR_CODE(PutRolePermissionsBoundary(ctx(), kAccount, "x", p1->policy.arn),
                    "NoSuchEntity");
  ASSERT_OK(DeleteRolePermissionsBoundary(ctx(), kAccount, "r"));
  ASSERT_OK(DeleteRolePermissionsBoundary(ctx(), kAccount, "r"));
  EXPECT_TRUE(GetRole(ctx(), kAccount, "r")->permissions_boundary_arn.empty());
  EXPECT_EQ(GetPolicy(ctx(), kAccount, p2->policy.arn)->boundary_usage_count, 0);

  auto with_boundary = CreateRole(ctx(), kAccount,
                                  {.name = "r2",
                                   .assume_role_policy = kWebIdentityTrust,
                                   .permissions_boundary_arn = p1->policy.arn});
  ASSERT_OK(with_boundary);
  EXPECT_EQ(GetPolicy(ctx(), kAccount, p1->policy.arn)->boundary_usage_count, 1);
}

}  // namespace
}  // namespace irsa::iam
