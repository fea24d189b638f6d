// Verification keys of OIDC issuers, for STS token validation.
//
// Implementations: issuers irsa hosts answer from memory (the cluster's published signing keys,
// no I/O); other issuers (e.g. a real kube-apiserver) are fetched over HTTPS
// (<issuer>/.well-known/openid-configuration, then jwks_uri), cached by kid honouring
// Cache-Control within bounds, refetched at most once per rate-limit window on an unknown kid,
// and served from cache while the issuer is unreachable.
//
// Thread-safety: implementations are safe for concurrent use.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "jwt/verify.h"

namespace irsa::oidc {

class IssuerKeys {
 public:
  virtual ~IssuerKeys() = default;
  // The keys to verify a token from `issuer` (the token's exact `iss`) whose header names `kid`
  // (empty if none). Failures: InvalidIdentityToken "Couldn't retrieve verification key from your
  // identity provider, please reference AssumeRoleWithWebIdentity documentation for
  // requirements" followed by irsa's detail (the URL, HTTP status or transport error, or that the
  // kid is absent from the JWKS), or IDPCommunicationError when the issuer is unreachable and
  // nothing is cached.
  virtual Result<std::shared_ptr<const jwt::KeySet>> Keys(const std::string& issuer,
                                                          const std::string& kid) = 0;
};

}  // namespace irsa::oidc
