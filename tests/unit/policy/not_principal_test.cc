// NotPrincipal as the IAM User Guide's NotPrincipal page describes it: a Deny with NotPrincipal
// exempts a caller only when every identity of the caller is listed (its account; then the user,
// or the role and the role session); it always denies a principal with a permissions boundary;
// NotPrincipal is refused in trust and identity policies.
#include <gtest/gtest.h>

#include "policy/decision.h"
#include "policy_test_util.h"

namespace irsa::policy {
namespace {

using testing::CompileMessage;
using testing::MustCompile;

constexpr const char* kAccount = "111122223333";
constexpr const char* kRoot = "arn:aws:iam::111122223333:root";
constexpr const char* kAlice = "arn:aws:iam::111122223333:user/alice";
constexpr const char* kAliceId = "AIDAALICEEXAMPLE00001";
constexpr const char* kBob = "arn:aws:iam::111122223333:user/bob";
constexpr const char* kRole = "arn:aws:iam::111122223333:role/team/Admin";
constexpr const char* kRoleId = "AROAADMINEXAMPLE00001";
constexpr const char* kSession = "arn:aws:sts::111122223333:assumed-role/Admin/s1";
constexpr const char* kOtherSession = "arn:aws:sts::111122223333:assumed-role/Admin/s2";

RequestPrincipal Alice() { return RequestPrincipal::User(kAlice, kAliceId); }
RequestPrincipal Bob() { return RequestPrincipal::User(kBob, "AIDABOBEXAMPLE0000001"); }
RequestPrincipal Session(const char* arn = kSession) {
  return RequestPrincipal::AssumedRole(arn, kRole, kRoleId);
}
RequestPrincipal Root() { return RequestPrincipal::Root(kAccount); }

// A bucket policy: Deny s3:* to everyone but `not_principals` (a JSON list), Allow s3:* to "*".
CompiledPolicyPtr BucketPolicy(std::string_view not_principals) {
  return MustCompile(
      std::string(
          R"({"Version":"2012-10-17","Statement":[{"Sid":"OnlyThem","Effect":"Deny","NotPrincipal":{"AWS":)") +
          std::string(not_principals) +
          R"(},"Action":"s3:*","Resource":"*"},{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})",
      PolicyKind::kResource, "bucket");
}

CompiledPolicyPtr AllowAll(PolicyKind kind = PolicyKind::kIdentity) {
  return MustCompile(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
      kind);
}

Decision DecideFor(const CompiledPolicyPtr& bucket, RequestPrincipal principal,
                   bool with_boundary = false) {
  PolicySet set;
  set.resource = bucket;
  set.resource_account = kAccount;
  set.identity = {AllowAll()};
  if (with_boundary) set.boundary = AllowAll(PolicyKind::kBoundary);
  Request request = RequestBuilder()
                        .Action("s3:GetObject")
                        .Resource("arn:aws:s3:::bucket/key")
                        .Principal(std::move(principal))
                        .Build();
  return Decide(set, request).decision;
}

TEST(NotPrincipal, UserAndItsAccountExemptOnlyThatUser) {
  auto bucket = BucketPolicy(std::string("[\"") + kAlice + "\",\"" + kRoot + "\"]");
  EXPECT_EQ(DecideFor(bucket, Alice()), Decision::kAllowed);
  EXPECT_EQ(DecideFor(bucket, Bob()), Decision::kExplicitDeny)
      << "the account root in the list must not exempt every principal of the account";
  EXPECT_EQ(DecideFor(bucket, Session()), Decision::kExplicitDeny);
  EXPECT_EQ(DecideFor(bucket, Root()), Decision::kAllowed) << "the account itself is listed";
}

TEST(NotPrincipal, UserWithoutItsAccountIsNotExempt) {
  auto bucket = BucketPolicy(std::string("[\"") + kAlice + "\"]");
  EXPECT_EQ(DecideFor(bucket, Alice()), Decision::kExplicitDeny);
  // The 12-digit form and the user's unique id name the same identities.
  bucket = BucketPolicy(std::string("[\"") + kAccount + "\",\"" + kAliceId + "\"]");
  EXPECT_EQ(DecideFor(bucket, Alice()), Decision::kAllowed);
  EXPECT_EQ(DecideFor(bucket, Bob()), Decision::kExplicitDeny);
}

TEST(NotPrincipal, RoleSessionNeedsAccountRoleAndSession) {
  const std::string account = std::string("\"") + kRoot + "\"";
  const std::string role = std::string("\"") + kRole + "\"";
  const std::string session = std::string("\"") + kSession + "\"";
  auto all = BucketPolicy("[" + account + "," + role + "," + session + "]");
  EXPECT_EQ(DecideFor(all, Session()), Decision::kAllowed);
  EXPECT_EQ(DecideFor(all, Session(kOtherSession)), Decision::kExplicitDeny)
      << "another session of the same role is not listed";
  for (const std::string& partial :
       {account + "," + role, role + "," + session, account + "," + session, role}) {
    EXPECT_EQ(DecideFor(BucketPolicy("[" + partial + "]"), Session()), Decision::kExplicitDeny)
        << partial;
  }
  // The role may be named by its unique id, and by its ARN with or without its path.
  auto by_id = BucketPolicy("[" + account + ",\"" + kRoleId + "\"," + session + "]");
  EXPECT_EQ(DecideFor(by_id, Session()), Decision::kAllowed);
  auto no_path =
      BucketPolicy("[" + account + ",\"arn:aws:iam::111122223333:role/Admin\"," + session + "]");
  EXPECT_EQ(DecideFor(no_path, Session()), Decision::kAllowed);
}

TEST(NotPrincipal, AccountOnlyExemptsOnlyTheAccountRoot) {
  auto bucket = BucketPolicy(std::string("[\"") + kAccount + "\"]");
  EXPECT_EQ(DecideFor(bucket, Root()), Decision::kAllowed);
  EXPECT_EQ(DecideFor(bucket, Alice()), Decision::kExplicitDeny);
  EXPECT_EQ(DecideFor(bucket, Session()), Decision::kExplicitDeny);
  EXPECT_EQ(DecideFor(bucket, RequestPrincipal::Anonymous()), Decision::kExplicitDeny);
  EXPECT_EQ(DecideFor(bucket, RequestPrincipal::Root("444455556666")), Decision::kExplicitDeny);
}

TEST(NotPrincipal, DenyAlwaysDeniesAPrincipalWithAPermissionsBoundary) {
  auto user = BucketPolicy(std::string("[\"") + kAlice + "\",\"" + kRoot + "\"]");
  EXPECT_EQ(DecideFor(user, Alice(), /*with_boundary=*/false), Decision::kAllowed);
  EXPECT_EQ(DecideFor(user, Alice(), /*with_boundary=*/true), Decision::kExplicitDeny);
  auto session =
      BucketPolicy(std::string("[\"") + kRoot + "\",\"" + kRole + "\",\"" + kSession + "\"]");
  EXPECT_EQ(DecideFor(session, Session(), /*with_boundary=*/true), Decision::kExplicitDeny);
  // Even "*", which names everyone, does not exempt a principal with a boundary.
  EXPECT_EQ(DecideFor(BucketPolicy(R"(["*"])"), Alice(), /*with_boundary=*/true),
            Decision::kExplicitDeny);
  EXPECT_EQ(DecideFor(BucketPolicy(R"(["*"])"), Alice(), /*with_boundary=*/false),
            Decision::kAllowed);
}

TEST(NotPrincipal, TraceNamesTheDenyingStatement) {
  auto bucket = BucketPolicy(std::string("[\"") + kAlice + "\",\"" + kRoot + "\"]");
  PolicySet set;
  set.resource = bucket;
  set.resource_account = kAccount;
  set.identity = {AllowAll()};
  Request request = RequestBuilder()
                        .Action("s3:GetObject")
                        .Resource("arn:aws:s3:::bucket/key")
                        .Principal(Bob())
                        .Build();
  DecisionTrace trace;
  EXPECT_EQ(Decide(set, request, &trace).decision, Decision::kExplicitDeny);
  const std::string why = ExplainDecision(trace);
  EXPECT_NE(why.find("explicit deny in a resource-based policy"), std::string::npos) << why;
  EXPECT_NE(why.find("OnlyThem"), std::string::npos) << why;
}

TEST(NotPrincipal, AllowWithNotPrincipalIsUnchanged) {
  // Not supported by AWS; irsa keeps its meaning as written: applies to callers no entry names.
  auto allow_others = MustCompile(
      std::string(
          R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","NotPrincipal":{"AWS":[")") +
          kAlice + R"("]},"Action":"s3:*","Resource":"*"}})",
      PolicyKind::kResource);
  auto request = [](RequestPrincipal principal) {
    return RequestBuilder()
        .Action("s3:GetObject")
        .Resource("arn:aws:s3:::bucket/key")
        .Principal(std::move(principal))
        .Build();
  };
  EXPECT_EQ(allow_others->Evaluate(request(Bob())).outcome, PolicyOutcome::kAllow);
  EXPECT_EQ(allow_others->Evaluate(request(Alice())).outcome, PolicyOutcome::kNotApplicable);
  EXPECT_EQ(allow_others->Evaluate(request(Session())).outcome, PolicyOutcome::kAllow);
}

