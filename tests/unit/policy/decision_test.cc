#include <gtest/gtest.h>

#include "policy/decision.h"
#include "policy/lint.h"
#include "policy_test_util.h"

namespace irsa::policy {
namespace {

using testing::MustCompile;

constexpr const char* kAccount = "111122223333";
constexpr const char* kOther = "444455556666";
constexpr const char* kRoleArn = "arn:aws:iam::111122223333:role/team/path/Target";
constexpr const char* kUserArn = "arn:aws:iam::111122223333:user/alice";
constexpr const char* kProvider =
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC";

CompiledPolicyPtr Trust(std::string_view principal_json, std::string_view extra = "") {
  return MustCompile(
      std::string(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":)") +
          std::string(principal_json) + R"(,"Action":"sts:AssumeRole")" + std::string(extra) + "}}",
      PolicyKind::kTrust, "trust");
}

CompiledPolicyPtr Allow(std::string_view action, std::string_view resource = "*",
                        PolicyKind kind = PolicyKind::kIdentity) {
  return MustCompile(
      std::string(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":")") +
          std::string(action) + R"(","Resource":")" + std::string(resource) + "\"}}",
      kind);
}

CompiledPolicyPtr Deny(std::string_view action, PolicyKind kind = PolicyKind::kIdentity) {
  return MustCompile(
      std::string(R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":")") +
          std::string(action) + R"(","Resource":"*"}})",
      kind);
}

Request AssumeRequest(RequestPrincipal principal, std::string role = kRoleArn) {
  return RequestBuilder()
      .Action("sts:AssumeRole")
      .Resource(std::move(role))
      .Principal(principal)
      .Build();
}

RequestPrincipal Alice() { return RequestPrincipal::User(kUserArn, "AIDAEXAMPLE"); }

TEST(Decide, IdentityOnly) {
  PolicySet set;
  set.identity = {Allow("s3:GetObject")};
  Request request = RequestBuilder()
                        .Action("s3:GetObject")
                        .Resource("arn:aws:s3:::b/k")
                        .Principal(Alice())
                        .Build();
  EXPECT_EQ(Decide(set, request).decision, Decision::kAllowed);
  set.identity.push_back(Deny("s3:*"));
  DecisionResult denied = Decide(set, request);
  EXPECT_EQ(denied.decision, Decision::kExplicitDeny);
  EXPECT_EQ(denied.decided_by, PolicyKind::kIdentity);
  set.identity.clear();
  DecisionResult implicit = Decide(set, request);
  EXPECT_EQ(implicit.decision, Decision::kImplicitDeny);
  EXPECT_EQ(implicit.decided_by, PolicyKind::kIdentity);
}

TEST(Decide, BoundaryAndSessionPoliciesIntersect) {
  Request request = RequestBuilder()
                        .Action("s3:GetObject")
                        .Resource("arn:aws:s3:::b/k")
                        .Principal(Alice())
                        .Build();
  PolicySet set;
  set.identity = {Allow("s3:*")};
  set.boundary = Allow("ec2:*", "*", PolicyKind::kBoundary);
  DecisionResult r = Decide(set, request);
  EXPECT_EQ(r.decision, Decision::kImplicitDeny);
  EXPECT_EQ(r.decided_by, PolicyKind::kBoundary);
  set.boundary = Allow("s3:Get*", "*", PolicyKind::kBoundary);
  EXPECT_TRUE(Decide(set, request).allowed());
  set.session = {Allow("s3:Put*", "*", PolicyKind::kSession)};
  r = Decide(set, request);
  EXPECT_EQ(r.decided_by, PolicyKind::kSession);
  EXPECT_EQ(r.decision, Decision::kImplicitDeny);
  set.session.push_back(Allow("s3:GetObject", "*", PolicyKind::kSession));
  EXPECT_TRUE(Decide(set, request).allowed()) << "an Allow in any session policy suffices";
  set.session.push_back(Deny("s3:*", PolicyKind::kSession));
  EXPECT_EQ(Decide(set, request).decision, Decision::kExplicitDeny);
  PolicySet federated;
  federated.identity = {Allow("s3:*")};
  federated.session_policies_required = true;
  EXPECT_EQ(Decide(federated, request).decided_by, PolicyKind::kSession);
}

