#include "iam/instance_profiles.h"

#include "iam/attachments.h"
#include "iam/inline_policies.h"
#include "iam/policies.h"
#include "iam/roles.h"
#include "iam/service_linked_roles.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;
using testing::kS3Read;
using testing::kWebIdentityTrust;

class InstanceProfilesTest : public IamTest {
 protected:
  void SetUp() override {
    ASSERT_OK(
        CreateRole(ctx(), kAccount, {.name = "web", .assume_role_policy = kWebIdentityTrust}));
    ASSERT_OK(CreateInstanceProfile(ctx(), kAccount, "WebProfile", "/app/", {{"team", "a"}}));
  }
};

TEST_F(InstanceProfilesTest, CreateGetListDelete) {
  auto got = GetInstanceProfile(ctx(), kAccount, "webprofile");
  ASSERT_OK(got);
  EXPECT_EQ(got->profile.arn, "arn:aws:iam::111122223333:instance-profile/app/WebProfile");
  EXPECT_TRUE(got->profile.id.starts_with("AIPA"));
  EXPECT_EQ(got->profile.tags.size(), 1u);
  EXPECT_TRUE(got->roles.empty());
  EXPECT_ERROR(CreateInstanceProfile(ctx(), kAccount, "WEBPROFILE", "/", {}), "EntityAlreadyExists",
               "Instance Profile WEBPROFILE already exists.");
  EXPECT_ERROR(GetInstanceProfile(ctx(), kAccount, "none"), "NoSuchEntity",
               "Instance Profile none cannot be found.");
  ASSERT_OK(CreateInstanceProfile(ctx(), kAccount, "Other", "/", {}));
  auto page = ListInstanceProfiles(ctx(), kAccount, "", "", 1);
  ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_TRUE(page->truncated);
  auto app = ListInstanceProfiles(ctx(), kAccount, "/app/", "", 0);
  ASSERT_OK(app);
  ASSERT_EQ(app->items.size(), 1u);
  ASSERT_OK(DeleteInstanceProfile(ctx(), kAccount, "Other"));
  quotas_.instance_profiles_per_account = 1;
  EXPECT_ERROR(CreateInstanceProfile(ctx(), kAccount, "Third", "/", {}), "LimitExceeded",
               "Cannot exceed quota for InstanceProfilesPerAccount: 1");
}

TEST_F(InstanceProfilesTest, OneRolePerProfileAndDeleteConflicts) {
  ASSERT_OK(AddRoleToInstanceProfile(ctx(), kAccount, "WebProfile", "WEB"));
  auto got = GetInstanceProfile(ctx(), kAccount, "WebProfile");
  ASSERT_OK(got);
  ASSERT_EQ(got->roles.size(), 1u);
  EXPECT_EQ(got->roles[0].name, "web");
  ASSERT_OK(CreateRole(ctx(), kAccount, {.name = "api", .assume_role_policy = kWebIdentityTrust}));
  EXPECT_ERROR(AddRoleToInstanceProfile(ctx(), kAccount, "WebProfile", "api"), "LimitExceeded",
               "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1");
  auto for_role = ListInstanceProfilesForRole(ctx(), kAccount, "web", "", 0);
  ASSERT_OK(for_role);
  ASSERT_EQ(for_role->items.size(), 1u);
  EXPECT_EQ(for_role->items[0].profile.name, "WebProfile");
  EXPECT_ERROR(DeleteRole(ctx(), kAccount, "web"), "DeleteConflict",
               "Cannot delete entity, must remove roles from instance profile first.");
  EXPECT_ERROR(DeleteInstanceProfile(ctx(), kAccount, "WebProfile"), "DeleteConflict",
               "Cannot delete entity, must remove roles from instance profile first.");
  EXPECT_ERROR(RemoveRoleFromInstanceProfile(ctx(), kAccount, "WebProfile", "api"), "NoSuchEntity",
               "The role with name api cannot be found.");
  ASSERT_OK(RemoveRoleFromInstanceProfile(ctx(), kAccount, "WebProfile", "web"));
  auto none = ListInstanceProfilesForRole(ctx(), kAccount, "web", "", 0);
  ASSERT_OK(none);
  EXPECT_TRUE(none->items.empty());
  ASSERT_OK(DeleteRole(ctx(), kAccount, "web"));
  ASSERT_OK(DeleteInstanceProfile(ctx(), kAccount, "WebProfile"));
}

TEST_F(InstanceProfilesTest, Tags) {
  ASSERT_OK(TagInstanceProfile(ctx(), kAccount, "WebProfile", {{"env", "prod"}, {"TEAM", "b"}}));
  auto tags = ListInstanceProfileTags(ctx(), kAccount, "WebProfile", "", 0);
  ASSERT_OK(tags);
  ASSERT_EQ(tags->items.size(), 2u);
  EXPECT_EQ(tags->items[0], (Tag{"TEAM", "b"}));
  ASSERT_OK(UntagInstanceProfile(ctx(), kAccount, "WebProfile", {"team"}));
  tags = ListInstanceProfileTags(ctx(), kAccount, "WebProfile", "", 0);
  ASSERT_OK(tags);
  EXPECT_EQ(tags->items, (std::vector<Tag>{{"env", "prod"}}));
}

class ServiceLinkedRolesTest : public IamTest {};

