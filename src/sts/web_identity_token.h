// STS GetWebIdentityToken (outbound web identity federation): a JWT that states the calling
// AWS identity, signed by the account's issuer that irsa hosts (oidc/outbound_issuers.h), for
// external services to verify against the issuer's discovery document and JWKS.
//
// Claims, as AWS documents them: iss (the account issuer), aud (the one Audience as a string,
// several as an array), sub (the principal's ARN: the role's ARN for a role session, the user's,
// the root's, the federated user's), iat = nbf = now, exp = iat + DurationSeconds, jti (a random
// UUID), and under "https://sts.amazonaws.com/": aws_account, source_region, principal_id (= sub),
// principal_tags (the user's or role's tags, a role session's session tags over them) and
// request_tags (the request's Tags) when there are any.
//
// Limits: DurationSeconds 60-3600 (default 300; the caller checks the model range); a session
// caller's token may not outlive the session (SessionDurationEscalationException); the serialized
// payload may not exceed kMaxWebIdentityTokenPayloadBytes (JWTPayloadSizeExceededException);
// OutboundWebIdentityFederationDisabledException while the account has the feature disabled.
// sts:GetWebIdentityToken is authorized by the operation table; passing Tags also needs
// sts:TagGetWebIdentityToken (AccessDenied), checked here with the same engine.
//
// Thread-safety: safe for concurrent use. Every call is audited.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/audit_log.h"
#include "authz/authorizer.h"
#include "authz/caller.h"
#include "base/clock.h"
#include "base/result.h"
#include "iam/service_context.h"
#include "oidc/outbound_issuers.h"

namespace irsa::sts {

inline constexpr int64_t kWebIdentityTokenDefaultSeconds = 300;
inline constexpr size_t kMaxWebIdentityTokenPayloadBytes = 16384;

struct WebIdentityTokenRequest {
  std::string request_id;
  std::vector<std::string> audiences;       // 1-10, validated by the caller
  std::optional<int64_t> duration_seconds;  // 60-3600, validated by the caller
  std::string signing_algorithm;            // RS256 | ES384, validated by the caller
  std::vector<authz::SessionTag> tags;      // request tags → claims
  std::string region;                       // the STS endpoint's region → source_region
};

struct IssuedWebIdentityToken {
  std::string token;
  SystemTime expiration{};
};

// What the claims are made of, besides the caller.
struct WebIdentityClaimsSpec {
  std::string issuer;
  std::vector<std::string> audiences;
  int64_t issued_at = 0;  // unix seconds
  int64_t lifetime_seconds = kWebIdentityTokenDefaultSeconds;
  std::string jti;
  std::string region;
  std::vector<std::pair<std::string, std::string>> principal_tags;
  std::vector<authz::SessionTag> request_tags;
};

// The subject of a caller's token: the role's ARN for a role session, else the caller's ARN.
std::string WebIdentityTokenSubject(const authz::Caller& caller);
// The token's claims (pure).
boost::json::object WebIdentityTokenClaims(const authz::Caller& caller,
                                           const WebIdentityClaimsSpec& spec);

class WebIdentityTokens {
 public:
  // References must outlive this object.
  WebIdentityTokens(const iam::ServiceContext& iam, oidc::OutboundIssuers& issuers,
                    const authz::Authorizer& authorizer, audit::AuditLog& audit);

  Result<IssuedWebIdentityToken> Issue(const authz::Caller& caller,
                                       const authz::RequestFacts& facts,
                                       const WebIdentityTokenRequest& request);

 private:
  Result<IssuedWebIdentityToken> Mint(const authz::Caller& caller, const authz::RequestFacts& facts,
                                      const WebIdentityTokenRequest& request);
  Result<std::vector<std::pair<std::string, std::string>>> PrincipalTags(
      const authz::Caller& caller);

  const iam::ServiceContext& iam_;
  oidc::OutboundIssuers& issuers_;
  const authz::Authorizer& authorizer_;
  audit::AuditLog& audit_;
};

}  // namespace irsa::sts