TEST(Decide, SameAccountTrustNamingUserNeedsNoIdentityPolicy) {  // edge 27
  PolicySet set;
  set.resource = Trust(R"({"AWS":"arn:aws:iam::111122223333:user/alice"})");
  DecisionResult r = Decide(set, AssumeRequest(Alice()));
  EXPECT_EQ(r.decision, Decision::kAllowed);
  EXPECT_EQ(r.decided_by, PolicyKind::kTrust);
}

TEST(Decide, SameAccountTrustNamingAccountNeedsIdentityPolicy) {  // edge 27, 26
  PolicySet set;
  set.resource = Trust(R"({"AWS":"111122223333"})");
  DecisionResult r = Decide(set, AssumeRequest(Alice()));
  EXPECT_EQ(r.decision, Decision::kImplicitDeny);
  EXPECT_EQ(r.decided_by, PolicyKind::kIdentity);
  set.identity = {Allow("sts:AssumeRole", kRoleArn)};
  EXPECT_TRUE(Decide(set, AssumeRequest(Alice())).allowed());
  // Root ARN form is the same principal.
  set.resource = Trust(R"({"AWS":"arn:aws:iam::111122223333:root"})");
  EXPECT_TRUE(Decide(set, AssumeRequest(Alice())).allowed());
}

TEST(Decide, BoundaryMustAllowAssumeRoleEvenWhenTrustNamesCaller) {  // edge 28
  PolicySet set;
  set.resource = Trust(R"({"AWS":"arn:aws:iam::111122223333:user/alice"})");
  set.boundary = Allow("s3:*", "*", PolicyKind::kBoundary);
  DecisionResult r = Decide(set, AssumeRequest(Alice()));
  EXPECT_EQ(r.decision, Decision::kImplicitDeny);
  EXPECT_EQ(r.decided_by, PolicyKind::kBoundary);
}

TEST(Decide, IdentityDenyBeatsTrustGrant) {
  PolicySet set;
  set.resource = Trust(R"({"AWS":"arn:aws:iam::111122223333:user/alice"})");
  set.identity = {Deny("sts:AssumeRole")};
  EXPECT_EQ(Decide(set, AssumeRequest(Alice())).decision, Decision::kExplicitDeny);
}

TEST(Decide, RoleCannotAssumeItselfUnlessNamed) {  // edge 29
  RequestPrincipal self = RequestPrincipal::AssumedRole(
      "arn:aws:sts::111122223333:assumed-role/Target/s1", kRoleArn, "AROAEXAMPLE");
  PolicySet set;
  set.identity = {Allow("sts:AssumeRole")};
  set.resource = Trust(R"({"AWS":"arn:aws:iam::111122223333:user/bob"})");
  EXPECT_EQ(Decide(set, AssumeRequest(self)).decision, Decision::kImplicitDeny);
  set.resource = Trust(R"({"AWS":"arn:aws:iam::111122223333:role/team/path/Target"})");
  EXPECT_TRUE(Decide(set, AssumeRequest(self)).allowed());
}

TEST(Decide, RoleArnWithPathMatchesItsSessions) {  // edge 30
  RequestPrincipal session =
      RequestPrincipal::AssumedRole("arn:aws:sts::111122223333:assumed-role/Target/s1", "", "");
  auto trust = Trust(R"({"AWS":"arn:aws:iam::111122223333:role/team/path/Target"})");
  Request request = AssumeRequest(session, "arn:aws:iam::111122223333:role/Other");
  PolicyEvaluation e = trust->Evaluate(request);
  EXPECT_EQ(e.outcome, PolicyOutcome::kAllow);
  EXPECT_EQ(e.allow_match, PrincipalMatch::kRole);
  // Another role of the same name in another account does not match.
  RequestPrincipal foreign =
      RequestPrincipal::AssumedRole("arn:aws:sts::444455556666:assumed-role/Target/s1", "", "");
  EXPECT_EQ(trust->Evaluate(AssumeRequest(foreign)).outcome, PolicyOutcome::kNotApplicable);
}

