#include "crypto/signature.h"

#include <openssl/rsa.h>

#include <array>

namespace irsa::crypto {
namespace {

struct AlgInfo {
  JwsAlg alg;
  std::string_view name;
  const char* digest;
  enum { kPkcs1, kPss, kEcdsa } scheme;
  KeyType ec_type;  // for ECDSA
  size_t coord;     // ECDSA coordinate width
};

constexpr std::array<AlgInfo, 9> kAlgs = {{
    {JwsAlg::kRS256, "RS256", "SHA256", AlgInfo::kPkcs1, KeyType::kRsa, 0},
    {JwsAlg::kRS384, "RS384", "SHA384", AlgInfo::kPkcs1, KeyType::kRsa, 0},
    {JwsAlg::kRS512, "RS512", "SHA512", AlgInfo::kPkcs1, KeyType::kRsa, 0},
    {JwsAlg::kPS256, "PS256", "SHA256", AlgInfo::kPss, KeyType::kRsa, 0},
    {JwsAlg::kPS384, "PS384", "SHA384", AlgInfo::kPss, KeyType::kRsa, 0},
    {JwsAlg::kPS512, "PS512", "SHA512", AlgInfo::kPss, KeyType::kRsa, 0},
    {JwsAlg::kES256, "ES256", "SHA256", AlgInfo::kEcdsa, KeyType::kEcP256, 32},
    {JwsAlg::kES384, "ES384", "SHA384", AlgInfo::kEcdsa, KeyType::kEcP384, 48},
    {JwsAlg::kES512, "ES512", "SHA512", AlgInfo::kEcdsa, KeyType::kEcP521, 66},
}};

const AlgInfo& Info(JwsAlg alg) { return kAlgs[static_cast<size_t>(alg)]; }

const EVP_MD* FetchMd(const char* name) {
  // Fetched once per algorithm; implicit fetching per call costs measurable time.
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA384", nullptr);
  static EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  std::string_view n(name);
  if (n == "SHA256") return sha256;
  if (n == "SHA384") return sha384;
  return sha512;
}

Status CheckKey(JwsAlg alg, KeyType type) {
  if (!AlgMatchesKey(alg, type)) {
    return errors::InvalidInput("algorithm " + std::string(JwsAlgName(alg)) +
                                " cannot be used with an " + std::string(KeyTypeName(type)) +
                                " key");
  }
  return OkStatus();
}

Status ConfigurePss(EVP_PKEY_CTX* pctx, const AlgInfo& info) {
  if (info.scheme != AlgInfo::kPss) return OkStatus();
  if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, FetchMd(info.digest)) != 1) {
    return OpenSslError("configuring RSA-PSS");
  }
  return OkStatus();
}

Error BadSignature() { return errors::InvalidInput("signature does not verify"); }

// A verification context for `key` with the algorithm's padding and digest set, prepared once per
// key and algorithm (fetching the signature implementation and setting parameters costs ~15% of
// an RSA-2048 verification) and duplicated per call.
Result<const EVP_PKEY_CTX*> VerifyTemplate(const PublicKey& key, const AlgInfo& info) {
  static_assert(kAlgs.size() <= KeyContextCache::kSlots);
  const size_t slot = static_cast<size_t>(info.alg);
  if (const EVP_PKEY_CTX* ready = key.contexts().Get(slot)) return ready;
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return OpenSslError("verify init");
  if (info.scheme != AlgInfo::kEcdsa &&
      EVP_PKEY_CTX_set_rsa_padding(
          ctx.get(), info.scheme == AlgInfo::kPss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) !=
          1) {
    return OpenSslError("configuring RSA padding");
  }
  if (EVP_PKEY_CTX_set_signature_md(ctx.get(), FetchMd(info.digest)) != 1) {
    return OpenSslError("configuring the signature digest");
  }
  IRSA_RETURN_IF_ERROR(ConfigurePss(ctx.get(), info));
  return key.contexts().Put(slot, ctx.release());
}

}  // namespace

std::optional<JwsAlg> ParseJwsAlg(std::string_view name) {
  for (const AlgInfo& info : kAlgs) {
    if (info.name == name) return info.alg;
  }
  return std::nullopt;
}

std::string_view JwsAlgName(JwsAlg alg) { return Info(alg).name; }

bool AlgMatchesKey(JwsAlg alg, KeyType key) {
  const AlgInfo& info = Info(alg);
  if (info.scheme == AlgInfo::kEcdsa) return key == info.ec_type;
  return key == KeyType::kRsa;
}

JwsAlg DefaultAlgFor(KeyType key) {
  switch (key) {
    case KeyType::kEcP256:
      return JwsAlg::kES256;
    case KeyType::kEcP384:
      return JwsAlg::kES384;
    case KeyType::kEcP521:
      return JwsAlg::kES512;
    case KeyType::kRsa:
      break;
  }
  return JwsAlg::kRS256;
}

size_t EcCoordinateSize(JwsAlg alg) { return Info(alg).coord; }

