#include "crypto/jwk.h"

#include <openssl/core_names.h>

#include "base/encoding.h"

namespace irsa::crypto {
namespace {

// Untrusted member values in messages: printable ASCII, at most 32 chars.
std::string Shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 32)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 32) out += "...";
  return out;
}

std::string_view CurveName(KeyType type) {
  switch (type) {
    case KeyType::kEcP256:
      return "P-256";
    case KeyType::kEcP384:
      return "P-384";
    case KeyType::kEcP521:
      return "P-521";
    case KeyType::kRsa:
      break;
  }
  return "";
}

size_t CoordSize(KeyType type) {
  switch (type) {
    case KeyType::kEcP256:
      return 32;
    case KeyType::kEcP384:
      return 48;
    case KeyType::kEcP521:
      return 66;
    case KeyType::kRsa:
      break;
  }
  return 0;
}

Result<std::string> DecodeMember(std::string_view name, std::string_view value) {
  if (value.empty())
    return errors::InvalidInput("JWK member \"" + std::string(name) + "\" is missing");
  std::optional<std::string> bytes = Base64UrlDecode(value);
  if (!bytes) {
    return errors::InvalidInput("JWK member \"" + std::string(name) +
                                "\" is not unpadded base64url");
  }
  return std::move(*bytes);
}

Result<EvpPkeyPtr> FromParams(const char* type, OSSL_PARAM* params) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    ClearOpenSslErrors();
    return errors::InvalidInput(std::string("JWK does not describe a valid ") + type +
                                " public key");
  }
  return EvpPkeyPtr(pkey);
}

Result<PublicKey> ImportEc(const Jwk& jwk) {
  KeyType type;
  const char* group;
  if (jwk.crv == "P-256") {
    type = KeyType::kEcP256;
    group = "P-256";
  } else if (jwk.crv == "P-384") {
    type = KeyType::kEcP384;
    group = "P-384";
  } else if (jwk.crv == "P-521") {
    type = KeyType::kEcP521;
    group = "P-521";
  } else if (jwk.crv.empty()) {
    return errors::InvalidInput("EC JWK has no \"crv\"");
  } else {
    return errors::InvalidInput("unsupported EC curve \"" + Shown(jwk.crv) + "\"");
  }
  IRSA_TRY(std::string x, DecodeMember("x", jwk.x));
  IRSA_TRY(std::string y, DecodeMember("y", jwk.y));
  const size_t width = CoordSize(type);
  if (x.size() != width || y.size() != width) {
    return errors::InvalidInput("EC JWK coordinates for " + jwk.crv + " must be " +
                                std::to_string(width) + " bytes each");
  }
  std::string point = "\x04" + x + y;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end(),
  };
  IRSA_TRY(EvpPkeyPtr pkey, FromParams("EC", params));
  // fromdata does not guarantee the point is on the curve; check explicitly.
  EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    ClearOpenSslErrors();
    return errors::InvalidInput("EC JWK point is not on curve " + jwk.crv);
  }
  return PublicKey::FromEvp(std::move(pkey));
}

Result<PublicKey> ImportRsa(const Jwk& jwk) {
  IRSA_TRY(std::string n, DecodeMember("n", jwk.n));
  IRSA_TRY(std::string e, DecodeMember("e", jwk.e));
  if (n.size() > 2048) return errors::InvalidInput("RSA JWK modulus larger than 16384 bits");
  if (e.size() > 8) return errors::InvalidInput("RSA JWK exponent is too large");
  BignumPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                           static_cast<int>(n.size()), nullptr));
  BignumPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                           static_cast<int>(e.size()), nullptr));
  if (!bn_n || !bn_e) return OpenSslError("RSA JWK numbers");
  if (BN_num_bits(bn_n.get()) < kMinRsaBits) {
    return errors::InvalidInput("RSA key has " + std::to_string(BN_num_bits(bn_n.get())) +
                                " bits; at least 2048 are required");
  }
  if (!BN_is_odd(bn_e.get()) || BN_cmp(bn_e.get(), BN_value_one()) <= 0) {
    return errors::InvalidInput("RSA JWK exponent is invalid");
  }
  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return OpenSslError("RSA JWK params");
  }
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  if (!params) return OpenSslError("RSA JWK params");
  IRSA_TRY(EvpPkeyPtr pkey, FromParams("RSA", params.get()));
  return PublicKey::FromEvp(std::move(pkey));
}

