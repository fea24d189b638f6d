// IAM managed policies and their versions, user policy attachments and inline user policies,
// ListEntitiesForPolicy and GetAccountSummary over the Query protocol (wire spec §3.4, §3.6).
#include <string>
#include <utility>
#include <vector>

#include "base/arn.h"
#include "iam/account_settings.h"
#include "iam/attachments.h"
#include "iam/policies.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

// "Member must satisfy enum value set: [A, B]" unless `value` is one of `allowed`.
void CheckEnum(Validator& v, std::string_view member, std::optional<std::string_view> value,
               const std::vector<std::string_view>& allowed) {
  if (!value) return;
  std::string set;
  for (std::string_view a : allowed) {
    if (a == *value) return;
    if (!set.empty()) set += ", ";
    set += a;
  }
  v.Add(member, value, "Member must satisfy enum value set: [" + set + "]");
}

// PolicyArn, the first member of most operations here.
// PolicyArn + VersionId.
Result<std::pair<std::string, std::string>> ReadPolicyVersion(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadPolicyArn(call));
  IRSA_TRY(std::string_view version, call.params.Require("VersionId"));
  Validator v;
  v.Pattern("VersionId", version, patterns::kPolicyVersionId);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::make_pair(std::move(arn), std::string(version));
}

Result<HttpResponse> CreatePolicy(const QueryCall& call) {
  IRSA_TRY(std::string_view name, call.params.Require("PolicyName"));
  std::optional<std::string_view> path = call.params.Get("Path");
  IRSA_TRY(std::string_view document, call.params.Require("PolicyDocument"));
  std::optional<std::string_view> description = call.params.Get("Description");
  Validator v;
  CheckPolicyName(v, name);
  v.Length("Path", path, 1, 512).Pattern("Path", path, patterns::kPolicyPath);
  CheckDocument(v, "PolicyDocument", document);
  v.Length("Description", description, 0, 1000);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(auto tags, ReadTags(call.params));
  iam::CreatePolicyInput input;
  input.name = std::string(name);
  input.document = std::string(document);
  input.path = std::string(path.value_or("/"));
  input.description = std::string(description.value_or(""));
  input.tags = std::move(tags);
  IRSA_TRY(iam::PolicyInfo info, iam::CreatePolicy(*call.services.iam, call.account(), input));
  XmlWriter w = call.Writer();
  w.Open("Policy");
  WritePolicyMembers(w, info, PolicyView::kCreate);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetPolicy(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadPolicyArn(call));
  IRSA_TRY(iam::PolicyInfo info, iam::GetPolicy(*call.services.iam, call.account(), arn));
  XmlWriter w = call.Writer();
  w.Open("Policy");
  WritePolicyMembers(w, info, PolicyView::kGet);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> DeletePolicy(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadPolicyArn(call));
  IRSA_RETURN_IF_ERROR(iam::DeletePolicy(*call.services.iam, call.account(), arn));
  return call.Empty();
}

