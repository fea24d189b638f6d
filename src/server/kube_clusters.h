// Connects the Kubernetes API of hosted clusters (kube/api.h) to the cluster registry: the
// directory of clusters, bearer-token authentication, and the token minter behind TokenRequest.
//
// Authentication: a bearer token is accepted when it is a JWT signed by one of the cluster's
// published keys, issued by the cluster's issuer, with subject "system:irsa:admin" and audience
// kKubeAdminAudience, and not expired. `irsa kubeconfig` mints such tokens. There is no RBAC:
// an admin token may do everything in its cluster.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <string>

#include "kube/api.h"
#include "oidc/clusters.h"

namespace irsa::server {

inline constexpr const char* kKubeAdminSubject = "system:irsa:admin";
inline constexpr const char* kKubeAdminAudience = "irsa:kube-api";

class HostedClusters final : public kube::ClusterDirectory, public kube::TokenMinter {
 public:
  HostedClusters(oidc::ClusterRegistry& clusters, const Clock& clock, std::string account)
      : clusters_(clusters), clock_(clock), account_(std::move(account)) {}

  Result<std::optional<kube::ClusterInfo>> FindCluster(const std::string& cluster) override;
  kube::AccessResult Authorize(const kube::ClusterInfo& cluster, std::string_view bearer_token,
                               const kube::RequestAttributes& attributes) override;
  Result<kube::MintedToken> Mint(const kube::TokenRequestSpec& spec) override;

 private:
  oidc::ClusterRegistry& clusters_;
  const Clock& clock_;
  std::string account_;
};

// A kube API admin token for the cluster, valid for `lifetime_seconds`.
Result<std::string> MintKubeAdminToken(oidc::ClusterRegistry& clusters, const Clock& clock,
                                       const std::string& account, const std::string& cluster,
                                       int64_t lifetime_seconds);

}  // namespace irsa::server
