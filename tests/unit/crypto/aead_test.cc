#include "crypto/aead.h"

#include <gtest/gtest.h>

#include "base/random.h"

namespace irsa::crypto {
namespace {

TEST(Aead, RoundTrip) {
  SeededRandom random(7);
  std::string key = random.Bytes(32);
  auto sealed = AeadSeal(key, "session record", "aad", random);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), std::string("session record").size() + kAeadOverhead);
  auto opened = AeadOpen(key, *sealed, "aad");
  ASSERT_TRUE(opened.ok()) << opened.error().message();
  EXPECT_EQ(*opened, "session record");
}

TEST(Aead, EmptyPlaintextAndAad) {
  SeededRandom random(1);
  std::string key = random.Bytes(32);
  auto sealed = AeadSeal(key, "", "", random);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), kAeadOverhead);
  auto opened = AeadOpen(key, *sealed, "");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "");
}

TEST(Aead, NoncesDiffer) {
  SeededRandom random(3);
  std::string key = random.Bytes(32);
  EXPECT_NE(*AeadSeal(key, "x", "", random), *AeadSeal(key, "x", "", random));
}

TEST(Aead, FlippingAnyByteFails) {
  SeededRandom random(9);
  std::string key = random.Bytes(32);
  std::string sealed = *AeadSeal(key, "the quick brown fox", "ctx", random);
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (uint8_t bit : {0x01, 0x80}) {
      std::string t = sealed;
      t[i] = static_cast<char>(t[i] ^ bit);
      auto opened = AeadOpen(key, t, "ctx");
      ASSERT_FALSE(opened.ok()) << "byte " << i;
      EXPECT_EQ(opened.error().message(), "sealed data failed authentication");
    }
  }
}

TEST(Aead, WrongKeyAadOrTruncationFails) {
  SeededRandom random(11);
  std::string key = random.Bytes(32);
  std::string sealed = *AeadSeal(key, "payload", "ctx", random);
  EXPECT_FALSE(AeadOpen(random.Bytes(32), sealed, "ctx").ok());
  EXPECT_FALSE(AeadOpen(key, sealed, "other").ok());
  EXPECT_FALSE(AeadOpen(key, sealed.substr(0, sealed.size() - 1), "ctx").ok());
  EXPECT_FALSE(AeadOpen(key, sealed.substr(0, 10), "ctx").ok());
  EXPECT_FALSE(AeadOpen(key, "", "ctx").ok());
  EXPECT_FALSE(AeadOpen(key, sealed + "x", "ctx").ok());
}

// Each thread keeps one keyed context per direction: switching keys, failing authentication and
// then opening a good message again must all behave as if every call started afresh.
TEST(Aead, AlternatingKeysAndFailuresDoNotLeakState) {
  SeededRandom random(11);
  const std::string key_a = random.Bytes(32), key_b = random.Bytes(32);
  for (int round = 0; round < 3; ++round) {
    auto sealed_a = AeadSeal(key_a, "message a", "aad", random);
    auto sealed_b = AeadSeal(key_b, "message b", "aad", random);
    ASSERT_TRUE(sealed_a.ok() && sealed_b.ok());
    EXPECT_EQ(*AeadOpen(key_a, *sealed_a, "aad"), "message a");
    EXPECT_FALSE(AeadOpen(key_b, *sealed_a, "aad").ok());
    std::string tampered = *sealed_b;
    tampered[kAeadNonceSize] ^= 1;
    EXPECT_FALSE(AeadOpen(key_b, tampered, "aad").ok());
    EXPECT_EQ(*AeadOpen(key_b, *sealed_b, "aad"), "message b");
    EXPECT_FALSE(AeadOpen(key_b, *sealed_b, "other aad").ok());
    EXPECT_EQ(*AeadOpen(key_a, *sealed_a, "aad"), "message a");
    // Long messages cross the GHASH block boundary with leftovers from the previous message.
    const std::string long_text(1000 + round, 'x');
    auto sealed_long = AeadSeal(key_a, long_text, "a", random);
    ASSERT_TRUE(sealed_long.ok());
    EXPECT_EQ(*AeadOpen(key_a, *sealed_long, "a"), long_text);
  }
}

TEST(Aead, RejectsBadKeySize) {
  SeededRandom random(1);
  auto sealed = AeadSeal("short", "x", "", random);
  ASSERT_FALSE(sealed.ok());
  EXPECT_EQ(sealed.error().code(), "InternalFailure");
  EXPECT_FALSE(AeadOpen(std::string(16, 'k'), std::string(40, 'x'), "").ok());
}

}  // namespace
}  // namespace irsa::crypto
