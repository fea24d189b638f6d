#include "jwt/jwk_json.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "base/error.h"
#include "jwt/jws.h"

namespace irsa::jwt {
namespace {

Status ReadMember(const boost::json::object& obj, std::string_view name, std::string& out) {
  const boost::json::value* v = obj.if_contains(name);
  if (v == nullptr) return OkStatus();
  if (!v->is_string()) {
    return errors::InvalidInput("JWK member \"" + std::string(name) + "\" must be a string");
  }
  out = std::string(v->get_string());
  return OkStatus();
}

}  // namespace

Result<crypto::Jwk> JwkFromJson(const boost::json::value& value) {
  if (!value.is_object()) return errors::InvalidInput("JWK is not a JSON object");
  const boost::json::object& obj = value.get_object();
  crypto::Jwk jwk;
  IRSA_RETURN_IF_ERROR(ReadMember(obj, "kty", jwk.kty));
  IRSA_RETURN_IF_ERROR(ReadMember(obj, "kid", jwk.kid));
  IRSA_RETURN_IF_ERROR(ReadMember(obj, "use", jwk.use));
  IRSA_RETURN_IF_ERROR(ReadMember(obj, "alg", jwk.alg));
  IRSA_RETURN_IF_ERROR(ReadMember(obj, "crv", jwk.crv));
  IRSA_RETURN_IF_ERROR(ReadMember(obj, "x", jwk.x));
  IRSA_RETURN_IF_ERROR(ReadMember(obj, "y", jwk.y));
  IRSA_RETURN_IF_ERROR(ReadMember(obj, "n", jwk.n));
  IRSA_RETURN_IF_ERROR(ReadMember(obj, "e", jwk.e));
  for (std::string_view priv : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
    if (obj.contains(priv)) jwk.has_private_members = true;
  }
  return jwk;
}

Result<crypto::Jwk> JwkFromText(std::string_view text) {
  if (text.size() > 64 * 1024) return errors::InvalidInput("JWK is too large");
  Result<boost::json::object> obj = ParseJsonObject(text, 8, "JWK");
  if (!obj) return errors::InvalidInput(obj.error().message());
  return JwkFromJson(boost::json::value(std::move(*obj)));
}

boost::json::object JwkToJsonObject(const crypto::Jwk& jwk) {
  boost::json::object obj;
  auto put = [&](std::string_view name, const std::string& value) {
    if (!value.empty()) obj[name] = value;
  };
  put("kty", jwk.kty);
  put("kid", jwk.kid);
  put("use", jwk.use);
  put("alg", jwk.alg);
  put("crv", jwk.crv);
  put("x", jwk.x);
  put("y", jwk.y);
  put("n", jwk.n);
  put("e", jwk.e);
  return obj;
}

Result<crypto::PublicKey> ImportJwkJson(const boost::json::value& value) {
  IRSA_TRY(crypto::Jwk jwk, JwkFromJson(value));
  return crypto::ImportJwk(jwk);
}

Result<KeySet> KeySetFromJwks(std::string_view text, const JwksOptions& options,
                              std::vector<std::string>* warnings) {
  if (text.size() > options.max_bytes) {
    return errors::InvalidInput("JWKS document is larger than " +
                                std::to_string(options.max_bytes) + " bytes");
  }
  Result<boost::json::object> doc = ParseJsonObject(text, 8, "JWKS document");
  if (!doc) return errors::InvalidInput(doc.error().message());
  const boost::json::value* keys = doc->if_contains("keys");
  if (keys == nullptr || !keys->is_array()) {
    return errors::InvalidInput("JWKS document has no \"keys\" array");
  }
  const boost::json::array& array = keys->get_array();
  if (array.size() > options.max_keys) {
    return errors::InvalidInput("JWKS document has " + std::to_string(array.size()) +
                                " keys; the limit is " + std::to_string(options.max_keys));
  }
  KeySet set;
  for (size_t i = 0; i < array.size(); ++i) {
    std::string where = "JWKS key " + std::to_string(i);
    Result<crypto::Jwk> jwk = JwkFromJson(array[i]);
    if (!jwk) return jwk.error().WithContext(where + ": ");
    if (!jwk->kid.empty()) where += " (kid \"" + Printable(jwk->kid) + "\")";
    if (jwk->has_private_members) {
      return errors::InvalidInput(where + ": contains private key material");
    }
    Result<crypto::PublicKey> key = crypto::ImportJwk(*jwk);
    if (!key) {
      if (warnings != nullptr) warnings->push_back(where + " skipped: " + key.error().message());
      continue;
    }
    std::optional<crypto::JwsAlg> alg;
    if (!jwk->alg.empty()) alg = crypto::ParseJwsAlg(jwk->alg);  // validated by ImportJwk
    Status added = set.Add(jwk->kid, std::move(*key), alg);
    if (!added) return added.error().WithContext(where + ": ");
  }
  return set;
}

std::string JwksToJson(const std::vector<crypto::Jwk>& keys) {
  boost::json::array array;
  for (const crypto::Jwk& jwk : keys) array.push_back(JwkToJsonObject(jwk));
  boost::json::object doc;
  doc["keys"] = std::move(array);
  return boost::json::serialize(doc);
}

}  // namespace irsa::jwt
