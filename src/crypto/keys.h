// Asymmetric keys for JWS signing and TLS: EC P-256/P-384/P-521 and RSA.
//
// PublicKey and PrivateKey are cheap-to-copy immutable handles (shared ownership of one
// EVP_PKEY); they are safe to share between threads for signing and verifying. A PublicKey
// caches its SPKI DER and key id (base64url(SHA-256(SPKI DER)), no padding — the kube-apiserver
// convention). Imports take untrusted input: failures are InvalidInput with a reason, never a
// crash; RSA keys under 2048 bits and curves other than P-256/384/521 are rejected. Error
// messages never contain private key material.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/openssl_util.h"

namespace irsa::crypto {

enum class KeyType { kRsa, kEcP256, kEcP384, kEcP521 };

// "RSA", "EC P-256", ... for messages.
std::string_view KeyTypeName(KeyType type);
inline bool IsEc(KeyType type) { return type != KeyType::kRsa; }

inline constexpr int kMinRsaBits = 2048;

// Prepared OpenSSL contexts for one key, one slot per use (e.g. per signature algorithm), shared
// by every copy of the key. A slot is filled at most once and never changes afterwards, so a
// context obtained from it stays valid for the cache's lifetime; users must not modify it (they
// EVP_PKEY_CTX_dup it). Thread-safe.
class KeyContextCache {
 public:
  static constexpr size_t kSlots = 16;
  KeyContextCache() = default;
  KeyContextCache(const KeyContextCache&) = delete;
  KeyContextCache& operator=(const KeyContextCache&) = delete;
  ~KeyContextCache();

  // The slot's context, or nullptr while unset. slot < kSlots.
  const EVP_PKEY_CTX* Get(size_t slot) const;
  // Stores `ctx` (taking ownership) unless the slot is already set, in which case `ctx` is freed.
  // Returns the slot's context.
  const EVP_PKEY_CTX* Put(size_t slot, EVP_PKEY_CTX* ctx);

 private:
  std::array<std::atomic<EVP_PKEY_CTX*>, kSlots> slots_{};
};

class PublicKey {
 public:
  static Result<PublicKey> FromSpkiDer(std::string_view der);
  // "-----BEGIN PUBLIC KEY-----" (SPKI) PEM.
  static Result<PublicKey> FromPem(std::string_view pem);
  // Takes ownership of a public (or private: only the public half is kept) key.
  static Result<PublicKey> FromEvp(EvpPkeyPtr pkey);

  KeyType type() const { return type_; }
  int bits() const { return bits_; }
  const std::string& spki_der() const { return spki_der_; }
  const std::string& key_id() const { return key_id_; }
  std::string ToPem() const;
  EVP_PKEY* get() const { return pkey_.get(); }
  // Contexts prepared for this key (crypto::Verify keeps its per-algorithm templates here).
  KeyContextCache& contexts() const { return *contexts_; }

  bool operator==(const PublicKey& other) const { return spki_der_ == other.spki_der_; }

 private:
  friend class PrivateKey;
  PublicKey() = default;
  std::shared_ptr<EVP_PKEY> pkey_;
  std::shared_ptr<KeyContextCache> contexts_ = std::make_shared<KeyContextCache>();
  KeyType type_ = KeyType::kRsa;
  int bits_ = 0;
  std::string spki_der_;
  std::string key_id_;
};

// key_id of the public half: base64url(SHA-256(SPKI DER)).
std::string KeyId(const PublicKey& key);

class PrivateKey {
 public:
  // EC keys ignore `rsa_bits`; RSA requires 2048..16384 bits.
  static Result<PrivateKey> Generate(KeyType type, int rsa_bits = 2048);
  // PKCS#8 ("BEGIN PRIVATE KEY") or traditional ("BEGIN EC/RSA PRIVATE KEY") PEM, unencrypted.
  static Result<PrivateKey> FromPem(std::string_view pem);

  // Unencrypted PKCS#8 PEM. Treat the result as a secret.
  std::string ToPkcs8Pem() const;
  const PublicKey& public_key() const { return public_; }
  KeyType type() const { return public_.type(); }
  const std::string& key_id() const { return public_.key_id(); }
  EVP_PKEY* get() const { return pkey_.get(); }

 private:
  PrivateKey() = default;
  static Result<PrivateKey> FromEvp(EvpPkeyPtr pkey);
  std::shared_ptr<EVP_PKEY> pkey_;
  PublicKey public_;
};

// Classifies a key (RSA bit size check, EC curve name). Shared by the importers.
Result<KeyType> ClassifyKey(EVP_PKEY* pkey);

}  // namespace irsa::crypto
