// JSON Web Keys (RFC 7517/7518 §6) for public verification keys: export and import.
//
// This module has no JSON library: Jwk is the flat set of members, JwkToJson renders it as JSON
// text, and the Boost.JSON front ends (object <-> Jwk, JWKS documents) live in jwt/jwk_json.h.
//
// ImportJwk takes untrusted input and fails with InvalidInput and a precise reason: unsupported
// kty/crv, coordinates of the wrong length, a point not on the curve, RSA keys under 2048 bits,
// "use" other than "sig", an "alg" that does not fit the key, or private members ("d" etc.).
// Thread-safe (pure functions).
#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "crypto/keys.h"
#include "crypto/signature.h"

namespace irsa::crypto {

struct Jwk {
  std::string kty;                   // "EC" or "RSA"
  std::string kid;                   // may be empty
  std::string use;                   // "sig" or empty
  std::string alg;                   // JWS alg name or empty
  std::string crv;                   // EC: "P-256" | "P-384" | "P-521"
  std::string x, y;                  // EC: base64url, fixed width (32/48/66 bytes)
  std::string n, e;                  // RSA: base64url big-endian, no padding
  bool has_private_members = false;  // set by parsers when d/p/q/dp/dq/qi/oth/k are present
};

// Exports `key` with use "sig"; alg defaults to DefaultAlgFor(key.type()) and kid to
// key.key_id(). Fails (InvalidInput) if `alg` does not fit the key.
Result<Jwk> ExportJwk(const PublicKey& key, std::optional<JwsAlg> alg = std::nullopt,
                      std::optional<std::string> kid = std::nullopt);
// Compact JSON object text: {"kty":..,"kid":..,"use":..,"alg":.., then crv/x/y or n/e}; empty
// optional members are omitted.
std::string JwkToJson(const Jwk& jwk);
// Builds a verification key from a JWK (see the header comment for what is rejected).
Result<PublicKey> ImportJwk(const Jwk& jwk);

}  // namespace irsa::crypto
