// The cluster registry and the OIDC issuers irsa hosts for its clusters.
//
// Each cluster has an issuer URL `<issuer base>/id/<32 upper-hex id>` served by irsa
// (discovery document and JWKS, issuer_routes.h) and its own signing keys: ES256 (P-256) by
// default or RS256 (RSA-2048) on request, kid = base64url(SHA-256(SPKI DER)), private keys stored
// in the store's sealed secret column. Rotation makes a new key active; retired keys stay
// published until every token they signed has expired (retired_at + max token lifetime).
//
// Rows: kind "cluster" (account, key = name), kind "signing_key" (parent = cluster name,
// key = kid), and a global index kind "issuer" (account "", key = issuer id) → (account, name).
//
// Thread-safety: safe for concurrent use; the in-memory issuer cache (store::GenerationCache) is
// reloaded when the store's generation changes and never keeps an issuer read before a newer
// write.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "crypto/keys.h"
#include "jwt/mint.h"
#include "jwt/verify.h"
#include "oidc/issuer_keys.h"
#include "oidc/signing_keys.h"
#include "store/generation_cache.h"
#include "store/store.h"

namespace irsa::oidc {

struct ClusterRecord {
  std::string name;
  std::string account;
  std::string id;      // 32 upper-case hex characters
  std::string issuer;  // https://…/id/<id>
  std::string arn;     // arn:aws:eks:<region>:<account>:cluster/<name>
  std::string region;
  std::string key_algorithm = "ES256";  // ES256 | RS256
  std::string kubernetes_version = "1.31";
  SystemTime created{};
  std::vector<std::pair<std::string, std::string>> tags;  // EKS resource tags, in key order
  std::string authentication_mode = "API";                // EKS accessConfig.authenticationMode
  bool bootstrap_cluster_creator_admin = false;           // the creator got an admin access entry
};

// What a new cluster is made of (EKS CreateCluster, `irsa cluster create`).
struct ClusterSpec {
  std::string name;
  std::string key_algorithm = "ES256";  // ES256 | RS256
  std::string kubernetes_version;       // "" = the default version
  std::vector<std::pair<std::string, std::string>> tags;
  std::string authentication_mode = "API";
  bool bootstrap_cluster_creator_admin = false;
};

// Everything needed to serve and use one hosted issuer, immutable once built.
struct HostedIssuer {
  ClusterRecord cluster;
  std::shared_ptr<const jwt::KeySet> published;  // active + retired, not yet expired
  std::shared_ptr<const crypto::PrivateKey> active_key;
  std::string active_kid;
  std::string active_algorithm;
  std::string discovery_json;  // /.well-known/openid-configuration
  std::string jwks_json;       // /keys
};

struct ClusterOptions {
  std::string issuer_base;  // e.g. https://localhost:8443 (no trailing slash)
  std::string region = "us-east-1";
  int64_t max_token_lifetime_seconds = 86400;  // retired keys stay published this long
  int64_t rotation_period_seconds = 0;         // 0 = only on command; else rotate when older
};

class ClusterRegistry final : public IssuerKeys {
 public:
  // References must outlive the registry.
  ClusterRegistry(store::Store& store, const Clock& clock, Random& random, ClusterOptions options);

  // EntityAlreadyExists-like ResourceInUseException (409) if the name exists in the account;
  // InvalidParameterException (400) for a bad name or algorithm.
  Result<ClusterRecord> Create(const std::string& account, const std::string& name,
                               const std::string& key_algorithm = "ES256");
  Result<ClusterRecord> Create(const std::string& account, const ClusterSpec& spec);
  // ResourceNotFoundException (404) "No cluster found for name: <name>."
  Result<ClusterRecord> Get(const std::string& account, const std::string& name);
  Result<std::vector<ClusterRecord>> List(const std::string& account);
  Status Delete(const std::string& account, const std::string& name);
  // Sets the tags in `set` (replacing same-keyed ones) and removes `remove`; returns the cluster.
  // The caller validates the resulting tags.
  Result<ClusterRecord> UpdateTags(const std::string& account, const std::string& name,
                                   const std::vector<std::pair<std::string, std::string>>& set,
                                   const std::vector<std::string>& remove);
  // Makes a new key active and retires the current one; returns the new kid.
  Result<std::string> RotateKeys(const std::string& account, const std::string& name);
  Result<std::vector<SigningKeyInfo>> ListKeys(const std::string& account, const std::string& name);
  // Rotates every cluster whose active key is older than options.rotation_period_seconds and
  // drops retired keys past their publication window. Returns how many clusters were rotated.
  Result<int> RotateDueKeys();

  // The hosted issuer with this id (path segment after /id/), or nullopt.
  Result<std::optional<std::shared_ptr<const HostedIssuer>>> IssuerById(const std::string& id);
  // The hosted issuer whose URL is exactly `issuer`, or nullopt.
  Result<std::optional<std::shared_ptr<const HostedIssuer>>> IssuerByUrl(const std::string& issuer);

  // Mints a service-account token signed by the cluster's active key.
  Result<std::string> MintServiceAccountToken(const std::string& account, const std::string& name,
                                              jwt::ServiceAccountTokenSpec spec);

  // IssuerKeys: hosted issuers only; other issuers → `fallback` (remote fetch) when set.
  Result<std::shared_ptr<const jwt::KeySet>> Keys(const std::string& issuer,
                                                  const std::string& kid) override;
  void SetRemoteIssuerKeys(IssuerKeys* fallback) { remote_ = fallback; }

  const ClusterOptions& options() const { return options_; }
  // Sets the base of new clusters' issuer URLs once the HTTPS listener is bound. Must be called
  // before the registry is used concurrently (not synchronised).
  void SetIssuerBase(std::string base) { options_.issuer_base = std::move(base); }

 private:
  Result<std::shared_ptr<const HostedIssuer>> Build(const ClusterRecord& cluster);
  Result<std::optional<std::shared_ptr<const HostedIssuer>>> LoadIssuer(const std::string& id);

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  ClusterOptions options_;
  IssuerKeys* remote_ = nullptr;

  // Key: issuer id; nullopt: no cluster has that id.
  store::GenerationCache<std::string, std::optional<std::shared_ptr<const HostedIssuer>>> by_id_;
};

}  // namespace irsa::oidc
