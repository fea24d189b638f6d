// The EKS cluster API irsa serves (eks.service-2.json): ListClusters, DescribeCluster,
// CreateCluster, DeleteCluster over the clusters irsa hosts (oidc::ClusterRegistry: their OIDC
// issuers and signing keys). Typed requests in, typed results out; no HTTP (the REST-JSON adapter
// is protocol/eks_rest.h).
//
// Errors use EKS's vocabulary: InvalidParameterException (400), ResourceNotFoundException (404),
// ResourceInUseException (409).
//
// Thread-safety: safe for concurrent use (the registry is).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "oidc/clusters.h"

namespace irsa::eks {

enum class ClusterStatus { kActive, kDeleting };
std::string_view ClusterStatusName(ClusterStatus status);  // "ACTIVE", "DELETING"

// A cluster as DescribeCluster shows it.
struct ClusterDescription {
  oidc::ClusterRecord record;
  ClusterStatus status = ClusterStatus::kActive;
};

struct CreateClusterInput {
  std::string name;
  std::string version;                                    // "" = the default
  std::vector<std::pair<std::string, std::string>> tags;  // at most 50
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
  explicit ClustersApi(oidc::ClusterRegistry& clusters) : clusters_(clusters) {}

  Result<ClusterPage> ListClusters(const std::string& account, const ListClustersInput& input);
  Result<ClusterDescription> DescribeCluster(const std::string& account, const std::string& name);
  Result<ClusterDescription> CreateCluster(const std::string& account,
                                           const CreateClusterInput& input);
  // Deletes the cluster (its issuer and keys); the answer describes it as DELETING, as EKS does.
  Result<ClusterDescription> DeleteCluster(const std::string& account, const std::string& name);

 private:
  oidc::ClusterRegistry& clusters_;
};

// EKS tag rules: at most 50 tags, keys 1-128 and values 0-256 characters, keys not starting
// with "aws:". InvalidParameterException otherwise.
Status ValidateTags(const std::vector<std::pair<std::string, std::string>>& tags);

}  // namespace irsa::eks
