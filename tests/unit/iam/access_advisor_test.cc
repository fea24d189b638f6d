// Service-last-accessed reports from the authorizer's record of allowed calls
// (authz/access_recorder.h, iam/access_advisor.h).
#include "iam/access_advisor.h"

#include <gmock/gmock.h>

#include "authz/authorizer.h"
#include "iam/attachments.h"
#include "iam/groups.h"
#include "iam/inline_policies.h"
#include "iam/policies.h"
#include "iam/policy_source.h"
#include "iam/roles.h"
#include "iam/users.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using ::testing::ElementsAre;
using testing::IamTest;
using testing::kAccount;

constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
constexpr char kS3AndKms[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","kms:Decrypt"],"Resource":"*"}]})";

authz::Caller UserCaller(const std::string& name) {
  authz::Caller caller;
  caller.type = authz::CallerType::kUser;
  caller.account = kAccount;
  caller.arn = std::string("arn:aws:iam::") + kAccount + ":user/" + name;
  caller.user_name = name;
  return caller;
}

class AccessAdvisorTest : public IamTest {
 protected:
  AccessAdvisorTest() : advisor_(recorder_) {}
  void SetUp() override {
    ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "alice"}));
    ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "bob"}));
    ASSERT_OK(CreateGroup(ctx(), kAccount, "readers", "/"));
    ASSERT_OK(AddUserToGroup(ctx(), kAccount, "readers", "alice"));
    ASSERT_OK(AddUserToGroup(ctx(), kAccount, "readers", "bob"));
    auto policy = CreatePolicy(ctx(), kAccount, {.name = "s3-kms", .document = kS3AndKms});
    ASSERT_OK(policy);
    policy_arn_ = policy->policy.arn;
    ASSERT_OK(AttachGroupPolicy(ctx(), kAccount, "readers", policy_arn_));
    ASSERT_OK(CreateRole(ctx(), kAccount, {.name = "app", .assume_role_policy = kTrust}));
    ASSERT_OK(PutRolePolicy(
        ctx(), kAccount, "app", "all",
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"));
  }

  std::shared_ptr<const AccessReport> Report(const std::string& arn, bool action_level = false) {
    auto job = advisor_.Generate(ctx(), kAccount, arn, action_level);
    EXPECT_TRUE(job.ok()) << job.error().message();
    if (!job.ok()) return nullptr;
    EXPECT_EQ(job->size(), 36u);
    auto report = advisor_.Get(kAccount, *job);
    EXPECT_TRUE(report.ok());
    return report.ok() ? *report : nullptr;
  }

  static std::vector<std::string> Namespaces(const AccessReport& report) {
    std::vector<std::string> out;
    for (const auto& s : report.services) out.push_back(s.service_namespace);
    return out;
  }

  authz::AccessRecorder recorder_;
  AccessAdvisor advisor_;
  std::string policy_arn_;
};

TEST_F(AccessAdvisorTest, RecorderKeepsTheLastUsePerServiceAndAction) {
  const SystemTime t0 = clock_.Now();
  recorder_.Record(UserCaller("alice"), "s3:GetObject", "eu-west-1", t0);
  recorder_.Record(UserCaller("alice"), "s3:PutObject", "us-east-1", t0 + std::chrono::hours(1));
  recorder_.Record(UserCaller("alice"), "s3:GetObject", "us-east-1", t0 - std::chrono::hours(1));
  authz::Caller root;
  root.type = authz::CallerType::kRoot;
  root.arn = std::string("arn:aws:iam::") + kAccount + ":root";
  recorder_.Record(root, "s3:GetObject", "us-east-1", t0);  // not an IAM entity
  authz::Caller session;
  session.type = authz::CallerType::kAssumedRole;
  session.arn = std::string("arn:aws:sts::") + kAccount + ":assumed-role/app/s";
  session.role_arn = std::string("arn:aws:iam::") + kAccount + ":role/app";
  recorder_.Record(session, "iam:ListRoles", "us-east-1", t0);
  auto uses = recorder_.Uses(UserCaller("alice").arn);
  ASSERT_EQ(uses.size(), 1u);
  EXPECT_EQ(uses["s3"].last.at, t0 + std::chrono::hours(1));
  EXPECT_EQ(uses["s3"].actions["GetObject"].at, t0);  // an older use does not go back in time
  EXPECT_EQ(uses["s3"].actions["GetObject"].region, "eu-west-1");
  EXPECT_TRUE(recorder_.Uses(root.arn).empty());
  EXPECT_EQ(recorder_.Uses(session.role_arn).size(), 1u);
  recorder_.Clear();
  EXPECT_TRUE(recorder_.Uses(UserCaller("alice").arn).empty());
}

