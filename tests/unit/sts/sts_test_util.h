// Shared fixture for the STS service tests: an in-memory store that can pause a read after its
// snapshot was taken (unit/store/pausing_store.h), a fake clock,
// seeded randomness, a real session-token codec, the IAM policy source and an issuer with one
// ES256 key for web-identity tokens.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <memory>
#include <string>

#include "audit/audit_log.h"
#include "authz/authorizer.h"
#include "base/clock.h"
#include "base/random.h"
#include "crypto/key_ring.h"
#include "crypto/keys.h"
#include "iam/oidc_providers.h"
#include "iam/policy_source.h"
#include "iam/roles.h"
#include "jwt/mint.h"
#include "oidc/issuer_keys.h"
#include "sts/sts_service.h"
#include "unit/store/pausing_store.h"

namespace irsa::sts::testing {

inline constexpr char kAccount[] = "111122223333";
inline constexpr char kOtherAccount[] = "444455556666";
inline constexpr char kIssuer[] = "https://oidc.example.com/id/ABC";
inline constexpr char kProviderArn[] =
    "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/ABC";
inline constexpr char kSubject[] = "system:serviceaccount:default:app";

// Keys of the one issuer kIssuer; other issuers are unknown.
class SingleIssuerKeys final : public oidc::IssuerKeys {
 public:
  explicit SingleIssuerKeys(const crypto::PrivateKey& key) {
    auto keys = std::make_shared<jwt::KeySet>();
    EXPECT_TRUE(keys->Add(key.key_id(), key.public_key(), crypto::JwsAlg::kES256).ok());
    keys_ = std::move(keys);
  }
  Result<std::shared_ptr<const jwt::KeySet>> Keys(const std::string& issuer,
                                                  const std::string&) override {
    if (issuer != kIssuer) return errors::InvalidIdentityToken("unknown issuer " + issuer);
    return keys_;
  }

 private:
  std::shared_ptr<const jwt::KeySet> keys_;
};

class StsTest : public ::testing::Test {
 protected:
  StsTest()
      : clock_(FakeClock::AtUnixSeconds(1800000000)),
        random_(7),
        ctx_{store_, clock_, random_, {}},
        policies_(ctx_),
        authorizer_(policies_, clock_),
        audit_([this](const audit::AuditEvent& event) { events_.push_back(event); }),
        signing_key_(*crypto::PrivateKey::Generate(crypto::KeyType::kEcP256)),
        issuer_keys_(signing_key_),
        codec_(NewRing(random_)),
        sts_(ctx_, issuer_keys_, codec_, authorizer_, audit_) {}

  static std::shared_ptr<const crypto::KeyRing> NewRing(Random& random) {
    auto ring = std::make_shared<crypto::KeyRing>(random);
    ring->Rotate();
    return ring;
  }

  static std::string RoleArn(const std::string& name, const std::string& account = kAccount) {
    return "arn:aws:iam::" + account + ":role/" + name;
  }
  // A trust policy allowing sts:AssumeRole (and tagging, source identity) to `principal`.
  static std::string AwsTrust(const std::string& principal) {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" +
           principal +
           R"("},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]})";
  }
  static std::string WebIdentityTrust() {
    return std::string(
               R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":")") +
           kProviderArn +
           R"("},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession","sts:SetSourceIdentity"],"Condition":{"StringEquals":{"oidc.example.com/id/ABC:sub":")" +
           kSubject + R"("}}}]})";
  }
  static std::string AllowAll() {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
  }

  iam::RoleRecord CreateRole(const std::string& name, const std::string& trust) {
    auto created = iam::CreateRole(ctx_, kAccount, {.name = name, .assume_role_policy = trust});
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message());
    return created.ok() ? created->role : iam::RoleRecord{};
  }
  void CreateProvider() {
    auto created = iam::CreateOpenIDConnectProvider(
        ctx_, kAccount, {.url = kIssuer, .client_ids = {"sts.amazonaws.com"}});
    ASSERT_TRUE(created.ok()) << created.error().message();
  }

  static authz::Caller Root() {
    authz::Caller caller;
    caller.type = authz::CallerType::kRoot;
    caller.account = kAccount;
    caller.arn = std::string("arn:aws:iam::") + kAccount + ":root";
    caller.user_id = kAccount;
    return caller;
  }
  // The caller that the credentials of `issued` authenticate (as authn would open its token).
  authz::Caller SessionCaller(const IssuedCredentials& issued) {
    auto record = codec_.Open(issued.session_token);
    EXPECT_TRUE(record.ok());
    return record.ok() ? record->ToCaller() : authz::Caller{};
  }
  static AssumeRoleRequest Assume(const std::string& role, const std::string& session = "s") {
    AssumeRoleRequest request;
    request.role_arn = RoleArn(role);
    request.role_session_name = session;
    return request;
  }

  // Claims of a web-identity token from kIssuer for kSubject, valid from now for `lifetime`.
  boost::json::object TokenClaims(int64_t lifetime = 3600) {
    const int64_t now = clock_.NowUnixSeconds();
    return boost::json::object{
        {"iss", kIssuer}, {"sub", kSubject}, {"aud", boost::json::array{"sts.amazonaws.com"}},
        {"iat", now},     {"nbf", now},      {"exp", now + lifetime}};
  }
  std::string Sign(const boost::json::object& claims) {
    auto token = jwt::MintJws(claims, signing_key_);
    EXPECT_TRUE(token.ok());
    return token.ok() ? *token : "";
  }
  WebIdentityRequest WebIdentity(const std::string& role, std::string token) {
    WebIdentityRequest request;
    request.role_arn = RoleArn(role);
    request.role_session_name = "web";
    request.web_identity_token = std::move(token);
    return request;
  }

  store::testing::PausingStore store_;
  FakeClock clock_;
  SeededRandom random_;
  iam::ServiceContext ctx_;
  iam::IamPolicySource policies_;
  authz::Authorizer authorizer_;
  std::vector<audit::AuditEvent> events_;
  audit::CallbackAuditLog audit_;
  crypto::PrivateKey signing_key_;
  SingleIssuerKeys issuer_keys_;
  SessionTokenCodec codec_;
  StsService sts_;
};

}  // namespace irsa::sts::testing
