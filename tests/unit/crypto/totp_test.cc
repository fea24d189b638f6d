#include "crypto/totp.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "base/random.h"
#include "crypto/password_hash.h"

namespace irsa::crypto {
namespace {

constexpr std::string_view kRfcKey = "12345678901234567890";

TEST(Base32, Rfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},
      {"f", "MY======"},
      {"fo", "MZXQ===="},
      {"foo", "MZXW6==="},
      {"foob", "MZXW6YQ="},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI======"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base32Encode(plain), encoded);
    ASSERT_TRUE(Base32Decode(encoded).has_value()) << encoded;
    EXPECT_EQ(*Base32Decode(encoded), plain);
  }
  EXPECT_EQ(*Base32Decode("mzxw6ytboi"), "foobar");    // lower case, no padding
  EXPECT_FALSE(Base32Decode("MZXW6YT1").has_value());  // '1' is not in the alphabet
  EXPECT_FALSE(Base32Decode("M").has_value());         // no whole byte
  EXPECT_EQ(Base32Encode(std::string(40, 'x')).size(), 64u);
}

TEST(Hotp, Rfc4226AppendixDVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(Hotp(kRfcKey, counter), expected[counter]) << counter;
  }
}

TEST(Totp, Rfc6238AppendixBSha1Vectors) {
  const std::pair<int64_t, std::string_view> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  for (const auto& [time, code] : vectors) {
    EXPECT_EQ(TotpAtStep(kRfcKey, TotpStep(time), 8), code) << time;
  }
  // Six digits are the last six of the eight (the same truncation, a smaller modulus).
  EXPECT_EQ(TotpAtStep(kRfcKey, TotpStep(59)), "287082");
  EXPECT_EQ(TotpStep(29), 0);
  EXPECT_EQ(TotpStep(30), 1);
  EXPECT_EQ(TotpStep(-1), -1);
}

TEST(Totp, CodesEqual) {
  EXPECT_TRUE(CodesEqual("123456", "123456"));
  EXPECT_FALSE(CodesEqual("123456", "123457"));
  EXPECT_FALSE(CodesEqual("123456", "12345"));
}

TEST(PasswordHash, Pbkdf2Sha256KnownAnswer) {
  // PBKDF2-HMAC-SHA256("password", "salt", 4096, 32) (RFC 7914 §11's construction; widely
  // published value).
  const std::string expected =
      "\xc5\xe4\x78\xd5\x92\x88\xc8\x41\xaa\x53\x0d\xb6\x84\x5c\x4c\x8d"
      "\x96\x28\x93\xa0\x01\xce\x4e\x11\xa4\x96\x38\x73\xaa\x98\x13\x4a";
  const std::string stored =
      "pbkdf2-sha256$4096$" + Base64Encode("salt") + "$" + Base64Encode(expected);
  EXPECT_TRUE(VerifyPassword("password", stored));
  EXPECT_FALSE(VerifyPassword("Password", stored));
}

TEST(PasswordHash, HashesAreSaltedAndVerify) {
  SeededRandom random(7);
  const std::string a = HashPassword("Correct-Horse-1", random, 1000);
  const std::string b = HashPassword("Correct-Horse-1", random, 1000);
  EXPECT_NE(a, b);  // different salts
  EXPECT_TRUE(a.starts_with("pbkdf2-sha256$1000$"));
  EXPECT_EQ(a.find("Correct-Horse-1"), std::string::npos);
  EXPECT_TRUE(VerifyPassword("Correct-Horse-1", a));
  EXPECT_TRUE(VerifyPassword("Correct-Horse-1", b));
  EXPECT_FALSE(VerifyPassword("Correct-Horse-2", a));
  EXPECT_FALSE(VerifyPassword("Correct-Horse-1", "pbkdf2-sha256$0$AAAA$AAAA"));
  EXPECT_FALSE(VerifyPassword("Correct-Horse-1", "plain"));
  EXPECT_FALSE(VerifyPassword("x", "pbkdf2-sha256$99999999999$AAAA$AAAA"));
  // The default count is the slow one.
  EXPECT_TRUE(HashPassword("x", random).starts_with("pbkdf2-sha256$210000$"));
}

}  // namespace
}  // namespace irsa::crypto
