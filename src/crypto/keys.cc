#include "crypto/keys.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <cstring>

#include "base/encoding.h"
#include "crypto/hash.h"

namespace irsa::crypto {
namespace {

// Never prompt for a passphrase: encrypted PEM input simply fails.
int NoPassword(char*, int, int, void*) { return -1; }

constexpr size_t kMaxPemSize = 64 * 1024;

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kRsa:
      return "RSA";
    case KeyType::kEcP256:
      return "EC P-256";
    case KeyType::kEcP384:
      return "EC P-384";
    case KeyType::kEcP521:
      return "EC P-521";
  }
  return "unknown";
}

Result<KeyType> ClassifyKey(EVP_PKEY* pkey) {
  int id = EVP_PKEY_get_base_id(pkey);
  if (id == EVP_PKEY_RSA) {
    int bits = EVP_PKEY_get_bits(pkey);
    if (bits < kMinRsaBits) {
      return errors::InvalidInput("RSA key has " + std::to_string(bits) +
                                  " bits; at least 2048 are required");
    }
    if (bits > 16384) return errors::InvalidInput("RSA key larger than 16384 bits");
    return KeyType::kRsa;
  }
  if (id == EVP_PKEY_EC) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1) {
      ClearOpenSslErrors();
      return errors::InvalidInput("EC key has no named curve");
    }
    std::string_view name(group, len);
    if (name == "prime256v1" || name == "P-256") return KeyType::kEcP256;
    if (name == "secp384r1" || name == "P-384") return KeyType::kEcP384;
    if (name == "secp521r1" || name == "P-521") return KeyType::kEcP521;
    return errors::InvalidInput("unsupported EC curve " + std::string(name));
  }
  return errors::InvalidInput("unsupported key type (only RSA and EC keys are accepted)");
}

KeyContextCache::~KeyContextCache() {
  for (auto& slot : slots_) EVP_PKEY_CTX_free(slot.load(std::memory_order_relaxed));
}

const EVP_PKEY_CTX* KeyContextCache::Get(size_t slot) const {
  return slots_[slot].load(std::memory_order_acquire);
}

const EVP_PKEY_CTX* KeyContextCache::Put(size_t slot, EVP_PKEY_CTX* ctx) {
  EVP_PKEY_CTX* expected = nullptr;
  if (slots_[slot].compare_exchange_strong(expected, ctx, std::memory_order_acq_rel)) return ctx;
  EVP_PKEY_CTX_free(ctx);
  return expected;
}

Result<PublicKey> PublicKey::FromEvp(EvpPkeyPtr pkey) {
  if (!pkey) return errors::InvalidInput("no key");
  IRSA_TRY(KeyType type, ClassifyKey(pkey.get()));
  int len = i2d_PUBKEY(pkey.get(), nullptr);
  if (len <= 0) return OpenSslError("encoding public key");
  std::string der(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_PUBKEY(pkey.get(), &p) != len) return OpenSslError("encoding public key");
  // Re-decode so the handle holds only the public half even when given a private key.
  const auto* q = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &q, len);
  if (pub == nullptr) return OpenSslError("decoding public key");
  PublicKey key;
  key.pkey_ = std::shared_ptr<EVP_PKEY>(pub, EVP_PKEY_free);
  key.type_ = type;
  key.bits_ = EVP_PKEY_get_bits(pub);
  key.key_id_ = Base64UrlEncode(Sha256(der));
  key.spki_der_ = std::move(der);
  return key;
}

Result<PublicKey> PublicKey::FromSpkiDer(std::string_view der) {
  if (der.empty() || der.size() > kMaxPemSize) return errors::InvalidInput("bad SPKI DER size");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EvpPkeyPtr pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!pkey || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    ClearOpenSslErrors();
    return errors::InvalidInput("not a valid DER SubjectPublicKeyInfo");
  }
  return FromEvp(std::move(pkey));
}

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  if (pem.size() > kMaxPemSize) return errors::InvalidInput("PEM too large");
  BioPtr bio = MemoryBioFrom(pem);
  EvpPkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassword, nullptr));
  if (!pkey) {
    ClearOpenSslErrors();
    return errors::InvalidInput("not a PEM public key (expected BEGIN PUBLIC KEY)");
  }
  return FromEvp(std::move(pkey));
}

std::string PublicKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) std::abort();
  return BioContents(bio.get());
}

std::string KeyId(const PublicKey& key) { return key.key_id(); }

Result<PrivateKey> PrivateKey::FromEvp(EvpPkeyPtr pkey) {
  // A second reference for the public handle (which re-encodes only the public half).
  if (EVP_PKEY_up_ref(pkey.get()) != 1) return OpenSslError("key reference");
  IRSA_TRY(PublicKey pub, PublicKey::FromEvp(EvpPkeyPtr(pkey.get())));
  PrivateKey key;
  key.pkey_ = std::shared_ptr<EVP_PKEY>(pkey.release(), EVP_PKEY_free);
  key.public_ = std::move(pub);
  return key;
}

Result<PrivateKey> PrivateKey::Generate(KeyType type, int rsa_bits) {
  EVP_PKEY* pkey = nullptr;
  switch (type) {
    case KeyType::kRsa:
      if (rsa_bits < kMinRsaBits || rsa_bits > 16384) {
        return errors::InvalidInput("RSA key size must be 2048..16384 bits");
      }
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits));
      break;
    case KeyType::kEcP256:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::kEcP384:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::kEcP521:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
  }
  if (pkey == nullptr) return OpenSslError("key generation");
  return FromEvp(EvpPkeyPtr(pkey));
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  if (pem.size() > kMaxPemSize) return errors::InvalidInput("PEM too large");
  BioPtr bio = MemoryBioFrom(pem);
  EvpPkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  if (!pkey) {
    ClearOpenSslErrors();
    return errors::InvalidInput("not an unencrypted PEM private key");
  }
  return FromEvp(std::move(pkey));
}

std::string PrivateKey::ToPkcs8Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    std::abort();
  }
  std::string pem = BioContents(bio.get());
  // Wipe the BIO's copy of the key before freeing it.
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  if (len > 0 && data != nullptr) OPENSSL_cleanse(data, static_cast<size_t>(len));
  return pem;
}

}  // namespace irsa::crypto