Result<HttpResponse> ListPolicies(const QueryCall& call) {
  std::optional<std::string_view> scope = call.params.Get("Scope");
  IRSA_TRY(std::optional<bool> only_attached, call.params.GetBool("OnlyAttached"));
  std::optional<std::string_view> prefix = call.params.Get("PathPrefix");
  std::optional<std::string_view> usage = call.params.Get("PolicyUsageFilter");
  Validator v;
  CheckEnum(v, "Scope", scope, {"All", "AWS", "Local"});
  v.Length("PathPrefix", prefix, 1, 512).Pattern("PathPrefix", prefix, patterns::kPolicyPath);
  CheckEnum(v, "PolicyUsageFilter", usage, {"PermissionsPolicy", "PermissionsBoundary"});
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  iam::ListPoliciesInput input;
  if (scope == "AWS") input.scope = iam::PolicyScope::kAws;
  if (scope == "Local") input.scope = iam::PolicyScope::kLocal;
  input.only_attached = only_attached.value_or(false);
  input.path_prefix = std::string(prefix.value_or(""));
  if (usage == "PermissionsPolicy") input.usage = iam::PolicyUsageFilter::kPermissionsPolicy;
  if (usage == "PermissionsBoundary") input.usage = iam::PolicyUsageFilter::kPermissionsBoundary;
  input.marker = paging.marker;
  input.max_items = paging.max_items;
  IRSA_TRY(auto page, iam::ListPolicies(*call.services.iam, call.account(), input));
  XmlWriter w = call.Writer();
  w.Open("Policies");
  for (const auto& info : page.items) {
    w.Member();
    WritePolicyMembers(w, info, PolicyView::kList);
    w.Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> CreatePolicyVersion(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadPolicyArn(call));
  IRSA_TRY(std::string_view document, call.params.Require("PolicyDocument"));
  IRSA_TRY(std::optional<bool> set_as_default, call.params.GetBool("SetAsDefault"));
  Validator v;
  CheckDocument(v, "PolicyDocument", document);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(iam::PolicyVersionInfo info,
           iam::CreatePolicyVersion(*call.services.iam, call.account(), arn, std::string(document),
                                    set_as_default.value_or(false)));
  XmlWriter w = call.Writer();
  w.Open("PolicyVersion");
  WritePolicyVersionMembers(w, info, false);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetPolicyVersion(const QueryCall& call) {
  IRSA_TRY(auto input, ReadPolicyVersion(call));
  IRSA_TRY(iam::PolicyVersionInfo info,
           iam::GetPolicyVersion(*call.services.iam, call.account(), input.first, input.second));
  XmlWriter w = call.Writer();
  w.Open("PolicyVersion");
  WritePolicyVersionMembers(w, info, true);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListPolicyVersions(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadPolicyArn(call));
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page, iam::ListPolicyVersions(*call.services.iam, call.account(), arn,
                                              paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  w.Open("Versions");
  for (const auto& info : page.items) {
    w.Member();
    WritePolicyVersionMembers(w, info, false);
    w.Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> DeletePolicyVersion(const QueryCall& call) {
  IRSA_TRY(auto input, ReadPolicyVersion(call));
  IRSA_RETURN_IF_ERROR(
      iam::DeletePolicyVersion(*call.services.iam, call.account(), input.first, input.second));
  return call.Empty();
}

Result<HttpResponse> SetDefaultPolicyVersion(const QueryCall& call) {
  IRSA_TRY(auto input, ReadPolicyVersion(call));
  IRSA_RETURN_IF_ERROR(
      iam::SetDefaultPolicyVersion(*call.services.iam, call.account(), input.first, input.second));
  return call.Empty();
}

void WriteEntities(XmlWriter& w, std::string_view list, std::string_view name_element,
                   std::string_view id_element, const std::vector<iam::PolicyEntity>& entities) {
  if (entities.empty()) {
    w.Empty(list);
    return;
  }
  w.Open(list);
  for (const auto& entity : entities) {
    w.Member().Element(name_element, entity.name).Element(id_element, entity.id).Close();
  }
  w.Close();
}

Result<HttpResponse> ListEntitiesForPolicy(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadPolicyArn(call));
  std::optional<std::string_view> filter = call.params.Get("EntityFilter");
  std::optional<std::string_view> prefix = call.params.Get("PathPrefix");
  std::optional<std::string_view> usage = call.params.Get("PolicyUsageFilter");
  Validator v;
  CheckEnum(v, "EntityFilter", filter,
            {"User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"});
  v.Length("PathPrefix", prefix, 1, 512).Pattern("PathPrefix", prefix, patterns::kPath);
  CheckEnum(v, "PolicyUsageFilter", usage, {"PermissionsPolicy", "PermissionsBoundary"});
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  iam::ListEntitiesForPolicyInput input;
  input.policy_arn = arn;
  if (filter == "User") input.filter = iam::EntityFilter::kUser;
  if (filter == "Role") input.filter = iam::EntityFilter::kRole;
  if (filter == "Group") input.filter = iam::EntityFilter::kGroup;
  if (filter == "LocalManagedPolicy") input.filter = iam::EntityFilter::kLocalManagedPolicy;
  if (filter == "AWSManagedPolicy") input.filter = iam::EntityFilter::kAwsManagedPolicy;
  input.path_prefix = std::string(prefix.value_or(""));
  if (usage == "PermissionsPolicy") input.usage = iam::PolicyUsageFilter::kPermissionsPolicy;
  if (usage == "PermissionsBoundary") input.usage = iam::PolicyUsageFilter::kPermissionsBoundary;
  input.marker = paging.marker;
  input.max_items = paging.max_items;
  IRSA_TRY(iam::PolicyEntities entities,
           iam::ListEntitiesForPolicy(*call.services.iam, call.account(), input));
  XmlWriter w = call.Writer();
  WriteEntities(w, "PolicyGroups", "GroupName", "GroupId", entities.groups);
  WriteEntities(w, "PolicyUsers", "UserName", "UserId", entities.users);
  WriteEntities(w, "PolicyRoles", "RoleName", "RoleId", entities.roles);
  WritePaging(w, entities.truncated, entities.marker);
  return w.Finish(call.http.request_id);
}

// ---- GetAccountSummary: usage counts and the configured quotas ----

Result<HttpResponse> GetAccountSummary(const QueryCall& call) {
  const iam::ServiceContext& ctx = *call.services.iam;
  const std::string& account = call.account();
  int64_t users = 0, roles = 0, policies = 0, versions = 0, providers = 0;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(users, tx.Count({.account = account, .kind = iam::kind::kUser}));
    IRSA_TRY(roles, tx.Count({.account = account, .kind = iam::kind::kRole}));
    IRSA_TRY(policies, tx.Count({.account = account, .kind = iam::kind::kPolicy}));
    IRSA_TRY(versions, tx.Count({.account = account, .kind = iam::kind::kPolicyVersion}));
    IRSA_TRY(providers, tx.Count({.account = account, .kind = iam::kind::kOidcProvider}));
    return OkStatus();
  }));
  IRSA_TRY(std::string token_version, iam::GetGlobalEndpointTokenVersion(ctx, account));
  const iam::Quotas& q = ctx.quotas;
  std::vector<std::pair<std::string, std::string>> summary = {
      {"GlobalEndpointTokenVersion", token_version == "v2Token" ? "2" : "1"},
      {"Users", std::to_string(users)},
      {"UsersQuota", std::to_string(q.users_per_account)},
      {"Groups", "0"},
      {"UserPolicySizeQuota", std::to_string(q.user_inline_policy_size)},
      {"AccessKeysPerUserQuota", std::to_string(q.access_keys_per_user)},
      {"AttachedPoliciesPerRoleQuota", std::to_string(q.attached_policies_per_role)},
      {"AttachedPoliciesPerUserQuota", std::to_string(q.attached_policies_per_user)},
      {"Policies", std::to_string(policies)},
      {"PoliciesQuota", std::to_string(q.policies_per_account)},
      {"PolicySizeQuota", std::to_string(q.managed_policy_size)},
      {"PolicyVersionsInUse", std::to_string(versions)},
      {"VersionsPerPolicyQuota", std::to_string(q.versions_per_policy)},
      {"AssumeRolePolicySizeQuota", std::to_string(q.trust_policy_size)},
      {"Providers", std::to_string(providers)},
      {"RolePolicySizeQuota", std::to_string(q.role_inline_policy_size)},
      {"Roles", std::to_string(roles)},
      {"RolesQuota", std::to_string(q.roles_per_account)},
  };
  XmlWriter w = call.Writer();
  w.Map("SummaryMap", summary);
  return w.Finish(call.http.request_id);
}

}  // namespace

