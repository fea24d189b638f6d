#include "jwt/verify.h"

#include <algorithm>

#include "base/error.h"

namespace irsa::jwt {
namespace {

Error Invalid(std::string message) { return errors::InvalidIdentityToken(std::move(message)); }

Error Fail(VerifyFailure* out, VerifyFailure kind, Error error) {
  if (out != nullptr) *out = kind;
  return error;
}

}  // namespace

Status KeySet::Add(std::string kid, crypto::PublicKey key, std::optional<crypto::JwsAlg> alg) {
  if (!kid.empty() && Find(kid) != nullptr) {
    return errors::InvalidInput("duplicate key id \"" + Printable(kid) + "\" in key set");
  }
  if (alg && !crypto::AlgMatchesKey(*alg, key.type())) {
    return errors::InvalidInput("key \"" + Printable(kid) + "\": alg " +
                                std::string(crypto::JwsAlgName(*alg)) + " does not fit an " +
                                std::string(crypto::KeyTypeName(key.type())) + " key");
  }
  keys_.push_back(VerificationKey{std::move(kid), std::move(key), alg});
  return OkStatus();
}

const VerificationKey* KeySet::Find(std::string_view kid) const {
  for (const VerificationKey& k : keys_) {
    if (k.kid == kid) return &k;
  }
  return nullptr;
}

Result<crypto::JwsAlg> CheckAlg(std::string_view alg, const VerifyOptions& options) {
  std::optional<crypto::JwsAlg> parsed = crypto::ParseJwsAlg(alg);
  if (!parsed) {
    if (alg == "none" || alg == "None" || alg == "NONE") {
      return Invalid("unsupported alg \"none\": unsigned tokens are not accepted");
    }
    if (alg.size() >= 2 && (alg.substr(0, 2) == "HS" || alg.substr(0, 2) == "hs")) {
      return Invalid("unsupported alg \"" + Printable(alg) +
                     "\": symmetric (HMAC) algorithms are not accepted");
    }
    return Invalid("unsupported alg \"" + Printable(alg) + "\"");
  }
  if (std::find(options.allowed_algs.begin(), options.allowed_algs.end(), *parsed) ==
      options.allowed_algs.end()) {
    return Invalid("alg \"" + std::string(crypto::JwsAlgName(*parsed)) + "\" is not allowed here");
  }
  return *parsed;
}

Result<const VerificationKey*> VerifyJws(const Jws& jws, const KeySet& keys,
                                         const VerifyOptions& options, VerifyFailure* failure) {
  if (failure != nullptr) *failure = VerifyFailure::kNone;
  Result<crypto::JwsAlg> alg_or = CheckAlg(jws.header.alg, options);
  if (!alg_or) return Fail(failure, VerifyFailure::kUnsupportedAlg, alg_or.error());
  const crypto::JwsAlg alg = *alg_or;
  const std::string alg_name(crypto::JwsAlgName(alg));

  if (jws.header.kid) {
    const VerificationKey* key = keys.Find(*jws.header.kid);
    if (key == nullptr) {
      return Fail(failure, VerifyFailure::kUnknownKid,
                  Invalid("no signing key with kid \"" + Printable(*jws.header.kid) +
                          "\" is known for this issuer"));
    }
    if (!crypto::AlgMatchesKey(alg, key->key.type()) || (key->alg && *key->alg != alg)) {
      return Fail(
          failure, VerifyFailure::kKeyMismatch,
          Invalid("token alg " + alg_name + " does not match key \"" + Printable(key->kid) +
                  "\" (" + std::string(crypto::KeyTypeName(key->key.type())) +
                  (key->alg ? ", alg " + std::string(crypto::JwsAlgName(*key->alg)) : "") + ")"));
    }
    if (!crypto::Verify(key->key, alg, jws.signing_input, jws.signature)) {
      return Fail(failure, VerifyFailure::kBadSignature,
                  Invalid("signature verification failed with key \"" + Printable(key->kid) +
                          "\" (" + alg_name + ")"));
    }
    return key;
  }

  size_t tried = 0;
  for (const VerificationKey& key : keys.keys()) {
    if (!crypto::AlgMatchesKey(alg, key.key.type()) || (key.alg && *key.alg != alg)) continue;
    ++tried;
    if (crypto::Verify(key.key, alg, jws.signing_input, jws.signature)) return &key;
  }
  if (tried == 0) {
    return Fail(failure, VerifyFailure::kUnknownKid,
                Invalid("token has no kid and no " + alg_name + " key is known for this issuer"));
  }
  return Fail(failure, VerifyFailure::kBadSignature,
              Invalid("signature verification failed: token has no kid and none of the " +
                      std::to_string(tried) + " " + alg_name + " keys verifies it"));
}

Result<Jws> ParseAndVerify(std::string_view token, const KeySet& keys, const VerifyOptions& options,
                           VerifyFailure* failure) {
  Result<Jws> jws = ParseJws(token, options.limits);
  if (!jws) return Fail(failure, VerifyFailure::kMalformed, jws.error());
  Result<const VerificationKey*> key = VerifyJws(*jws, keys, options, failure);
  if (!key) return key.error();
  return jws;
}

}  // namespace irsa::jwt
