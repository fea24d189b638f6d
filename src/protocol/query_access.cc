#include "protocol/query_access.h"

#include "base/arn.h"
#include "iam/instance_profiles.h"
#include "iam/lookup.h"
#include "iam/oidc_providers.h"
#include "iam/roles.h"
#include "iam/service_linked_roles.h"
#include "iam/users.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"

namespace irsa::protocol {
namespace {

using TagPairs = std::vector<std::pair<std::string, std::string>>;

TagPairs Pairs(const std::vector<iam::Tag>& tags) {
  TagPairs out;
  out.reserve(tags.size());
  for (const auto& tag : tags) out.emplace_back(tag.key, tag.value);
  return out;
}

// Resolvers and key suppliers read the raw parameters and never fail on a malformed one: the
// handler validates every member after authorization (reporting all violations at once, as
// AWS does), so an invalid request is refused either way, and a valid one is authorized on
// exactly the resource it names.
std::string Param(const QueryCall& call, std::string_view name, std::string_view fallback = "") {
  return std::string(call.params.Get(name).value_or(fallback));
}

Result<ResolvedResource> ResolveRole(const QueryCall& call) {
  const std::string name = Param(call, "RoleName");
  Result<iam::RoleRecord> role = iam::GetRole(*call.services.iam, call.account(), name);
  if (!role.ok()) {
    if (role.error().code() != "NoSuchEntity" && role.error().code() != "ValidationError") {
      return role.error();
    }
    return ResolvedResource{iam::RoleArn(call.account(), "/", name), {}, {}};
  }
  return ResolvedResource{role->arn, Pairs(role->tags), role->permissions_boundary_arn};
}

Result<ResolvedResource> ResolveUserNamed(const QueryCall& call, const std::string& name) {
  if (name.empty()) return ResolvedResource{IamArn(call.account(), "root"), {}, {}};
  Result<iam::UserRecord> user = iam::GetUser(*call.services.iam, call.account(), name);
  if (!user.ok()) {
    if (user.error().code() != "NoSuchEntity" && user.error().code() != "ValidationError") {
      return user.error();
    }
    return ResolvedResource{iam::UserArn(call.account(), "/", name), {}, {}};
  }
  return ResolvedResource{user->arn, Pairs(user->tags), user->permissions_boundary_arn};
}

Result<ResolvedResource> ResolveUser(const QueryCall& call) {
  return ResolveUserNamed(call, Param(call, "UserName"));
}

Result<ResolvedResource> ResolveUserOrCaller(const QueryCall& call) {
  if (call.params.Has("UserName")) return ResolveUserNamed(call, Param(call, "UserName"));
  switch (call.caller.type) {
    case authz::CallerType::kUser:
      return ResolveUserNamed(call, call.caller.user_name);
    case authz::CallerType::kRoot:
      return ResolvedResource{IamArn(call.account(), "root"), {}, {}};
    default:
      return errors::ValidationError(
          "Must specify userName when calling with non-User credentials");
  }
}

Result<ResolvedResource> ResolveNewRole(const QueryCall& call) {
  return ResolvedResource{
      iam::RoleArn(call.account(), Param(call, "Path", "/"), Param(call, "RoleName")), {}, {}};
}

Result<ResolvedResource> ResolveNewUser(const QueryCall& call) {
  return ResolvedResource{
      iam::UserArn(call.account(), Param(call, "Path", "/"), Param(call, "UserName")), {}, {}};
}

Result<ResolvedResource> ResolvePolicy(const QueryCall& call) {
  const std::string arn = Param(call, "PolicyArn");
  ResolvedResource out{arn, {}, {}};
  IRSA_RETURN_IF_ERROR(call.services.iam->store.ReadCached([&](store::StoreTx& tx) -> Status {
    Result<std::optional<iam::LoadedPolicy>> found = iam::FindPolicy(tx, call.account(), arn);
    // A malformed ARN is reported by the operation itself; authorize it as named.
    if (found.ok() && *found) out.tags = Pairs((*found)->record.tags);
    return OkStatus();
  }));
  return out;
}

Result<ResolvedResource> ResolveNewPolicy(const QueryCall& call) {
  return ResolvedResource{
      IamArn(call.account(), "policy" + Param(call, "Path", "/") + Param(call, "PolicyName")),
      {},
      {}};
}

Result<ResolvedResource> ResolveOidcProvider(const QueryCall& call) {
  ResolvedResource out{Param(call, "OpenIDConnectProviderArn"), {}, {}};
  Result<iam::OidcProviderRecord> provider =
      iam::GetOpenIDConnectProvider(*call.services.iam, call.account(), out.arn);
  if (provider.ok()) out.tags = Pairs(provider->tags);
  return out;
}

Result<ResolvedResource> ResolveNewOidcProvider(const QueryCall& call) {
  const std::string url = Param(call, "Url");
  Result<std::string> normalized = iam::NormalizeOidcUrl(url);
  return ResolvedResource{
      iam::OidcProviderArn(call.account(), normalized.ok() ? *normalized : url), {}, {}};
}

Result<ResolvedResource> ResolveGroup(const QueryCall& call) {
  return ResolvedResource{GroupResource(call, Param(call, "GroupName")), {}, {}};
}

Result<ResolvedResource> ResolveNewGroup(const QueryCall& call) {
  return ResolvedResource{
      iam::GroupArn(call.account(), Param(call, "Path", "/"), Param(call, "GroupName")), {}, {}};
}

Result<ResolvedResource> ResolveInstanceProfile(const QueryCall& call) {
  const std::string name = Param(call, "InstanceProfileName");
  Result<iam::InstanceProfileInfo> info =
      iam::GetInstanceProfile(*call.services.iam, call.account(), name);
  if (!info.ok()) {
    if (info.error().code() != "NoSuchEntity" && info.error().code() != "ValidationError") {
      return info.error();
    }
    return ResolvedResource{iam::InstanceProfileArn(call.account(), "/", name), {}, {}};
  }
  return ResolvedResource{info->profile.arn, Pairs(info->profile.tags), {}};
}

Result<ResolvedResource> ResolveNewInstanceProfile(const QueryCall& call) {
  return ResolvedResource{iam::InstanceProfileArn(call.account(), Param(call, "Path", "/"),
                                                  Param(call, "InstanceProfileName")),
                          {},
                          {}};
}

Result<ResolvedResource> ResolveNewServiceLinkedRole(const QueryCall& call) {
  const std::string service = Param(call, "AWSServiceName");
  Result<std::string> name = iam::ServiceLinkedRoleName(service, Param(call, "CustomSuffix"));
  return ResolvedResource{iam::RoleArn(call.account(), "/aws-service-role/" + service + "/",
                                       name.ok() ? *name : "AWSServiceRoleFor"),
                          {},
                          {}};
}

Result<ResolvedResource> ResolveDeletionTaskRole(const QueryCall& call) {
  std::string arn = iam::DeletionTaskRoleArn(call.account(), Param(call, "DeletionTaskId"));
  if (arn.empty()) arn = iam::RoleArn(call.account(), "/aws-service-role/", "");
  return ResolvedResource{arn, {}, {}};
}

Status AddAwsServiceName(const QueryCall& call, const ResolvedResource&,
                         authz::AccessRequest& access) {
  if (call.params.Has("AWSServiceName")) {
    access.context.Set("iam:AWSServiceName", Param(call, "AWSServiceName"));
  }
  return OkStatus();
}

template <const char* kType>
Result<ResolvedResource> ResolveAllOf(const QueryCall& call) {
  return ResolvedResource{IamArn(call.account(), std::string(kType) + "/"), {}, {}};
}

constexpr char kGroupType[] = "group";
constexpr char kInstanceProfileType[] = "instance-profile";
constexpr char kUserType[] = "user";
constexpr char kRoleType[] = "role";
constexpr char kMfaType[] = "mfa";

Status AddPolicyArn(const QueryCall& call, const ResolvedResource&, authz::AccessRequest& access) {
  if (call.params.Has("PolicyArn")) access.context.Set("iam:PolicyARN", Param(call, "PolicyArn"));
  return OkStatus();
}

Status AddBoundaryParam(const QueryCall& call, const ResolvedResource&,
                        authz::AccessRequest& access) {
  if (call.params.Has("PermissionsBoundary")) {
    access.context.Set("iam:PermissionsBoundary", Param(call, "PermissionsBoundary"));
  }
  return OkStatus();
}

Status AddExistingBoundary(const QueryCall&, const ResolvedResource& resource,
                           authz::AccessRequest& access) {
  if (!resource.permissions_boundary.empty()) {
    access.context.Set("iam:PermissionsBoundary", resource.permissions_boundary);
  }
  return OkStatus();
}

Status AddRequestTags(const QueryCall& call, const ResolvedResource&,
                      authz::AccessRequest& access) {
  if (!call.params.HasList("Tags")) return OkStatus();
  Result<std::vector<iam::Tag>> tags = ReadTags(call.params);
  if (tags.ok()) access.AddRequestTags(Pairs(*tags));
  return OkStatus();
}

Status AddTagKeys(const QueryCall& call, const ResolvedResource&, authz::AccessRequest& access) {
  Result<std::vector<std::string>> keys = ReadTagKeys(call.params);
  if (keys.ok()) access.context.SetMulti("aws:TagKeys", std::move(*keys));
  return OkStatus();
}

}  // namespace

Result<authz::AccessRequest> BuildAccessRequest(const QueryCall& call, std::string_view action,
                                                const ResourceSpec& resource,
                                                const std::vector<KeySpec>& keys) {
  authz::AccessRequest access;
  access.action = std::string(action);
  ResolvedResource resolved{"*", {}, {}};
  if (resource.resolve != nullptr) {
    IRSA_TRY(resolved, resource.resolve(call));
  }
  access.resource = resolved.arn;
  if (resource.resource_tags) access.AddResourceTags(resolved.tags, resource.iam_resource_tags);
  for (const KeySpec& key : keys) IRSA_RETURN_IF_ERROR(key.add(call, resolved, access));
  return access;
}

void Declare(QueryActionTable& table, std::string_view service, std::string name,
             QueryHandler handler, ResourceSpec resource, std::vector<KeySpec> keys) {
  QueryAction& entry = table[name];
  entry.handler = std::move(handler);
  entry.iam_action = std::string(service) + ":" + name;
  entry.resource = resource;
  entry.keys = std::move(keys);
}

namespace access {

ResourceSpec AnyResource() { return {"*", nullptr}; }
ResourceSpec Role() { return {"role", ResolveRole, true, true}; }
ResourceSpec NewRole() { return {"role", ResolveNewRole}; }
ResourceSpec User() { return {"user", ResolveUser, true, true}; }
ResourceSpec UserOrCaller() { return {"user", ResolveUserOrCaller, true, true}; }
ResourceSpec NewUser() { return {"user", ResolveNewUser}; }
ResourceSpec Policy() { return {"policy", ResolvePolicy, true}; }
ResourceSpec NewPolicy() { return {"policy", ResolveNewPolicy}; }
ResourceSpec OidcProvider() { return {"oidc-provider", ResolveOidcProvider, true}; }
ResourceSpec NewOidcProvider() { return {"oidc-provider", ResolveNewOidcProvider}; }

ResourceSpec InstanceProfile() { return {"instance-profile", ResolveInstanceProfile, true}; }
ResourceSpec NewInstanceProfile() { return {"instance-profile", ResolveNewInstanceProfile}; }
ResourceSpec NewServiceLinkedRole() { return {"role", ResolveNewServiceLinkedRole}; }
ResourceSpec DeletionTaskRole() { return {"role", ResolveDeletionTaskRole}; }
ResourceSpec Group() { return {"group", ResolveGroup}; }
ResourceSpec NewGroup() { return {"group", ResolveNewGroup}; }
ResourceSpec AllOf(std::string_view type) {
  if (type == kGroupType) return {"group", ResolveAllOf<kGroupType>};
  if (type == kInstanceProfileType) return {"instance-profile", ResolveAllOf<kInstanceProfileType>};
  if (type == kUserType) return {"user", ResolveAllOf<kUserType>};
  if (type == kRoleType) return {"role", ResolveAllOf<kRoleType>};
  if (type == kMfaType) return {"mfa", ResolveAllOf<kMfaType>};
  return AnyResource();
}

KeySpec PolicyArnKey() { return {{"iam:PolicyARN"}, "the PolicyArn parameter", AddPolicyArn}; }
KeySpec BoundaryParamKey() {
  return {{"iam:PermissionsBoundary"}, "the PermissionsBoundary parameter", AddBoundaryParam};
}
KeySpec ExistingBoundaryKey() {
  return {{"iam:PermissionsBoundary"},
          "the entity's current permissions boundary",
          AddExistingBoundary};
}
KeySpec RequestTagKeys() {
  return {{"aws:RequestTag/${TagKey}", "aws:TagKeys"}, "the Tags parameter", AddRequestTags};
}
KeySpec AwsServiceNameKey() {
  return {{"iam:AWSServiceName"}, "the AWSServiceName parameter", AddAwsServiceName};
}
KeySpec TagKeysKey() { return {{"aws:TagKeys"}, "the TagKeys parameter", AddTagKeys}; }

}  // namespace access
}  // namespace irsa::protocol
