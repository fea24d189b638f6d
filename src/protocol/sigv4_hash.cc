#include "protocol/sigv4_hash.h"

#include <openssl/evp.h>

#include <cassert>
#include <cstring>
#include <memory>

namespace irsa::protocol::internal {
namespace {

constexpr size_t kBlockSize = 64;

const EVP_MD* Sha256Md() {
  // Fetched once: implicit fetching on every call costs more than the hash of a short message.
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  assert(md != nullptr);
  return md;
}

struct CtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

EVP_MD_CTX* ThreadCtx() {
  thread_local std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  return ctx.get();
}

// Hashes the concatenation of `a` and `b`.
Digest Sha256Two(std::string_view a, std::string_view b) {
  EVP_MD_CTX* ctx = ThreadCtx();
  Digest out{};
  unsigned int len = 0;
  bool ok = ctx != nullptr && EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, a.data(), a.size()) == 1 &&
            EVP_DigestUpdate(ctx, b.data(), b.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, out.data(), &len) == 1;
  assert(ok && len == out.size());
  (void)ok;
  return out;
}

}  // namespace

Digest Sha256(std::string_view data) { return Sha256Two(data, {}); }

Digest HmacSha256(std::string_view key, std::string_view data) {
  // RFC 2104 over SHA-256; cheaper than OpenSSL 3's EVP_MAC fetch per call.
  std::array<char, kBlockSize> k{};
  if (key.size() > kBlockSize) {
    Digest hashed = Sha256(key);
    std::memcpy(k.data(), hashed.data(), hashed.size());
  } else {
    std::memcpy(k.data(), key.data(), key.size());
  }
  std::array<char, kBlockSize> pad;
  for (size_t i = 0; i < kBlockSize; ++i) pad[i] = static_cast<char>(k[i] ^ 0x36);
  Digest inner = Sha256Two({pad.data(), pad.size()}, data);
  for (size_t i = 0; i < kBlockSize; ++i) pad[i] = static_cast<char>(k[i] ^ 0x5c);
  return Sha256Two({pad.data(), pad.size()}, DigestView(inner));
}

std::string DigestHex(const Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < digest.size(); ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace irsa::protocol::internal
