#include "iam/policies.h"

#include <set>

#include "iam/attachments.h"
#include "iam/aws_managed_policies.h"
#include "iam/roles.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;
using testing::kOtherAccount;
using testing::kS3Read;
using testing::kS3Write;
using testing::kWebIdentityTrust;

class PoliciesTest : public IamTest {
 protected:
  PolicyInfo Create(const std::string& name, const std::string& path = "/") {
    auto r = CreatePolicy(ctx(), kAccount, {.name = name, .document = kS3Read, .path = path});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
    return r.ok() ? *r : PolicyInfo{};
  }
};

TEST_F(PoliciesTest, CreateAndGet) {
  auto created = CreatePolicy(ctx(), kAccount,
                              {.name = "ReadS3",
                               .document = kS3Read,
                               .path = "/team/",
                               .description = "reads",
                               .tags = {{"env", "dev"}}});
  ASSERT_OK(created);
  EXPECT_EQ(created->policy.arn, "arn:aws:iam::111122223333:policy/team/ReadS3");
  EXPECT_TRUE(created->policy.id.starts_with("ANPA"));
  EXPECT_EQ(created->policy.id.size(), 21u);
  EXPECT_EQ(created->policy.default_version_id, "v1");
  EXPECT_EQ(created->attachment_count, 0);
  EXPECT_TRUE(created->is_attachable);
  EXPECT_EQ(created->policy.created, created->policy.updated);

  auto got = GetPolicy(ctx(), kAccount, created->policy.arn);
  ASSERT_OK(got);
  EXPECT_EQ(got->policy.name, "ReadS3");
  EXPECT_EQ(got->policy.description, "reads");
  EXPECT_EQ(got->policy.path, "/team/");
  ASSERT_EQ(got->policy.tags.size(), 1u);
  EXPECT_FALSE(got->aws_managed);

  auto v1 = GetPolicyVersion(ctx(), kAccount, created->policy.arn, "v1");
  ASSERT_OK(v1);
  EXPECT_EQ(v1->version.document, kS3Read);
  EXPECT_TRUE(v1->is_default);
  auto doc = GetPolicyDocument(ctx(), kAccount, created->policy.arn);
  ASSERT_OK(doc);
  EXPECT_EQ(*doc, kS3Read);
}

TEST_F(PoliciesTest, DuplicateNamesCaseInsensitiveAnyPath) {
  Create("ReadS3");
  EXPECT_ERROR(
      CreatePolicy(ctx(), kAccount, {.name = "reads3", .document = kS3Read, .path = "/x/"}),
      "EntityAlreadyExists",
      "A policy called reads3 already exists. Duplicate names are not allowed.");
  // Another account may use the name.
  ASSERT_OK(CreatePolicy(ctx(), kOtherAccount, {.name = "ReadS3", .document = kS3Read}));
}

TEST_F(PoliciesTest, CreateValidation) {
  EXPECT_ERROR_CODE(CreatePolicy(ctx(), kAccount, {.name = "bad name", .document = kS3Read}),
                    "ValidationError");
  EXPECT_ERROR_CODE(CreatePolicy(ctx(), kAccount, {.name = "", .document = kS3Read}),
                    "ValidationError");
  EXPECT_ERROR_CODE(
      CreatePolicy(ctx(), kAccount, {.name = "p", .document = kS3Read, .path = "nopath"}),
      "ValidationError");
  EXPECT_ERROR_CODE(
      CreatePolicy(ctx(), kAccount, {.name = "p", .document = kS3Read, .path = "/a*/"}),
      "ValidationError");
  EXPECT_ERROR_CODE(
      CreatePolicy(ctx(), kAccount,
                   {.name = "p", .document = kS3Read, .description = std::string(1001, 'd')}),
      "ValidationError");
  EXPECT_ERROR_CODE(CreatePolicy(ctx(), kAccount, {.name = "p", .document = "{not json"}),
                    "MalformedPolicyDocument");
  EXPECT_ERROR_CODE(CreatePolicy(ctx(), kAccount, {.name = "p", .document = ""}),
                    "ValidationError");
  // Identity documents may not name a principal.
  EXPECT_ERROR_CODE(
      CreatePolicy(ctx(), kAccount,
                   {.name = "p",
                    .document = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                R"("Principal":"*","Action":"s3:*","Resource":"*"}]})"}),
      "MalformedPolicyDocument");
  // Managed policies need Version 2012-10-17.
  EXPECT_ERROR(CreatePolicy(ctx(), kAccount,
                            {.name = "p",
                             .document = R"({"Statement":[{"Effect":"Allow","Action":"s3:*",)"
                                         R"("Resource":"*"}]})"}),
               "MalformedPolicyDocument", "Policy document must be version 2012-10-17 or greater.");
  EXPECT_EQ(store_.RowCount(), 0u);
}

