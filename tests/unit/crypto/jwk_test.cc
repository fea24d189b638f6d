#include "crypto/jwk.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace irsa::crypto {
namespace {

TEST(Jwk, Rfc7515AppendixA3Es256) {
  // RFC 7515 Appendix A.3: ES256 JWS and the public JWK that verifies it.
  Jwk jwk;
  jwk.kty = "EC";
  jwk.crv = "P-256";
  jwk.x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
  jwk.y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
  auto key = ImportJwk(jwk);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->type(), KeyType::kEcP256);
  std::string input =
      "eyJhbGciOiJFUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ";
  std::string sig = *Base64UrlDecode(
      "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q");
  EXPECT_TRUE(Verify(*key, JwsAlg::kES256, input, sig).ok());
  EXPECT_FALSE(Verify(*key, JwsAlg::kES256, input + "x", sig).ok());
  // Export reproduces the coordinates.
  Jwk out = *ExportJwk(*key);
  EXPECT_EQ(out.x, jwk.x);
  EXPECT_EQ(out.y, jwk.y);
  EXPECT_EQ(out.alg, "ES256");
  EXPECT_EQ(out.use, "sig");
  EXPECT_EQ(out.kid, key->key_id());
}

TEST(Jwk, RoundTripEveryKeyType) {
  for (KeyType type : {KeyType::kEcP256, KeyType::kEcP384, KeyType::kEcP521, KeyType::kRsa}) {
    SCOPED_TRACE(std::string(KeyTypeName(type)));
    PrivateKey key = *PrivateKey::Generate(type);
    auto jwk = ExportJwk(key.public_key());
    ASSERT_TRUE(jwk.ok()) << jwk.error().message();
    if (IsEc(type)) {
      EXPECT_EQ(jwk->kty, "EC");
      size_t width = type == KeyType::kEcP256 ? 32 : type == KeyType::kEcP384 ? 48 : 66;
      EXPECT_EQ(Base64UrlDecode(jwk->x)->size(), width) << "fixed-length coordinates";
      EXPECT_EQ(Base64UrlDecode(jwk->y)->size(), width);
    } else {
      EXPECT_EQ(jwk->kty, "RSA");
      EXPECT_EQ(jwk->e, "AQAB");
      EXPECT_EQ(Base64UrlDecode(jwk->n)->size(), 256u);
      EXPECT_EQ(jwk->alg, "RS256");
    }
    auto back = ImportJwk(*jwk);
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(back->key_id(), key.key_id());
    EXPECT_TRUE(*back == key.public_key());
  }
}

TEST(Jwk, ToJsonShape) {
  Jwk jwk;
  jwk.kty = "RSA";
  jwk.kid = "a\"b";
  jwk.use = "sig";
  jwk.alg = "RS256";
  jwk.n = "nn";
  jwk.e = "AQAB";
  EXPECT_EQ(JwkToJson(jwk),
            R"({"kty":"RSA","kid":"a\"b","use":"sig","alg":"RS256","n":"nn","e":"AQAB"})");
}

TEST(Jwk, ExportWithExplicitAlgAndKid) {
  PrivateKey rsa = *PrivateKey::Generate(KeyType::kRsa);
  auto jwk = ExportJwk(rsa.public_key(), JwsAlg::kPS256, std::string("my-kid"));
  ASSERT_TRUE(jwk.ok());
  EXPECT_EQ(jwk->alg, "PS256");
  EXPECT_EQ(jwk->kid, "my-kid");
  EXPECT_FALSE(ExportJwk(rsa.public_key(), JwsAlg::kES256).ok());
}

TEST(Jwk, RejectsMalformedAndUnsupported) {
  PrivateKey ec = *PrivateKey::Generate(KeyType::kEcP256);
  Jwk good = *ExportJwk(ec.public_key());
  auto expect_error = [](const Jwk& jwk, std::string_view fragment) {
    auto r = ImportJwk(jwk);
    ASSERT_FALSE(r.ok()) << fragment;
    EXPECT_NE(r.error().message().find(fragment), std::string::npos) << r.error().message();
  };
  Jwk j = good;
  j.kty = "";
  expect_error(j, "no \"kty\"");
  j = good;
  j.kty = "OKP";
  expect_error(j, "unsupported JWK kty \"OKP\"");
  j = good;
  j.kty = "oct";
  expect_error(j, "unsupported JWK kty");
  j = good;
  j.crv = "P-192";
  expect_error(j, "unsupported EC curve");
  j = good;
  j.crv = "P-384";
  expect_error(j, "must be 48 bytes");
  j = good;
  j.x = Base64UrlEncode(std::string(31, '\x01'));
  expect_error(j, "must be 32 bytes");
  j = good;
  j.x = "A";
  expect_error(j, "\"x\" is not unpadded base64url");
  j = good;
  j.y = "";
  expect_error(j, "\"y\" is missing");
  j = good;
  j.x = j.x + "=";
  expect_error(j, "base64url");
  j = good;
  j.use = "enc";
  expect_error(j, "expected \"sig\"");
  j = good;
  j.alg = "RS256";
  expect_error(j, "does not fit");
  j = good;
  j.alg = "HS256";
  expect_error(j, "not supported");
  j = good;
  j.has_private_members = true;
  expect_error(j, "private key material");
  // A point not on the curve: perturb y.
  j = good;
  std::string y = *Base64UrlDecode(good.y);
  y[31] ^= 0x01;
  j.y = Base64UrlEncode(y);
  expect_error(j, "JWK");
}

TEST(Jwk, RejectsSmallOrBrokenRsa) {
  Jwk j;
  j.kty = "RSA";
  j.n = Base64UrlEncode(std::string(128, '\xc3'));  // 1024-bit modulus
  j.e = "AQAB";
  auto r = ImportJwk(j);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("1024 bits"), std::string::npos);
  PrivateKey rsa = *PrivateKey::Generate(KeyType::kRsa);
  Jwk good = *ExportJwk(rsa.public_key());
  j = good;
  j.e = "AAAA";
  EXPECT_FALSE(ImportJwk(j).ok()) << "even / zero exponent";
  j = good;
  j.e = "";
  EXPECT_FALSE(ImportJwk(j).ok());
  j = good;
  j.n = "!!";
  EXPECT_FALSE(ImportJwk(j).ok());
}

}  // namespace
}  // namespace irsa::crypto