void RegisterIamPolicyActions(QueryActionTable& iam) {
  using namespace access;
  Declare(iam, "iam", "CreatePolicy", CreatePolicy, NewPolicy(), {RequestTagKeys()});
  Declare(iam, "iam", "GetPolicy", GetPolicy, Policy());
  Declare(iam, "iam", "DeletePolicy", DeletePolicy, Policy());
  Declare(iam, "iam", "ListPolicies", ListPolicies, AnyResource());
  Declare(iam, "iam", "CreatePolicyVersion", CreatePolicyVersion, Policy());
  Declare(iam, "iam", "GetPolicyVersion", GetPolicyVersion, Policy());
  Declare(iam, "iam", "ListPolicyVersions", ListPolicyVersions, Policy());
  Declare(iam, "iam", "DeletePolicyVersion", DeletePolicyVersion, Policy());
  Declare(iam, "iam", "SetDefaultPolicyVersion", SetDefaultPolicyVersion, Policy());
  DeclareTagActions(
      iam, {"Policy", ReadPolicyArn, iam::TagPolicy, iam::UntagPolicy, iam::ListPolicyTags},
      Policy());
  Declare(iam, "iam", "ListEntitiesForPolicy", ListEntitiesForPolicy, Policy());
  Declare(iam, "iam", "GetAccountSummary", GetAccountSummary, AnyResource());
  RegisterIamSimulationActions(iam);
}

}  // namespace irsa::protocol
