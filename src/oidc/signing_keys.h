// Signing keys of the OIDC issuers irsa hosts (cluster issuers, clusters.h; account issuers of
// outbound web identity federation, outbound_issuers.h): how a key is generated and stored, and
// how an issuer's published key set (JWKS) and active keys are built from its stored keys.
//
// A key row's body is {"kid","alg","created"[,"retired"]}; its private key (PKCS#8 PEM) is in the
// store's sealed secret column and never leaves this module except as a crypto::PrivateKey.
// kid = base64url(SHA-256(SPKI DER)). A retired key stays published until every token it signed
// has expired (retired + max token lifetime).
//
// Pure functions over values; thread-safe. Failures: InvalidInput (unknown algorithm),
// ServiceFailure (a stored row that does not parse), InternalFailure (OpenSSL).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "crypto/jwk.h"
#include "crypto/keys.h"
#include "jwt/verify.h"
#include "store/store.h"

namespace irsa::oidc {

struct SigningKeyInfo {
  std::string kid;
  std::string algorithm;  // RS256 | ES256 | ES384
  SystemTime created{};
  std::optional<SystemTime> retired;  // unset while active
};

struct StoredSigningKey {
  SigningKeyInfo info;
  std::string private_pem;
};

std::string SigningKeyBody(const SigningKeyInfo& key);
Result<StoredSigningKey> SigningKeyFromRow(const store::Row& row);

// A new key for `algorithm` (RS256: RSA-2048, ES256: P-256, ES384: P-384) as the row `id` with
// id.key replaced by its kid.
Result<store::Row> NewSigningKeyRow(store::RowId id, const std::string& algorithm, SystemTime now);

// True when a retired key is past its publication window.
bool SigningKeyExpired(const SigningKeyInfo& key, SystemTime now, int64_t max_token_lifetime_s);

struct ActiveSigningKey {
  std::string kid;
  std::string algorithm;
  std::shared_ptr<const crypto::PrivateKey> key;
};

struct PublishedKeys {
  std::shared_ptr<jwt::KeySet> keys;  // every unexpired key, for verification
  std::string jwks_json;              // {"keys":[…]} of the same keys
  // The newest unretired key of each algorithm.
  std::map<std::string, ActiveSigningKey> active;
};

// Builds the published set from an issuer's stored keys; keys past their window are skipped.
Result<PublishedKeys> BuildPublishedKeys(const std::vector<StoredSigningKey>& stored,
                                         SystemTime now, int64_t max_token_lifetime_s);

}  // namespace irsa::oidc