TEST_F(AccessAdvisorTest, UserReportListsAllowedServicesWithTheirLastUse) {
  const SystemTime t0 = clock_.Now();
  recorder_.Record(UserCaller("alice"), "s3:GetObject", "eu-west-1", t0);
  recorder_.Record(UserCaller("alice"), "ec2:DescribeInstances", "us-east-1", t0);  // not allowed
  auto report = Report(UserCaller("alice").arn);
  ASSERT_NE(report, nullptr);
  EXPECT_THAT(Namespaces(*report), ElementsAre("kms", "s3"));
  const ServiceReport& kms = report->services[0];
  EXPECT_EQ(kms.service_name, "AWS Key Management Service");
  EXPECT_FALSE(kms.last_authenticated);
  EXPECT_EQ(kms.total_entities, 0);
  const ServiceReport& s3 = report->services[1];
  EXPECT_EQ(s3.service_name, "Amazon S3");
  EXPECT_EQ(s3.last_authenticated, t0);
  EXPECT_EQ(s3.last_entity, UserCaller("alice").arn);
  EXPECT_EQ(s3.last_region, "eu-west-1");
  EXPECT_EQ(s3.total_entities, 1);
  EXPECT_TRUE(s3.actions.empty());  // SERVICE_LEVEL
  auto detailed = Report(UserCaller("alice").arn, true);
  ASSERT_NE(detailed, nullptr);
  ASSERT_EQ(detailed->services[1].actions.size(), 1u);
  EXPECT_EQ(detailed->services[1].actions[0].name, "GetObject");
}

TEST_F(AccessAdvisorTest, GroupAndPolicyReportsCountTheirEntities) {
  const SystemTime t0 = clock_.Now();
  recorder_.Record(UserCaller("alice"), "s3:GetObject", "us-east-1", t0);
  recorder_.Record(UserCaller("bob"), "s3:GetObject", "us-east-1", t0 + std::chrono::minutes(5));
  auto group = Report(std::string("arn:aws:iam::") + kAccount + ":group/readers");
  ASSERT_NE(group, nullptr);
  ASSERT_EQ(group->entities.size(), 2u);
  EXPECT_EQ(group->entities[0].name, "alice");
  const ServiceReport& s3 = group->services[1];
  EXPECT_EQ(s3.total_entities, 2);
  EXPECT_EQ(s3.last_entity, UserCaller("bob").arn);
  EXPECT_EQ(group->entity_last.at("s3")[0], t0);
  EXPECT_FALSE(group->entity_last.at("kms")[1]);
  // The policy is attached to the group: one GROUP entity counting its members' use.
  auto policy = Report(policy_arn_);
  ASSERT_NE(policy, nullptr);
  ASSERT_EQ(policy->entities.size(), 1u);
  EXPECT_EQ(policy->entities[0].type, "GROUP");
  EXPECT_EQ(policy->services[1].total_entities, 1);
  EXPECT_EQ(policy->services[1].last_entity, UserCaller("bob").arn);
}

TEST_F(AccessAdvisorTest, EverythingAllowedListsServedAndUsedServices) {
  authz::Caller session;
  session.type = authz::CallerType::kAssumedRole;
  session.role_arn = std::string("arn:aws:iam::") + kAccount + ":role/app";
  recorder_.Record(session, "dynamodb:GetItem", "us-east-1", clock_.Now());
  auto report = Report(session.role_arn);
  ASSERT_NE(report, nullptr);
  EXPECT_THAT(Namespaces(*report), ElementsAre("dynamodb", "eks", "iam", "s3", "sts"));
  EXPECT_EQ(report->entities[0].type, "ROLE");
}

TEST_F(AccessAdvisorTest, TheAuthorizerRecordsAllowedDecisionsOnly) {
  const ServiceContext context = ctx();
  IamPolicySource source(context);
  authz::Authorizer authorizer(source, clock_, nullptr, nullptr, &recorder_);
  authz::Caller alice = UserCaller("alice");
  auto record = GetUser(ctx(), kAccount, "alice");
  ASSERT_OK(record);
  alice.user_id = record->id;
  alice.user_path = "/";
  authz::RequestFacts facts;
  facts.requested_region = "ap-south-1";
  ASSERT_OK(authorizer.Authorize(alice, "s3:GetObject", "arn:aws:s3:::b/k", facts));
  EXPECT_ERROR_CODE(authorizer.Authorize(alice, "s3:PutObject", "arn:aws:s3:::b/k", facts),
                    "AccessDenied");
  auto uses = recorder_.Uses(alice.arn);
  ASSERT_EQ(uses.size(), 1u);
  EXPECT_EQ(uses["s3"].last.region, "ap-south-1");
  EXPECT_EQ(uses["s3"].actions.size(), 1u);
  EXPECT_TRUE(uses["s3"].actions.contains("GetObject"));
}

TEST_F(AccessAdvisorTest, Refusals) {
  EXPECT_ERROR(advisor_.Generate(ctx(), kAccount, "not-an-arn", false), "InvalidInput",
               "ARN not-an-arn is not valid.");
  EXPECT_ERROR_CODE(
      advisor_.Generate(ctx(), kAccount, "arn:aws:iam::111122223333:user/nobody", false),
      "NoSuchEntity");
  EXPECT_ERROR_CODE(
      advisor_.Generate(ctx(), kAccount, "arn:aws:iam::111122223333:policy/nothing", false),
      "NoSuchEntity");
  auto job = advisor_.Generate(ctx(), kAccount, UserCaller("bob").arn, false);
  ASSERT_OK(job);
  EXPECT_ERROR(advisor_.Get("444455556666", *job), "NoSuchEntity",
               "No such job with the specified job id " + *job + ".");
  advisor_.Clear();
  EXPECT_ERROR_CODE(advisor_.Get(kAccount, *job), "NoSuchEntity");
}

}  // namespace
}  // namespace irsa::iam
