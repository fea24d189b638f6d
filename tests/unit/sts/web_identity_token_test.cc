// GetWebIdentityToken: claims, lifetime limits (fake clock), payload limit, tag authorization and
// the disabled feature.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "iam/inline_policies.h"
#include "iam/users.h"
#include "jwt/verify.h"
#include "oidc/outbound_issuers.h"
#include "sts/web_identity_token.h"
#include "sts_test_util.h"

namespace irsa::sts {
namespace {

using testing::kAccount;

class WebIdentityTokenTest : public testing::StsTest {
 protected:
  WebIdentityTokenTest()
      : base_("https://irsa.example"),
        issuers_(store_, clock_, random_, base_),
        tokens_(ctx_, issuers_, authorizer_, audit_) {}

  void Enable() { ASSERT_TRUE(issuers_.Enable(kAccount).ok()); }

  static WebIdentityTokenRequest Request(std::string alg = "ES384") {
    WebIdentityTokenRequest request;
    request.audiences = {"https://api.example.com"};
    request.signing_algorithm = std::move(alg);
    request.region = "eu-west-1";
    return request;
  }

  // Verifies `token` against the account issuer's published keys; returns its claims.
  boost::json::object Verified(const std::string& token) {
    auto issuer = issuers_.ForAccount(kAccount);
    EXPECT_TRUE(issuer.ok() && issuer->has_value());
    auto jws = jwt::ParseAndVerify(token, *(**issuer)->published);
    EXPECT_TRUE(jws.ok()) << (jws.ok() ? "" : jws.error().message());
    return jws.ok() ? jws->claims : boost::json::object{};
  }

  std::string base_;
  oidc::OutboundIssuers issuers_;
  WebIdentityTokens tokens_;
};

TEST_F(WebIdentityTokenTest, RefusedWhileTheFeatureIsDisabled) {
  auto token = tokens_.Issue(Root(), {}, Request());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code(), "OutboundWebIdentityFederationDisabledException");
  EXPECT_EQ(token.error().http_status(), 403);
  Enable();
  ASSERT_TRUE(issuers_.Disable(kAccount).ok());
  token = tokens_.Issue(Root(), {}, Request());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code(), "OutboundWebIdentityFederationDisabledException");
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back().event, "GetWebIdentityToken");
  EXPECT_FALSE(events_.back().allowed);
}

TEST_F(WebIdentityTokenTest, ClaimsOfARootToken) {
  Enable();
  const int64_t now = clock_.NowUnixSeconds();
  for (const char* alg : {"ES384", "RS256"}) {
    auto token = tokens_.Issue(Root(), {}, Request(alg));
    ASSERT_TRUE(token.ok()) << token.error().message();
    EXPECT_EQ(token->expiration, FromUnixSeconds(now + 300));
    auto jws = jwt::ParseJws(token->token);
    ASSERT_TRUE(jws.ok());
    EXPECT_EQ(jws->header.alg, alg);
    EXPECT_EQ(jws->header.typ, "JWT");
    boost::json::object claims = Verified(token->token);
    EXPECT_EQ(claims.at("iss").as_string(), issuers_.Info(kAccount)->issuer);
    EXPECT_EQ(claims.at("aud").as_string(), "https://api.example.com");
    EXPECT_EQ(claims.at("sub").as_string(), "arn:aws:iam::111122223333:root");
    EXPECT_EQ(claims.at("iat").as_int64(), now);
    EXPECT_EQ(claims.at("nbf").as_int64(), now);
    EXPECT_EQ(claims.at("exp").as_int64(), now + 300);
    EXPECT_EQ(claims.at("jti").as_string().size(), 36u);
    const auto& aws = claims.at("https://sts.amazonaws.com/").as_object();
    EXPECT_EQ(aws.at("aws_account").as_string(), kAccount);
    EXPECT_EQ(aws.at("source_region").as_string(), "eu-west-1");
    EXPECT_EQ(aws.at("principal_id").as_string(), "arn:aws:iam::111122223333:root");
    EXPECT_FALSE(aws.contains("principal_tags"));
    EXPECT_FALSE(aws.contains("request_tags"));
  }
  EXPECT_TRUE(events_.back().allowed);
  EXPECT_EQ(events_.back().audience, "https://api.example.com");
}

