#include "jwt/verify.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "base/encoding.h"
#include "crypto/hash.h"
#include "jwt/mint.h"

namespace irsa::jwt {
namespace {

using crypto::JwsAlg;
using crypto::KeyType;
using crypto::PrivateKey;

struct Keys {
  PrivateKey ec = *PrivateKey::Generate(KeyType::kEcP256);
  PrivateKey ec384 = *PrivateKey::Generate(KeyType::kEcP384);
  PrivateKey ec521 = *PrivateKey::Generate(KeyType::kEcP521);
  PrivateKey rsa = *PrivateKey::Generate(KeyType::kRsa);
  PrivateKey other_ec = *PrivateKey::Generate(KeyType::kEcP256);
};

const Keys& K() {
  static Keys* keys = new Keys();
  return *keys;
}

KeySet MakeSet() {
  KeySet set;
  EXPECT_TRUE(set.Add(K().ec.key_id(), K().ec.public_key()).ok());
  EXPECT_TRUE(set.Add(K().ec384.key_id(), K().ec384.public_key()).ok());
  EXPECT_TRUE(set.Add(K().ec521.key_id(), K().ec521.public_key()).ok());
  EXPECT_TRUE(set.Add(K().rsa.key_id(), K().rsa.public_key()).ok());
  return set;
}

boost::json::object Claims() {
  boost::json::object c;
  c["iss"] = "https://issuer.example";
  c["sub"] = "system:serviceaccount:default:app";
  c["aud"] = boost::json::array{"sts.amazonaws.com"};
  c["exp"] = 2000000000;
  return c;
}

std::string Mint(const PrivateKey& key, JwsAlg alg, std::string kid = "") {
  MintOptions options;
  options.alg = alg;
  options.kid = std::move(kid);
  auto token = MintJws(Claims(), key, options);
  EXPECT_TRUE(token.ok()) << token.error().message();
  return *token;
}

std::string Craft(std::string_view header, std::string_view payload, std::string_view sig) {
  return Base64UrlEncode(header) + "." + Base64UrlEncode(payload) + "." + Base64UrlEncode(sig);
}

void ExpectFailure(std::string_view token, const KeySet& set, VerifyFailure kind,
                   std::string_view fragment, const VerifyOptions& options = {}) {
  VerifyFailure failure = VerifyFailure::kNone;
  auto r = ParseAndVerify(token, set, options, &failure);
  ASSERT_FALSE(r.ok()) << fragment;
  EXPECT_EQ(failure, kind) << r.error().message();
  EXPECT_EQ(r.error().code(), "InvalidIdentityToken");
  EXPECT_NE(r.error().message().find(fragment), std::string::npos) << r.error().message();
  EXPECT_EQ(r.error().message().find(token.substr(0, 30)), std::string::npos) << "token leaked";
}

TEST(Verify, MintAndVerifyEveryAlgorithm) {
  KeySet set = MakeSet();
  struct Case {
    const PrivateKey* key;
    JwsAlg alg;
  };
  for (Case c : {Case{&K().ec, JwsAlg::kES256}, Case{&K().ec384, JwsAlg::kES384},
                 Case{&K().ec521, JwsAlg::kES512}, Case{&K().rsa, JwsAlg::kRS256},
                 Case{&K().rsa, JwsAlg::kRS384}, Case{&K().rsa, JwsAlg::kRS512},
                 Case{&K().rsa, JwsAlg::kPS256}, Case{&K().rsa, JwsAlg::kPS384},
                 Case{&K().rsa, JwsAlg::kPS512}}) {
    SCOPED_TRACE(std::string(crypto::JwsAlgName(c.alg)));
    std::string token = Mint(*c.key, c.alg);
    VerifyFailure failure = VerifyFailure::kMalformed;
    auto jws = ParseAndVerify(token, set, {}, &failure);
    ASSERT_TRUE(jws.ok()) << jws.error().message();
    EXPECT_EQ(failure, VerifyFailure::kNone);
    EXPECT_EQ(jws->header.alg, crypto::JwsAlgName(c.alg));
    EXPECT_EQ(jws->header.kid, c.key->key_id());
    EXPECT_EQ(jws->claims.at("sub").as_string(), "system:serviceaccount:default:app");
    auto key = VerifyJws(*jws, set);
    ASSERT_TRUE(key.ok());
    EXPECT_EQ((*key)->kid, c.key->key_id());
  }
}

TEST(Verify, AlgNoneRejected) {
  KeySet set = MakeSet();
  std::string payload = boost::json::serialize(Claims());
  // Unsigned token ("none" with an empty signature) is malformed already.
  std::string unsigned_token =
      Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(payload) + ".";
  ExpectFailure(unsigned_token, set, VerifyFailure::kMalformed, "unsigned");
  // With a bogus signature it is an unsupported alg.
  ExpectFailure(Craft(R"({"alg":"none"})", payload, "x"), set, VerifyFailure::kUnsupportedAlg,
                "unsupported alg \"none\"");
  ExpectFailure(Craft(R"({"alg":"NONE","kid":"k"})", payload, "x"), set,
                VerifyFailure::kUnsupportedAlg, "\"none\"");
}

TEST(Verify, HmacWithPublicKeyAsSecretIsImpossible) {
  KeySet set = MakeSet();
  // The classic confusion attack: HS256 keyed with the RSA public key (PEM and DER variants).
  std::string header = R"({"alg":"HS256","kid":")" + K().rsa.key_id() + R"("})";
  std::string payload = boost::json::serialize(Claims());
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  for (const std::string& secret :
       {K().rsa.public_key().ToPem(), K().rsa.public_key().spki_der()}) {
    std::string token = input + "." + Base64UrlEncode(crypto::HmacSha256(secret, input));
    ExpectFailure(token, set, VerifyFailure::kUnsupportedAlg, "symmetric (HMAC)");
  }
  ExpectFailure(Craft(R"({"alg":"HS512"})", payload, "x"), set, VerifyFailure::kUnsupportedAlg,
                "HS512");
}

TEST(Verify, UnknownAndNarrowedAlgs) {
  KeySet set = MakeSet();
  std::string payload = boost::json::serialize(Claims());
  ExpectFailure(Craft(R"({"alg":"EdDSA"})", payload, "x"), set, VerifyFailure::kUnsupportedAlg,
                "unsupported alg \"EdDSA\"");
  ExpectFailure(Craft(R"({"alg":"es256"})", payload, "x"), set, VerifyFailure::kUnsupportedAlg,
                "es256");
  VerifyOptions no_pss;
  no_pss.allowed_algs = {JwsAlg::kRS256, JwsAlg::kES256};
  ExpectFailure(Mint(K().rsa, JwsAlg::kPS256), set, VerifyFailure::kUnsupportedAlg,
                "not allowed here", no_pss);
  EXPECT_TRUE(ParseAndVerify(Mint(K().rsa, JwsAlg::kRS256), set, no_pss).ok());
}

TEST(Verify, UnknownKid) {
  KeySet set = MakeSet();
  ExpectFailure(Mint(K().other_ec, JwsAlg::kES256), set, VerifyFailure::kUnknownKid,
                "no signing key with kid \"" + K().other_ec.key_id() + "\"");
  KeySet empty;
  ExpectFailure(Mint(K().ec, JwsAlg::kES256), empty, VerifyFailure::kUnknownKid, "kid");
}

TEST(Verify, BadSignature) {
  KeySet set = MakeSet();
  // Signed by another key but claiming a known kid.
  ExpectFailure(Mint(K().other_ec, JwsAlg::kES256, K().ec.key_id()), set,
                VerifyFailure::kBadSignature, "signature verification failed");
  // Payload swapped after signing.
  std::string token = Mint(K().rsa, JwsAlg::kRS256);
  size_t a = token.find('.'), b = token.rfind('.');
  boost::json::object evil = Claims();
  evil["sub"] = "system:serviceaccount:kube-system:admin";
  std::string forged =
      token.substr(0, a + 1) + Base64UrlEncode(boost::json::serialize(evil)) + token.substr(b);
  ExpectFailure(forged, set, VerifyFailure::kBadSignature, "signature verification failed");
  // ES256 signature of the wrong length.
  std::string es = Mint(K().ec, JwsAlg::kES256);
  std::string short_sig = es.substr(0, es.rfind('.') + 1) + Base64UrlEncode(std::string(63, 'a'));
  ExpectFailure(short_sig, set, VerifyFailure::kBadSignature, "signature verification failed");
}

TEST(Verify, AlgMustFitTheKidsKey) {
  KeySet set = MakeSet();
  // RS256 header pointing at the EC key.
  std::string token = Mint(K().rsa, JwsAlg::kRS256, K().ec.key_id());
  ExpectFailure(token, set, VerifyFailure::kKeyMismatch, "does not match key");
  // ES384 header pointing at the P-256 key.
  ExpectFailure(Mint(K().ec384, JwsAlg::kES384, K().ec.key_id()), set, VerifyFailure::kKeyMismatch,
                "EC P-256");
  // A key pinned to RS256 by its JWK refuses PS256.
  KeySet pinned;
  ASSERT_TRUE(pinned.Add("r", K().rsa.public_key(), JwsAlg::kRS256).ok());
  ExpectFailure(Mint(K().rsa, JwsAlg::kPS256, "r"), pinned, VerifyFailure::kKeyMismatch,
                "alg RS256");
  EXPECT_TRUE(ParseAndVerify(Mint(K().rsa, JwsAlg::kRS256, "r"), pinned).ok());
}

TEST(Verify, NoKidTriesKeysOfMatchingType) {
  KeySet set;
  ASSERT_TRUE(set.Add("a", K().other_ec.public_key()).ok());
  ASSERT_TRUE(set.Add("b", K().rsa.public_key()).ok());
  ASSERT_TRUE(set.Add("c", K().ec.public_key()).ok());
  std::string payload = boost::json::serialize(Claims());
  std::string input = Base64UrlEncode(R"({"alg":"ES256"})") + "." + Base64UrlEncode(payload);
  std::string token = input + "." + Base64UrlEncode(*crypto::Sign(K().ec, JwsAlg::kES256, input));
  auto jws = ParseJws(token);
  ASSERT_TRUE(jws.ok());
  auto key = VerifyJws(*jws, set);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ((*key)->kid, "c");
  // No key of that type at all.
  KeySet rsa_only;
  ASSERT_TRUE(rsa_only.Add("b", K().rsa.public_key()).ok());
  ExpectFailure(token, rsa_only, VerifyFailure::kUnknownKid, "no kid and no ES256 key");
  // Keys of the right type, none verifies.
  KeySet wrong;
  ASSERT_TRUE(wrong.Add("a", K().other_ec.public_key()).ok());
  ExpectFailure(token, wrong, VerifyFailure::kBadSignature, "none of the 1 ES256 keys");
}

TEST(KeySetTest, AddValidation) {
  KeySet set;
  ASSERT_TRUE(set.Add("k", K().ec.public_key()).ok());
  EXPECT_FALSE(set.Add("k", K().rsa.public_key()).ok()) << "duplicate kid";
  EXPECT_TRUE(set.Add("", K().rsa.public_key()).ok());
  EXPECT_TRUE(set.Add("", K().ec.public_key()).ok()) << "several kid-less keys are allowed";
  EXPECT_FALSE(set.Add("x", K().ec.public_key(), JwsAlg::kRS256).ok());
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(set.Find("k")->key.key_id(), K().ec.key_id());
  EXPECT_EQ(set.Find("nope"), nullptr);
}

}  // namespace
}  // namespace irsa::jwt
