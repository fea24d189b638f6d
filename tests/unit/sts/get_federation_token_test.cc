// GetFederationToken: federated-user sessions of an IAM user or of the root, whose permissions are
// the caller's policies intersected with the session policies (none: no permissions), with tags,
// duration limits, refused to sessions; and what their credentials may not call.
#include "iam/inline_policies.h"
#include "iam/policies.h"
#include "iam/users.h"
#include "unit/sts/sts_test_util.h"

namespace irsa::sts {
namespace {

using testing::kAccount;

std::string Allow(const std::string& actions, const std::string& condition = "") {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":)" + actions +
         R"(,"Resource":"*")" + (condition.empty() ? "" : ",\"Condition\":" + condition) + "}]}";
}

class GetFederationTokenTest : public testing::StsTest {
 protected:
  void SetUp() override {
    auto user = iam::CreateUser(ctx_, kAccount, {.name = "broker"});
    ASSERT_TRUE(user.ok()) << user.error().message();
    broker_.type = authz::CallerType::kUser;
    broker_.account = kAccount;
    broker_.arn = user->arn;
    broker_.user_id = user->id;
    broker_.user_name = user->name;
    broker_.user_path = user->path;
    ASSERT_TRUE(iam::PutUserPolicy(ctx_, kAccount, "broker", "p",
                                   Allow(R"(["s3:GetObject","s3:PutObject","iam:GetUser"])"))
                    .ok());
  }

  FederationTokenRequest Request(const std::string& name = "bob") {
    FederationTokenRequest request;
    request.request_id = "r1";
    request.name = name;
    return request;
  }
  Result<IssuedCredentials> Get(const authz::Caller& caller, const FederationTokenRequest& r) {
    return sts_.GetFederationToken(caller, {}, r);
  }
  bool Allowed(const authz::Caller& caller, const std::string& action) {
    return authorizer_.Authorize(caller, action, "arn:aws:s3:::bucket/key").ok();
  }

