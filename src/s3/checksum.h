// Integrity values of object bodies: the MD5 behind ETags and Content-MD5, and S3's flexible
// checksums (CRC32, CRC32C, SHA-1, SHA-256; https://docs.aws.amazon.com/AmazonS3/latest/userguide/
// checking-object-integrity.html). MD5/SHA use OpenSSL's EVP; CRC32 and CRC32C are table-driven
// (slicing-by-8) here.
//
// ETags: a single PUT's ETag is the quoted lower-hex MD5 of the body; a multipart object's is the
// quoted hex MD5 of the concatenated binary part MD5s, "-", and the part count. Composite
// checksums of multipart objects follow the same construction with the checksum algorithm.
//
// Thread-safety: a Hasher/BodyDigester belongs to one thread; free functions are reentrant.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace irsa::s3 {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kSha1, kSha256 };
// FULL_OBJECT: over the whole body; COMPOSITE: over the part checksums of a multipart object.
enum class ChecksumType { kFullObject, kComposite };

struct Checksum {
  ChecksumAlgorithm algorithm = ChecksumAlgorithm::kCrc32;
  std::string value;  // base64 of the raw digest; composite values end in "-<parts>"
  ChecksumType type = ChecksumType::kFullObject;
  bool operator==(const Checksum&) const = default;
};

// "CRC32", "CRC32C", "SHA1", "SHA256" (any case); nullopt otherwise (CRC64NVME, MD5, ... are not
// supported).
std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name);
std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm);  // "CRC32", ...
std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm);     // "x-amz-checksum-crc32"
std::string_view ChecksumTypeName(ChecksumType type);                 // "FULL_OBJECT", ...
size_t ChecksumDigestSize(ChecksumAlgorithm algorithm);               // raw bytes: 4, 4, 20, 32

uint32_t Crc32Update(uint32_t crc, std::string_view data);   // crc starts at 0
uint32_t Crc32cUpdate(uint32_t crc, std::string_view data);  // crc starts at 0

// A streaming digest.
class Hasher {
 public:
  enum class Kind { kMd5, kSha1, kSha256, kCrc32, kCrc32c };
  static std::unique_ptr<Hasher> New(Kind kind);
  static std::unique_ptr<Hasher> New(ChecksumAlgorithm algorithm);
  virtual ~Hasher() = default;
  virtual void Update(std::string_view data) = 0;
  // The raw digest (CRCs big-endian); the hasher is spent afterwards.
  virtual std::string Finish() = 0;
};

// One-shot conveniences.
std::string Md5(std::string_view data);
std::string ComputeChecksum(ChecksumAlgorithm algorithm, std::string_view data);  // raw

// MD5 of a body (for its ETag) and, optionally, one flexible checksum, in one pass.
class BodyDigester {
 public:
  explicit BodyDigester(std::optional<ChecksumAlgorithm> checksum);
  void Update(std::string_view data);
  int64_t bytes() const { return bytes_; }
  struct Digests {
    std::string md5;       // raw, 16 bytes
    std::string checksum;  // raw; empty without an algorithm
  };
  Digests Finish();

 private:
  std::unique_ptr<Hasher> md5_;
  std::unique_ptr<Hasher> checksum_;
  int64_t bytes_ = 0;
};

// "\"<hex md5>\"".
std::string ETagFromMd5(std::string_view raw_md5);
// "\"<hex md5 of concatenated part md5s>-<N>\"". `part_md5s` are raw 16-byte digests.
std::string MultipartETag(const std::vector<std::string>& part_md5s);
// The raw MD5 inside a single-part ETag (quoted or not); nullopt for anything else.
std::optional<std::string> Md5FromETag(std::string_view etag);
// The ETag with surrounding quotes removed, for comparisons.
std::string_view ETagValue(std::string_view etag);

// Content-MD5: base64 of 16 bytes, else InvalidDigest. Returns the raw digest.
Result<std::string> ParseContentMd5(std::string_view header);
// x-amz-checksum-<alg>: base64 of the algorithm's digest size, else InvalidRequest ("Value for
// x-amz-checksum-crc32 header is invalid."). Returns the raw digest.
Result<std::string> ParseChecksumValue(ChecksumAlgorithm algorithm, std::string_view base64);

// COMPOSITE checksum of a multipart object: base64(H(concat(raw part checksums))) + "-N".
std::string CompositeChecksum(ChecksumAlgorithm algorithm,
                              const std::vector<std::string>& raw_part_checksums);

// Error for a body whose computed digest differs from the one declared: BadDigest with S3's
// message naming the algorithm ("Content-MD5" for MD5).
Error DigestMismatch(std::string_view what);

}  // namespace irsa::s3
