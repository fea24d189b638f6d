// Asymmetric keys for JWS signing and TLS: EC P-256/P-384/P-521 and RSA.
//
// PublicKey and PrivateKey are cheap-to-copy immutable handles (shared ownership of one
// EVP_PKEY); they are safe to share between threads for signing and verifying. A PublicKey
// caches its SPKI DER and key id (base64url(SHA-256(SPKI DER)), no padding — the kube-apiserver
// convention). Imports take untrusted input: failures are InvalidInput with a reason, never a
// crash; RSA keys under 2048 bits and curves other than P-256/384/521 are rejected. Error
// messages never contain private key material.
#pragma once

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

  bool operator==(const PublicKey& other) const { return spki_der_ == other.spki_der_; }

 private:
  friend class PrivateKey;
  PublicKey() = default;
  std::shared_ptr<EVP_PKEY> pkey_;
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
