// The EKS cluster API irsa serves (eks.service-2.json): ListClusters, DescribeCluster,
// CreateCluster, DeleteCluster and the cluster's tags, over the clusters irsa hosts
// (oidc::ClusterRegistry: their OIDC issuers and signing keys). Typed requests in, typed results
// out; no HTTP (the REST-JSON adapter is protocol/eks_rest.h).
//
// A description carries what `aws eks update-kubeconfig` needs: the Kubernetes API `endpoint`
// (the node's Kubernetes API base URL + "/k8s/<name>", see SetKubeEndpoint), the
// `certificateAuthority` its clients trust (base64 of the CA's PEM) and the status: CreateCluster
// answers CREATING (as EKS does; the cluster is usable at once and every later DescribeCluster
// says ACTIVE), DeleteCluster answers DELETING. accessConfig.authenticationMode is API (irsa has
// no aws-auth ConfigMap); with bootstrapClusterCreatorAdminPermissions (default true) the creating
// principal gets an access entry with AmazonEKSClusterAdminPolicy on the cluster.
//
// Errors use EKS's vocabulary: InvalidParameterException (400), ResourceNotFoundException (404),
// ResourceInUseException (409).
//
// Thread-safety: safe for concurrent use after SetKubeEndpoint (the registry and entries are).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "eks/principals.h"
#include "oidc/clusters.h"

namespace irsa::eks {

class AccessEntries;

enum class ClusterStatus { kCreating, kActive, kDeleting };
std::string_view ClusterStatusName(ClusterStatus status);  // "CREATING", "ACTIVE", "DELETING"

// A cluster as DescribeCluster shows it.
struct ClusterDescription {
  oidc::ClusterRecord record;
  ClusterStatus status = ClusterStatus::kActive;
  std::string endpoint;               // "" when the node serves no Kubernetes API URL
  std::string certificate_authority;  // base64 PEM; "" when unknown
};

// Where clients reach the Kubernetes APIs of hosted clusters.
struct KubeEndpoint {
  std::string base_url;  // e.g. https://localhost:8443 (no trailing slash); "" = none
  std::string ca_pem;    // the CA that signs the server's certificate; "" = unknown
};

struct CreateClusterInput {
  std::string name;
  std::string version;                                    // "" = the default
  std::vector<std::pair<std::string, std::string>> tags;  // at most 50
  std::string authentication_mode;                        // "" = API
  std::optional<bool> bootstrap_cluster_creator_admin;    // unset = true
  // The principal that creates the cluster (the admin entry's principal), if known.
  std::optional<PrincipalIdentity> creator;
};

struct ListClustersInput {
  int max_results = 100;   // 1-100
  std::string next_token;  // from a previous page
};

struct ClusterPage {
  std::vector<std::string> names;
  std::string next_token;  // empty on the last page
};

class ClustersApi {
 public:
  // `entries` may be null (no creator entries; the entries of deleted clusters are then kept
  // but never grant access: they name the old cluster's id).
  explicit ClustersApi(oidc::ClusterRegistry& clusters, AccessEntries* entries = nullptr)
      : clusters_(clusters), entries_(entries) {}

  // Call before concurrent use.
  void SetKubeEndpoint(KubeEndpoint endpoint) { endpoint_ = std::move(endpoint); }
  const KubeEndpoint& kube_endpoint() const { return endpoint_; }

  Result<ClusterPage> ListClusters(const std::string& account, const ListClustersInput& input);
  Result<ClusterDescription> DescribeCluster(const std::string& account, const std::string& name);
  Result<ClusterDescription> CreateCluster(const std::string& account,
                                           const CreateClusterInput& input);
  // Deletes the cluster (its access entries, issuer and keys); the answer describes it as
  // DELETING, as EKS does.
  Result<ClusterDescription> DeleteCluster(const std::string& account, const std::string& name);
  // TagResource / UntagResource / ListTagsForResource on a cluster (BadRequestException for
  // invalid tags).
  Status TagCluster(const std::string& account, const std::string& name,
                    const std::vector<std::pair<std::string, std::string>>& tags);
  Status UntagCluster(const std::string& account, const std::string& name,
                      const std::vector<std::string>& keys);

 private:
  ClusterDescription Describe(oidc::ClusterRecord record, ClusterStatus status) const;

  oidc::ClusterRegistry& clusters_;
  AccessEntries* entries_;
  KubeEndpoint endpoint_;
};

// EKS tag rules: at most 50 tags, keys 1-128 and values 0-256 characters, keys not starting
// with "aws:". InvalidParameterException otherwise.
Status ValidateTags(const std::vector<std::pair<std::string, std::string>>& tags);

}  // namespace irsa::eks