TEST(NotPrincipal, RefusedInTrustIdentityBoundaryAndSessionPolicies) {
  const std::string deny =
      R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}})";
  EXPECT_EQ(CompileMessage(deny, PolicyKind::kTrust), "Has prohibited field NotPrincipal.");
  const std::string allow =
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}})";
  EXPECT_EQ(CompileMessage(allow, PolicyKind::kTrust), "Has prohibited field NotPrincipal.");
  const std::string with_resource =
      R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}})";
  for (PolicyKind kind : {PolicyKind::kIdentity, PolicyKind::kBoundary, PolicyKind::kSession}) {
    EXPECT_EQ(CompileMessage(with_resource, kind),
              "Policy document should not specify a principal.");
  }
  EXPECT_EQ(CompileMessage(with_resource, PolicyKind::kResource), "OK");
}

TEST(NotPrincipal, IdentitiesOfEachPrincipalType) {
  EXPECT_EQ(IdentitiesOf(Root()), kAccountIdentity);
  EXPECT_EQ(IdentitiesOf(Alice()), kAccountIdentity | kEntityIdentity);
  EXPECT_EQ(IdentitiesOf(Session()), kAccountIdentity | kEntityIdentity | kSessionIdentity);
  EXPECT_EQ(IdentitiesOf(RequestPrincipal::WebIdentity("accounts.google.com")), kEntityIdentity);
  auto google = PrincipalPattern::Compile("Federated", "accounts.google.com");
  ASSERT_TRUE(google.has_value());
  EXPECT_TRUE(NotPrincipalExempts({*google}, RequestPrincipal::WebIdentity("accounts.google.com")));
  EXPECT_FALSE(NotPrincipalExempts({*google}, RequestPrincipal::WebIdentity("cognito")));
}

}  // namespace
}  // namespace irsa::policy
