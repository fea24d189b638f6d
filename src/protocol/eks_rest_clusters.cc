// EKS cluster operations and the tags of EKS resources (TagResource, UntagResource,
// ListTagsForResource), for protocol/eks_rest.cc's table.
#include "base/encoding.h"
#include "base/strings.h"
#include "protocol/eks_rest_call.h"

namespace irsa::protocol::eks_rest {
namespace {

Error BadRequest(std::string message) {
  return Error("BadRequestException", 400, std::move(message));
}

Error NotFoundException(std::string message) {
  return Error("NotFoundException", 404, std::move(message));
}

// The cluster name of an EKS cluster ARN of this region and account, or nullopt.
std::optional<std::string> ClusterNameOf(const EksCall& call, const std::string& arn) {
  const std::string prefix = ClusterArn(call, "");
  if (!arn.starts_with(prefix) || arn.size() == prefix.size()) return std::nullopt;
  std::string name = arn.substr(prefix.size());
  if (name.find('/') != std::string::npos) return std::nullopt;
  return name;
}

bool IsEntryArn(const EksCall& call, const std::string& arn) {
  return arn.starts_with("arn:aws:eks:" + call.services.region + ":" + call.caller.account +
                         ":access-entry/");
}

}  // namespace

Result<authz::AccessRequest> AnyResourceAccess(const EksCall&) {
  authz::AccessRequest access;
  access.resource = "*";
  return access;
}

Result<authz::AccessRequest> ExistingClusterAccess(const EksCall& call) {
  authz::AccessRequest access;
  access.resource = ClusterArn(call, call.Param(0));
  Result<eks::ClusterDescription> cluster =
      call.services.clusters->DescribeCluster(call.caller.account, call.Param(0));
  if (cluster.ok()) access.AddResourceTags(cluster->record.tags, /*also_iam=*/false);
  return access;
}

Result<authz::AccessRequest> NewClusterAccess(const EksCall& call) {
  authz::AccessRequest access;
  Result<std::optional<std::string>> name = BodyString(call.body, "name");
  access.resource = ClusterArn(call, name.ok() ? name->value_or("") : "");
  Result<eks::Tags> tags = BodyTags(call.body);
  if (tags.ok() && !tags->empty()) access.AddRequestTags(*tags);
  if (const json::value* config = call.body.if_contains("accessConfig");
      config != nullptr && config->is_object()) {
    Result<std::optional<std::string>> mode = BodyString(config->as_object(), "authenticationMode");
    if (mode.ok() && *mode) access.context.Set("eks:authenticationMode", **mode);
    Result<std::optional<bool>> bootstrap =
        BodyBool(config->as_object(), "bootstrapClusterCreatorAdminPermissions");
    if (bootstrap.ok() && *bootstrap) {
      access.context.Set("eks:bootstrapClusterCreatorAdminPermissions",
                         **bootstrap ? "true" : "false");
    }
  }
  Result<std::optional<std::string>> version = BodyString(call.body, "version");
  if (version.ok() && *version) access.context.Set("eks:kubernetesVersion", **version);
  return access;
}

Result<authz::AccessRequest> TaggedResourceAccess(const EksCall& call) {
  authz::AccessRequest access;
  const std::string& arn = call.Param(0);
  access.resource = arn;
  if (std::optional<std::string> cluster = ClusterNameOf(call, arn)) {
    Result<eks::ClusterDescription> d =
        call.services.clusters->DescribeCluster(call.caller.account, *cluster);
    if (d.ok()) access.AddResourceTags(d->record.tags, /*also_iam=*/false);
  } else if (IsEntryArn(call, arn)) {
    Result<std::optional<eks::AccessEntry>> entry =
        call.services.entries->FindByArn(call.caller.account, arn);
    if (entry.ok() && *entry) AddEntryKeys(access, **entry);
  }
  if (call.http.method == "POST") {
    Result<eks::Tags> tags = BodyTags(call.body);
    if (tags.ok() && !tags->empty()) access.AddRequestTags(*tags);
  } else if (call.http.method == "DELETE") {
    access.context.SetMulti("aws:TagKeys", call.QueryAll("tagKeys"));
  }
  return access;
}

Result<HttpResponse> ListClusters(const EksCall& call) {
  eks::ListClustersInput input;
  IRSA_TRY(eks::PageRequest page, QueryPage(call));
  input.max_results = page.max_results;
  input.next_token = page.next_token;
  IRSA_TRY(eks::ClusterPage clusters,
           call.services.clusters->ListClusters(call.caller.account, input));
  json::array names;
  for (const auto& name : clusters.names) names.emplace_back(json::string(name));
  json::object out{{"clusters", std::move(names)}};
  if (!clusters.next_token.empty()) out["nextToken"] = clusters.next_token;
  return Json(200, out);
}

Result<HttpResponse> DescribeCluster(const EksCall& call) {
  IRSA_TRY(eks::ClusterDescription d,
           call.services.clusters->DescribeCluster(call.caller.account, call.Param(0)));
  return Json(200, json::object{{"cluster", ClusterJson(d)}});
}

Result<HttpResponse> CreateCluster(const EksCall& call) {
  IRSA_TRY(std::optional<std::string> name, BodyString(call.body, "name"));
  if (!name) {
    return errors::InvalidParameterException(
        "CreateCluster needs a JSON body with a string \"name\".");
  }
  eks::CreateClusterInput input;
  input.name = *name;
  IRSA_TRY(std::optional<std::string> version, BodyString(call.body, "version"));
  input.version = version.value_or("");
  IRSA_TRY(input.tags, BodyTags(call.body));
  if (const json::value* config = call.body.if_contains("accessConfig");
      config != nullptr && !config->is_null()) {
    if (!config->is_object()) {
      return errors::InvalidParameterException("accessConfig must be an object.");
    }
    IRSA_TRY(std::optional<std::string> mode,
             BodyString(config->as_object(), "authenticationMode"));
    input.authentication_mode = mode.value_or("");
    IRSA_TRY(input.bootstrap_cluster_creator_admin,
             BodyBool(config->as_object(), "bootstrapClusterCreatorAdminPermissions"));
  }
  input.creator = eks::EntryPrincipalOf(call.caller);
  IRSA_TRY(eks::ClusterDescription d,
           call.services.clusters->CreateCluster(call.caller.account, input));
  return Json(200, json::object{{"cluster", ClusterJson(d)}});
}

Result<HttpResponse> DeleteCluster(const EksCall& call) {
  IRSA_TRY(eks::ClusterDescription d,
           call.services.clusters->DeleteCluster(call.caller.account, call.Param(0)));
  return Json(200, json::object{{"cluster", ClusterJson(d)}});
}

Result<HttpResponse> TagResource(const EksCall& call) {
  const std::string& arn = call.Param(0);
  IRSA_TRY(eks::Tags tags, BodyTags(call.body));
  if (tags.empty()) return BadRequest("tags must name at least one tag.");
  if (std::optional<std::string> cluster = ClusterNameOf(call, arn)) {
    Status tagged = call.services.clusters->TagCluster(call.caller.account, *cluster, tags);
    if (!tagged.ok() && tagged.error().code() == "ResourceNotFoundException") {
      return NotFoundException("Resource " + ToValidUtf8(arn.substr(0, 256)) + " was not found.");
    }
    IRSA_RETURN_IF_ERROR(tagged);
  } else if (IsEntryArn(call, arn)) {
    IRSA_RETURN_IF_ERROR(call.services.entries->TagEntry(call.caller.account, arn, tags));
  } else {
    return BadRequest("resourceArn " + ToValidUtf8(arn.substr(0, 256)) +
                      " is not an EKS cluster or access entry of this account and region.");
  }
  return Json(200, json::object{});
}

Result<HttpResponse> UntagResource(const EksCall& call) {
  const std::string& arn = call.Param(0);
  std::vector<std::string> keys = call.QueryAll("tagKeys");
  if (keys.empty()) return BadRequest("tagKeys must name at least one tag key.");
  if (std::optional<std::string> cluster = ClusterNameOf(call, arn)) {
    Status untagged = call.services.clusters->UntagCluster(call.caller.account, *cluster, keys);
    if (!untagged.ok() && untagged.error().code() == "ResourceNotFoundException") {
      return NotFoundException("Resource " + ToValidUtf8(arn.substr(0, 256)) + " was not found.");
    }
    IRSA_RETURN_IF_ERROR(untagged);
  } else if (IsEntryArn(call, arn)) {
    IRSA_RETURN_IF_ERROR(call.services.entries->UntagEntry(call.caller.account, arn, keys));
  } else {
    return BadRequest("resourceArn " + ToValidUtf8(arn.substr(0, 256)) +
                      " is not an EKS cluster or access entry of this account and region.");
  }
  return Json(200, json::object{});
}

Result<HttpResponse> ListTagsForResource(const EksCall& call) {
  const std::string& arn = call.Param(0);
  if (std::optional<std::string> cluster = ClusterNameOf(call, arn)) {
    Result<eks::ClusterDescription> d =
        call.services.clusters->DescribeCluster(call.caller.account, *cluster);
    if (!d.ok() && d.error().code() == "ResourceNotFoundException") {
      return NotFoundException("Resource " + ToValidUtf8(arn.substr(0, 256)) + " was not found.");
    }
    IRSA_RETURN_IF_ERROR(d);
    return Json(200, json::object{{"tags", TagsJson(d->record.tags)}});
  }
  if (IsEntryArn(call, arn)) {
    IRSA_TRY(std::optional<eks::AccessEntry> entry,
             call.services.entries->FindByArn(call.caller.account, arn));
    if (!entry)
      return NotFoundException("Resource " + ToValidUtf8(arn.substr(0, 256)) + " was not found.");
    return Json(200, json::object{{"tags", TagsJson(entry->tags)}});
  }
  return BadRequest("resourceArn " + ToValidUtf8(arn.substr(0, 256)) +
                    " is not an EKS cluster or access entry of this account and region.");
}

}  // namespace irsa::protocol::eks_rest
