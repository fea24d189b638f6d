#include "s3/checksum.h"

#include <openssl/evp.h>

#include <array>
#include <cassert>
#include <cstring>

#include "base/encoding.h"
#include "base/strings.h"
#include "s3/errors.h"

namespace irsa::s3 {
namespace {

// Slicing-by-8 tables for a reflected CRC-32 polynomial.
struct CrcTables {
  std::array<std::array<uint32_t, 256>, 8> t{};
  explicit constexpr CrcTables(uint32_t poly) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
      for (size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
    }
  }
};

constexpr CrcTables kCrc32Tables(0xEDB88320u);
constexpr CrcTables kCrc32cTables(0x82F63B78u);

uint32_t CrcUpdate(const CrcTables& tables, uint32_t crc, std::string_view data) {
  const auto& t = tables.t;
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t n = data.size();
  crc = ~crc;
  while (n >= 8) {
    uint32_t lo = crc ^ (static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24);
    uint32_t hi = static_cast<uint32_t>(p[4]) | static_cast<uint32_t>(p[5]) << 8 |
                  static_cast<uint32_t>(p[6]) << 16 | static_cast<uint32_t>(p[7]) << 24;
    crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
          t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xFF];
  return ~crc;
}

class CrcHasher final : public Hasher {
 public:
  explicit CrcHasher(const CrcTables& tables) : tables_(tables) {}
  void Update(std::string_view data) override { crc_ = CrcUpdate(tables_, crc_, data); }
  std::string Finish() override {
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(crc_ >> (24 - 8 * i));
    return out;
  }

 private:
  const CrcTables& tables_;
  uint32_t crc_ = 0;
};

const EVP_MD* Md(Hasher::Kind kind) {
  // Fetched once: implicit fetching per context costs more than hashing a small part.
  static const EVP_MD* md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static const EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static const EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  switch (kind) {
    case Hasher::Kind::kMd5:
      return md5;
    case Hasher::Kind::kSha1:
      return sha1;
    default:
      return sha256;
  }
}

class EvpHasher final : public Hasher {
 public:
  explicit EvpHasher(Hasher::Kind kind) : ctx_(EVP_MD_CTX_new()) {
    const EVP_MD* md = Md(kind);
    bool ok = ctx_ != nullptr && md != nullptr && EVP_DigestInit_ex2(ctx_, md, nullptr) == 1;
    assert(ok && "OpenSSL digest unavailable");
    (void)ok;
  }
  ~EvpHasher() override { EVP_MD_CTX_free(ctx_); }
  EvpHasher(const EvpHasher&) = delete;
  EvpHasher& operator=(const EvpHasher&) = delete;
  void Update(std::string_view data) override { EVP_DigestUpdate(ctx_, data.data(), data.size()); }
  std::string Finish() override {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
  }

 private:
  EVP_MD_CTX* ctx_;
};

Hasher::Kind KindOf(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return Hasher::Kind::kCrc32;
    case ChecksumAlgorithm::kCrc32c:
      return Hasher::Kind::kCrc32c;
    case ChecksumAlgorithm::kSha1:
      return Hasher::Kind::kSha1;
    case ChecksumAlgorithm::kSha256:
      return Hasher::Kind::kSha256;
  }
  return Hasher::Kind::kCrc32;
}

}  // namespace

std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name) {
  if (EqualsIgnoreCase(name, "CRC32")) return ChecksumAlgorithm::kCrc32;
  if (EqualsIgnoreCase(name, "CRC32C")) return ChecksumAlgorithm::kCrc32c;
  if (EqualsIgnoreCase(name, "SHA1")) return ChecksumAlgorithm::kSha1;
  if (EqualsIgnoreCase(name, "SHA256")) return ChecksumAlgorithm::kSha256;
  return std::nullopt;
}

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return "CRC32";
    case ChecksumAlgorithm::kCrc32c:
      return "CRC32C";
    case ChecksumAlgorithm::kSha1:
      return "SHA1";
    case ChecksumAlgorithm::kSha256:
      return "SHA256";
  }
  return "CRC32";
}

std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return "x-amz-checksum-crc32";
    case ChecksumAlgorithm::kCrc32c:
      return "x-amz-checksum-crc32c";
    case ChecksumAlgorithm::kSha1:
      return "x-amz-checksum-sha1";
    case ChecksumAlgorithm::kSha256:
      return "x-amz-checksum-sha256";
  }
  return "x-amz-checksum-crc32";
}

