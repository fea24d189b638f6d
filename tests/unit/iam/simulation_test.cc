#include "iam/simulation.h"

#include "iam/attachments.h"
#include "iam/aws_managed_policies.h"
#include "iam/inline_policies.h"
#include "iam/policies.h"
#include "iam/roles.h"
#include "iam/users.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;
using testing::kS3Read;
using testing::kWebIdentityTrust;

// Two statements; their spans are asserted in FindsSpansLikeAws.
constexpr char kPretty[] = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
  ]
})";

constexpr char kConditional[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})";

SimulationInput Actions(std::vector<std::string> actions) {
  SimulationInput input;
  input.action_names = std::move(actions);
  return input;
}

class SimulationTest : public IamTest {
 protected:
  void SetUp() override {
    ASSERT_OK(SeedAwsManagedPolicies(ctx()));
    ASSERT_OK(
        CreateRole(ctx(), kAccount, {.name = "App", .assume_role_policy = kWebIdentityTrust}));
    ASSERT_OK(PutRolePolicy(ctx(), kAccount, "App", "pretty", kPretty));
    ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "alice"}));
    ASSERT_OK(PutUserPolicy(ctx(), kAccount, "alice", "cond", kConditional));
  }
  const std::string role_arn_ = "arn:aws:iam::111122223333:role/App";
  const std::string user_arn_ = "arn:aws:iam::111122223333:user/alice";
};

TEST(StatementSpans, FindsSpansLikeAws) {
  auto spans = FindStatementSpans(kPretty);
  ASSERT_EQ(spans.size(), 2u);
  // Start: right after '[' (line 3 col 17); end: right after the statement's '}'.
  EXPECT_EQ(spans[0].start.line, 3);
  EXPECT_EQ(spans[0].start.column, 17);
  EXPECT_EQ(spans[0].end.line, 4);
  EXPECT_EQ(spans[0].end.column, 59);
  // The second starts right after the ',' that ends line 4.
  EXPECT_EQ(spans[1].start.line, 4);
  EXPECT_EQ(spans[1].start.column, 60);
  EXPECT_EQ(spans[1].end.line, 5);
  EXPECT_EQ(spans[1].end.column, 69);
}

TEST(StatementSpans, LoneStatementObjectAndStringsWithBraces) {
  auto spans = FindStatementSpans(
      R"({"Statement":{"Sid":"a}[","Effect":"Allow","Action":"*","Resource":"*"},"Version":"2012-10-17"})");
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].start.column, 14);  // right after ':'
  EXPECT_EQ(spans[0].end.column, 72);    // right after the '}' (the "}[" in a string is skipped)
  EXPECT_TRUE(FindStatementSpans("not json").empty());
}

TEST_F(SimulationTest, AllowedExplicitAndImplicitDenyWithMatchedStatements) {
  auto page = SimulatePrincipalPolicy(
      ctx(), kAccount, role_arn_, Actions({"s3:GetObject", "s3:DeleteBucket", "ec2:RunInstances"}));
  ASSERT_OK(page);
  ASSERT_EQ(page->results.size(), 3u);
  const SimulationResult& get = page->results[0];
  EXPECT_EQ(get.action, "s3:GetObject");
  EXPECT_EQ(get.resource, "*");
  EXPECT_EQ(get.decision, "allowed");
  ASSERT_EQ(get.matched.size(), 1u);
  EXPECT_EQ(get.matched[0].source_policy_id, "pretty");
  EXPECT_EQ(get.matched[0].source_policy_type, "role");
  ASSERT_TRUE(get.matched[0].start.has_value());
  EXPECT_EQ(get.matched[0].start->line, 3);
  EXPECT_FALSE(get.decision_details.has_value());  // resource "*"
  EXPECT_FALSE(get.allowed_by_boundary.has_value());

  const SimulationResult& del = page->results[1];
  EXPECT_EQ(del.decision, "explicitDeny");
  ASSERT_EQ(del.matched.size(), 1u);  // only the Deny statement is listed
  ASSERT_TRUE(del.matched[0].end.has_value());
  EXPECT_EQ(del.matched[0].end->line, 5);
  EXPECT_EQ(del.matched[0].end->column, 69);

  EXPECT_EQ(page->results[2].decision, "implicitDeny");
  EXPECT_TRUE(page->results[2].matched.empty());
  EXPECT_FALSE(page->truncated);
}