Result<std::string> EcdsaDerToRaw(std::string_view der, size_t coordinate_size) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) {
    ClearOpenSslErrors();
    return errors::InvalidInput("malformed DER ECDSA signature");
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  if (static_cast<size_t>(BN_num_bytes(r)) > coordinate_size ||
      static_cast<size_t>(BN_num_bytes(s)) > coordinate_size) {
    return errors::InvalidInput("ECDSA signature coordinate too large");
  }
  return BignumToBytes(r, coordinate_size) + BignumToBytes(s, coordinate_size);
}

Result<std::string> EcdsaRawToDer(std::string_view raw, size_t coordinate_size) {
  constexpr size_t kMaxCoordinate = 66;  // P-521; keeps every length below in one or two bytes
  if (coordinate_size == 0 || coordinate_size > kMaxCoordinate) {
    return errors::InvalidInput("unsupported ECDSA coordinate size " +
                                std::to_string(coordinate_size));
  }
  if (raw.size() != 2 * coordinate_size) {
    return errors::InvalidInput("ECDSA signature must be " + std::to_string(2 * coordinate_size) +
                                " bytes (r||s), got " + std::to_string(raw.size()));
  }
  // ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, written directly: each INTEGER is the
  // unsigned big-endian value without leading zero bytes (at least one byte), with a 0x00 prefix
  // when its top bit is set. INTEGER lengths stay below 128 (short form), the SEQUENCE's below 256.
  std::string_view halves[2] = {raw.substr(0, coordinate_size), raw.substr(coordinate_size)};
  std::string der;
  der.reserve(3 + 2 * (3 + coordinate_size));
  size_t contents = 0;
  for (std::string_view& v : halves) {
    size_t zeros = 0;
    while (zeros + 1 < v.size() && v[zeros] == '\0') ++zeros;
    v.remove_prefix(zeros);
    contents += 2 + v.size() + ((static_cast<unsigned char>(v[0]) & 0x80) ? 1 : 0);
  }
  der.push_back(0x30);
  if (contents >= 128) der.push_back(static_cast<char>(0x81));
  der.push_back(static_cast<char>(contents));
  for (std::string_view v : halves) {
    const bool pad = (static_cast<unsigned char>(v[0]) & 0x80) != 0;
    der.push_back(0x02);
    der.push_back(static_cast<char>(v.size() + (pad ? 1 : 0)));
    if (pad) der.push_back('\0');
    der.append(v);
  }
  return der;
}

Result<std::string> Sign(const PrivateKey& key, JwsAlg alg, std::string_view data) {
  IRSA_RETURN_IF_ERROR(CheckKey(alg, key.type()));
  const AlgInfo& info = Info(alg);
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pctx, info.digest, nullptr, nullptr, key.get(),
                                    nullptr) != 1) {
    return OpenSslError("signature init");
  }
  IRSA_RETURN_IF_ERROR(ConfigurePss(pctx, info));
  size_t len = 0;
  const auto* d = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, d, data.size()) != 1) {
    return OpenSslError("signing");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, d,
                     data.size()) != 1) {
    return OpenSslError("signing");
  }
  sig.resize(len);
  if (info.scheme == AlgInfo::kEcdsa) return EcdsaDerToRaw(sig, info.coord);
  return sig;
}

Status Verify(const PublicKey& key, JwsAlg alg, std::string_view data, std::string_view signature) {
  IRSA_RETURN_IF_ERROR(CheckKey(alg, key.type()));
  const AlgInfo& info = Info(alg);
  std::string der;
  if (info.scheme == AlgInfo::kEcdsa) {
    if (signature.size() != 2 * info.coord) {
      return errors::InvalidInput("signature does not verify: " + std::string(info.name) +
                                  " signatures are " + std::to_string(2 * info.coord) +
                                  " bytes, got " + std::to_string(signature.size()));
    }
    IRSA_TRY(der, EcdsaRawToDer(signature, info.coord));
    signature = der;
  } else if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key.get()))) {
    return errors::InvalidInput("signature does not verify: RSA signature length " +
                                std::to_string(signature.size()) + " does not match the key");
  }
  IRSA_TRY(const EVP_PKEY_CTX* prepared, VerifyTemplate(key, info));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  // One digest context per thread, reinitialised per message (EVP_Digest allocates and frees a
  // context and its provider state on every call).
  thread_local EvpMdCtxPtr md_ctx(EVP_MD_CTX_new());
  if (!md_ctx || EVP_DigestInit_ex2(md_ctx.get(), FetchMd(info.digest), nullptr) != 1 ||
      EVP_DigestUpdate(md_ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(md_ctx.get(), digest, &digest_size) != 1) {
    return OpenSslError("digest");
  }
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_dup(prepared));
  if (!ctx) return OpenSslError("verify context");
  if (EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                      signature.size(), digest, digest_size) != 1) {
    ClearOpenSslErrors();
    return BadSignature();
  }
  return OkStatus();
}

}  // namespace irsa::crypto
