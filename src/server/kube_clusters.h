// Connects the Kubernetes API of hosted clusters (kube/api.h) to the cluster registry: the
// directory of clusters, bearer-token authentication, and the token minter behind TokenRequest.
//
// Authentication: a bearer token is accepted when it is a JWT signed by the cluster's *active*
// signing key (so rotating the keys invalidates every admin token), issued by the cluster's
// issuer, with subject "system:irsa:admin" and audience kKubeAdminAudience, not expired, and the
// request arrived over TLS (plain HTTP only with KubeAuthOptions::allow_plain_http). `irsa
// kubeconfig` mints such tokens, for bootstrapping only: short-lived (kDefaultKubeAdminLifetime,
// at most kMaxKubeAdminLifetime). There is no RBAC: an admin token may do everything in its
// cluster.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <string>

#include "kube/api.h"
#include "oidc/clusters.h"

namespace irsa::server {

inline constexpr const char* kKubeAdminSubject = "system:irsa:admin";
inline constexpr const char* kKubeAdminAudience = "irsa:kube-api";
inline constexpr int64_t kDefaultKubeAdminLifetime = 3600;  // seconds
inline constexpr int64_t kMaxKubeAdminLifetime = 86400;     // seconds

struct KubeAuthOptions {
  bool allow_plain_http = false;  // accept admin tokens on requests that did not use TLS
};

class HostedClusters final : public kube::ClusterDirectory, public kube::TokenMinter {
 public:
  HostedClusters(oidc::ClusterRegistry& clusters, const Clock& clock, std::string account,
                 KubeAuthOptions options = {})
      : clusters_(clusters), clock_(clock), account_(std::move(account)), options_(options) {}

  Result<std::optional<kube::ClusterInfo>> FindCluster(const std::string& cluster) override;
  kube::AccessResult Authorize(const kube::ClusterInfo& cluster, std::string_view bearer_token,
                               const kube::RequestAttributes& attributes) override;
  Result<kube::MintedToken> Mint(const kube::TokenRequestSpec& spec) override;

 private:
  oidc::ClusterRegistry& clusters_;
  const Clock& clock_;
  std::string account_;
  KubeAuthOptions options_;
};

// A kube API admin token for the cluster, valid for `lifetime_seconds` (1 to
// kMaxKubeAdminLifetime; InvalidParameterValue otherwise) or until the keys rotate.
Result<std::string> MintKubeAdminToken(oidc::ClusterRegistry& clusters, const Clock& clock,
                                       const std::string& account, const std::string& cluster,
                                       int64_t lifetime_seconds);

}  // namespace irsa::server