TEST(Decide, CrossAccountNeedsBothSides) {
  RequestPrincipal bob = RequestPrincipal::User("arn:aws:iam::444455556666:user/bob");
  PolicySet set;
  set.resource = Trust(R"({"AWS":"444455556666"})");
  DecisionResult r = Decide(set, AssumeRequest(bob));
  EXPECT_EQ(r.decision, Decision::kImplicitDeny);
  EXPECT_EQ(r.decided_by, PolicyKind::kIdentity);
  set.identity = {Allow("sts:AssumeRole", kRoleArn)};
  EXPECT_TRUE(Decide(set, AssumeRequest(bob)).allowed());
  set.resource = Trust(R"({"AWS":"999999999999"})");
  r = Decide(set, AssumeRequest(bob));
  EXPECT_EQ(r.decided_by, PolicyKind::kTrust);
  EXPECT_EQ(r.decision, Decision::kImplicitDeny);
  (void)kOther;
}

TEST(Decide, ResourcePolicyPrincipalClasses) {  // edges 32, 33
  auto bucket_policy = [](std::string_view principal) {
    return MustCompile(
        std::string(
            R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":")") +
            std::string(principal) +
            R"("},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}})",
        PolicyKind::kResource);
  };
  RequestPrincipal session = RequestPrincipal::AssumedRole(
      "arn:aws:sts::111122223333:assumed-role/Reader/s1", "arn:aws:iam::111122223333:role/Reader");
  Request request = RequestBuilder()
                        .Action("s3:GetObject")
                        .Resource("arn:aws:s3:::b/k")
                        .Principal(session)
                        .Build();
  PolicySet set;
  set.resource_account = kAccount;
  set.session = {Allow("ec2:*", "*", PolicyKind::kSession)};
  set.resource = bucket_policy("arn:aws:sts::111122223333:assumed-role/Reader/s1");
  EXPECT_TRUE(Decide(set, request).allowed()) << "session ARN grant ignores session policy";
  set.resource = bucket_policy("arn:aws:iam::111122223333:role/Reader");
  DecisionResult r = Decide(set, request);
  EXPECT_EQ(r.decision, Decision::kImplicitDeny) << "role ARN grant limited by session policy";
  EXPECT_EQ(r.decided_by, PolicyKind::kSession);
  set.session.clear();
  EXPECT_TRUE(Decide(set, request).allowed()) << "role grant, no identity policy needed";
  set.resource = bucket_policy("111122223333");
  EXPECT_EQ(Decide(set, request).decided_by, PolicyKind::kIdentity)
      << "account grant adds nothing in the same account";
}

TEST(Decide, AnonymousMatchesOnlyStar) {  // edge 38
  auto public_read = MustCompile(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}})",
      PolicyKind::kResource);
  auto account_read = MustCompile(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}})",
      PolicyKind::kResource);
  Request request = RequestBuilder()
                        .Action("s3:GetObject")
                        .Resource("arn:aws:s3:::b/k")
                        .Principal(RequestPrincipal::Anonymous())
                        .Build();
  PolicySet set;
  set.resource = public_read;
  EXPECT_TRUE(Decide(set, request).allowed());
  set.resource = account_read;
  EXPECT_EQ(Decide(set, request).decision, Decision::kImplicitDeny);
}

