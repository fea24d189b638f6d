#include "crypto/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>

#include "base/encoding.h"
#include "crypto/openssl_util.h"

namespace irsa::crypto {
namespace {

// Algorithms fetched once per process (implicit fetches on every call are measurably slower).
const EVP_MD* FetchedMd(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) std::abort();  // OpenSSL without SHA-2/SHA-1 cannot run irsa.
  return md;
}

enum MdIndex { kMdSha1, kMdSha256, kMdSha384, kMdSha512 };

const EVP_MD* Md(MdIndex which) {
  static const EVP_MD* const mds[] = {FetchedMd("SHA1"), FetchedMd("SHA256"), FetchedMd("SHA384"),
                                      FetchedMd("SHA512")};
  return mds[which];
}

std::string Digest(MdIndex which, std::string_view data) {
  const EVP_MD* md = Md(which);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) std::abort();
  return std::string(reinterpret_cast<char*>(out), len);
}

// HMAC (RFC 2104) composed from two SHA-256 digests on a reused per-thread EVP_MD_CTX. This is
// ~1.6x faster than EVP_MAC with a per-call key and ~4x faster than the one-shot HMAC() in
// OpenSSL 3, whose per-call provider setup dominates for SigV4's short inputs.
void HmacInto(std::string_view key, std::string_view data, uint8_t* out) {
  constexpr size_t kBlock = 64;
  const EVP_MD* md = Md(kMdSha256);
  thread_local EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) std::abort();
  unsigned char k[kBlock] = {0};
  unsigned int len = 0;
  if (key.size() > kBlock) {
    if (EVP_Digest(key.data(), key.size(), k, &len, md, nullptr) != 1) std::abort();
  } else if (!key.empty()) {
    std::memcpy(k, key.data(), key.size());
  }
  unsigned char pad[kBlock];
  unsigned char inner[kSha256Size];
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x36;
  if (EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), pad, kBlock) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), inner, &len) != 1) {
    std::abort();
  }
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x5c;
  if (EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), pad, kBlock) != 1 ||
      EVP_DigestUpdate(ctx.get(), inner, kSha256Size) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) {
    std::abort();
  }
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
}

}  // namespace

std::string Sha256(std::string_view data) { return Digest(kMdSha256, data); }
std::string Sha384(std::string_view data) { return Digest(kMdSha384, data); }
std::string Sha512(std::string_view data) { return Digest(kMdSha512, data); }
std::string Sha1(std::string_view data) { return Digest(kMdSha1, data); }
std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string out(kSha256Size, '\0');
  HmacInto(key, data, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

std::array<uint8_t, kSha256Size> HmacSha256Array(std::string_view key, std::string_view data) {
  std::array<uint8_t, kSha256Size> out;
  HmacInto(key, data, out.data());
  return out;
}

}  // namespace irsa::crypto
