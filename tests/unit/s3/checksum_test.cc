// MD5/ETag, CRC32, CRC32C, SHA-1, SHA-256, composite checksums.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "base/encoding.h"
#include "s3/checksum.h"

namespace irsa::s3 {
namespace {

std::string B64(ChecksumAlgorithm a, std::string_view data) {
  return Base64Encode(ComputeChecksum(a, data));
}

// Bit-at-a-time reference CRCs (reflected), independent of the table code.
uint32_t ReferenceCrc(uint32_t poly, std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc & 1) ? (crc >> 1) ^ poly : crc >> 1;
  }
  return ~crc;
}

TEST(Crc, CheckValues) {
  EXPECT_EQ(Crc32Update(0, "123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32cUpdate(0, "123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32Update(0, ""), 0u);
  EXPECT_EQ(Crc32cUpdate(0, ""), 0u);
  // RFC 3720 B.4: 32 bytes of zeros / of 0xFF.
  EXPECT_EQ(Crc32cUpdate(0, std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32cUpdate(0, std::string(32, '\xFF')), 0x62A8AB43u);
}

TEST(Crc, SlicingMatchesBitwiseAcrossSplits) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::string data(rng() % 300, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    size_t split = data.empty() ? 0 : rng() % data.size();
    uint32_t c32 = Crc32Update(Crc32Update(0, data.substr(0, split)), data.substr(split));
    uint32_t c32c = Crc32cUpdate(Crc32cUpdate(0, data.substr(0, split)), data.substr(split));
    EXPECT_EQ(c32, ReferenceCrc(0xEDB88320u, data));
    EXPECT_EQ(c32c, ReferenceCrc(0x82F63B78u, data));
  }
}

TEST(Checksum, Base64ValuesAsBotocoreSendsThem) {
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32, "hello world"), "DUoRhQ==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kSha1, "hello world"), "Kq5sNclPz7QV2+lfQIuc6R7oRu0=");
  EXPECT_EQ(B64(ChecksumAlgorithm::kSha256, "hello world"),
            "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=");
  EXPECT_EQ(ComputeChecksum(ChecksumAlgorithm::kCrc32c, "123456789"), "\xE3\x06\x92\x83");
}

TEST(Checksum, Names) {
  for (auto a : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kSha1,
                 ChecksumAlgorithm::kSha256}) {
    EXPECT_EQ(ParseChecksumAlgorithm(ChecksumAlgorithmName(a)), a);
    EXPECT_EQ(ComputeChecksum(a, "x").size(), ChecksumDigestSize(a));
  }
  EXPECT_EQ(ParseChecksumAlgorithm("crc32c"), ChecksumAlgorithm::kCrc32c);
  EXPECT_FALSE(ParseChecksumAlgorithm("CRC64NVME").has_value());
  EXPECT_FALSE(ParseChecksumAlgorithm("MD5").has_value());
  EXPECT_EQ(ChecksumHeaderName(ChecksumAlgorithm::kSha256), "x-amz-checksum-sha256");
}

TEST(Checksum, StreamingEqualsOneShot) {
  BodyDigester d(ChecksumAlgorithm::kSha256);
  d.Update("hello ");
  d.Update("");
  d.Update("world");
  EXPECT_EQ(d.bytes(), 11);
  BodyDigester::Digests out = d.Finish();
  EXPECT_EQ(out.md5, Md5("hello world"));
  EXPECT_EQ(Base64Encode(out.checksum), "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=");
  BodyDigester plain(std::nullopt);
  EXPECT_TRUE(plain.Finish().checksum.empty());
}

TEST(ETag, SingleAndMultipart) {
  EXPECT_EQ(ETagFromMd5(Md5("")), "\"d41d8cd98f00b204e9800998ecf8427e\"");
  EXPECT_EQ(MultipartETag({Md5(std::string(10, 'a')), Md5(std::string(5, 'b'))}),
            "\"94bfe67beece4111821a3daf596d366f-2\"");
  EXPECT_EQ(Md5FromETag("\"d41d8cd98f00b204e9800998ecf8427e\""), Md5(""));
  EXPECT_EQ(Md5FromETag("D41D8CD98F00B204E9800998ECF8427E"), Md5(""));
  EXPECT_FALSE(Md5FromETag("\"94bfe67beece4111821a3daf596d366f-2\"").has_value());
  EXPECT_EQ(ETagValue(" \"abc\" "), "abc");
  EXPECT_EQ(ETagValue("abc"), "abc");
}

TEST(Checksum, Composite) {
  std::vector<std::string> parts = {
      ComputeChecksum(ChecksumAlgorithm::kCrc32, std::string(10, 'a')),
      ComputeChecksum(ChecksumAlgorithm::kCrc32, std::string(5, 'b'))};
  EXPECT_EQ(CompositeChecksum(ChecksumAlgorithm::kCrc32, parts), "z8egKg==-2");
}

TEST(Checksum, HeaderParsing) {
  EXPECT_EQ(*ParseContentMd5("1B2M2Y8AsgTpgAmY7PhCfg=="), Md5(""));
  EXPECT_EQ(ParseContentMd5("not base64!").error().code(), "InvalidDigest");
  EXPECT_EQ(ParseContentMd5("AAAA").error().code(), "InvalidDigest");  // 3 bytes
  EXPECT_EQ(*ParseChecksumValue(ChecksumAlgorithm::kCrc32, "DUoRhQ=="), "\x0d\x4a\x11\x85");
  Result<std::string> bad = ParseChecksumValue(ChecksumAlgorithm::kSha256, "DUoRhQ==");
  EXPECT_EQ(bad.error().code(), "InvalidRequest");
  EXPECT_EQ(bad.error().message(), "Value for x-amz-checksum-sha256 header is invalid.");
  EXPECT_EQ(DigestMismatch("Content-MD5").code(), "BadDigest");
  EXPECT_EQ(DigestMismatch("CRC32").message(),
            "The CRC32 you specified did not match the calculated checksum.");
}

}  // namespace
}  // namespace irsa::s3
