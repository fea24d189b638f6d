#include "oidc/signing_keys.h"

#include <boost/json.hpp>

#include "crypto/signature.h"
#include "jwt/jwk_json.h"
#include "store/json_fields.h"

namespace irsa::oidc {
namespace json = boost::json;
namespace {

int64_t Nanos(SystemTime t) { return t.time_since_epoch().count(); }
SystemTime FromNanos(int64_t n) { return SystemTime(std::chrono::nanoseconds(n)); }

}  // namespace

std::string SigningKeyBody(const SigningKeyInfo& k) {
  json::object o{{"kid", k.kid}, {"alg", k.algorithm}, {"created", Nanos(k.created)}};
  if (k.retired) o["retired"] = Nanos(*k.retired);
  return json::serialize(o);
}

Result<StoredSigningKey> SigningKeyFromRow(const store::Row& row) {
  IRSA_TRY(json::object o, store::ParseStoredObject(row.body, "signing key"));
  StoredSigningKey k;
  k.info.kid = store::JsonString(o, "kid");
  k.info.algorithm = store::JsonString(o, "alg");
  k.info.created = FromNanos(store::JsonInt(o, "created"));
  if (o.contains("retired")) k.info.retired = FromNanos(store::JsonInt(o, "retired"));
  k.private_pem = row.secret;
  return k;
}

Result<store::Row> NewSigningKeyRow(store::RowId id, const std::string& algorithm, SystemTime now) {
  crypto::KeyType type;
  if (algorithm == "RS256") {
    type = crypto::KeyType::kRsa;
  } else if (algorithm == "ES256") {
    type = crypto::KeyType::kEcP256;
  } else if (algorithm == "ES384") {
    type = crypto::KeyType::kEcP384;
  } else {
    return errors::InvalidInput("unsupported signing key algorithm " + algorithm);
  }
  IRSA_TRY(crypto::PrivateKey key, crypto::PrivateKey::Generate(type, 2048));
  SigningKeyInfo info{key.key_id(), algorithm, now, std::nullopt};
  store::Row row;
  row.id = std::move(id);
  row.id.key = info.kid;
  row.body = SigningKeyBody(info);
  row.secret = key.ToPkcs8Pem();
  return row;
}

bool SigningKeyExpired(const SigningKeyInfo& key, SystemTime now, int64_t max_token_lifetime_s) {
  return key.retired && now - *key.retired > std::chrono::seconds(max_token_lifetime_s);
}

Result<PublishedKeys> BuildPublishedKeys(const std::vector<StoredSigningKey>& stored,
                                         SystemTime now, int64_t max_token_lifetime_s) {
  PublishedKeys out;
  out.keys = std::make_shared<jwt::KeySet>();
  std::vector<crypto::Jwk> jwks;
  std::map<std::string, SystemTime> newest;
  for (const auto& k : stored) {
    if (SigningKeyExpired(k.info, now, max_token_lifetime_s)) continue;
    IRSA_TRY(crypto::PrivateKey key, crypto::PrivateKey::FromPem(k.private_pem));
    std::optional<crypto::JwsAlg> alg = crypto::ParseJwsAlg(k.info.algorithm);
    IRSA_RETURN_IF_ERROR(out.keys->Add(k.info.kid, key.public_key(), alg));
    IRSA_TRY(crypto::Jwk jwk, crypto::ExportJwk(key.public_key(), alg, k.info.kid));
    jwks.push_back(std::move(jwk));
    if (k.info.retired) continue;
    auto it = newest.find(k.info.algorithm);
    if (it != newest.end() && it->second >= k.info.created) continue;
    newest[k.info.algorithm] = k.info.created;
    out.active[k.info.algorithm] = ActiveSigningKey{
        k.info.kid, k.info.algorithm, std::make_shared<const crypto::PrivateKey>(std::move(key))};
  }
  out.jwks_json = jwt::JwksToJson(jwks);
  return out;
}

}  // namespace irsa::oidc
