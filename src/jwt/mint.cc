#include "jwt/mint.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "base/encoding.h"
#include "base/error.h"

namespace irsa::jwt {
namespace {

std::string UuidV4(Random& random) {
  std::string b = random.Bytes(16);
  b[6] = static_cast<char>((static_cast<uint8_t>(b[6]) & 0x0f) | 0x40);
  b[8] = static_cast<char>((static_cast<uint8_t>(b[8]) & 0x3f) | 0x80);
  std::string hex = HexEncode(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace

Result<std::string> MintJws(const boost::json::object& claims, const crypto::PrivateKey& key,
                            const MintOptions& options) {
  crypto::JwsAlg alg = options.alg.value_or(crypto::DefaultAlgFor(key.type()));
  if (!crypto::AlgMatchesKey(alg, key.type())) {
    return errors::InvalidInput("algorithm " + std::string(crypto::JwsAlgName(alg)) +
                                " cannot be used with an " +
                                std::string(crypto::KeyTypeName(key.type())) + " key");
  }
  boost::json::object header;
  header["alg"] = crypto::JwsAlgName(alg);
  header["kid"] = options.kid.empty() ? key.key_id() : options.kid;
  if (!options.typ.empty()) header["typ"] = options.typ;
  std::string token;
  try {
    token = Base64UrlEncode(boost::json::serialize(header));
    token += '.';
    token += Base64UrlEncode(boost::json::serialize(claims));
  } catch (const std::exception&) {
    return errors::InternalFailure("serializing token claims failed");
  }
  IRSA_TRY(std::string signature, crypto::Sign(key, alg, token));
  token += '.';
  token += Base64UrlEncode(signature);
  return token;
}

Result<boost::json::object> ServiceAccountClaims(const ServiceAccountTokenSpec& spec,
                                                 Random& random) {
  if (spec.issuer.empty()) return errors::InvalidInput("token issuer is empty");
  if (spec.namespace_name.empty() || spec.service_account_name.empty()) {
    return errors::InvalidInput("service account namespace and name are required");
  }
  if (spec.audiences.empty()) return errors::InvalidInput("at least one audience is required");
  if (spec.lifetime_seconds <= 0) return errors::InvalidInput("token lifetime must be positive");
  if (spec.pod_name.has_value() != spec.pod_uid.has_value()) {
    return errors::InvalidInput("pod name and pod uid must be given together");
  }
  boost::json::array aud;
  for (const std::string& a : spec.audiences) aud.emplace_back(a);
  boost::json::object sa;
  sa["name"] = spec.service_account_name;
  sa["uid"] = spec.service_account_uid;
  boost::json::object k8s;
  k8s["namespace"] = spec.namespace_name;
  if (spec.pod_name) {
    boost::json::object pod;
    pod["name"] = *spec.pod_name;
    pod["uid"] = *spec.pod_uid;
    k8s["pod"] = std::move(pod);
  }
  k8s["serviceaccount"] = std::move(sa);

  boost::json::object claims;
  claims["aud"] = std::move(aud);
  claims["exp"] = spec.issued_at + spec.lifetime_seconds;
  claims["iat"] = spec.issued_at;
  claims["iss"] = spec.issuer;
  claims["jti"] = spec.jti.empty() ? UuidV4(random) : spec.jti;
  claims["kubernetes.io"] = std::move(k8s);
  claims["nbf"] = spec.issued_at;
  claims["sub"] = "system:serviceaccount:" + spec.namespace_name + ":" + spec.service_account_name;
  return claims;
}

}  // namespace irsa::jwt
