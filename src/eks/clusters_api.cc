#include "eks/clusters_api.h"

#include <algorithm>

#include "base/error.h"

namespace irsa::eks {

std::string_view ClusterStatusName(ClusterStatus status) {
  return status == ClusterStatus::kDeleting ? "DELETING" : "ACTIVE";
}

Status ValidateTags(const std::vector<std::pair<std::string, std::string>>& tags) {
  if (tags.size() > 50) {
    return errors::InvalidParameterException("A resource can have at most 50 tags, got " +
                                             std::to_string(tags.size()) + ".");
  }
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > 128 || value.size() > 256) {
      return errors::InvalidParameterException(
          "Tag keys must be 1-128 characters and values at most 256 characters.");
    }
    if (key.size() >= 4 && (key.compare(0, 4, "aws:") == 0 || key.compare(0, 4, "AWS:") == 0)) {
      return errors::InvalidParameterException("Tag keys starting with aws: are reserved.");
    }
  }
  return OkStatus();
}

Result<ClusterPage> ClustersApi::ListClusters(const std::string& account,
                                              const ListClustersInput& input) {
  if (input.max_results < 1 || input.max_results > 100) {
    return errors::InvalidParameterException("maxResults must be between 1 and 100.");
  }
  IRSA_TRY(std::vector<oidc::ClusterRecord> clusters, clusters_.List(account));
  std::vector<std::string> names;
  names.reserve(clusters.size());
  for (const auto& c : clusters) names.push_back(c.name);
  std::sort(names.begin(), names.end());
  // The token is the last name of the previous page: stable under concurrent creation.
  auto begin = names.begin();
  if (!input.next_token.empty()) {
    begin = std::upper_bound(names.begin(), names.end(), input.next_token);
  }
  ClusterPage page;
  for (auto it = begin; it != names.end(); ++it) {
    if (static_cast<int>(page.names.size()) == input.max_results) {
      page.next_token = page.names.back();
      break;
    }
    page.names.push_back(*it);
  }
  return page;
}

Result<ClusterDescription> ClustersApi::DescribeCluster(const std::string& account,
                                                        const std::string& name) {
  IRSA_TRY(oidc::ClusterRecord record, clusters_.Get(account, name));
  return ClusterDescription{std::move(record), ClusterStatus::kActive};
}

Result<ClusterDescription> ClustersApi::CreateCluster(const std::string& account,
                                                      const CreateClusterInput& input) {
  IRSA_RETURN_IF_ERROR(ValidateTags(input.tags));
  oidc::ClusterSpec spec;
  spec.name = input.name;
  spec.kubernetes_version = input.version;
  spec.tags = input.tags;
  IRSA_TRY(oidc::ClusterRecord record, clusters_.Create(account, spec));
  return ClusterDescription{std::move(record), ClusterStatus::kActive};
}

Result<ClusterDescription> ClustersApi::DeleteCluster(const std::string& account,
                                                      const std::string& name) {
  IRSA_TRY(oidc::ClusterRecord record, clusters_.Get(account, name));
  IRSA_RETURN_IF_ERROR(clusters_.Delete(account, name));
  return ClusterDescription{std::move(record), ClusterStatus::kDeleting};
}

}  // namespace irsa::eks