TEST_F(SimulationTest, MissingContextValuesAndContextEntries) {
  auto missing =
      SimulatePrincipalPolicy(ctx(), kAccount, user_arn_, Actions({"ec2:StartInstances"}));
  ASSERT_OK(missing);
  ASSERT_EQ(missing->results.size(), 1u);
  EXPECT_EQ(missing->results[0].decision, "implicitDeny");
  EXPECT_EQ(missing->results[0].missing_context,
            (std::vector<std::string>{"aws:RequestedRegion", "aws:SourceIp"}));

  SimulationInput input = Actions({"ec2:StartInstances"});
  input.context_entries = {{"aws:RequestedRegion", {"eu-west-1"}, "string"},
                           {"aws:SourceIp", {"10.1.2.3"}, "ip"}};
  auto ok = SimulatePrincipalPolicy(ctx(), kAccount, user_arn_, input);
  ASSERT_OK(ok);
  EXPECT_EQ(ok->results[0].decision, "allowed");
  EXPECT_TRUE(ok->results[0].missing_context.empty());
  ASSERT_EQ(ok->results[0].matched.size(), 1u);
  EXPECT_EQ(ok->results[0].matched[0].source_policy_type, "user");

  input.context_entries[1].values = {"192.168.0.1"};
  auto outside = SimulatePrincipalPolicy(ctx(), kAccount, user_arn_, input);
  ASSERT_OK(outside);
  EXPECT_EQ(outside->results[0].decision, "implicitDeny");
  EXPECT_TRUE(outside->results[0].missing_context.empty());
}

TEST_F(SimulationTest, ContextEntryTypesAreValidated) {
  SimulationInput input = Actions({"ec2:StartInstances"});
  input.context_entries = {{"aws:SourceIp", {"not-an-ip"}, "ip"}};
  EXPECT_ERROR_CODE(SimulatePrincipalPolicy(ctx(), kAccount, user_arn_, input), "InvalidInput");
  input.context_entries = {{"aws:SourceIp", {"10.0.0.1", "10.0.0.2"}, "ip"}};
  EXPECT_ERROR_CODE(SimulatePrincipalPolicy(ctx(), kAccount, user_arn_, input), "InvalidInput");
  input.context_entries = {{"aws:SourceIp", {"10.0.0.1"}, "color"}};
  EXPECT_ERROR_CODE(SimulatePrincipalPolicy(ctx(), kAccount, user_arn_, input), "InvalidInput");
  // List types make multi-valued keys: ForAnyValue over aws:TagKeys.
  SimulationInput tags = Actions({"ec2:CreateTags"});
  tags.policy_inputs = {
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}}}]})"};
  tags.context_entries = {{"aws:TagKeys", {"env", "team"}, "stringList"}};
  auto page = SimulateCustomPolicy(ctx(), kAccount, tags);
  ASSERT_OK(page);
  EXPECT_EQ(page->results[0].decision, "allowed");
}

TEST_F(SimulationTest, PermissionsBoundaryDetail) {
  auto boundary = CreatePolicy(ctx(), kAccount, {.name = "Boundary", .document = kS3Read});
  ASSERT_OK(boundary);
  ASSERT_OK(PutRolePermissionsBoundary(ctx(), kAccount, "App", boundary->policy.arn));
  auto page = SimulatePrincipalPolicy(ctx(), kAccount, role_arn_,
                                      Actions({"s3:GetObject", "s3:PutObject"}));
  ASSERT_OK(page);
  EXPECT_EQ(page->results[0].decision, "allowed");
  EXPECT_EQ(page->results[0].allowed_by_boundary, std::optional<bool>(true));
  EXPECT_EQ(page->results[1].decision, "implicitDeny");
  EXPECT_EQ(page->results[1].allowed_by_boundary, std::optional<bool>(false));

  // An input boundary replaces the role's own.
  SimulationInput input = Actions({"s3:PutObject"});
  input.boundary_inputs = {testing::kS3Write};
  auto replaced = SimulatePrincipalPolicy(ctx(), kAccount, role_arn_, input);
  ASSERT_OK(replaced);
  EXPECT_EQ(replaced->results[0].decision, "allowed");
  EXPECT_EQ(replaced->results[0].allowed_by_boundary, std::optional<bool>(true));
}

TEST_F(SimulationTest, ManagedPolicySourcesAndInputPolicies) {
  ASSERT_OK(
      AttachUserPolicy(ctx(), kAccount, "alice", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
  SimulationInput input = Actions({"s3:GetObject", "sqs:SendMessage"});
  input.policy_inputs = {
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}})"};
  auto page = SimulatePrincipalPolicy(ctx(), kAccount, user_arn_, input);
  ASSERT_OK(page);
  ASSERT_EQ(page->results[0].matched.size(), 1u);
  EXPECT_EQ(page->results[0].matched[0].source_policy_id, "AmazonS3ReadOnlyAccess");
  EXPECT_EQ(page->results[0].matched[0].source_policy_type, "aws-managed");
  ASSERT_EQ(page->results[1].matched.size(), 1u);
  EXPECT_EQ(page->results[1].matched[0].source_policy_id, "PolicyInputList.1");
  EXPECT_EQ(page->results[1].matched[0].source_policy_type, "none");
}

