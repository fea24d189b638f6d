// Connects the Kubernetes API of hosted clusters (kube/api.h) to the cluster registry: the
// directory of clusters, bearer-token authentication, and the token minter behind TokenRequest.
//
// Authentication, as on EKS: a bearer token `k8s-aws-v1.…` (`aws eks get-token`, kubectl's exec
// plugin) is verified in process (server/kube_token_auth.h) and names an IAM principal; the
// principal's access entry on the cluster (eks/access_entries.h; a role session maps to its role)
// gives the Kubernetes user — username from the entry's template ({{SessionName}} …), uid
// "aws-iam-authenticator:<account>:<user id>", groups = the entry's kubernetesGroups +
// system:authenticated, extra accessKeyId/arn/canonicalArn/principalId/sessionName as
// aws-iam-authenticator sets them — and the grants: one per associated access policy, cluster-
// wide or limited to the policy's namespaces. A principal without an entry is unauthenticated
// (401), as on EKS.
//
// The bootstrap token of `irsa kubeconfig` stays, for bootstrapping only: a JWT signed by the
// cluster's *active* signing key (so rotating the keys invalidates every admin token), issued by
// the cluster's issuer, with subject "system:irsa:admin" and audience kKubeAdminAudience, not
// expired; short-lived (kDefaultKubeAdminLifetime, at most kMaxKubeAdminLifetime). It is the
// group system:masters: every verb on everything.
//
// Either token is refused on a request that did not arrive over TLS (a bearer token sent in
// clear text is as good as published), unless KubeAuthOptions::allow_plain_http.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <string>

#include "eks/access_entries.h"
#include "kube/api.h"
#include "oidc/clusters.h"
#include "server/kube_token_auth.h"

namespace irsa::server {

inline constexpr const char* kKubeAdminSubject = "system:irsa:admin";
inline constexpr const char* kKubeAdminAudience = "irsa:kube-api";
inline constexpr int64_t kDefaultKubeAdminLifetime = 3600;  // seconds
inline constexpr int64_t kMaxKubeAdminLifetime = 86400;     // seconds

struct KubeAuthOptions {
  bool allow_plain_http = false;  // accept bearer tokens on requests that did not use TLS
};

// The subject of the bootstrap admin token: system:masters, AmazonEKSClusterAdminPolicy's rules
// cluster-wide.
kube::Subject KubeAdminSubject();

// The grant of an associated access policy (its rules; cluster-wide, or limited to the scope's
// namespaces), or nullopt for a policy irsa does not know.
std::optional<kube::Grant> AccessPolicyGrant(const eks::AssociatedPolicy& policy,
                                             const std::string& principal_arn);

class HostedClusters final : public kube::ClusterDirectory, public kube::TokenMinter {
 public:
  // References must outlive this. Without `entries` and `tokens`, only the bootstrap admin token
  // authenticates.
  HostedClusters(oidc::ClusterRegistry& clusters, const Clock& clock, std::string account,
                 KubeAuthOptions options = {}, eks::AccessEntries* entries = nullptr,
                 const KubeTokenAuthenticator* tokens = nullptr)
      : clusters_(clusters),
        clock_(clock),
        account_(std::move(account)),
        options_(options),
        entries_(entries),
        tokens_(tokens) {}

  Result<std::optional<kube::ClusterInfo>> FindCluster(const std::string& cluster) override;
  Result<kube::Authentication> Authenticate(const kube::ClusterInfo& cluster,
                                            std::string_view bearer_token,
                                            bool secure_transport) override;
  Result<kube::MintedToken> Mint(const kube::TokenRequestSpec& spec) override;

 private:
  Result<kube::Authentication> AuthenticateEksToken(const oidc::ClusterRecord& cluster,
                                                    std::string_view token);
  kube::Authentication AuthenticateAdminToken(const oidc::ClusterRecord& cluster,
                                              std::string_view token);

  oidc::ClusterRegistry& clusters_;
  const Clock& clock_;
  std::string account_;
  KubeAuthOptions options_;
  eks::AccessEntries* entries_;
  const KubeTokenAuthenticator* tokens_;
};

// A kube API admin token for the cluster, valid for `lifetime_seconds` (1 to
// kMaxKubeAdminLifetime; InvalidParameterValue otherwise) or until the keys rotate.
Result<std::string> MintKubeAdminToken(oidc::ClusterRegistry& clusters, const Clock& clock,
                                       const std::string& account, const std::string& cluster,
                                       int64_t lifetime_seconds);

}  // namespace irsa::server
