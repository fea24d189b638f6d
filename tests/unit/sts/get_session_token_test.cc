// GetSessionToken: an IAM user's (or the root's) own session, with the user's permissions, its
// duration limits, refused to sessions and with MFA; and what its credentials may not call
// (Authorizer::CheckCredentialScope).
#include "crypto/totp.h"
#include "iam/inline_policies.h"
#include "iam/mfa.h"
#include "iam/users.h"
#include "unit/sts/sts_test_util.h"

namespace irsa::sts {
namespace {

using testing::kAccount;

class GetSessionTokenTest : public testing::StsTest {
 protected:
  void SetUp() override {
    auto user = iam::CreateUser(ctx_, kAccount, {.name = "alice", .path = "/ops/"});
    ASSERT_TRUE(user.ok()) << user.error().message();
    alice_.type = authz::CallerType::kUser;
    alice_.account = kAccount;
    alice_.arn = user->arn;
    alice_.user_id = user->id;
    alice_.user_name = user->name;
    alice_.user_path = user->path;
    alice_.access_key_id = "AKIAALICE";
    ASSERT_TRUE(iam::PutUserPolicy(ctx_, kAccount, "alice", "p",
                                   R"({"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":["s3:GetObject","iam:GetUser","sts:GetAccessKeyInfo"],
           "Resource":"*"},
          {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::mfa-only/*",
           "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]})")
                    .ok());
  }

  Result<IssuedCredentials> Get(const authz::Caller& caller, std::optional<int64_t> duration = {}) {
    SessionTokenRequest request;
    request.request_id = "r1";
    request.duration_seconds = duration;
    return sts_.GetSessionToken(caller, {}, request);
  }

  authz::Caller alice_;
};

TEST_F(GetSessionTokenTest, UserSessionStandsForTheUserWithItsPermissions) {
  auto issued = Get(alice_);
  ASSERT_TRUE(issued.ok()) << issued.error().message();
  EXPECT_TRUE(issued->access_key_id.starts_with("ASIA"));
  EXPECT_EQ(issued->expiration, FromUnixSeconds(clock_.NowUnixSeconds() + 43200));
  EXPECT_TRUE(issued->assumed_role_arn.empty());
  const authz::Caller session = SessionCaller(*issued);
  EXPECT_EQ(session.type, authz::CallerType::kUser);
  EXPECT_TRUE(session.session_token_credentials);
  EXPECT_EQ(session.arn, alice_.arn);
  EXPECT_EQ(session.user_id, alice_.user_id);
  EXPECT_EQ(session.user_path, "/ops/");
  EXPECT_EQ(session.access_key_id, issued->access_key_id);
  EXPECT_TRUE(authorizer_.Authorize(session, "s3:GetObject", "arn:aws:s3:::b/k").ok());
  Status denied = authorizer_.Authorize(session, "s3:PutObject", "arn:aws:s3:::b/k");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code(), "AccessDenied");
  // Temporary credentials without MFA: aws:MultiFactorAuthPresent is false for the session and
  // absent for the long-term key, so the Deny bites only the session.
  EXPECT_TRUE(authorizer_.Authorize(alice_, "s3:GetObject", "arn:aws:s3:::mfa-only/k").ok());
  Status mfa = authorizer_.Authorize(session, "s3:GetObject", "arn:aws:s3:::mfa-only/k");
  ASSERT_FALSE(mfa.ok());
  EXPECT_EQ(mfa.error().code(), "AccessDenied");
}

TEST_F(GetSessionTokenTest, DurationsForUsersAndTheRoot) {
  const int64_t now = clock_.NowUnixSeconds();
  EXPECT_EQ(Get(alice_, 900)->expiration, FromUnixSeconds(now + 900));
  EXPECT_EQ(Get(alice_, 129600)->expiration, FromUnixSeconds(now + 129600));
  EXPECT_EQ(Get(Root())->expiration, FromUnixSeconds(now + 3600));
  EXPECT_EQ(Get(Root(), 900)->expiration, FromUnixSeconds(now + 900));
  EXPECT_EQ(Get(Root(), 129600)->expiration, FromUnixSeconds(now + 3600));
  const authz::Caller root_session = SessionCaller(*Get(Root()));
  EXPECT_EQ(root_session.type, authz::CallerType::kRoot);
  EXPECT_TRUE(root_session.session_token_credentials);
  EXPECT_EQ(root_session.arn, Root().arn);
}

TEST_F(GetSessionTokenTest, SessionsMayNotCallIt) {
  CreateRole("app", AwsTrust(Root().arn));
  auto role = sts_.AssumeRole(Root(), {}, Assume("app"));
  ASSERT_TRUE(role.ok()) << role.error().message();
  auto user_session = Get(alice_);
  ASSERT_TRUE(user_session.ok());
  for (const authz::Caller& caller : {SessionCaller(*role), SessionCaller(*user_session)}) {
    auto refused = Get(caller);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code(), "AccessDenied");
    EXPECT_EQ(refused.error().message(), "Cannot call GetSessionToken with session credentials");
    Status scope = authorizer_.CheckCredentialScope(caller, "sts:GetSessionToken");
    ASSERT_FALSE(scope.ok());
    EXPECT_EQ(scope.error().code(), "AccessDenied");
  }
}

TEST_F(GetSessionTokenTest, MfaCodesAreVerifiedAgainstTheUsersDevice) {
  auto device = iam::CreateVirtualMfaDevice(ctx_, kAccount, "alice", "/", {});
  ASSERT_TRUE(device.ok());
  const std::string seed = *crypto::Base32Decode(device->base32_seed);
  const std::string serial = device->device.serial;
  auto code = [&](int64_t offset) {
    return crypto::TotpAtStep(seed, crypto::TotpStep(clock_.NowUnixSeconds()) + offset);
  };
  SessionTokenRequest request;
  request.serial_number = serial;
  request.token_code = code(0);
  // Not enabled yet: the device is nobody's.
  auto refused = sts_.GetSessionToken(alice_, {}, request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "AccessDenied");
  EXPECT_NE(refused.error().message().find("unable to validate MFA code"), std::string::npos);
  ASSERT_TRUE(iam::EnableMfaDevice(ctx_, kAccount, "alice", serial, code(-2), code(-1)).ok());
  request.token_code = "000000" == code(0) ? "111111" : "000000";
  refused = sts_.GetSessionToken(alice_, {}, request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "AccessDenied");
  EXPECT_EQ(refused.error().message(),
            "MultiFactorAuthentication failed with invalid MFA one time pass code.");
  request.token_code.reset();
  EXPECT_EQ(sts_.GetSessionToken(alice_, {}, request).error().code(), "InvalidParameterValue");

  request.token_code = code(0);
  auto issued = sts_.GetSessionToken(alice_, {}, request);
  ASSERT_TRUE(issued.ok()) << issued.error().message();
  // The same code again is refused (each code is accepted once).
  refused = sts_.GetSessionToken(alice_, {}, request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "AccessDenied");

  const authz::Caller session = SessionCaller(*issued);
  EXPECT_TRUE(session.mfa_authenticated);
  // MFA sessions may call IAM, and aws:MultiFactorAuthPresent is true for them.
  EXPECT_TRUE(authorizer_.CheckCredentialScope(session, "iam:GetUser").ok());
  EXPECT_TRUE(authorizer_.Authorize(session, "s3:GetObject", "arn:aws:s3:::mfa-only/k").ok());
  clock_.Advance(std::chrono::seconds(125));
  policy::Request context = authorizer_.BuildRequest(session, "s3:GetObject", "*", {});
  ASSERT_NE(context.context.Find("aws:MultiFactorAuthAge"), nullptr);
  EXPECT_EQ(context.context.Find("aws:MultiFactorAuthAge")->values.front(), "125");
  EXPECT_EQ(context.context.Find("aws:MultiFactorAuthPresent")->values.front(), "true");
}

TEST_F(GetSessionTokenTest, TrustPolicyRequiringMfaBitesAssumeRole) {
  CreateRole("admin", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":")" +
                          alice_.arn + R"("},"Action":"sts:AssumeRole",
      "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]})");
  ASSERT_TRUE(iam::PutUserPolicy(ctx_, kAccount, "alice", "assume",
                                 R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                                     "Action":"sts:AssumeRole","Resource":"*"}]})")
                  .ok());
  auto device = iam::CreateVirtualMfaDevice(ctx_, kAccount, "alice", "/", {});
  ASSERT_TRUE(device.ok());
  const std::string seed = *crypto::Base32Decode(device->base32_seed);
  auto code = [&](int64_t offset) {
    return crypto::TotpAtStep(seed, crypto::TotpStep(clock_.NowUnixSeconds()) + offset);
  };
  ASSERT_TRUE(
      iam::EnableMfaDevice(ctx_, kAccount, "alice", device->device.serial, code(-2), code(-1))
          .ok());
  AssumeRoleRequest request = Assume("admin");
  auto refused = sts_.AssumeRole(alice_, {}, request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "AccessDenied");
  // A plain session of alice carries MultiFactorAuthPresent=false: refused too.
  EXPECT_FALSE(sts_.AssumeRole(SessionCaller(*Get(alice_)), {}, request).ok());

  request.serial_number = device->device.serial;
  request.token_code = code(0);
  auto assumed = sts_.AssumeRole(alice_, {}, request);
  ASSERT_TRUE(assumed.ok()) << assumed.error().message();
  EXPECT_TRUE(SessionCaller(*assumed).mfa_authenticated);

  // A GetSessionToken session made with MFA satisfies the condition as the caller.
  SessionTokenRequest with_mfa;
  with_mfa.serial_number = device->device.serial;
  with_mfa.token_code = code(1);
  auto session = sts_.GetSessionToken(alice_, {}, with_mfa);
  ASSERT_TRUE(session.ok()) << session.error().message();
  auto chained = sts_.AssumeRole(SessionCaller(*session), {}, Assume("admin"));
  ASSERT_TRUE(chained.ok()) << chained.error().message();
  EXPECT_FALSE(SessionCaller(*chained).mfa_authenticated);  // not passed on without a code
}

TEST_F(GetSessionTokenTest, CredentialsCallNoIamAndOfStsOnlyAssumeRoleAndGetCallerIdentity) {
  const authz::Caller session = SessionCaller(*Get(alice_));
  const authz::Caller root_session = SessionCaller(*Get(Root()));
  for (const authz::Caller* caller : {&session, &root_session}) {
    Status iam = authorizer_.CheckCredentialScope(*caller, "iam:GetUser");
    ASSERT_FALSE(iam.ok());
    EXPECT_EQ(iam.error().code(), "AccessDenied");
    EXPECT_NE(iam.error().message().find("IAM API calls are not allowed with GetSessionToken "
                                         "credentials unless MFA info is included"),
              std::string::npos);
    Status sts = authorizer_.CheckCredentialScope(*caller, "sts:GetAccessKeyInfo");
    ASSERT_FALSE(sts.ok());
    EXPECT_EQ(sts.error().code(), "AccessDenied");
    EXPECT_TRUE(authorizer_.CheckCredentialScope(*caller, "sts:AssumeRole").ok());
    EXPECT_TRUE(authorizer_.CheckCredentialScope(*caller, "sts:GetCallerIdentity").ok());
    EXPECT_TRUE(authorizer_.CheckCredentialScope(*caller, "s3:GetObject").ok());
  }
  // The same user with its long-term key, and role sessions, may.
  EXPECT_TRUE(authorizer_.CheckCredentialScope(alice_, "iam:GetUser").ok());
  EXPECT_TRUE(authorizer_.CheckCredentialScope(alice_, "sts:GetAccessKeyInfo").ok());
  EXPECT_TRUE(authorizer_.CheckCredentialScope(alice_, "sts:GetSessionToken").ok());
}

TEST_F(GetSessionTokenTest, AssumeRoleFromAUserSession) {
  CreateRole("app", AwsTrust(alice_.arn));
  ASSERT_TRUE(iam::PutUserPolicy(ctx_, kAccount, "alice", "assume",
                                 R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                                     "Action":"sts:AssumeRole","Resource":"*"}]})")
                  .ok());
  auto assumed = sts_.AssumeRole(SessionCaller(*Get(alice_)), {}, Assume("app"));
  ASSERT_TRUE(assumed.ok()) << assumed.error().message();
  EXPECT_EQ(SessionCaller(*assumed).role_name, "app");
  EXPECT_FALSE(SessionCaller(*assumed).chained);
}

TEST_F(GetSessionTokenTest, SessionEndsWithItsUser) {
  const authz::Caller session = SessionCaller(*Get(alice_));
  ASSERT_TRUE(iam::DeleteUserPolicy(ctx_, kAccount, "alice", "p").ok());
  ASSERT_TRUE(iam::DeleteUser(ctx_, kAccount, "alice").ok());
  Status refused = authorizer_.Authorize(session, "s3:GetObject", "arn:aws:s3:::b/k");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "InvalidClientTokenId");
}

TEST_F(GetSessionTokenTest, Audited) {
  auto issued = Get(alice_);
  ASSERT_TRUE(issued.ok());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].event, "GetSessionToken");
  EXPECT_TRUE(events_[0].allowed);
  EXPECT_EQ(events_[0].principal, alice_.arn);
  EXPECT_EQ(events_[0].access_key_id, issued->access_key_id);
  EXPECT_EQ(events_[0].reason.find(issued->secret_access_key), std::string::npos);
}

}  // namespace
}  // namespace irsa::sts