void AppendMember(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  if (out.size() > 1) out += ',';
  out += '"';
  out += name;
  out += "\":\"";
  AppendJsonEscaped(out, value);
  out += '"';
}

}  // namespace

Result<Jwk> ExportJwk(const PublicKey& key, std::optional<JwsAlg> alg,
                      std::optional<std::string> kid) {
  JwsAlg a = alg.value_or(DefaultAlgFor(key.type()));
  if (!AlgMatchesKey(a, key.type())) {
    return errors::InvalidInput("algorithm " + std::string(JwsAlgName(a)) + " does not fit an " +
                                std::string(KeyTypeName(key.type())) + " key");
  }
  Jwk jwk;
  jwk.kid = kid.value_or(key.key_id());
  jwk.use = "sig";
  jwk.alg = std::string(JwsAlgName(a));
  if (IsEc(key.type())) {
    jwk.kty = "EC";
    jwk.crv = std::string(CurveName(key.type()));
    unsigned char buf[1 + 2 * 66];
    size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf,
                                        sizeof buf, &len) != 1) {
      return OpenSslError("exporting EC public key");
    }
    const size_t width = CoordSize(key.type());
    if (len != 1 + 2 * width || buf[0] != 0x04) {
      return errors::InternalFailure("EC public key is not an uncompressed point");
    }
    const char* p = reinterpret_cast<const char*>(buf);
    jwk.x = Base64UrlEncode(std::string_view(p + 1, width));
    jwk.y = Base64UrlEncode(std::string_view(p + 1 + width, width));
  } else {
    jwk.kty = "RSA";
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
      BN_free(n);
      return OpenSslError("exporting RSA public key");
    }
    BignumPtr bn_n(n), bn_e(e);
    jwk.n = Base64UrlEncode(BignumToBytes(n));
    jwk.e = Base64UrlEncode(BignumToBytes(e));
  }
  return jwk;
}

std::string JwkToJson(const Jwk& jwk) {
  std::string out = "{";
  AppendMember(out, "kty", jwk.kty);
  AppendMember(out, "kid", jwk.kid);
  AppendMember(out, "use", jwk.use);
  AppendMember(out, "alg", jwk.alg);
  AppendMember(out, "crv", jwk.crv);
  AppendMember(out, "x", jwk.x);
  AppendMember(out, "y", jwk.y);
  AppendMember(out, "n", jwk.n);
  AppendMember(out, "e", jwk.e);
  out += '}';
  return out;
}

Result<PublicKey> ImportJwk(const Jwk& jwk) {
  if (jwk.has_private_members) {
    return errors::InvalidInput("JWK contains private key material; publish only public keys");
  }
  if (!jwk.use.empty() && jwk.use != "sig") {
    return errors::InvalidInput("JWK \"use\" is \"" + Shown(jwk.use) + "\", expected \"sig\"");
  }
  Result<PublicKey> key = errors::InvalidInput("");
  if (jwk.kty == "EC") {
    key = ImportEc(jwk);
  } else if (jwk.kty == "RSA") {
    key = ImportRsa(jwk);
  } else if (jwk.kty.empty()) {
    return errors::InvalidInput("JWK has no \"kty\"");
  } else {
    return errors::InvalidInput("unsupported JWK kty \"" + Shown(jwk.kty) +
                                "\" (only RSA and EC keys are accepted)");
  }
  if (!key) return key.error();
  if (!jwk.alg.empty()) {
    std::optional<JwsAlg> alg = ParseJwsAlg(jwk.alg);
    if (!alg) return errors::InvalidInput("JWK alg \"" + Shown(jwk.alg) + "\" is not supported");
    if (!AlgMatchesKey(*alg, key->type())) {
      return errors::InvalidInput("JWK alg " + jwk.alg + " does not fit an " +
                                  std::string(KeyTypeName(key->type())) + " key");
    }
  }
  return key;
}

}  // namespace irsa::crypto