TEST(Decide, NotPrincipalDenyNeedsAccountRoleAndSession) {  // edge 34
  RequestPrincipal session = RequestPrincipal::AssumedRole(
      "arn:aws:sts::111122223333:assumed-role/Admin/s1", "arn:aws:iam::111122223333:role/Admin");
  Request request = RequestBuilder()
                        .Action("s3:GetObject")
                        .Resource("arn:aws:s3:::b/k")
                        .Principal(session)
                        .Build();
  auto policy_with = [](std::string_view list) {
    return MustCompile(
        std::string(
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":)") +
            std::string(list) +
            R"(},"Action":"s3:*","Resource":"*"},{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})",
        PolicyKind::kResource);
  };
  EXPECT_EQ(policy_with(R"(["arn:aws:iam::999999999999:root"])")->Evaluate(request).outcome,
            PolicyOutcome::kDeny);
  // The role alone is not enough: the account and the session must be listed as well.
  EXPECT_EQ(policy_with(R"(["arn:aws:iam::111122223333:role/Admin"])")->Evaluate(request).outcome,
            PolicyOutcome::kDeny);
  EXPECT_EQ(
      policy_with(
          R"(["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:role/Admin","arn:aws:sts::111122223333:assumed-role/Admin/s1"])")
          ->Evaluate(request)
          .outcome,
      PolicyOutcome::kAllow);
}

TEST(Decide, GetCallerIdentityAlwaysAllowed) {  // edge 37
  PolicySet set;
  set.identity = {Deny("*")};
  Request request =
      RequestBuilder().Action("sts:GetCallerIdentity").Resource("*").Principal(Alice()).Build();
  EXPECT_TRUE(Decide(set, request).allowed());
}

TEST(Decide, ServicePrincipalNeedsTrustGrant) {
  PolicySet set;
  set.resource = Trust(R"({"Service":"ec2.amazonaws.com"})");
  EXPECT_TRUE(Decide(set, AssumeRequest(RequestPrincipal::Service("ec2.amazonaws.com"))).allowed());
  EXPECT_FALSE(
      Decide(set, AssumeRequest(RequestPrincipal::Service("lambda.amazonaws.com"))).allowed());
}

constexpr const char* kWebIdentityTrust = R"({
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "EksPod",
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {
      "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:a:b",
      "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com"}}
  }]})";