std::string_view ChecksumTypeName(ChecksumType type) {
  return type == ChecksumType::kComposite ? "COMPOSITE" : "FULL_OBJECT";
}

size_t ChecksumDigestSize(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c:
      return 4;
    case ChecksumAlgorithm::kSha1:
      return 20;
    case ChecksumAlgorithm::kSha256:
      return 32;
  }
  return 4;
}

uint32_t Crc32Update(uint32_t crc, std::string_view data) {
  return CrcUpdate(kCrc32Tables, crc, data);
}
uint32_t Crc32cUpdate(uint32_t crc, std::string_view data) {
  return CrcUpdate(kCrc32cTables, crc, data);
}

std::unique_ptr<Hasher> Hasher::New(Kind kind) {
  switch (kind) {
    case Kind::kCrc32:
      return std::make_unique<CrcHasher>(kCrc32Tables);
    case Kind::kCrc32c:
      return std::make_unique<CrcHasher>(kCrc32cTables);
    default:
      return std::make_unique<EvpHasher>(kind);
  }
}

std::unique_ptr<Hasher> Hasher::New(ChecksumAlgorithm algorithm) { return New(KindOf(algorithm)); }

std::string Md5(std::string_view data) {
  EvpHasher h(Hasher::Kind::kMd5);
  h.Update(data);
  return h.Finish();
}

std::string ComputeChecksum(ChecksumAlgorithm algorithm, std::string_view data) {
  std::unique_ptr<Hasher> h = Hasher::New(algorithm);
  h->Update(data);
  return h->Finish();
}

BodyDigester::BodyDigester(std::optional<ChecksumAlgorithm> checksum)
    : md5_(Hasher::New(Hasher::Kind::kMd5)),
      checksum_(checksum ? Hasher::New(*checksum) : nullptr) {}

void BodyDigester::Update(std::string_view data) {
  md5_->Update(data);
  if (checksum_) checksum_->Update(data);
  bytes_ += static_cast<int64_t>(data.size());
}

BodyDigester::Digests BodyDigester::Finish() {
  Digests d;
  d.md5 = md5_->Finish();
  if (checksum_) d.checksum = checksum_->Finish();
  return d;
}

std::string ETagFromMd5(std::string_view raw_md5) { return "\"" + HexEncode(raw_md5) + "\""; }

std::string MultipartETag(const std::vector<std::string>& part_md5s) {
  EvpHasher h(Hasher::Kind::kMd5);
  for (const std::string& md5 : part_md5s) h.Update(md5);
  return "\"" + HexEncode(h.Finish()) + "-" + std::to_string(part_md5s.size()) + "\"";
}

std::string_view ETagValue(std::string_view etag) {
  etag = TrimWhitespace(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

std::optional<std::string> Md5FromETag(std::string_view etag) {
  std::string_view value = ETagValue(etag);
  if (value.size() != 32) return std::nullopt;
  for (char c : value) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return std::nullopt;
    }
  }
  return HexDecode(AsciiLower(value));
}

Result<std::string> ParseContentMd5(std::string_view header) {
  std::optional<std::string> raw = Base64Decode(TrimWhitespace(header));
  if (!raw || raw->size() != 16) return errors::InvalidDigest();
  return std::move(*raw);
}

Result<std::string> ParseChecksumValue(ChecksumAlgorithm algorithm, std::string_view base64) {
  std::optional<std::string> raw = Base64Decode(TrimWhitespace(base64));
  if (!raw || raw->size() != ChecksumDigestSize(algorithm)) {
    return errors::InvalidRequest("Value for " + std::string(ChecksumHeaderName(algorithm)) +
                                  " header is invalid.");
  }
  return std::move(*raw);
}

std::string CompositeChecksum(ChecksumAlgorithm algorithm,
                              const std::vector<std::string>& raw_part_checksums) {
  std::unique_ptr<Hasher> h = Hasher::New(algorithm);
  for (const std::string& raw : raw_part_checksums) h->Update(raw);
  return Base64Encode(h->Finish()) + "-" + std::to_string(raw_part_checksums.size());
}

Error DigestMismatch(std::string_view what) {
  if (what == "Content-MD5") return errors::BadDigest();
  return errors::BadDigest("The " + std::string(what) +
                           " you specified did not match the calculated checksum.");
}

}  // namespace irsa::s3
