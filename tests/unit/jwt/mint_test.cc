#include "jwt/mint.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "base/encoding.h"
#include "jwt/claims.h"
#include "jwt/verify.h"

namespace irsa::jwt {
namespace {

using crypto::JwsAlg;
using crypto::KeyType;
using crypto::PrivateKey;

ServiceAccountTokenSpec Spec() {
  ServiceAccountTokenSpec spec;
  spec.issuer = "https://oidc.example.com/id/ABC";
  spec.namespace_name = "default";
  spec.service_account_name = "my-service-account";
  spec.service_account_uid = "sa-uid";
  spec.pod_name = "my-pod";
  spec.pod_uid = "pod-uid";
  spec.audiences = {"sts.amazonaws.com"};
  spec.issued_at = 1732780000;
  spec.lifetime_seconds = 86400;
  return spec;
}

TEST(Mint, ServiceAccountClaimsShape) {
  SeededRandom random(1);
  auto claims = ServiceAccountClaims(Spec(), random);
  ASSERT_TRUE(claims.ok()) << claims.error().message();
  const boost::json::object& c = *claims;
  EXPECT_EQ(c.at("iss").as_string(), "https://oidc.example.com/id/ABC");
  EXPECT_EQ(c.at("sub").as_string(), "system:serviceaccount:default:my-service-account");
  EXPECT_EQ(c.at("aud").as_array().size(), 1u);
  EXPECT_EQ(c.at("aud").as_array()[0].as_string(), "sts.amazonaws.com");
  EXPECT_EQ(c.at("iat").as_int64(), 1732780000);
  EXPECT_EQ(c.at("nbf").as_int64(), 1732780000);
  EXPECT_EQ(c.at("exp").as_int64(), 1732866400);
  std::string jti(c.at("jti").as_string());
  EXPECT_EQ(jti.size(), 36u);
  EXPECT_EQ(jti[14], '4') << "UUID v4";
  auto k8s = GetKubernetesClaims(c);
  ASSERT_TRUE(k8s.ok());
  EXPECT_EQ((*k8s)->namespace_name, "default");
  EXPECT_EQ((*k8s)->service_account_name, "my-service-account");
  EXPECT_EQ((*k8s)->service_account_uid, "sa-uid");
  EXPECT_EQ((*k8s)->pod_name, "my-pod");
  EXPECT_EQ((*k8s)->pod_uid, "pod-uid");
}

TEST(Mint, ServiceAccountClaimsValidation) {
  auto spec = Spec();
  spec.audiences.clear();
  EXPECT_FALSE(ServiceAccountClaims(spec).ok());
  spec = Spec();
  spec.pod_uid.reset();
  EXPECT_FALSE(ServiceAccountClaims(spec).ok());
  spec = Spec();
  spec.lifetime_seconds = 0;
  EXPECT_FALSE(ServiceAccountClaims(spec).ok());
  spec = Spec();
  spec.issuer.clear();
  EXPECT_FALSE(ServiceAccountClaims(spec).ok());
  spec = Spec();
  spec.pod_name.reset();
  spec.pod_uid.reset();
  spec.jti = "fixed";
  auto c = ServiceAccountClaims(spec);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->at("kubernetes.io").as_object().contains("pod"));
  EXPECT_EQ(c->at("jti").as_string(), "fixed");
}

TEST(Mint, DefaultsToEs256WithKeyIdAndVerifiesEndToEnd) {
  PrivateKey key = *PrivateKey::Generate(KeyType::kEcP256);
  auto token = MintJws(*ServiceAccountClaims(Spec()), key);
  ASSERT_TRUE(token.ok());
  std::string header = *Base64UrlDecode(token->substr(0, token->find('.')));
  EXPECT_EQ(header, R"({"alg":"ES256","kid":")" + key.key_id() + R"("})");
  KeySet set;
  ASSERT_TRUE(set.Add(key.key_id(), key.public_key()).ok());
  auto jws = ParseAndVerify(*token, set);
  ASSERT_TRUE(jws.ok()) << jws.error().message();
  auto std_claims = GetStandardClaims(jws->claims);
  ASSERT_TRUE(std_claims.ok());
  EXPECT_TRUE(RequireClaims(*std_claims).ok());
  EXPECT_TRUE(CheckTimes(*std_claims, 1732780100).ok());
}

TEST(Mint, Rs256AndOptions) {
  PrivateKey rsa = *PrivateKey::Generate(KeyType::kRsa);
  MintOptions options;
  options.kid = "custom";
  options.typ = "JWT";
  auto token = MintJws(*ServiceAccountClaims(Spec()), rsa, options);
  ASSERT_TRUE(token.ok());
  auto jws = ParseJws(*token);
  ASSERT_TRUE(jws.ok());
  EXPECT_EQ(jws->header.alg, "RS256");
  EXPECT_EQ(jws->header.kid, "custom");
  EXPECT_EQ(jws->header.typ, "JWT");
  options.alg = JwsAlg::kES256;
  EXPECT_FALSE(MintJws(*ServiceAccountClaims(Spec()), rsa, options).ok());
}

}  // namespace
}  // namespace irsa::jwt