Request WebIdentity(std::string provider, std::string sub) {
  return RequestBuilder()
      .Action("sts:AssumeRoleWithWebIdentity")
      .Resource(kRoleArn)
      .Principal(RequestPrincipal::WebIdentity(std::move(provider)))
      .WebIdentityClaim("https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "sub", std::move(sub))
      .WebIdentityClaim("https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "aud",
                        "sts.amazonaws.com")
      .Build();
}

TEST(WebIdentity, AllowsMatchingServiceAccount) {
  auto trust = MustCompile(kWebIdentityTrust, PolicyKind::kTrust, "trust");
  DecisionTrace trace;
  DecisionResult r =
      DecideWebIdentityTrust(*trust, WebIdentity(kProvider, "system:serviceaccount:a:b"), &trace);
  EXPECT_TRUE(r.allowed());
  EXPECT_EQ(trace.decision, Decision::kAllowed);
  PolicySet set;
  set.resource = trust;
  EXPECT_TRUE(Decide(set, WebIdentity(kProvider, "system:serviceaccount:a:b")).allowed());
}

TEST(WebIdentity, ExplainsWrongSubject) {
  auto trust = MustCompile(kWebIdentityTrust, PolicyKind::kTrust, "trust");
  DecisionTrace trace;
  DecisionResult r =
      DecideWebIdentityTrust(*trust, WebIdentity(kProvider, "system:serviceaccount:a:c"), &trace);
  EXPECT_EQ(r.decision, Decision::kImplicitDeny);
  EXPECT_EQ(ExplainPolicy(trace.policies.at(0)),
            "statement 0 (Sid \"EksPod\"): condition StringEquals on "
            "\"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub\" expected "
            "\"system:serviceaccount:a:b\", got \"system:serviceaccount:a:c\"");
  std::string line = ExplainDecision(trace);
  EXPECT_NE(line.find("no statement of the trust policy allows the caller (trust): statement 0"),
            std::string::npos)
      << line;
  std::string json = RenderTraceJson(trace);
  EXPECT_NE(json.find("\"decision\":\"ImplicitDeny\""), std::string::npos) << json;
  EXPECT_NE(json.find("system:serviceaccount:a:c"), std::string::npos);
  std::string text = RenderTraceText(trace);
  EXPECT_NE(text.find("[false] condition StringEquals"), std::string::npos) << text;
}

TEST(WebIdentity, WrongProviderAndMakeRequest) {
  auto trust = MustCompile(kWebIdentityTrust, PolicyKind::kTrust);
  DecisionTrace trace;
  EXPECT_FALSE(DecideWebIdentityTrust(*trust,
                                      WebIdentity("arn:aws:iam::111122223333:oidc-provider/other",
                                                  "system:serviceaccount:a:b"),
                                      &trace)
                   .allowed());
  EXPECT_EQ(trace.policies.at(0).statements.at(0).mismatch, StatementMismatch::kPrincipal);
  RequestContext context;
  context.Set("oidc.eks.us-east-1.amazonaws.com/id/ABC:sub", "system:serviceaccount:a:b");
  context.Set("oidc.eks.us-east-1.amazonaws.com/id/ABC:aud", "sts.amazonaws.com");
  Request request = MakeWebIdentityRequest(kProvider, kRoleArn, context);
  EXPECT_TRUE(DecideWebIdentityTrust(*trust, request).allowed());
  context.Remove("oidc.eks.us-east-1.amazonaws.com/id/ABC:aud");
  EXPECT_FALSE(DecideWebIdentityTrust(*trust, MakeWebIdentityRequest(kProvider, kRoleArn, context))
                   .allowed());
  // A non-web-identity principal never passes this entry point.
  EXPECT_FALSE(DecideWebIdentityTrust(*trust, AssumeRequest(Alice())).allowed());
}

TEST(WebIdentity, ExplicitDenyInTrust) {
  auto trust = MustCompile(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"},
    {"Sid":"NoBob","Effect":"Deny","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:sub":"bob"}}}]})",
                           PolicyKind::kTrust);
  RequestContext context;
  context.Set("accounts.google.com:sub", "bob");
  DecisionTrace trace;
  DecisionResult r = DecideWebIdentityTrust(
      *trust, MakeWebIdentityRequest("accounts.google.com", kRoleArn, context), &trace);
  EXPECT_EQ(r.decision, Decision::kExplicitDeny);
  EXPECT_NE(ExplainDecision(trace).find("statement 1 (Sid \"NoBob\"): denies"), std::string::npos)
      << ExplainDecision(trace);
}

