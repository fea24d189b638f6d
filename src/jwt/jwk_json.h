// Boost.JSON front end for crypto::Jwk: JWK objects and JWKS documents ({"keys":[...]}).
//
// Parsing takes untrusted input (a remote issuer's JWKS): errors are InvalidInput with the reason
// and the index/kid of the offending key; nothing throws. In a JWKS, keys that are well-formed but
// unusable for JWS verification (use "enc", unknown kty such as "OKP", RSA < 2048 bits, ...) are
// skipped and reported in `warnings` (so one odd key does not take down an issuer); structural
// errors (not an object, "keys" missing, > max_keys entries, duplicate kid) fail the whole set.
// Pure functions, thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/jwk.h"
#include "jwt/verify.h"

namespace irsa::jwt {

// Member-level parse of one JWK object (string members must be strings; private members set
// has_private_members). Does not build a key: use crypto::ImportJwk.
Result<crypto::Jwk> JwkFromJson(const boost::json::value& value);
Result<crypto::Jwk> JwkFromText(std::string_view text);
boost::json::object JwkToJsonObject(const crypto::Jwk& jwk);

// JwkFromJson + crypto::ImportJwk.
Result<crypto::PublicKey> ImportJwkJson(const boost::json::value& value);

struct JwksOptions {
  size_t max_keys = 100;  // AWS fails JWKS documents with more than 100 keys
  size_t max_bytes = 256 * 1024;
};

Result<KeySet> KeySetFromJwks(std::string_view text, const JwksOptions& options = {},
                              std::vector<std::string>* warnings = nullptr);
// {"keys":[...]} in the given order.
std::string JwksToJson(const std::vector<crypto::Jwk>& keys);

}  // namespace irsa::jwt