TEST_F(PoliciesTest, PolicySizeQuotaIgnoresWhitespace) {
  quotas_.managed_policy_size = 120;
  // kS3Read is under 120 characters; whitespace padding does not count.
  std::string spaced = std::string(kS3Read);
  spaced.insert(1, std::string(200, ' '));
  ASSERT_OK(CreatePolicy(ctx(), kAccount, {.name = "spaced", .document = spaced}));
  std::string big =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a-very-long-bucket-name-that-breaks-the-quota/*"}]})";
  EXPECT_ERROR(CreatePolicy(ctx(), kAccount, {.name = "big", .document = big}), "LimitExceeded",
               "Cannot exceed quota for PolicySize: 120");
  auto p = GetPolicy(ctx(), kAccount, "arn:aws:iam::111122223333:policy/spaced");
  ASSERT_OK(p);
  EXPECT_ERROR(CreatePolicyVersion(ctx(), kAccount, p->policy.arn, big, false), "LimitExceeded",
               "Cannot exceed quota for PolicySize: 120");
}

TEST_F(PoliciesTest, PoliciesPerAccountQuota) {
  quotas_.policies_per_account = 2;
  Create("a");
  Create("b");
  EXPECT_ERROR(CreatePolicy(ctx(), kAccount, {.name = "c", .document = kS3Read}), "LimitExceeded",
               "Cannot exceed quota for PoliciesPerAccount: 2");
}

TEST_F(PoliciesTest, GetErrors) {
  EXPECT_ERROR(GetPolicy(ctx(), kAccount, "arn:aws:iam::111122223333:policy/nope"), "NoSuchEntity",
               "Policy arn:aws:iam::111122223333:policy/nope was not found.");
  EXPECT_ERROR(GetPolicy(ctx(), kAccount, "not-an-arn"), "InvalidInput",
               "ARN not-an-arn is not valid.");
  PolicyInfo p = Create("ReadS3", "/team/");
  // Wrong path in the ARN, or another account's ARN: not found.
  EXPECT_ERROR_CODE(GetPolicy(ctx(), kAccount, "arn:aws:iam::111122223333:policy/ReadS3"),
                    "NoSuchEntity");
  EXPECT_ERROR_CODE(GetPolicy(ctx(), kOtherAccount, p.policy.arn), "NoSuchEntity");
}

TEST_F(PoliciesTest, VersionsLimitDefaultAndNonReuse) {
  quotas_.versions_per_policy = 3;
  PolicyInfo p = Create("p");
  const std::string& arn = p.policy.arn;
  clock_.Advance(std::chrono::seconds(10));
  auto v2 = CreatePolicyVersion(ctx(), kAccount, arn, kS3Write, false);
  ASSERT_OK(v2);
  EXPECT_EQ(v2->version.version_id, "v2");
  EXPECT_FALSE(v2->is_default);
  auto after_v2 = GetPolicy(ctx(), kAccount, arn);
  EXPECT_EQ(after_v2->policy.updated, clock_.Now());
  EXPECT_EQ(after_v2->policy.default_version_id, "v1");

  auto v3 = CreatePolicyVersion(ctx(), kAccount, arn, kS3Write, true);
  ASSERT_OK(v3);
  EXPECT_EQ(v3->version.version_id, "v3");
  EXPECT_TRUE(v3->is_default);
  EXPECT_EQ(GetPolicy(ctx(), kAccount, arn)->policy.default_version_id, "v3");
  EXPECT_EQ(*GetPolicyDocument(ctx(), kAccount, arn), kS3Write);

  EXPECT_ERROR(CreatePolicyVersion(ctx(), kAccount, arn, kS3Write, false), "LimitExceeded",
               "A managed policy can have up to 3 versions. Before you create a new version, "
               "you must delete an existing version.");

  EXPECT_ERROR(DeletePolicyVersion(ctx(), kAccount, arn, "v3"), "DeleteConflict",
               "Cannot delete the default version of a policy.");
  ASSERT_OK(DeletePolicyVersion(ctx(), kAccount, arn, "v2"));
  auto v4 = CreatePolicyVersion(ctx(), kAccount, arn, kS3Read, false);
  ASSERT_OK(v4);
  EXPECT_EQ(v4->version.version_id, "v4");  // v2 is not reused
  EXPECT_ERROR(GetPolicyVersion(ctx(), kAccount, arn, "v2"), "NoSuchEntity",
               "Policy " + arn + " version v2 does not exist or is not attachable.");
  EXPECT_ERROR_CODE(GetPolicyVersion(ctx(), kAccount, arn, "2"), "ValidationError");
  EXPECT_ERROR_CODE(DeletePolicyVersion(ctx(), kAccount, arn, "v9"), "NoSuchEntity");

  clock_.Advance(std::chrono::seconds(5));
  ASSERT_OK(SetDefaultPolicyVersion(ctx(), kAccount, arn, "v1"));
  auto got = GetPolicy(ctx(), kAccount, arn);
  EXPECT_EQ(got->policy.default_version_id, "v1");
  EXPECT_EQ(got->policy.updated, clock_.Now());
  EXPECT_TRUE(GetPolicyVersion(ctx(), kAccount, arn, "v1")->is_default);
  EXPECT_FALSE(GetPolicyVersion(ctx(), kAccount, arn, "v3")->is_default);
  EXPECT_ERROR_CODE(SetDefaultPolicyVersion(ctx(), kAccount, arn, "v2"), "NoSuchEntity");
}

TEST_F(PoliciesTest, ListPolicyVersionsNewestFirstPaginated) {
  PolicyInfo p = Create("p");
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(CreatePolicyVersion(ctx(), kAccount, p.policy.arn, kS3Read, false));
  }
  auto page1 = ListPolicyVersions(ctx(), kAccount, p.policy.arn, "", 3);
  ASSERT_OK(page1);
  ASSERT_EQ(page1->items.size(), 3u);
  EXPECT_EQ(page1->items[0].version.version_id, "v4");
  EXPECT_EQ(page1->items[2].version.version_id, "v2");
  EXPECT_TRUE(page1->truncated);
  auto page2 = ListPolicyVersions(ctx(), kAccount, p.policy.arn, page1->marker, 3);
  ASSERT_OK(page2);
  ASSERT_EQ(page2->items.size(), 1u);
  EXPECT_EQ(page2->items[0].version.version_id, "v1");
  EXPECT_TRUE(page2->items[0].is_default);
  EXPECT_FALSE(page2->truncated);
  EXPECT_ERROR_CODE(ListPolicyVersions(ctx(), kAccount, p.policy.arn, "garbage!", 3),
                    "InvalidInput");
}

TEST_F(PoliciesTest, DeletePolicyConflicts) {
  PolicyInfo p = Create("p");
  const std::string& arn = p.policy.arn;
  ASSERT_OK(CreateRole(ctx(), kAccount, {.name = "r", .assume_role_policy = kWebIdentityTrust}));
  ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "r", arn));
  EXPECT_ERROR(DeletePolicy(ctx(), kAccount, arn), "DeleteConflict",
               "Cannot delete a policy attached to entities.");
  ASSERT_OK(DetachRolePolicy(ctx(), kAccount, "r", arn));

  ASSERT_OK(PutRolePermissionsBoundary(ctx(), kAccount, "r", arn));
  EXPECT_EQ(GetPolicy(ctx(), kAccount, arn)->boundary_usage_count, 1);
  EXPECT_ERROR(DeletePolicy(ctx(), kAccount, arn), "DeleteConflict",
               "Cannot delete a policy attached to entities.");
  ASSERT_OK(DeleteRolePermissionsBoundary(ctx(), kAccount, "r"));

  ASSERT_OK(CreatePolicyVersion(ctx(), kAccount, arn, kS3Write, true));
  EXPECT_ERROR(DeletePolicy(ctx(), kAccount, arn), "DeleteConflict",
               "This policy has more than one version. Before you delete a policy, you must "
               "delete the policy's versions. The default version is deleted with the policy.");
  ASSERT_OK(DeletePolicyVersion(ctx(), kAccount, arn, "v1"));
  ASSERT_OK(DeletePolicy(ctx(), kAccount, arn));
  EXPECT_ERROR_CODE(GetPolicy(ctx(), kAccount, arn), "NoSuchEntity");
  EXPECT_ERROR_CODE(DeletePolicy(ctx(), kAccount, arn), "NoSuchEntity");
  // The name is free again, and versions start over.
  PolicyInfo again = Create("p");
  EXPECT_EQ(again.policy.default_version_id, "v1");
  auto versions = ListPolicyVersions(ctx(), kAccount, arn, "", 0);
  ASSERT_OK(versions);
  EXPECT_EQ(versions->items.size(), 1u);
}

TEST_F(PoliciesTest, ListPoliciesScopesFiltersAndPages) {
  ASSERT_OK(SeedAwsManagedPolicies(ctx()));
  const size_t aws_count = AwsManagedPolicies().size();
  for (int i = 0; i < 5; ++i) Create("local" + std::to_string(i), i < 2 ? "/team/" : "/");

  auto local = ListPolicies(ctx(), kAccount, {.scope = PolicyScope::kLocal});
  ASSERT_OK(local);
  EXPECT_EQ(local->items.size(), 5u);
  EXPECT_FALSE(local->truncated);
  auto aws = ListPolicies(ctx(), kAccount, {.scope = PolicyScope::kAws});
  ASSERT_OK(aws);
  EXPECT_EQ(aws->items.size(), aws_count);
  for (const auto& info : aws->items) EXPECT_TRUE(info.aws_managed);

  // Scope All, paged by 3, crossing the AWS/local boundary.
  std::vector<std::string> names;
  std::string marker;
  int pages = 0;
  do {
    auto page = ListPolicies(ctx(), kAccount, {.marker = marker, .max_items = 3});
    ASSERT_OK(page);
    EXPECT_LE(page->items.size(), 3u);
    for (const auto& info : page->items) names.push_back(info.policy.name);
    marker = page->truncated ? page->marker : "";
    ++pages;
  } while (!marker.empty());
  EXPECT_EQ(names.size(), aws_count + 5);
  EXPECT_EQ(pages, static_cast<int>((aws_count + 5 + 2) / 3));
  std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size());

  auto team =
      ListPolicies(ctx(), kAccount, {.scope = PolicyScope::kLocal, .path_prefix = "/team/"});
  ASSERT_OK(team);
  EXPECT_EQ(team->items.size(), 2u);

  // OnlyAttached and usage filters.
  ASSERT_OK(CreateRole(ctx(), kAccount, {.name = "r", .assume_role_policy = kWebIdentityTrust}));
  ASSERT_OK(AttachRolePolicy(ctx(), kAccount, "r", "arn:aws:iam::111122223333:policy/local3"));
  ASSERT_OK(
      AttachRolePolicy(ctx(), kAccount, "r", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
  ASSERT_OK(
      PutRolePermissionsBoundary(ctx(), kAccount, "r", "arn:aws:iam::111122223333:policy/local4"));
  auto attached = ListPolicies(ctx(), kAccount, {.only_attached = true});
  ASSERT_OK(attached);
  ASSERT_EQ(attached->items.size(), 2u);
  EXPECT_EQ(attached->items[0].policy.name, "AmazonS3ReadOnlyAccess");
  EXPECT_EQ(attached->items[0].attachment_count, 1);
  EXPECT_EQ(attached->items[1].policy.name, "local3");
  auto boundaries =
      ListPolicies(ctx(), kAccount, {.usage = PolicyUsageFilter::kPermissionsBoundary});
  ASSERT_OK(boundaries);
  ASSERT_EQ(boundaries->items.size(), 1u);
  EXPECT_EQ(boundaries->items[0].policy.name, "local4");
  EXPECT_EQ(boundaries->items[0].boundary_usage_count, 1);
  // Another account sees no attachments of the AWS-managed policy.
  auto other = ListPolicies(ctx(), kOtherAccount, {.only_attached = true});
  ASSERT_OK(other);
  EXPECT_TRUE(other->items.empty());

  EXPECT_ERROR_CODE(ListPolicies(ctx(), kAccount, {.max_items = 1001}), "ValidationError");
  EXPECT_ERROR_CODE(ListPolicies(ctx(), kAccount, {.path_prefix = "team"}), "ValidationError");
}

TEST_F(PoliciesTest, Tags) {
  PolicyInfo p = Create("p");
  const std::string& arn = p.policy.arn;
  ASSERT_OK(TagPolicy(ctx(), kAccount, arn, {{"Env", "dev"}, {"team", "a"}}));
  ASSERT_OK(TagPolicy(ctx(), kAccount, arn, {{"env", "prod"}}));  // overwrites, case-insensitive
  auto tags = ListPolicyTags(ctx(), kAccount, arn, "", 0);
  ASSERT_OK(tags);
  ASSERT_EQ(tags->items.size(), 2u);
  EXPECT_EQ(tags->items[0], (Tag{"env", "prod"}));
  ASSERT_OK(UntagPolicy(ctx(), kAccount, arn, {"TEAM", "absent"}));
  tags = ListPolicyTags(ctx(), kAccount, arn, "", 0);
  ASSERT_EQ(tags->items.size(), 1u);
  EXPECT_ERROR_CODE(
      TagPolicy(ctx(), kAccount, "arn:aws:iam::111122223333:policy/none", {{"a", "b"}}),
      "NoSuchEntity");
}

TEST_F(PoliciesTest, AwsManagedPoliciesAreReadOnlyAndAttachable) {
  ASSERT_OK(SeedAwsManagedPolicies(ctx()));
  ASSERT_OK(SeedAwsManagedPolicies(ctx()));  // idempotent
  const std::string arn = "arn:aws:iam::aws:policy/AdministratorAccess";
  auto got = GetPolicy(ctx(), kAccount, arn);
  ASSERT_OK(got);
  EXPECT_TRUE(got->aws_managed);
  EXPECT_TRUE(got->policy.id.starts_with("ANPA"));
  EXPECT_EQ(got->policy.id.size(), 21u);
  auto again = GetPolicy(ctx(), kOtherAccount, arn);
  ASSERT_OK(again);
  EXPECT_EQ(again->policy.id, got->policy.id);
  auto doc = GetPolicyDocument(ctx(), kAccount, arn);
  ASSERT_OK(doc);
  EXPECT_NE(doc->find("\"Action\":\"*\""), std::string::npos);

  const std::string denied = "Policy " + arn + " is an AWS managed policy and cannot be modified.";
  EXPECT_ERROR(DeletePolicy(ctx(), kAccount, arn), "AccessDenied", denied);
  EXPECT_ERROR(CreatePolicyVersion(ctx(), kAccount, arn, kS3Read, true), "AccessDenied", denied);
  EXPECT_ERROR(SetDefaultPolicyVersion(ctx(), kAccount, arn, "v1"), "AccessDenied", denied);
  EXPECT_ERROR(DeletePolicyVersion(ctx(), kAccount, arn, "v1"), "AccessDenied", denied);
  EXPECT_ERROR(TagPolicy(ctx(), kAccount, arn, {{"a", "b"}}), "AccessDenied", denied);
  EXPECT_ERROR(UntagPolicy(ctx(), kAccount, arn, {"a"}), "AccessDenied", denied);
  auto versions = ListPolicyVersions(ctx(), kAccount, arn, "", 0);
  ASSERT_OK(versions);
  EXPECT_EQ(versions->items.size(), 1u);

  // Every seeded document is a valid managed policy, and the required set is present.
  for (const auto& seed : AwsManagedPolicies()) {
    ASSERT_OK(CreatePolicy(ctx(), kOtherAccount,
                           {.name = "copy-" + seed.name, .document = seed.document}));
  }
  for (const char* name :
       {"AmazonS3ReadOnlyAccess", "AmazonS3FullAccess", "ReadOnlyAccess", "AdministratorAccess",
        "IAMReadOnlyAccess", "AmazonDynamoDBReadOnlyAccess", "AmazonSQSFullAccess",
        "CloudWatchAgentServerPolicy", "AmazonEKS_CNI_Policy"}) {
    ASSERT_OK(GetPolicy(ctx(), kAccount, std::string("arn:aws:iam::aws:policy/") + name));
  }
  // A local policy with an AWS-managed name is fine.
  ASSERT_OK(CreatePolicy(ctx(), kAccount, {.name = "AdministratorAccess", .document = kS3Read}));
}

}  // namespace
}  // namespace irsa::iam
