// Internal to protocol/eks_rest*.cc: one EKS call as the table's functions see it, JSON helpers,
// and the operations' access and handler functions.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "authz/access.h"
#include "authz/caller.h"
#include "base/http_types.h"
#include "base/result.h"
#include "eks/access_entries.h"
#include "eks/clusters_api.h"
#include "protocol/eks_rest.h"

namespace irsa::protocol::eks_rest {

namespace json = boost::json;

struct EksCall {
  const HttpRequest& http;
  const authz::Caller& caller;
  const EksServices& services;
  std::vector<std::string> params;  // decoded path parameters, in the template's order
  std::vector<std::pair<std::string, std::string>> query;  // decoded, repeats kept
  json::object body;                                       // the JSON body ({} if none)

  const std::string& Param(size_t i) const { return params.at(i); }
  // The first query value of `name`, or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
  // Every query value of `name`, in order.
  std::vector<std::string> QueryAll(std::string_view name) const;
};

std::string ClusterArn(const EksCall& call, const std::string& name);
double EpochSeconds(SystemTime t);
HttpResponse Json(int status, const json::value& body);

// Body members (InvalidParameterException for a member of the wrong type).
Result<std::optional<std::string>> BodyString(const json::object& body, std::string_view key);
Result<std::optional<std::vector<std::string>>> BodyStrings(const json::object& body,
                                                            std::string_view key);
Result<std::optional<bool>> BodyBool(const json::object& body, std::string_view key);
// The "tags" member: a map of strings.
Result<eks::Tags> BodyTags(const json::object& body);
// maxResults / nextToken of the query (InvalidParameterException for a non-number).
Result<eks::PageRequest> QueryPage(const EksCall& call);

json::object TagsJson(const eks::Tags& tags);
json::object ClusterJson(const eks::ClusterDescription& d);
json::object AccessEntryJson(const eks::AccessEntry& e);
json::object AssociatedPolicyJson(const eks::AssociatedPolicy& p);

// The access-entry keys of `entry` (the Service Authorization Reference's access-entry resource
// keys): aws:ResourceTag/*, eks:accessEntryType, eks:clusterName, eks:kubernetesGroups (when it
// has groups), eks:principalArn, eks:username.
void AddEntryKeys(authz::AccessRequest& access, const eks::AccessEntry& entry);
// The request naming the access entry of principal {principalArn} on cluster {name}: the entry's
// ARN and keys, or — when it does not exist — .../<principal name>/ with eks:clusterName and
// eks:principalArn from the path.
Result<authz::AccessRequest> EntryAccess(const EksCall& call);

// ---- cluster operations (eks_rest_clusters.cc) ----
Result<authz::AccessRequest> AnyResourceAccess(const EksCall& call);
Result<authz::AccessRequest> ExistingClusterAccess(const EksCall& call);
Result<authz::AccessRequest> NewClusterAccess(const EksCall& call);
Result<authz::AccessRequest> TaggedResourceAccess(const EksCall& call);
Result<HttpResponse> ListClusters(const EksCall& call);
Result<HttpResponse> DescribeCluster(const EksCall& call);
Result<HttpResponse> CreateCluster(const EksCall& call);
Result<HttpResponse> DeleteCluster(const EksCall& call);
Result<HttpResponse> TagResource(const EksCall& call);
Result<HttpResponse> UntagResource(const EksCall& call);
Result<HttpResponse> ListTagsForResource(const EksCall& call);

// ---- access entries (eks_rest_access.cc) ----
Result<authz::AccessRequest> NewEntryAccess(const EksCall& call);
Result<authz::AccessRequest> UpdateEntryAccess(const EksCall& call);
Result<authz::AccessRequest> AssociateAccess(const EksCall& call);
Result<authz::AccessRequest> DisassociateAccess(const EksCall& call);
Result<HttpResponse> CreateAccessEntry(const EksCall& call);
Result<HttpResponse> ListAccessEntries(const EksCall& call);
Result<HttpResponse> DescribeAccessEntry(const EksCall& call);
Result<HttpResponse> UpdateAccessEntry(const EksCall& call);
Result<HttpResponse> DeleteAccessEntry(const EksCall& call);
Result<HttpResponse> AssociateAccessPolicy(const EksCall& call);
Result<HttpResponse> DisassociateAccessPolicy(const EksCall& call);
Result<HttpResponse> ListAssociatedAccessPolicies(const EksCall& call);
Result<HttpResponse> ListAccessPolicies(const EksCall& call);

}  // namespace irsa::protocol::eks_rest