TEST_F(WebIdentityTokenTest, ClaimsBuiltFromTheCaller) {
  authz::Caller caller;
  caller.type = authz::CallerType::kAssumedRole;
  caller.account = kAccount;
  caller.arn = "arn:aws:sts::111122223333:assumed-role/worker/s1";
  caller.role_arn = "arn:aws:iam::111122223333:role/ops/worker";
  WebIdentityClaimsSpec spec;
  spec.issuer = "https://i";
  spec.audiences = {"a", "b"};
  spec.issued_at = 100;
  spec.lifetime_seconds = 60;
  spec.jti = "j";
  spec.principal_tags = {{"team", "x"}};
  spec.request_tags = {{"job", "1"}};
  boost::json::object claims = WebIdentityTokenClaims(caller, spec);
  EXPECT_EQ(
      boost::json::serialize(claims),
      R"({"iss":"https://i","aud":["a","b"],"sub":"arn:aws:iam::111122223333:role/ops/worker",)"
      R"("iat":100,"nbf":100,"exp":160,"jti":"j","https://sts.amazonaws.com/":)"
      R"({"aws_account":"111122223333","principal_id":"arn:aws:iam::111122223333:role/ops/worker",)"
      R"("principal_tags":{"team":"x"},"request_tags":{"job":"1"}}})");
}

TEST_F(WebIdentityTokenTest, ASessionTokenCannotOutliveTheSession) {
  Enable();
  CreateRole("worker", AwsTrust(std::string("arn:aws:iam::") + kAccount + ":root"));
  ASSERT_TRUE(iam::TagRole(ctx_, kAccount, "worker", {{"tier", "batch"}}).ok());
  AssumeRoleRequest assume = Assume("worker");
  assume.duration_seconds = 900;
  assume.tags = {{"tier", "override"}, {"shard", "7"}};
  auto issued = sts_.AssumeRole(Root(), {}, assume);
  ASSERT_TRUE(issued.ok()) << issued.error().message();
  authz::Caller session = SessionCaller(*issued);

  clock_.Advance(std::chrono::seconds(600));  // 300 s of the session remain
  WebIdentityTokenRequest request = Request();
  request.duration_seconds = 301;
  auto token = tokens_.Issue(session, {}, request);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code(), "SessionDurationEscalationException");
  EXPECT_EQ(token.error().http_status(), 403);
  request.duration_seconds = 300;
  token = tokens_.Issue(session, {}, request);
  ASSERT_TRUE(token.ok()) << token.error().message();
  boost::json::object claims = Verified(token->token);
  EXPECT_EQ(claims.at("sub").as_string(), RoleArn("worker"));
  const auto& tags =
      claims.at("https://sts.amazonaws.com/").as_object().at("principal_tags").as_object();
  EXPECT_EQ(tags.at("tier").as_string(), "override");  // session tags over the role's
  EXPECT_EQ(tags.at("shard").as_string(), "7");
  request.duration_seconds = 60;
  clock_.Advance(std::chrono::seconds(250));  // 50 s remain
  EXPECT_EQ(tokens_.Issue(session, {}, request).error().code(),
            "SessionDurationEscalationException");
}

TEST_F(WebIdentityTokenTest, PayloadLimit) {
  Enable();
  WebIdentityTokenRequest request = Request("RS256");
  for (int i = 0; i < 50; ++i) {
    request.tags.push_back(
        {"k" + std::to_string(100 + i) + std::string(124, 'k'), std::string(256, 'v')});
  }
  auto token = tokens_.Issue(Root(), {}, request);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code(), "JWTPayloadSizeExceededException");
  EXPECT_EQ(token.error().http_status(), 400);
  request.tags.resize(30);  // 30 * ~400 bytes fits
  token = tokens_.Issue(Root(), {}, request);
  ASSERT_TRUE(token.ok()) << token.error().message();
  EXPECT_EQ(Verified(token->token)
                .at("https://sts.amazonaws.com/")
                .as_object()
                .at("request_tags")
                .as_object()
                .size(),
            30u);
}

TEST_F(WebIdentityTokenTest, TagsNeedTagGetWebIdentityToken) {
  Enable();
  auto created = iam::CreateUser(ctx_, kAccount, {.name = "app"});
  ASSERT_TRUE(created.ok());
  authz::Caller user;
  user.user_id = created->id;
  user.type = authz::CallerType::kUser;
  user.account = kAccount;
  user.arn = "arn:aws:iam::111122223333:user/app";
  user.user_name = "app";
  WebIdentityTokenRequest request = Request();
  request.tags = {{"job", "1"}};
  auto token = tokens_.Issue(user, {}, request);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code(), "AccessDenied");
  EXPECT_NE(token.error().message().find("sts:TagGetWebIdentityToken"), std::string::npos);
  ASSERT_TRUE(iam::PutUserPolicy(ctx_, kAccount, "app", "tags",
                                 R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                 R"("Action":"sts:TagGetWebIdentityToken","Resource":"*"}]})")
                  .ok());
  token = tokens_.Issue(user, {}, request);
  ASSERT_TRUE(token.ok()) << token.error().message();
  EXPECT_EQ(Verified(token->token).at("sub").as_string(), user.arn);
}

}  // namespace
}  // namespace irsa::sts
