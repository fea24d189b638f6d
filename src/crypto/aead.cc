#include "crypto/aead.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <span>

#include "crypto/openssl_util.h"

namespace irsa::crypto {
namespace {

const EVP_CIPHER* Aes256Gcm() {
  static const EVP_CIPHER* cipher = [] {
    EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    if (c == nullptr) std::abort();
    return c;
  }();
  return cipher;
}

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

constexpr size_t kMaxLen = static_cast<size_t>(std::numeric_limits<int>::max()) - 64;

Error AuthFailed() { return errors::InvalidInput("sealed data failed authentication"); }

// A cipher context already keyed with the last key this thread used for one direction: the AES key
// schedule and the GHASH tables are computed once per key, and each message only sets its nonce
// (EVP_CipherInit_ex2 with no cipher and no key keeps both). The key copy is wiped when the thread
// ends or the key changes.
class KeyedContext {
 public:
  explicit KeyedContext(bool encrypt) : encrypt_(encrypt) {}
  ~KeyedContext() { OPENSSL_cleanse(key_, sizeof key_); }
  KeyedContext(const KeyedContext&) = delete;
  KeyedContext& operator=(const KeyedContext&) = delete;

  // The context for `key` (kAeadKeySize bytes) with `nonce` set, or nullptr on OpenSSL failure.
  EVP_CIPHER_CTX* Prepare(std::string_view key, const unsigned char* nonce) {
    if (!keyed_ || CRYPTO_memcmp(key_, key.data(), sizeof key_) != 0) {
      keyed_ = false;
      if (!ctx_) ctx_.reset(EVP_CIPHER_CTX_new());
      if (!ctx_ || EVP_CipherInit_ex2(ctx_.get(), Aes256Gcm(), U(key), nonce, encrypt_ ? 1 : 0,
                                      nullptr) != 1) {
        ctx_.reset();
        return nullptr;
      }
      std::copy(key.begin(), key.end(), key_);
      keyed_ = true;
      return ctx_.get();
    }
    if (EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, nonce, encrypt_ ? 1 : 0, nullptr) != 1) {
      keyed_ = false;
      ctx_.reset();
      return nullptr;
    }
    return ctx_.get();
  }

 private:
  const bool encrypt_;
  bool keyed_ = false;
  unsigned char key_[kAeadKeySize] = {};
  EvpCipherCtxPtr ctx_;
};

EVP_CIPHER_CTX* SealContext(std::string_view key, const unsigned char* nonce) {
  thread_local KeyedContext context(/*encrypt=*/true);
  return context.Prepare(key, nonce);
}

EVP_CIPHER_CTX* OpenContext(std::string_view key, const unsigned char* nonce) {
  thread_local KeyedContext context(/*encrypt=*/false);
  return context.Prepare(key, nonce);
}

}  // namespace

Result<std::string> AeadSeal(std::string_view key, std::string_view plaintext, std::string_view aad,
                             Random& random) {
  if (key.size() != kAeadKeySize) return errors::InternalFailure("AEAD key must be 32 bytes");
  if (plaintext.size() > kMaxLen || aad.size() > kMaxLen) {
    return errors::InternalFailure("AEAD input too large");
  }
  std::string out(kAeadNonceSize + plaintext.size() + kAeadTagSize, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  random.Fill(std::span<uint8_t>(o, kAeadNonceSize));
  EVP_CIPHER_CTX* ctx = SealContext(key, o);
  int len = 0;
  if (ctx == nullptr) return OpenSslError("AES-GCM init");
  if (!aad.empty() &&
      EVP_EncryptUpdate(ctx, nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1) {
    return OpenSslError("AES-GCM aad");
  }
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx, o + kAeadNonceSize, &len, U(plaintext),
                                              static_cast<int>(plaintext.size())) != 1) {
    return OpenSslError("AES-GCM encrypt");
  }
  if (EVP_EncryptFinal_ex(ctx, o + kAeadNonceSize + plaintext.size(), &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kAeadTagSize,
                          o + kAeadNonceSize + plaintext.size()) != 1) {
    return OpenSslError("AES-GCM final");
  }
  return out;
}

Result<std::string> AeadOpen(std::string_view key, std::string_view sealed, std::string_view aad) {
  if (key.size() != kAeadKeySize) return errors::InternalFailure("AEAD key must be 32 bytes");
  if (sealed.size() < kAeadOverhead || sealed.size() > kMaxLen || aad.size() > kMaxLen) {
    return AuthFailed();
  }
  const size_t ct_len = sealed.size() - kAeadOverhead;
  const unsigned char* s = U(sealed);
  std::string out(ct_len, '\0');
  EVP_CIPHER_CTX* ctx = OpenContext(key, s);
  int len = 0;
  if (ctx == nullptr) return OpenSslError("AES-GCM init");
  if (!aad.empty() &&
      EVP_DecryptUpdate(ctx, nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1) {
    ClearOpenSslErrors();
    return AuthFailed();
  }
  if (ct_len > 0 && EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                                      s + kAeadNonceSize, static_cast<int>(ct_len)) != 1) {
    ClearOpenSslErrors();
    return AuthFailed();
  }
  // The tag buffer is only read by OpenSSL; the API takes a non-const pointer.
  unsigned char tag[kAeadTagSize];
  std::copy(s + kAeadNonceSize + ct_len, s + sealed.size(), tag);
  unsigned char final_buf[16];
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kAeadTagSize, tag) != 1 ||
      EVP_DecryptFinal_ex(ctx, final_buf, &len) != 1) {
    ClearOpenSslErrors();
    OPENSSL_cleanse(out.data(), out.size());
    return AuthFailed();
  }
  return out;
}

}  // namespace irsa::crypto
