#include "crypto/keys.h"

#include <gtest/gtest.h>

namespace irsa::crypto {
namespace {

// Generated with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`; the expected
// kid was computed independently with
// `openssl pkey -pubout -outform DER | openssl dgst -sha256 -binary | base64url`.
constexpr char kEcPem[] = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0gtJb5/FMO0w4lKF
Fys9zuj9pxb/zpzRyAvHIiu9pAehRANCAAQvZrCoeh3q6+DDtzt5zKPggdDL5khR
4o3Qw2gVHpFFjfRfo6bKVmqh9KlLI7LgDhBBo1QnhL18bIwITgODha81
-----END PRIVATE KEY-----
)";
constexpr char kEcPublicPem[] = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEL2awqHod6uvgw7c7ecyj4IHQy+ZI
UeKN0MNoFR6RRY30X6OmylZqofSpSyOy4A4QQaNUJ4S9fGyMCE4Dg4WvNQ==
-----END PUBLIC KEY-----
)";
constexpr char kEcKid[] = "u5vI3hmRdtK-ILc9tIdyMGRDWC_Gouuldb4tWL6qWtE";

constexpr char kRsa1024PublicPem[] = R"(-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCfTbW9ppVZSOO5Sq79valyjw/m
/4fE5bol4cg6JU/HSLm1hIyHHD3zypUeHYDVXxhJFukRJ+yNqiSDl6OvIf9r6wMK
mchZkQVq18Fc2zul6kb/pqnsZAVTIB3V3Xqebz1izeRExVrszp6m6BX+fJI3pZKB
JURrOFzBS8yCdoiAEQIDAQAB
-----END PUBLIC KEY-----
)";

TEST(Keys, KidMatchesOpenSslCli) {
  auto key = PrivateKey::FromPem(kEcPem);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->type(), KeyType::kEcP256);
  EXPECT_EQ(key->key_id(), kEcKid);
  EXPECT_EQ(KeyId(key->public_key()), kEcKid);
  EXPECT_EQ(key->public_key().ToPem(), kEcPublicPem);
  auto pub = PublicKey::FromPem(kEcPublicPem);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->key_id(), kEcKid);
  EXPECT_TRUE(*pub == key->public_key());
}

TEST(Keys, GenerateAllTypesAndPemRoundTrip) {
  for (KeyType type : {KeyType::kEcP256, KeyType::kEcP384, KeyType::kEcP521, KeyType::kRsa}) {
    SCOPED_TRACE(std::string(KeyTypeName(type)));
    auto key = PrivateKey::Generate(type);
    ASSERT_TRUE(key.ok()) << key.error().message();
    EXPECT_EQ(key->type(), type);
    std::string pem = key->ToPkcs8Pem();
    EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
    auto again = PrivateKey::FromPem(pem);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->key_id(), key->key_id()) << "kid is stable across PEM round trips";
    auto pub = PublicKey::FromPem(key->public_key().ToPem());
    ASSERT_TRUE(pub.ok());
    EXPECT_EQ(pub->key_id(), key->key_id());
    auto der = PublicKey::FromSpkiDer(key->public_key().spki_der());
    ASSERT_TRUE(der.ok());
    EXPECT_EQ(der->key_id(), key->key_id());
    EXPECT_EQ(key->key_id().size(), 43u);
    EXPECT_EQ(key->key_id().find('='), std::string::npos);
  }
}

TEST(Keys, DistinctKeysHaveDistinctKids) {
  auto a = PrivateKey::Generate(KeyType::kEcP256);
  auto b = PrivateKey::Generate(KeyType::kEcP256);
  EXPECT_NE(a->key_id(), b->key_id());
}

TEST(Keys, RsaBitsChecks) {
  EXPECT_FALSE(PrivateKey::Generate(KeyType::kRsa, 1024).ok());
  auto small = PublicKey::FromPem(kRsa1024PublicPem);
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.error().message().find("1024 bits"), std::string::npos);
  auto rsa = PrivateKey::Generate(KeyType::kRsa);
  ASSERT_TRUE(rsa.ok());
  EXPECT_EQ(rsa->public_key().bits(), 2048);
}

TEST(Keys, RejectsGarbage) {
  EXPECT_FALSE(PrivateKey::FromPem("").ok());
  EXPECT_FALSE(
      PrivateKey::FromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").ok());
  EXPECT_FALSE(PublicKey::FromPem(kEcPem).ok()) << "private PEM is not a public key";
  EXPECT_FALSE(PublicKey::FromSpkiDer("\x30\x03\x02\x01\x01").ok());
  EXPECT_FALSE(PublicKey::FromSpkiDer("").ok());
  auto pub = PublicKey::FromPem(kEcPublicPem);
  EXPECT_FALSE(PublicKey::FromSpkiDer(pub->spki_der() + "x").ok()) << "trailing bytes";
  // An encrypted key must fail rather than prompt for a passphrase.
  EXPECT_FALSE(PrivateKey::FromPem("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END "
                                   "ENCRYPTED PRIVATE KEY-----\n")
                   .ok());
}

TEST(Keys, ErrorsNeverContainKeyMaterial) {
  std::string pem = kEcPem;
  pem[40] = '!';
  auto r = PrivateKey::FromPem(pem);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message().find("MIGHAgEA"), std::string::npos);
}

}  // namespace
}  // namespace irsa::crypto
