#include <gtest/gtest.h>

#include "policy/glob.h"
#include "policy/values.h"
#include "policy_test_util.h"

namespace irsa::policy {
namespace {

using testing::MakeRequest;
using testing::MustCompile;

std::string IdentityPolicy(std::string_view action_key, std::string_view actions,
                           std::string_view resource_key, std::string_view resources,
                           std::string_view version = "2012-10-17") {
  return std::string(R"({"Version":")") + std::string(version) +
         R"(","Statement":{"Effect":"Allow",")" + std::string(action_key) +
         "\":" + std::string(actions) + ",\"" + std::string(resource_key) +
         "\":" + std::string(resources) + "}}";
}

struct MatchCase {
  const char* name;
  const char* action_key;
  const char* actions;
  const char* resource_key;
  const char* resources;
  const char* request_action;
  const char* request_resource;
  bool expected;
};

class MatchTable : public ::testing::TestWithParam<MatchCase> {};

TEST_P(MatchTable, ActionAndResource) {
  const MatchCase& c = GetParam();
  auto policy = MustCompile(IdentityPolicy(c.action_key, c.actions, c.resource_key, c.resources));
  ASSERT_NE(policy, nullptr);
  Request request =
      MakeRequest(c.request_action, c.request_resource, {{"aws:username", {"alice"}}});
  EXPECT_EQ(policy->Evaluate(request).outcome == PolicyOutcome::kAllow, c.expected) << c.name;
  PolicyTrace trace;
  EXPECT_EQ(policy->Evaluate(request, &trace).outcome == PolicyOutcome::kAllow, c.expected)
      << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Actions, MatchTable,
    ::testing::Values(
        MatchCase{"star", "Action", R"("*")", "Resource", R"("*")", "s3:GetObject", "*", true},
        MatchCase{"case-insensitive (edge 5)", "Action", R"("IAM:listaccesskeys")", "Resource",
                  R"("*")", "iam:ListAccessKeys", "*", true},
        MatchCase{"glob", "Action", R"("s3:Get*")", "Resource", R"("*")", "s3:GetObjectAcl", "*",
                  true},
        MatchCase{"glob question", "Action", R"("s3:?etObject")", "Resource", R"("*")",
                  "s3:GetObject", "*", true},
        MatchCase{"service literal", "Action", R"("s3:*")", "Resource", R"("*")", "s3x:GetObject",
                  "*", false},
        MatchCase{"infix glob", "Action", R"("iam:*AccessKey*")", "Resource", R"("*")",
                  "iam:CreateAccessKey", "*", true},
        MatchCase{"comma is literal (edge 3)", "Action", R"("s3:GetObject,PutObject")", "Resource",
                  R"("*")", "s3:GetObject", "*", false},
        MatchCase{"trailing space matches nothing (edge 4)", "Action", R"("s3:GetObject ")",
                  "Resource", R"("*")", "s3:GetObject", "*", false},
        MatchCase{"trailing space NotAction matches everything (edge 4)", "NotAction",
                  R"("s3:GetObject ")", "Resource", R"("*")", "s3:GetObject", "*", true},
        MatchCase{"NotAction excludes", "NotAction", R"(["iam:*","sts:*"])", "Resource", R"("*")",
                  "iam:CreateUser", "*", false},
        MatchCase{"NotAction applies to other services", "NotAction", R"("iam:*")", "Resource",
                  R"("*")", "s3:GetObject", "*", true},
        MatchCase{"one-element array equals scalar", "Action", R"(["s3:GetObject"])", "Resource",
                  R"(["*"])", "s3:GetObject", "*", true}));

INSTANTIATE_TEST_SUITE_P(
    Resources, MatchTable,
    ::testing::Values(
        MatchCase{"keys with colons and double slashes (edge 6)", "Action", R"("s3:*")", "Resource",
                  R"("arn:aws:s3:::b/*")", "s3:GetObject", "arn:aws:s3:::b/a:b//c", true},
        MatchCase{"docs example 1", "Action", R"("s3:*")", "Resource",
                  R"("arn:aws:s3:::B/*/test/*")", "s3:GetObject",
                  "arn:aws:s3:::B/1///test///object.jpg", true},
        MatchCase{"docs example 2", "Action", R"("s3:*")", "Resource",
                  R"("arn:aws:s3:::B/*/test/*")", "s3:GetObject", "arn:aws:s3:::B//test/object.jpg",
                  true},
        MatchCase{"docs example 3", "Action", R"("s3:*")", "Resource",
                  R"("arn:aws:s3:::B/*/test/*")", "s3:GetObject", "arn:aws:s3:::B/1/test/", true},
        MatchCase{"docs counter-example 1", "Action", R"("s3:*")", "Resource",
                  R"("arn:aws:s3:::B/*/test/*")", "s3:GetObject", "arn:aws:s3:::B/test/object.jpg",
                  false},
        MatchCase{"docs counter-example 2", "Action", R"("s3:*")", "Resource",
                  R"("arn:aws:s3:::B/*/test/*")", "s3:GetObject",
                  "arn:aws:s3:::B/1-test/object.jpg", false},
        MatchCase{"resource part case-sensitive", "Action", R"("s3:*")", "Resource",
                  R"("arn:aws:s3:::b/Key")", "s3:GetObject", "arn:aws:s3:::b/key", false},
        MatchCase{"region wildcard does not cross colon", "Action", R"("logs:*")", "Resource",
                  R"("arn:aws:logs:*:111122223333:log-group:x")", "logs:PutLogEvents",
                  "arn:aws:logs:us-east-1:999:x:111122223333:log-group:x", false},
        MatchCase{"resource field keeps colons", "Action", R"("logs:*")", "Resource",
                  R"("arn:aws:logs:us-east-1:111122223333:log-group:x:*")", "logs:PutLogEvents",
                  "arn:aws:logs:us-east-1:111122223333:log-group:x:log-stream:y", true},
        MatchCase{"wildcard-only action needs star", "Action", R"("s3:*")", "Resource",
                  R"("arn:aws:s3:::*")", "s3:ListAllMyBuckets", "*", false},
        MatchCase{"short ARN padded in identity policies", "Action", R"("sqs:*")", "Resource",
                  R"("arn:aws:sqs:*")", "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q:x",
                  true},
        MatchCase{"NotResource + star grants everything else (edge 35)", "Action", R"("*")",
                  "NotResource", R"("arn:aws:s3:::secret/*")", "s3:GetObject",
                  "arn:aws:s3:::public/k", true},
        MatchCase{"NotResource excludes listed", "Action", R"("*")", "NotResource",
                  R"("arn:aws:s3:::secret/*")", "s3:GetObject", "arn:aws:s3:::secret/k", false},
        MatchCase{"variable in resource", "Action", R"("s3:*")", "Resource",
                  R"("arn:aws:s3:::b/home/${aws:username}/*")", "s3:GetObject",
                  "arn:aws:s3:::b/home/alice/x", true},
        MatchCase{"variable in resource other user", "Action", R"("s3:*")", "Resource",
                  R"("arn:aws:s3:::b/home/${aws:username}/*")", "s3:GetObject",
                  "arn:aws:s3:::b/home/bob/x", false}));

TEST(Resources, UsernameVariableNeverMatchesRoleSession) {  // edge 7
  auto policy = MustCompile(IdentityPolicy("Action", R"("s3:*")", "Resource",
                                           R"("arn:aws:s3:::b/home/${aws:username}/*")"));
  RequestBuilder builder;
  builder.Action("s3:GetObject")
      .Resource("arn:aws:s3:::b/home/r/x")
      .Principal(RequestPrincipal::AssumedRole("arn:aws:sts::111122223333:assumed-role/r/s",
                                               "arn:aws:iam::111122223333:role/r", "AROAEXAMPLE"));
  Request request = builder.Build();
  EXPECT_EQ(request.context.Find("aws:username"), nullptr);
  EXPECT_EQ(policy->Evaluate(request).outcome, PolicyOutcome::kNotApplicable);
}

TEST(Resources, UnresolvableVariableUnderNotResourceExcludesNothing) {
  auto policy = MustCompile(IdentityPolicy("Action", R"("s3:*")", "NotResource",
                                           R"("arn:aws:s3:::b/${aws:username}/*")"));
  Request request = MakeRequest("s3:GetObject", "arn:aws:s3:::b/x/y");
  EXPECT_EQ(policy->Evaluate(request).outcome, PolicyOutcome::kAllow);
}

TEST(Resources, Version2008TreatsVariablesLiterally) {
  auto policy = MustCompile(IdentityPolicy("Action", R"("s3:*")", "Resource",
                                           R"("arn:aws:s3:::b/${aws:username}")", "2008-10-17"));
  EXPECT_EQ(policy
                ->Evaluate(MakeRequest("s3:GetObject", "arn:aws:s3:::b/alice",
                                       {{"aws:username", {"alice"}}}))
                .outcome,
            PolicyOutcome::kNotApplicable);
  EXPECT_EQ(policy->Evaluate(MakeRequest("s3:GetObject", "arn:aws:s3:::b/${aws:username}")).outcome,
            PolicyOutcome::kAllow);
  auto no_version = MustCompile(
      R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}})");
  EXPECT_EQ(no_version->version(), PolicyVersion::k2008_10_17);
  EXPECT_EQ(no_version
                ->Evaluate(MakeRequest("s3:GetObject", "arn:aws:s3:::b/alice",
                                       {{"aws:username", {"alice"}}}))
                .outcome,
            PolicyOutcome::kNotApplicable);
}

TEST(Statements, DenyBeatsAllowRegardlessOfOrder) {
  auto policy = MustCompile(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:*","Resource":"*"},
    {"Sid":"NoDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]})");
  PolicyEvaluation result = policy->Evaluate(MakeRequest("s3:DeleteObject", "arn:aws:s3:::b/k"));
  EXPECT_EQ(result.outcome, PolicyOutcome::kDeny);
  EXPECT_EQ(result.statement, 1);
  EXPECT_EQ(policy->Evaluate(MakeRequest("s3:GetObject", "arn:aws:s3:::b/k")).outcome,
            PolicyOutcome::kAllow);
  EXPECT_EQ(policy->Evaluate(MakeRequest("ec2:RunInstances", "*")).outcome,
            PolicyOutcome::kNotApplicable);
}

TEST(Glob, Semantics) {
  EXPECT_TRUE(Glob::FromPattern("a*c").Matches("abcc"));
  EXPECT_TRUE(Glob::FromPattern("*").Matches(""));
  EXPECT_TRUE(Glob::FromPattern("a**b").Matches("ab"));
  EXPECT_FALSE(Glob::FromPattern("a?").Matches("a"));
  EXPECT_TRUE(Glob::FromPattern("[ab]\\c").Matches("[ab]\\c"));
  EXPECT_TRUE(Glob::FromPattern("GET*", true).Matches("getobject"));
  EXPECT_TRUE(Glob::FromPattern("*x*y*z", false).Matches("axbyczz z"));
  // Pathological pattern finishes quickly (no exponential backtracking).
  std::string text(5000, 'a');
  std::string pattern;
  for (int i = 0; i < 50; ++i) pattern += "*a";
  pattern += "b";
  EXPECT_FALSE(Glob::FromPattern(pattern).Matches(text));
}

TEST(Values, DecimalInstantIp) {
  auto a = Decimal::Parse("10");
  auto b = Decimal::Parse("+010.000");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(CompareDecimal(*a, *b), 0);
  EXPECT_FALSE(Decimal::Parse("10abc"));
  EXPECT_FALSE(Decimal::Parse(""));
  EXPECT_FALSE(Decimal::Parse("."));
  EXPECT_FALSE(Decimal::Parse("1e5"));
  EXPECT_LT(CompareDecimal(*Decimal::Parse("-1"), *Decimal::Parse("0.5")), 0);
  EXPECT_EQ(CompareDecimal(*Decimal::Parse("-0"), *Decimal::Parse("0")), 0);
  EXPECT_GT(CompareDecimal(*Decimal::Parse("-1.5"), *Decimal::Parse("-1.55")), 0);

  EXPECT_EQ(ParseInstant("2024")->seconds, 2024);
  EXPECT_EQ(ParseInstant("1970-01-02")->seconds, 86400);
  EXPECT_EQ(ParseInstant("2024-01-01T00:00:00Z")->seconds, 1704067200);
  EXPECT_EQ(ParseInstant("2024-01-01t01:00:00+01")->seconds, 1704067200);
  EXPECT_EQ(ParseInstant("2024-01-01T00:00:00.123456789Z")->nanos, 123456789);
  EXPECT_FALSE(ParseInstant("2024-02-01T00:00:00+1"));
  EXPECT_FALSE(ParseInstant("abc"));

  auto net = IpNetwork::Parse("10.0.0.0/8");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->Contains(*IpNetwork::Parse("10.255.0.1")));
  EXPECT_FALSE(IpNetwork::Parse("10.0.0.0/33"));
  EXPECT_FALSE(IpNetwork::Parse("::/129"));
  EXPECT_FALSE(IpNetwork::Parse("1.2.3.10000"));
  EXPECT_FALSE(IpNetwork::Parse("192.168.1.1:"));
  EXPECT_FALSE(IpNetwork::Parse("10.0.0.0/"));
  EXPECT_TRUE(IpNetwork::Parse("2001:0db8:0000:0000:0000:0000:0000:0001/128"));
}

}  // namespace
}  // namespace irsa::policy

namespace irsa::policy {
namespace {

TEST(Values, Ipv4Strictness) {
  auto a = IpNetwork::Parse("192.168.1.7/24");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->v6);
  EXPECT_EQ(a->prefix, 24);
  EXPECT_EQ(a->bytes[0], 192);
  EXPECT_EQ(a->bytes[3], 7);
  EXPECT_FALSE(IpNetwork::Parse("01.2.3.4"));
  EXPECT_FALSE(IpNetwork::Parse("1.2.3"));
  EXPECT_FALSE(IpNetwork::Parse("1.2.3.4.5"));
  EXPECT_FALSE(IpNetwork::Parse("256.0.0.1"));
  EXPECT_FALSE(IpNetwork::Parse("1.2.3.4/"));
  EXPECT_FALSE(IpNetwork::Parse(""));
  EXPECT_TRUE(IpNetwork::Parse("0.0.0.0/0"));
  EXPECT_TRUE(IpNetwork::Parse("::ffff:10.0.0.1")->v6);
}

}  // namespace
}  // namespace irsa::policy
