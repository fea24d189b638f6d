#include "crypto/signature.h"

#include <gtest/gtest.h>

#include <openssl/ecdsa.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "crypto/hash.h"

namespace irsa::crypto {
namespace {

const PrivateKey& KeyFor(KeyType type) {
  static std::map<KeyType, PrivateKey>* keys = [] {
    auto* m = new std::map<KeyType, PrivateKey>();
    for (KeyType t : {KeyType::kEcP256, KeyType::kEcP384, KeyType::kEcP521, KeyType::kRsa}) {
      m->emplace(t, *PrivateKey::Generate(t));
    }
    return m;
  }();
  return keys->at(type);
}

KeyType TypeFor(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kES256:
      return KeyType::kEcP256;
    case JwsAlg::kES384:
      return KeyType::kEcP384;
    case JwsAlg::kES512:
      return KeyType::kEcP521;
    default:
      return KeyType::kRsa;
  }
}

const JwsAlg kAll[] = {JwsAlg::kRS256, JwsAlg::kRS384, JwsAlg::kRS512,
                       JwsAlg::kPS256, JwsAlg::kPS384, JwsAlg::kPS512,
                       JwsAlg::kES256, JwsAlg::kES384, JwsAlg::kES512};

TEST(Signature, NamesRoundTripAndRejectOthers) {
  for (JwsAlg alg : kAll) EXPECT_EQ(ParseJwsAlg(JwsAlgName(alg)), alg);
  for (const char* bad : {"none", "HS256", "HS512", "es256", "RS1", "", "EdDSA", "RSA-OAEP"}) {
    EXPECT_FALSE(ParseJwsAlg(bad).has_value()) << bad;
  }
}

TEST(Signature, SignVerifyEveryAlgorithm) {
  for (JwsAlg alg : kAll) {
    SCOPED_TRACE(std::string(JwsAlgName(alg)));
    const PrivateKey& key = KeyFor(TypeFor(alg));
    auto sig = Sign(key, alg, "header.payload");
    ASSERT_TRUE(sig.ok()) << sig.error().message();
    if (EcCoordinateSize(alg) != 0) {
      EXPECT_EQ(sig->size(), 2 * EcCoordinateSize(alg));
    } else {
      EXPECT_EQ(sig->size(), 256u);
    }
    EXPECT_TRUE(Verify(key.public_key(), alg, "header.payload", *sig).ok());
    EXPECT_FALSE(Verify(key.public_key(), alg, "header.payloaD", *sig).ok());
    std::string flipped = *sig;
    flipped[flipped.size() / 2] ^= 0x01;
    EXPECT_FALSE(Verify(key.public_key(), alg, "header.payload", flipped).ok());
  }
}

TEST(Signature, ConcurrentFirstUseOfAFreshKeyCopy) {
  // Each fresh key has empty context slots: threads race to prepare them, and copies of the key
  // share them. Every verification must still give the right answer.
  const PrivateKey& rsa = KeyFor(KeyType::kRsa);
  const std::string rs256 = *Sign(rsa, JwsAlg::kRS256, "payload");
  const std::string ps256 = *Sign(rsa, JwsAlg::kPS256, "payload");
  for (int round = 0; round < 3; ++round) {
    PublicKey fresh = *PublicKey::FromSpkiDer(rsa.public_key().spki_der());
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        PublicKey copy = fresh;
        for (int i = 0; i < 20; ++i) {
          const bool rs = (i + t) % 2 == 0;
          const JwsAlg alg = rs ? JwsAlg::kRS256 : JwsAlg::kPS256;
          if (!Verify(copy, alg, "payload", rs ? rs256 : ps256).ok()) ++wrong;
          if (Verify(copy, alg, "payload", rs ? ps256 : rs256).ok()) ++wrong;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(wrong.load(), 0);
  }
}

TEST(Signature, CrossAlgorithmRejection) {
  const PrivateKey& rsa = KeyFor(KeyType::kRsa);
  std::string rs256 = *Sign(rsa, JwsAlg::kRS256, "data");
  // Same key, other RSA algorithms: must not verify (different padding or hash).
  EXPECT_FALSE(Verify(rsa.public_key(), JwsAlg::kPS256, "data", rs256).ok());
  EXPECT_FALSE(Verify(rsa.public_key(), JwsAlg::kRS384, "data", rs256).ok());
  std::string ps256 = *Sign(rsa, JwsAlg::kPS256, "data");
  EXPECT_FALSE(Verify(rsa.public_key(), JwsAlg::kRS256, "data", ps256).ok());
  // Key-type mismatches are refused before verification.
  const PrivateKey& p256 = KeyFor(KeyType::kEcP256);
  auto r = Verify(p256.public_key(), JwsAlg::kRS256, "data", rs256);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("cannot be used with an EC P-256 key"), std::string::npos);
  EXPECT_FALSE(Sign(p256, JwsAlg::kES384, "data").ok());
  EXPECT_FALSE(Sign(rsa, JwsAlg::kES256, "data").ok());
  std::string es256 = *Sign(p256, JwsAlg::kES256, "data");
  EXPECT_FALSE(Verify(KeyFor(KeyType::kEcP384).public_key(), JwsAlg::kES256, "data", es256).ok());
  EXPECT_FALSE(Verify(rsa.public_key(), JwsAlg::kRS256, "data", es256).ok());
}

TEST(Signature, Es256RawLengthChecks) {
  const PrivateKey& key = KeyFor(KeyType::kEcP256);
  std::string sig = *Sign(key, JwsAlg::kES256, "data");
  ASSERT_EQ(sig.size(), 64u);
  for (size_t len : {0, 1, 63, 65, 70, 72, 128}) {
    std::string s = sig;
    s.resize(len, '\0');
    auto r = Verify(key.public_key(), JwsAlg::kES256, "data", s);
    EXPECT_FALSE(r.ok()) << len;
  }
  // A DER-encoded signature (what OpenSSL produces natively) is not a JWS signature.
  std::string der = *EcdsaRawToDer(sig, 32);
  EXPECT_FALSE(Verify(key.public_key(), JwsAlg::kES256, "data", der).ok());
  EXPECT_EQ(*EcdsaDerToRaw(der, 32), sig);
  EXPECT_FALSE(EcdsaDerToRaw("\x30\x00", 32).ok());
  EXPECT_FALSE(EcdsaRawToDer(std::string(63, 'a'), 32).ok());
  // r = 0, s = 0 never verifies.
  EXPECT_FALSE(Verify(key.public_key(), JwsAlg::kES256, "data", std::string(64, '\0')).ok());
}

// OpenSSL's own encoding of (r, s), the reference for the hand-written DER writer.
std::string OpenSslDer(std::string_view raw, size_t coordinate_size) {
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(p, static_cast<int>(coordinate_size), nullptr);
  BIGNUM* s = BN_bin2bn(p + coordinate_size, static_cast<int>(coordinate_size), nullptr);
  EXPECT_EQ(ECDSA_SIG_set0(sig, r, s), 1);
  unsigned char* out = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &out);
  std::string der(reinterpret_cast<char*>(out), static_cast<size_t>(std::max(len, 0)));
  OPENSSL_free(out);
  ECDSA_SIG_free(sig);
  return der;
}

