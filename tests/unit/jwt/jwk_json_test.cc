#include "jwt/jwk_json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "jwt/mint.h"

namespace irsa::jwt {
namespace {

using crypto::KeyType;
using crypto::PrivateKey;

TEST(JwkJson, ObjectRoundTrip) {
  PrivateKey ec = *PrivateKey::Generate(KeyType::kEcP256);
  crypto::Jwk jwk = *crypto::ExportJwk(ec.public_key());
  boost::json::object obj = JwkToJsonObject(jwk);
  EXPECT_EQ(obj.at("kty").as_string(), "EC");
  EXPECT_EQ(obj.at("crv").as_string(), "P-256");
  EXPECT_EQ(obj.at("use").as_string(), "sig");
  EXPECT_EQ(obj.at("alg").as_string(), "ES256");
  EXPECT_FALSE(obj.contains("n"));
  EXPECT_EQ(boost::json::parse(crypto::JwkToJson(jwk)), boost::json::value(obj));
  auto key = ImportJwkJson(obj);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->key_id(), ec.key_id());
  auto text = JwkFromText(crypto::JwkToJson(jwk));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->x, jwk.x);
}

TEST(JwkJson, MemberTypesAndPrivateMembers) {
  EXPECT_FALSE(JwkFromJson(boost::json::value(5)).ok());
  EXPECT_FALSE(JwkFromText(R"({"kty":1})").ok());
  EXPECT_FALSE(JwkFromText("not json").ok());
  auto priv = JwkFromText(R"({"kty":"EC","crv":"P-256","x":"a","y":"b","d":"secret"})");
  ASSERT_TRUE(priv.ok());
  EXPECT_TRUE(priv->has_private_members);
  auto imported = crypto::ImportJwk(*priv);
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.error().message().find("secret"), std::string::npos);
}

TEST(JwkJson, JwksParseAndVerifyRsaAndEc) {
  PrivateKey ec = *PrivateKey::Generate(KeyType::kEcP256);
  PrivateKey rsa = *PrivateKey::Generate(KeyType::kRsa);
  std::string jwks =
      JwksToJson({*crypto::ExportJwk(ec.public_key()), *crypto::ExportJwk(rsa.public_key())});
  std::vector<std::string> warnings;
  auto set = KeySetFromJwks(jwks, {}, &warnings);
  ASSERT_TRUE(set.ok()) << set.error().message();
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(set->size(), 2u);
  for (const PrivateKey* key : {&ec, &rsa}) {
    auto token = MintJws(boost::json::object{{"sub", "x"}}, *key);
    ASSERT_TRUE(token.ok());
    EXPECT_TRUE(ParseAndVerify(*token, *set).ok());
  }
}

TEST(JwkJson, JwksSkipsUnusableKeysWithWarnings) {
  PrivateKey ec = *PrivateKey::Generate(KeyType::kEcP256);
  boost::json::object good = JwkToJsonObject(*crypto::ExportJwk(ec.public_key()));
  boost::json::object enc = good;
  enc["use"] = "enc";
  enc["kid"] = "enc-key";
  boost::json::object okp{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "abc"}, {"kid", "ed"}};
  boost::json::object doc{{"keys", boost::json::array{okp, enc, good}}};
  std::vector<std::string> warnings;
  auto set = KeySetFromJwks(boost::json::serialize(doc), {}, &warnings);
  ASSERT_TRUE(set.ok()) << set.error().message();
  EXPECT_EQ(set->size(), 1u);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("kid \"ed\""), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("\"sig\""), std::string::npos) << warnings[1];
}

TEST(JwkJson, JwksStructuralErrors) {
  EXPECT_FALSE(KeySetFromJwks("").ok());
  auto not_json = KeySetFromJwks("not json");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.error().code(), "InvalidInput");
  EXPECT_EQ(not_json.error().message().rfind("JWKS document is not valid JSON", 0), 0u)
      << not_json.error().message();
  EXPECT_FALSE(KeySetFromJwks("[]").ok());
  EXPECT_FALSE(KeySetFromJwks(R"({"keys":{}})").ok());
  EXPECT_FALSE(KeySetFromJwks(R"({"keys":[1]})").ok());
  EXPECT_TRUE(KeySetFromJwks(R"({"keys":[]})").ok());
  PrivateKey ec = *PrivateKey::Generate(KeyType::kEcP256);
  boost::json::object good = JwkToJsonObject(*crypto::ExportJwk(ec.public_key()));
  boost::json::array many;
  for (int i = 0; i < 101; ++i) many.push_back(good);
  auto too_many = KeySetFromJwks(boost::json::serialize(boost::json::object{{"keys", many}}));
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.error().message().find("101 keys"), std::string::npos);
  auto dup = KeySetFromJwks(
      boost::json::serialize(boost::json::object{{"keys", boost::json::array{good, good}}}));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message().find("duplicate key id"), std::string::npos);
  boost::json::object priv = good;
  priv["d"] = "AAAA";
  EXPECT_FALSE(KeySetFromJwks(
                   boost::json::serialize(boost::json::object{{"keys", boost::json::array{priv}}}))
                   .ok());
}

}  // namespace
}  // namespace irsa::jwt