TEST(Context, BuilderPopulatesGlobalKeys) {
  Request request =
      RequestBuilder()
          .Principal(RequestPrincipal::AssumedRole("arn:aws:sts::111122223333:assumed-role/R/sess",
                                                   "arn:aws:iam::111122223333:role/p/R", "AROAX"))
          .CurrentTime(FromUnixSeconds(1704067200))
          .SourceIp("10.0.0.1")
          .SecureTransport(true)
          .PrincipalTag("Team", "a")
          .RequestTag("env", "prod")
          .RequestTag("owner", "me")
          .RoleSessionName("sess")
          .Build();
  const RequestContext& c = request.context;
  EXPECT_EQ(c.Find("AWS:PRINCIPALARN")->values.at(0), "arn:aws:iam::111122223333:role/p/R");
  EXPECT_EQ(c.Find("aws:PrincipalAccount")->values.at(0), kAccount);
  EXPECT_EQ(c.Find("aws:PrincipalType")->values.at(0), "AssumedRole");
  EXPECT_EQ(c.Find("aws:userid")->values.at(0), "AROAX:sess");
  EXPECT_EQ(c.Find("aws:username"), nullptr);
  EXPECT_EQ(c.Find("aws:CurrentTime")->values.at(0), "2024-01-01T00:00:00Z");
  EXPECT_EQ(c.Find("aws:EpochTime")->values.at(0), "1704067200");
  EXPECT_EQ(c.Find("aws:principaltag/team")->values.at(0), "a");
  const ContextEntry* tag_keys = c.Find("aws:TagKeys");
  ASSERT_NE(tag_keys, nullptr);
  EXPECT_TRUE(tag_keys->multi_valued);
  EXPECT_EQ(tag_keys->values, (std::vector<std::string>{"env", "owner"}));
  EXPECT_EQ(c.Find("sts:rolesessionname")->values.at(0), "sess");
  Request user = RequestBuilder().Principal(Alice()).Build();
  EXPECT_EQ(user.context.Find("aws:username")->values.at(0), "alice");
  Request root = RequestBuilder().Principal(RequestPrincipal::Root(kAccount)).Build();
  EXPECT_EQ(root.context.Find("aws:userid")->values.at(0), kAccount);
  EXPECT_EQ(root.principal.arn, "arn:aws:iam::111122223333:root");
}

TEST(Lint, TrustPolicyWarnings) {
  auto trust = MustCompile(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/A"},
     "Action":"sts:AssumeRoleWithWebIdentity",
     "Condition":{"StringEquals":{"oidc.example.com/id/A:sub":"system:serviceaccount:ns:*",
                                  "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/A:sub":"x"},
                  "ForAllValues:StringEquals":{"aws:PrincipalTag/team":"a"},
                  "stringlike":{"k:x":"y"}}},
    {"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]})",
                           PolicyKind::kTrust);
  std::vector<LintWarning> warnings = LintPolicy(*trust);
  std::vector<std::string> codes;
  for (const LintWarning& w : warnings) codes.push_back(w.code);
  EXPECT_EQ(codes, (std::vector<std::string>{
                       "wildcard-in-string-equals", "provider-arn-as-condition-key",
                       "for-all-values-single-valued", "operator-name-case",
                       "web-identity-without-aud", "principal-everyone-unconditional"}));
  EXPECT_EQ(warnings.back().statement, 1);
  EXPECT_NE(warnings.front().message.find("use StringLike"), std::string::npos);
  auto clean = MustCompile(kWebIdentityTrust, PolicyKind::kTrust);
  EXPECT_TRUE(LintPolicy(*clean).empty());
}

TEST(Lint, S3ObjectActionsOnBucketArn) {
  // The walkthrough's sample policy: s3:GetObject on the bucket's ARN never matches an object.
  auto bucket_only = MustCompile(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","s3:PutBucketObjectLockConfiguration"],
     "Resource":"arn:aws:s3:::my-pod-secrets-bucket"}]})",
                                 PolicyKind::kIdentity);
  std::vector<LintWarning> warnings = LintPolicy(*bucket_only);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].code, "s3-object-action-on-bucket-arn");
  EXPECT_NE(warnings[0].message.find("\"s3:GetObject\""), std::string::npos);
  EXPECT_NE(warnings[0].message.find("arn:aws:s3:::my-pod-secrets-bucket/*"), std::string::npos);
  // Fine: an object ARN among the resources, a wildcard resource, a wildcard action, NotResource.
  for (const char* fine : {
           R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
             "Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]})",
           R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
             "Resource":"arn:aws:s3:::b*"}]})",
           R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*",
             "Resource":"arn:aws:s3:::b"}]})",
           R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
             "NotResource":"arn:aws:s3:::b"}]})"}) {
    auto policy = MustCompile(fine, PolicyKind::kIdentity);
    EXPECT_TRUE(LintPolicy(*policy).empty()) << fine;
  }
}

}  // namespace
}  // namespace irsa::policy