TEST(Signature, EcdsaRawToDerMatchesOpenSsl) {
  // Leading zero bytes, top bits set and clear, zero values, and P-521's long-form length.
  std::mt19937 rng(7);
  for (size_t size : {32u, 48u, 66u}) {
    for (int round = 0; round < 200; ++round) {
      std::string raw(2 * size, '\0');
      for (char& c : raw) c = static_cast<char>(rng());
      for (size_t half : {0u, 1u}) {
        const int pattern = (round + static_cast<int>(half)) % 5;
        char* v = raw.data() + half * size;
        if (pattern == 1) v[0] = '\0';
        if (pattern == 2) std::fill(v, v + size - 1, '\0');
        if (pattern == 3) std::fill(v, v + size, '\0');
        if (pattern == 4) v[0] = static_cast<char>(0xff);
      }
      Result<std::string> der = EcdsaRawToDer(raw, size);
      ASSERT_TRUE(der.ok());
      ASSERT_EQ(*der, OpenSslDer(raw, size)) << size << " " << round;
      EXPECT_EQ(*EcdsaDerToRaw(*der, size), raw);
    }
  }
  EXPECT_FALSE(EcdsaRawToDer("", 0).ok());
  EXPECT_FALSE(EcdsaRawToDer(std::string(256, 'a'), 128).ok());
}

TEST(Signature, RsaWrongLengthRejected) {
  const PrivateKey& key = KeyFor(KeyType::kRsa);
  std::string sig = *Sign(key, JwsAlg::kRS256, "data");
  EXPECT_FALSE(Verify(key.public_key(), JwsAlg::kRS256, "data", sig.substr(1)).ok());
  EXPECT_FALSE(Verify(key.public_key(), JwsAlg::kRS256, "data", "").ok());
}

TEST(Signature, DefaultAlgs) {
  EXPECT_EQ(DefaultAlgFor(KeyType::kEcP256), JwsAlg::kES256);
  EXPECT_EQ(DefaultAlgFor(KeyType::kEcP384), JwsAlg::kES384);
  EXPECT_EQ(DefaultAlgFor(KeyType::kEcP521), JwsAlg::kES512);
  EXPECT_EQ(DefaultAlgFor(KeyType::kRsa), JwsAlg::kRS256);
}

}  // namespace
}  // namespace irsa::crypto
