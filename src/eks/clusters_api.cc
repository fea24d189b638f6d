#include "eks/clusters_api.h"

#include <algorithm>

#include "base/encoding.h"
#include "base/error.h"
#include "eks/access_entries.h"
#include "eks/access_policies.h"

namespace irsa::eks {

std::string_view ClusterStatusName(ClusterStatus status) {
  switch (status) {
    case ClusterStatus::kCreating:
      return "CREATING";
    case ClusterStatus::kDeleting:
      return "DELETING";
    case ClusterStatus::kActive:
      break;
  }
  return "ACTIVE";
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

ClusterDescription ClustersApi::Describe(oidc::ClusterRecord record, ClusterStatus status) const {
  ClusterDescription d;
  if (!endpoint_.base_url.empty()) d.endpoint = endpoint_.base_url + "/k8s/" + record.name;
  if (!endpoint_.ca_pem.empty()) d.certificate_authority = Base64Encode(endpoint_.ca_pem);
  d.record = std::move(record);
  d.status = status;
  return d;
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
  return Describe(std::move(record), ClusterStatus::kActive);
}

Result<ClusterDescription> ClustersApi::CreateCluster(const std::string& account,
                                                      const CreateClusterInput& input) {
  IRSA_RETURN_IF_ERROR(ValidateTags(input.tags));
  const std::string mode = input.authentication_mode.empty() ? "API" : input.authentication_mode;
  if (mode == "CONFIG_MAP" || mode == "API_AND_CONFIG_MAP") {
    return errors::InvalidParameterException(
        "authenticationMode " + mode +
        " is not supported: irsa authenticates with access entries only (API), it has no "
        "aws-auth ConfigMap.");
  }
  if (mode != "API") {
    return errors::InvalidParameterException(
        "authenticationMode must be API, API_AND_CONFIG_MAP or CONFIG_MAP.");
  }
  const bool bootstrap = input.bootstrap_cluster_creator_admin.value_or(true);
  oidc::ClusterSpec spec;
  spec.name = input.name;
  spec.kubernetes_version = input.version;
  spec.tags = input.tags;
  spec.authentication_mode = mode;
  spec.bootstrap_cluster_creator_admin = bootstrap && input.creator.has_value();
  if (entries_ != nullptr && spec.bootstrap_cluster_creator_admin) {
    // Fail before creating anything when the creator cannot have an entry.
    IRSA_TRY(PrincipalIdentity resolved, entries_->ResolvePrincipal(input.creator->arn));
    (void)resolved;
  }
  IRSA_TRY(oidc::ClusterRecord record, clusters_.Create(account, spec));
  if (entries_ != nullptr && spec.bootstrap_cluster_creator_admin) {
    auto admin = [&]() -> Status {
      CreateAccessEntryInput entry;
      entry.cluster = record.name;
      entry.principal_arn = input.creator->arn;
      IRSA_TRY(AccessEntry created, entries_->Create(account, entry));
      IRSA_TRY(AssociatedPolicy policy,
               entries_->AssociatePolicy(
                   account, record.name, created.principal_arn,
                   std::string(kAccessPolicyArnPrefix) + "AmazonEKSClusterAdminPolicy", {}));
      (void)policy;
      return OkStatus();
    }();
    if (!admin.ok()) {
      // No cluster without the admin its creator asked for.
      Status undone = clusters_.Delete(account, record.name);
      (void)undone;
      return admin.error();
    }
  }
  return Describe(std::move(record), ClusterStatus::kCreating);
}

Result<ClusterDescription> ClustersApi::DeleteCluster(const std::string& account,
                                                      const std::string& name) {
  IRSA_TRY(oidc::ClusterRecord record, clusters_.Get(account, name));
  // Entries first: a failure in between leaves a cluster without entries, never entries without
  // their cluster.
  if (entries_ != nullptr) IRSA_RETURN_IF_ERROR(entries_->DeleteAll(account, name));
  IRSA_RETURN_IF_ERROR(clusters_.Delete(account, name));
  return Describe(std::move(record), ClusterStatus::kDeleting);
}

Status ClustersApi::TagCluster(const std::string& account, const std::string& name,
                               const std::vector<std::pair<std::string, std::string>>& tags) {
  IRSA_TRY(oidc::ClusterRecord record, clusters_.Get(account, name));
  std::vector<std::pair<std::string, std::string>> merged = record.tags;
  for (const auto& [key, value] : tags) {
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&key = key](const auto& tag) { return tag.first == key; });
    if (it == merged.end()) {
      merged.emplace_back(key, value);
    } else {
      it->second = value;
    }
  }
  if (Status valid = ValidateTags(merged); !valid.ok()) {
    return Error("BadRequestException", 400, valid.error().message());
  }
  IRSA_TRY(oidc::ClusterRecord updated, clusters_.UpdateTags(account, name, tags, {}));
  (void)updated;
  return OkStatus();
}

Status ClustersApi::UntagCluster(const std::string& account, const std::string& name,
                                 const std::vector<std::string>& keys) {
  IRSA_TRY(oidc::ClusterRecord updated, clusters_.UpdateTags(account, name, {}, keys));
  (void)updated;
  return OkStatus();
}

}  // namespace irsa::eks
