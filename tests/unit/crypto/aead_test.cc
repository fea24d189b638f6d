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

TEST(Aead, RejectsBadKeySize) {
  SeededRandom random(1);
  auto sealed = AeadSeal("short", "x", "", random);
  ASSERT_FALSE(sealed.ok());
  EXPECT_EQ(sealed.error().code(), "InternalFailure");
  EXPECT_FALSE(AeadOpen(std::string(16, 'k'), std::string(40, 'x'), "").ok());
}

}  // namespace
}  // namespace irsa::crypto
