#include "crypto/openssl_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace irsa::crypto {
namespace {

TEST(OpenSslUtil, BignumToBytesPads) {
  BignumPtr bn(BN_new());
  ASSERT_TRUE(BN_set_word(bn.get(), 0x0102));
  EXPECT_EQ(BignumToBytes(bn.get()), std::string("\x01\x02", 2));
  EXPECT_EQ(BignumToBytes(bn.get(), 4), std::string("\x00\x00\x01\x02", 4));
  EXPECT_EQ(BignumToBytes(bn.get(), 1), "") << "does not fit";
}

TEST(OpenSslUtil, FilesWithModes) {
  std::string path = ::testing::TempDir() + "/irsa_util_test_" + std::to_string(::getpid());
  ASSERT_TRUE(WriteFileAtomic(path, "secret", 0600).ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*ReadFileToString(path), "secret");
  auto too_big = ReadFileToString(path, 3);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().message().find("secret"), std::string::npos);
  ASSERT_TRUE(WriteFileAtomic(path, "public", 0644).ok());
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  std::remove(path.c_str());
  EXPECT_FALSE(ReadFileToString(path).ok());
  EXPECT_FALSE(WriteFileAtomic("/nonexistent-dir/x", "y", 0600).ok());
}

TEST(OpenSslUtil, ErrorsDrainQueue) {
  // Provoke an OpenSSL error, then check it is reported once and cleared.
  const unsigned char junk[] = {0x30, 0x01};
  const unsigned char* p = junk;
  EXPECT_EQ(d2i_PUBKEY(nullptr, &p, sizeof junk), nullptr);
  Error e = OpenSslError("decoding");
  EXPECT_EQ(e.code(), "InternalFailure");
  EXPECT_EQ(e.message().rfind("decoding", 0), 0u);
  EXPECT_EQ(OpenSslError("again").message(), "again");
}

}  // namespace
}  // namespace irsa::crypto
