// The account issuers of outbound web identity federation (IAM
// Enable/Disable/GetOutboundWebIdentityFederationInfo, STS GetWebIdentityToken).
//
// Enabling the feature gives the account an issuer URL `<issuer base>/outbound/<32 hex id>` that
// irsa hosts like its cluster issuers (discovery document at /.well-known/openid-configuration,
// JWKS at /.well-known/jwks.json, protocol/oidc_routes.h) and two active signing keys: RS256
// (RSA-2048) and ES384 (P-384), stored as signing_keys.h describes. Disabling keeps the URL and
// the keys (tokens issued before stay verifiable, as on AWS) and only stops new tokens;
// re-enabling answers the same URL. Rotation makes new active keys; retired keys stay published
// for max_token_lifetime_seconds (GetWebIdentityToken tokens live at most 3600 s).
//
// Rows: kind "outbound_federation" (account, key "config"), kind "outbound_signing_key" (account,
// key = kid) and a global index kind "outbound_issuer" (account "", key = id) → account.
//
// Thread-safety: safe for concurrent use; issuers are cached per account and per id
// (store::GenerationCache: never an entry read before a newer write).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "jwt/verify.h"
#include "oidc/signing_keys.h"
#include "store/generation_cache.h"
#include "store/store.h"

namespace irsa::oidc {

struct OutboundFederation {
  std::string account;
  std::string id;      // 32 lower-case hex characters
  std::string issuer;  // <issuer base>/outbound/<id>
  bool enabled = false;
  SystemTime created{};
};

// Everything needed to serve an account issuer and sign with it; immutable once built.
struct AccountIssuer {
  OutboundFederation federation;
  std::shared_ptr<const jwt::KeySet> published;    // active + retired, not yet expired
  std::map<std::string, ActiveSigningKey> active;  // "RS256", "ES384"
  std::string discovery_json;                      // /.well-known/openid-configuration
  std::string jwks_json;                           // /.well-known/jwks.json
};

struct OutboundIssuerOptions {
  int64_t max_token_lifetime_seconds = 3600;  // retired keys stay published this long
};

// The algorithms every account issuer signs with.
inline constexpr const char* kOutboundAlgorithms[] = {"RS256", "ES384"};

class OutboundIssuers {
 public:
  // `issuer_base` is read at each Enable (the HTTPS listener's URL is known only once bound); it
  // and every reference must outlive this object.
  OutboundIssuers(store::Store& store, const Clock& clock, Random& random,
                  const std::string& issuer_base, OutboundIssuerOptions options = {});

  // FeatureEnabled (409) when already enabled. Returns the issuer URL.
  Result<std::string> Enable(const std::string& account);
  // FeatureDisabled (404) when not enabled.
  Status Disable(const std::string& account);
  // The account's federation state; FeatureDisabled (404) if it was never enabled.
  Result<OutboundFederation> Info(const std::string& account);
  // Retires the active keys and makes new ones; FeatureDisabled if never enabled.
  Status RotateKeys(const std::string& account);
  // Rotates every account issuer whose active keys are older than `period_seconds` (enabled or
  // not: a disabled issuer still publishes). Returns how many were rotated; 0 when period <= 0.
  Result<int> RotateDueKeys(int64_t period_seconds);

  // The account's issuer (enabled or not), or nullopt if the feature was never enabled.
  Result<std::optional<std::shared_ptr<const AccountIssuer>>> ForAccount(
      const std::string& account);
  // The issuer with this id (path segment after /outbound/), or nullopt.
  Result<std::optional<std::shared_ptr<const AccountIssuer>>> IssuerById(const std::string& id);

 private:
  Result<std::optional<OutboundFederation>> LoadFederation(const std::string& account);
  Result<std::optional<std::shared_ptr<const AccountIssuer>>> Load(const std::string& account);

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  const std::string& issuer_base_;
  OutboundIssuerOptions options_;
  store::GenerationCache<std::string, std::optional<std::shared_ptr<const AccountIssuer>>>
      by_account_;
  store::GenerationCache<std::string, std::string> account_by_id_;  // "" = no such id
};

// FeatureEnabled / FeatureDisabled, as the IAM model declares them.
Error FeatureEnabled(std::string message);
Error FeatureDisabled(std::string message);

}  // namespace irsa::oidc
