// JWS signature verification against a set of public keys.
//
// Only RS256/384/512, PS256/384/512 and ES256/384/512 are accepted (VerifyOptions can narrow the
// list, e.g. STS may drop PS*); "none", HS* and anything else are rejected before any key is
// touched, so an HMAC-with-public-key confusion is impossible. A token's alg must fit the key's
// type (and the key's declared JWK alg, when it has one).
//
// Key selection: with a "kid" header, exactly the key with that kid; without one, every key whose
// type fits the alg is tried.
//
// KeySet is a value: build it, then share it read-only (const methods are thread-safe).
// Errors are InvalidIdentityToken with a precise message (never the token); the optional
// VerifyFailure out-parameter tells callers *why* without parsing messages (e.g. the OIDC cache
// refreshes a JWKS on kUnknownKid).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "jwt/jws.h"

namespace irsa::jwt {

struct VerificationKey {
  std::string kid;  // may be empty (legacy tokens without kid)
  crypto::PublicKey key;
  std::optional<crypto::JwsAlg> alg;  // from the JWK "alg", if any
};

class KeySet {
 public:
  // Fails (InvalidInput) on a duplicate non-empty kid or an alg that does not fit the key.
  Status Add(std::string kid, crypto::PublicKey key,
             std::optional<crypto::JwsAlg> alg = std::nullopt);
  // The key with this exact kid, or nullptr.
  const VerificationKey* Find(std::string_view kid) const;
  const std::vector<VerificationKey>& keys() const { return keys_; }
  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }

 private:
  std::vector<VerificationKey> keys_;
};

enum class VerifyFailure {
  kNone,
  kMalformed,       // structure, encoding, JSON, limits
  kUnsupportedAlg,  // none, HS*, unknown, or not in VerifyOptions::allowed_algs
  kUnknownKid,      // no key with the token's kid (or, without kid, no key of a fitting type)
  kKeyMismatch,     // the kid's key does not fit the token's alg
  kBadSignature,    // the signature does not verify
};

struct VerifyOptions {
  std::vector<crypto::JwsAlg> allowed_algs = {
      crypto::JwsAlg::kRS256, crypto::JwsAlg::kRS384, crypto::JwsAlg::kRS512,
      crypto::JwsAlg::kPS256, crypto::JwsAlg::kPS384, crypto::JwsAlg::kPS512,
      crypto::JwsAlg::kES256, crypto::JwsAlg::kES384, crypto::JwsAlg::kES512};
  ParseLimits limits;
};

// The token's alg against the allow-list. InvalidIdentityToken with a precise message.
Result<crypto::JwsAlg> CheckAlg(std::string_view alg, const VerifyOptions& options = {});

// Verifies an already parsed token; returns the key that verified it (owned by `keys`).
Result<const VerificationKey*> VerifyJws(const Jws& jws, const KeySet& keys,
                                         const VerifyOptions& options = {},
                                         VerifyFailure* failure = nullptr);

// ParseJws + VerifyJws. On success the parsed token; its claims are then trusted as far as the
// key set is.
Result<Jws> ParseAndVerify(std::string_view token, const KeySet& keys,
                           const VerifyOptions& options = {}, VerifyFailure* failure = nullptr);

}  // namespace irsa::jwt
