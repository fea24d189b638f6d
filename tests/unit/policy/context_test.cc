#include <gtest/gtest.h>

#include <thread>

#include "policy/lint.h"
#include "policy/variables.h"
#include "policy_test_util.h"

namespace irsa::policy {
namespace {

using testing::MakeRequest;
using testing::MustCompile;

TEST(RequestContextTest, AbsentSingleMultiAndEmpty) {
  RequestContext context;
  EXPECT_EQ(context.Find("k:a"), nullptr);
  context.Set("K:A", "1");
  ASSERT_NE(context.Find("k:a"), nullptr);
  EXPECT_FALSE(context.Find("k:a")->multi_valued);
  context.Add("k:a", "2");
  EXPECT_TRUE(context.Find("k:A")->multi_valued);
  EXPECT_EQ(context.Find("k:a")->values, (std::vector<std::string>{"1", "2"}));
  context.SetMulti("k:b", {});
  ASSERT_NE(context.Find("k:b"), nullptr);
  EXPECT_TRUE(context.Find("k:b")->values.empty());
  context.Remove("K:B");
  EXPECT_EQ(context.Find("k:b"), nullptr);
}

TEST(RequestContextTest, TagKeysDifferingByCaseCollapseLastWins) {  // edge 43
  RequestContext context;
  context.Set("aws:ResourceTag/ec2", "test1");
  context.Set("aws:ResourceTag/EC2", "test2");
  ASSERT_NE(context.Find("aws:resourcetag/Ec2"), nullptr);
  EXPECT_EQ(context.Find("aws:resourcetag/Ec2")->values, (std::vector<std::string>{"test2"}));
  EXPECT_EQ(context.entries().size(), 1u);
}

TEST(TemplateTest, SegmentsAndResolution) {
  RequestContext context;
  context.Set("aws:username", "Bob*");
  std::string out;
  EXPECT_TRUE(Template::Parse("home/${aws:username}/${*}", true).AppendText(context, out));
  EXPECT_EQ(out, "home/Bob*/*");
  std::vector<GlobToken> tokens;
  ASSERT_TRUE(Template::Parse("a*${aws:username}", true).AppendTokens(context, true, tokens));
  EXPECT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[1], kGlobStar);
  EXPECT_EQ(tokens[5], '*') << "substituted '*' is literal";
  out.clear();
  EXPECT_FALSE(Template::Parse("${aws:userid}", true).AppendText(context, out));
  out.clear();
  EXPECT_TRUE(Template::Parse("${ aws:userid , 'none' }", true).AppendText(context, out));
  EXPECT_EQ(out, "none");
  EXPECT_FALSE(Template::Parse("${aws:username}", false).has_variables());
}

TEST(PrincipalForms, StarStringEqualsAwsStar) {
  auto star = MustCompile(
      R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}})",
      PolicyKind::kResource);
  auto aws_star = MustCompile(
      R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"}})",
      PolicyKind::kResource);
  Request anonymous = MakeRequest("s3:GetObject", "arn:aws:s3:::b/k");
  anonymous.principal = RequestPrincipal::Anonymous();
  EXPECT_EQ(star->Evaluate(anonymous).outcome, PolicyOutcome::kAllow);
  EXPECT_EQ(aws_star->Evaluate(anonymous).outcome, PolicyOutcome::kAllow);
  auto unique_id = MustCompile(
      R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"AIDAJQABLZS4A3QDU576Q"},"Action":"s3:GetObject","Resource":"*"}})",
      PolicyKind::kResource);
  Request user = MakeRequest("s3:GetObject", "arn:aws:s3:::b/k");
  user.principal =
      RequestPrincipal::User("arn:aws:iam::111122223333:user/alice", "AIDAJQABLZS4A3QDU576Q");
  EXPECT_EQ(unique_id->Evaluate(user).outcome, PolicyOutcome::kAllow);
  user.principal.unique_id = "AIDAOTHEROTHEROTHER1";
  EXPECT_EQ(unique_id->Evaluate(user).outcome, PolicyOutcome::kNotApplicable)
      << "a recreated user with a new unique id no longer matches";
}

TEST(ThreadSafety, ConcurrentEvaluationOfSharedPolicy) {
  auto policy = MustCompile(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
    "Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*",
    "Condition":{"StringLike":{"k:x":"${aws:username}-*"}}}})");
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string name = "user" + std::to_string(t);
      Request request = MakeRequest("s3:GetObject", "arn:aws:s3:::b/" + name + "/k",
                                    {{"aws:username", {name}}, {"k:x", {name + "-1"}}});
      for (int i = 0; i < 2000; ++i) {
        if (policy->Evaluate(request).outcome != PolicyOutcome::kAllow) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace irsa::policy

namespace irsa::policy {
namespace {

TEST(LintExtra, InvalidValuesAndIgnoredOperators) {
  auto policy = testing::MustCompile(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
    "Action":"s3:*","Resource":"*","Condition":{"NumericEquals":{"k:n":"ten"},
    "IpAddress":{"aws:SourceIp":"10.0.0.0/33"},"Whatever":{}}}})");
  std::vector<LintWarning> warnings = LintPolicy(*policy);
  std::vector<std::string> codes;
  for (const LintWarning& w : warnings) codes.push_back(w.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"invalid-condition-value", "invalid-condition-value",
                                             "ignored-operator"}));
  EXPECT_EQ(warnings[0].statement, 0);
}

TEST(DenyStatements, NegatedIfExistsOnDenyDeniesWhenKeyMissing) {  // edge 11
  auto policy = testing::MustCompile(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:*","Resource":"*"},
    {"Effect":"Deny","Action":"s3:*","Resource":"*",
     "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"a"}}}]})");
  EXPECT_EQ(policy->Evaluate(testing::MakeRequest("s3:GetObject", "*")).outcome,
            PolicyOutcome::kDeny);
  EXPECT_EQ(
      policy
          ->Evaluate(testing::MakeRequest("s3:GetObject", "*", {{"aws:PrincipalTag/team", {"a"}}}))
          .outcome,
      PolicyOutcome::kAllow);
}

}  // namespace
}  // namespace irsa::policy
