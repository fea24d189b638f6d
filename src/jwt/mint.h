// Minting signed JWTs (compact JWS) and the claims of Kubernetes projected service-account
// tokens, as kube-apiserver issues them.
//
// Thread-safe given thread-safe arguments. Failures are InvalidInput (bad arguments, alg that does
// not fit the key) or InternalFailure (OpenSSL); messages never contain key material.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/result.h"
#include "crypto/keys.h"
#include "crypto/signature.h"

namespace irsa::jwt {

struct MintOptions {
  std::string kid;                    // empty: the key's key_id(); header always carries a kid
  std::optional<crypto::JwsAlg> alg;  // default: ES256 for P-256 keys, RS256 for RSA keys
  std::string typ;                    // empty: no "typ" header (like kube-apiserver)
};

// Header {"alg":..,"kid":..[,"typ":..]}, payload = serialized `claims`.
Result<std::string> MintJws(const boost::json::object& claims, const crypto::PrivateKey& key,
                            const MintOptions& options = {});

struct ServiceAccountTokenSpec {
  std::string issuer;  // e.g. "https://oidc.example.com/id/ABC"
  std::string namespace_name;
  std::string service_account_name;
  std::string service_account_uid;
  std::optional<std::string> pod_name, pod_uid;  // both or neither
  std::vector<std::string> audiences;            // at least one
  int64_t issued_at = 0;                         // unix seconds; also nbf
  int64_t lifetime_seconds = 3600;               // > 0; exp = iat + lifetime
  std::string jti;                               // empty: a random UUID v4
};

// {"aud":[..],"exp":..,"iat":..,"iss":..,"jti":..,"kubernetes.io":{"namespace":..,
//  "serviceaccount":{"name":..,"uid":..}[,"pod":{"name":..,"uid":..}]},"nbf":..,
//  "sub":"system:serviceaccount:<ns>:<name>"}
Result<boost::json::object> ServiceAccountClaims(const ServiceAccountTokenSpec& spec,
                                                 Random& random = SystemRandom::Instance());

}  // namespace irsa::jwt