  authz::Caller broker_;
};

TEST_F(GetFederationTokenTest, TheFederatedUserAndItsIdentifiers) {
  FederationTokenRequest request = Request();
  request.session_policies.policy = Allow(R"("s3:GetObject")");
  auto issued = Get(broker_, request);
  ASSERT_TRUE(issued.ok()) << issued.error().message();
  EXPECT_TRUE(issued->access_key_id.starts_with("ASIA"));
  EXPECT_EQ(issued->assumed_role_arn, "arn:aws:sts::111122223333:federated-user/bob");
  EXPECT_EQ(issued->assumed_role_id, "111122223333:bob");
  EXPECT_EQ(issued->expiration, FromUnixSeconds(clock_.NowUnixSeconds() + 43200));
  ASSERT_TRUE(issued->packed_policy_size.has_value());
  EXPECT_GT(*issued->packed_policy_size, 0);
  const authz::Caller caller = SessionCaller(*issued);
  EXPECT_EQ(caller.type, authz::CallerType::kFederatedUser);
  EXPECT_EQ(caller.arn, "arn:aws:sts::111122223333:federated-user/bob");
  EXPECT_EQ(caller.user_id, "111122223333:bob");
  EXPECT_EQ(caller.source_user_arn, broker_.arn);
  EXPECT_EQ(caller.source_user_id, broker_.user_id);
  EXPECT_EQ(caller.session_name, "bob");
}

TEST_F(GetFederationTokenTest, PermissionsAreTheUsersIntersectedWithTheSessionPolicies) {
  FederationTokenRequest request = Request();
  request.session_policies.policy = Allow(R"(["s3:GetObject","s3:DeleteObject"])");
  const authz::Caller inline_only = SessionCaller(*Get(broker_, request));
  EXPECT_TRUE(Allowed(inline_only, "s3:GetObject"));
  EXPECT_FALSE(Allowed(inline_only, "s3:PutObject"));     // not in the session policy
  EXPECT_FALSE(Allowed(inline_only, "s3:DeleteObject"));  // not the user's

  iam::CreatePolicyInput managed;
  managed.name = "put";
  managed.document = Allow(R"("s3:PutObject")");
  auto created = iam::CreatePolicy(ctx_, kAccount, managed);
  ASSERT_TRUE(created.ok()) << created.error().message();
  request = Request();
  request.session_policies.policy_arns = {created->policy.arn};
  const authz::Caller managed_only = SessionCaller(*Get(broker_, request));
  EXPECT_TRUE(Allowed(managed_only, "s3:PutObject"));
  EXPECT_FALSE(Allowed(managed_only, "s3:GetObject"));
}

TEST_F(GetFederationTokenTest, WithoutSessionPoliciesNothingIsAllowed) {
  const authz::Caller caller = SessionCaller(*Get(broker_, Request()));
  EXPECT_FALSE(Allowed(caller, "s3:GetObject"));
  Status denied = authorizer_.Authorize(caller, "s3:GetObject", "arn:aws:s3:::bucket/key");
  EXPECT_EQ(denied.error().code(), "AccessDenied");
  // The root's federated users too: the root's "everything" is cut down to the session policies.
  const authz::Caller from_root = SessionCaller(*Get(Root(), Request()));
  EXPECT_FALSE(Allowed(from_root, "s3:GetObject"));
  FederationTokenRequest request = Request();
  request.session_policies.policy = Allow(R"("s3:GetObject")");
  const authz::Caller limited_root = SessionCaller(*Get(Root(), request));
  EXPECT_TRUE(Allowed(limited_root, "s3:GetObject"));
  EXPECT_FALSE(Allowed(limited_root, "s3:PutObject"));
  EXPECT_EQ(limited_root.source_user_arn, Root().arn);
}

TEST_F(GetFederationTokenTest, DurationsForUsersAndTheRoot) {
  const int64_t now = clock_.NowUnixSeconds();
  FederationTokenRequest request = Request();
  request.duration_seconds = 129600;
  EXPECT_EQ(Get(broker_, request)->expiration, FromUnixSeconds(now + 129600));
  EXPECT_EQ(Get(Root(), request)->expiration, FromUnixSeconds(now + 3600));
  request.duration_seconds = 900;
  EXPECT_EQ(Get(Root(), request)->expiration, FromUnixSeconds(now + 900));
  EXPECT_EQ(Get(Root(), Request())->expiration, FromUnixSeconds(now + 3600));
}

TEST_F(GetFederationTokenTest, SessionsMayNotCallIt) {
  CreateRole("app", AwsTrust(Root().arn));
  auto role = sts_.AssumeRole(Root(), {}, Assume("app"));
  ASSERT_TRUE(role.ok()) << role.error().message();
  SessionTokenRequest token_request;
  auto user_session = sts_.GetSessionToken(broker_, {}, token_request);
  ASSERT_TRUE(user_session.ok());
  auto federated = Get(broker_, Request());
  ASSERT_TRUE(federated.ok());
  for (const authz::Caller& caller :
       {SessionCaller(*role), SessionCaller(*user_session), SessionCaller(*federated)}) {
    auto refused = Get(caller, Request());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code(), "AccessDenied");
    EXPECT_EQ(refused.error().message(), "Cannot call GetFederationToken with session credentials");
    Status scope = authorizer_.CheckCredentialScope(caller, "sts:GetFederationToken");
    ASSERT_FALSE(scope.ok());
    EXPECT_EQ(scope.error().code(), "AccessDenied");
  }
  EXPECT_TRUE(authorizer_.CheckCredentialScope(broker_, "sts:GetFederationToken").ok());
}

TEST_F(GetFederationTokenTest, CredentialsCallNoIamAndOfStsOnlyGetCallerIdentity) {
  FederationTokenRequest request = Request();
  request.session_policies.policy = Allow(R"("*")");
  const authz::Caller caller = SessionCaller(*Get(broker_, request));
  // The policies would allow iam:GetUser; the kind of credentials does not.
  EXPECT_TRUE(authorizer_.Authorize(caller, "iam:GetUser", "*").ok());
  for (const char* action : {"iam:GetUser", "sts:AssumeRole", "sts:GetSessionToken",
                             "sts:GetAccessKeyInfo", "sts:DecodeAuthorizationMessage"}) {
    Status scope = authorizer_.CheckCredentialScope(caller, action);
    ASSERT_FALSE(scope.ok()) << action;
    EXPECT_EQ(scope.error().code(), "AccessDenied") << action;
  }
  EXPECT_TRUE(authorizer_.CheckCredentialScope(caller, "sts:GetCallerIdentity").ok());
  EXPECT_TRUE(authorizer_.CheckCredentialScope(caller, "s3:GetObject").ok());
}

TEST_F(GetFederationTokenTest, TagsNeedStsTagSessionAndBecomePrincipalTags) {
  FederationTokenRequest request = Request();
  request.session_policies.policy =
      Allow(R"("s3:GetObject")", R"({"StringEquals":{"aws:PrincipalTag/team":"blue"}})");
  request.tags = {{"team", "blue"}};
  auto refused = Get(broker_, request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "AccessDenied");
  EXPECT_NE(refused.error().message().find("sts:TagSession"), std::string::npos);

  ASSERT_TRUE(
      iam::PutUserPolicy(ctx_, kAccount, "broker", "tag", Allow(R"("sts:TagSession")")).ok());
  auto issued = Get(broker_, request);
  ASSERT_TRUE(issued.ok()) << issued.error().message();
  EXPECT_TRUE(Allowed(SessionCaller(*issued), "s3:GetObject"));
  request.tags = {{"team", "red"}};
  EXPECT_FALSE(Allowed(SessionCaller(*Get(broker_, request)), "s3:GetObject"));
  request.tags = {{"team", "red"}, {"Team", "blue"}};
  EXPECT_EQ(Get(broker_, request).error().code(), "InvalidParameterValue");
}

TEST_F(GetFederationTokenTest, SessionPoliciesAreChecked) {
  FederationTokenRequest request = Request();
  request.session_policies.policy = "{not json";
  EXPECT_EQ(Get(broker_, request).error().code(), "MalformedPolicyDocument");
  request = Request();
  request.session_policies.policy_arns = {"arn:aws:iam::111122223333:policy/missing"};
  EXPECT_EQ(Get(broker_, request).error().code(), "MalformedPolicyDocument");
}

TEST_F(GetFederationTokenTest, SessionEndsWithItsUser) {
  FederationTokenRequest request = Request();
  request.session_policies.policy = Allow(R"("s3:GetObject")");
  const authz::Caller caller = SessionCaller(*Get(broker_, request));
  ASSERT_TRUE(iam::DeleteUserPolicy(ctx_, kAccount, "broker", "p").ok());
  ASSERT_TRUE(iam::DeleteUser(ctx_, kAccount, "broker").ok());
  Status refused = authorizer_.Authorize(caller, "s3:GetObject", "arn:aws:s3:::bucket/key");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "InvalidClientTokenId");
}

TEST_F(GetFederationTokenTest, Audited) {
  auto issued = Get(broker_, Request("carol"));
  ASSERT_TRUE(issued.ok());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].event, "GetFederationToken");
  EXPECT_TRUE(events_[0].allowed);
  EXPECT_EQ(events_[0].principal, broker_.arn);
  EXPECT_EQ(events_[0].session, "carol");
  EXPECT_EQ(events_[0].access_key_id, issued->access_key_id);
}

}  // namespace
}  // namespace irsa::sts