TEST_F(SimulationTest, ResourcePolicyAndCrossAccountDetails) {
  constexpr char kBucketPolicy[] =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"*"}]})";
  SimulationInput input = Actions({"s3:GetObject"});
  input.policy_inputs = {kS3Read};
  input.resource_arns = {"arn:aws:s3:::bucket/key"};
  input.resource_policy = kBucketPolicy;
  input.resource_owner = "444455556666";
  input.caller_arn = user_arn_;
  auto page = SimulateCustomPolicy(ctx(), kAccount, input);
  ASSERT_OK(page);
  const SimulationResult& r = page->results[0];
  EXPECT_EQ(r.decision, "allowed");
  ASSERT_EQ(r.matched.size(), 2u);
  EXPECT_EQ(r.matched[1].source_policy_id, "ResourcePolicy");
  EXPECT_EQ(r.matched[1].source_policy_type, "resource");
  ASSERT_TRUE(r.decision_details.has_value());
  EXPECT_EQ(*r.decision_details,
            (std::vector<std::pair<std::string, std::string>>{{"IdentityPolicy", "allowed"},
                                                              {"ResourcePolicy", "allowed"}}));

  input.caller_arn.reset();
  EXPECT_ERROR_CODE(SimulateCustomPolicy(ctx(), kAccount, input), "InvalidInput");
  input.caller_arn = role_arn_;  // only IAM users may be callers
  EXPECT_ERROR_CODE(SimulateCustomPolicy(ctx(), kAccount, input), "InvalidInput");
}

TEST_F(SimulationTest, Paging) {
  SimulationInput input = Actions({"s3:GetObject", "s3:PutObject", "s3:DeleteBucket"});
  input.resource_arns = {"arn:aws:s3:::a", "arn:aws:s3:::b"};
  input.max_items = 4;
  auto first = SimulatePrincipalPolicy(ctx(), kAccount, role_arn_, input);
  ASSERT_OK(first);
  ASSERT_EQ(first->results.size(), 4u);
  EXPECT_TRUE(first->truncated);
  EXPECT_EQ(first->results[1].action, "s3:GetObject");
  EXPECT_EQ(first->results[1].resource, "arn:aws:s3:::b");
  EXPECT_EQ(first->results[2].action, "s3:PutObject");
  ASSERT_TRUE(first->results[0].decision_details.has_value());
  EXPECT_TRUE(first->results[0].decision_details->empty());  // same account, named resource
  input.marker = first->marker;
  auto second = SimulatePrincipalPolicy(ctx(), kAccount, role_arn_, input);
  ASSERT_OK(second);
  ASSERT_EQ(second->results.size(), 2u);
  EXPECT_FALSE(second->truncated);
  EXPECT_EQ(second->results[0].action, "s3:DeleteBucket");
  EXPECT_EQ(second->results[0].decision, "explicitDeny");
  input.marker = "bogus";
  EXPECT_ERROR_CODE(SimulatePrincipalPolicy(ctx(), kAccount, role_arn_, input), "InvalidInput");
}

TEST_F(SimulationTest, Errors) {
  EXPECT_ERROR(SimulatePrincipalPolicy(ctx(), kAccount, "arn:aws:iam::111122223333:role/Nope",
                                       Actions({"s3:GetObject"})),
               "NoSuchEntity",
               "Could not find user or role with ARN arn:aws:iam::111122223333:role/Nope.");
  SimulationInput bad = Actions({"s3:GetObject"});
  bad.policy_inputs = {"{not json"};
  EXPECT_ERROR_CODE(SimulateCustomPolicy(ctx(), kAccount, bad), "MalformedPolicyDocument");
  bad.policy_inputs = {kS3Read};
  bad.action_names = {"s3:Get*"};
  EXPECT_ERROR_CODE(SimulateCustomPolicy(ctx(), kAccount, bad), "InvalidInput");
  bad.action_names = {"GetObject"};
  EXPECT_ERROR_CODE(SimulateCustomPolicy(ctx(), kAccount, bad), "InvalidInput");
  bad.action_names = {"s3:GetObject"};
  bad.boundary_inputs = {kS3Read, kS3Read};
  EXPECT_ERROR_CODE(SimulateCustomPolicy(ctx(), kAccount, bad), "InvalidInput");
  // A role source with a resource policy needs a CallerArn.
  SimulationInput resource = Actions({"s3:GetObject"});
  resource.resource_policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})";
  EXPECT_ERROR_CODE(SimulatePrincipalPolicy(ctx(), kAccount, role_arn_, resource), "InvalidInput");
}

}  // namespace
}  // namespace irsa::iam