TEST_F(ServiceLinkedRolesTest, NamesPathAndTrust) {
  auto role = CreateServiceLinkedRole(
      ctx(), kAccount, {.service_name = "autoscaling.amazonaws.com", .description = "asg"});
  ASSERT_OK(role);
  EXPECT_EQ(role->name, "AWSServiceRoleForAutoScaling");
  EXPECT_EQ(role->path, "/aws-service-role/autoscaling.amazonaws.com/");
  EXPECT_EQ(role->arn,
            "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/"
            "AWSServiceRoleForAutoScaling");
  EXPECT_NE(role->assume_role_policy.find(R"("Service":"autoscaling.amazonaws.com")"),
            std::string::npos);
  EXPECT_ERROR(
      CreateServiceLinkedRole(ctx(), kAccount, {.service_name = "autoscaling.amazonaws.com"}),
      "InvalidInput",
      "Service role name AWSServiceRoleForAutoScaling has been taken in this account, "
      "please try a different suffix.");
  auto suffixed = CreateServiceLinkedRole(
      ctx(), kAccount, {.service_name = "autoscaling.amazonaws.com", .custom_suffix = "web"});
  ASSERT_OK(suffixed);
  EXPECT_EQ(suffixed->name, "AWSServiceRoleForAutoScaling_web");
  EXPECT_EQ(*ServiceLinkedRoleName("eks.amazonaws.com", ""), "AWSServiceRoleForAmazonEKS");
  EXPECT_EQ(*ServiceLinkedRoleName("foo-bar.amazonaws.com", ""), "AWSServiceRoleForFooBar");
  EXPECT_ERROR(ServiceLinkedRoleName("eks.amazonaws.com", "x"), "InvalidInput",
               "Custom suffix is not allowed for eks.amazonaws.com");
  EXPECT_ERROR(ServiceLinkedRoleName("example.com", ""), "InvalidInput",
               "Invalid service name: example.com");
}

TEST_F(ServiceLinkedRolesTest, ProtectedFromChangesExceptThroughTheService) {
  ASSERT_OK(CreateServiceLinkedRole(ctx(), kAccount, {.service_name = "eks.amazonaws.com"}));
  const std::string protected_message =
      "Cannot perform the operation on the protected role 'AWSServiceRoleForAmazonEKS' - this "
      "role is only modifiable by AWS";
  EXPECT_ERROR(DeleteRole(ctx(), kAccount, "AWSServiceRoleForAmazonEKS"), "UnmodifiableEntity",
               protected_message);
  EXPECT_ERROR(
      UpdateAssumeRolePolicy(ctx(), kAccount, "AWSServiceRoleForAmazonEKS", kWebIdentityTrust),
      "UnmodifiableEntity", protected_message);
  EXPECT_ERROR(PutRolePolicy(ctx(), kAccount, "AWSServiceRoleForAmazonEKS", "p", kS3Read),
               "UnmodifiableEntity", protected_message);
  auto policy = CreatePolicy(ctx(), kAccount, {.name = "p", .document = kS3Read});
  ASSERT_OK(policy);
  EXPECT_ERROR(AttachRolePolicy(ctx(), kAccount, "AWSServiceRoleForAmazonEKS", policy->policy.arn),
               "UnmodifiableEntity", protected_message);
  // The description may change.
  ASSERT_OK(UpdateRoleDescription(ctx(), kAccount, "AWSServiceRoleForAmazonEKS", "mine"));

  EXPECT_ERROR_CODE(DeleteServiceLinkedRole(ctx(), kAccount, "nope"), "NoSuchEntity");
  auto task = DeleteServiceLinkedRole(ctx(), kAccount, "AWSServiceRoleForAmazonEKS");
  ASSERT_OK(task);
  EXPECT_TRUE(
      task->starts_with("task/aws-service-role/eks.amazonaws.com/"
                        "AWSServiceRoleForAmazonEKS/"));
  EXPECT_EQ(DeletionTaskRoleArn(kAccount, *task),
            "arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/"
            "AWSServiceRoleForAmazonEKS");
  auto status = GetServiceLinkedRoleDeletionStatus(ctx(), kAccount, *task);
  ASSERT_OK(status);
  EXPECT_EQ(status->status, "SUCCEEDED");
  EXPECT_ERROR_CODE(GetRole(ctx(), kAccount, "AWSServiceRoleForAmazonEKS"), "NoSuchEntity");
  EXPECT_ERROR_CODE(GetServiceLinkedRoleDeletionStatus(ctx(), kAccount, "bogus"), "InvalidInput");
}

TEST_F(ServiceLinkedRolesTest, DeletionFailsWhileInUse) {
  ASSERT_OK(CreateServiceLinkedRole(ctx(), kAccount, {.service_name = "ecs.amazonaws.com"}));
  ASSERT_OK(CreateInstanceProfile(ctx(), kAccount, "uses-it", "/", {}));
  ASSERT_OK(AddRoleToInstanceProfile(ctx(), kAccount, "uses-it", "AWSServiceRoleForECS"));
  auto task = DeleteServiceLinkedRole(ctx(), kAccount, "AWSServiceRoleForECS");
  ASSERT_OK(task);
  auto status = GetServiceLinkedRoleDeletionStatus(ctx(), kAccount, *task);
  ASSERT_OK(status);
  EXPECT_EQ(status->status, "FAILED");
  ASSERT_EQ(status->usage.size(), 1u);
  EXPECT_EQ(status->usage[0].resources,
            std::vector<std::string>{"arn:aws:iam::111122223333:instance-profile/uses-it"});
  ASSERT_OK(GetRole(ctx(), kAccount, "AWSServiceRoleForECS"));
  ASSERT_OK(
      CreateRole(ctx(), kAccount, {.name = "plain", .assume_role_policy = kWebIdentityTrust}));
  EXPECT_ERROR_CODE(DeleteServiceLinkedRole(ctx(), kAccount, "plain"), "InvalidInput");
}

}  // namespace
}  // namespace irsa::iam
