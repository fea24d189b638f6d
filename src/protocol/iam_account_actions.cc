// Account-level IAM operations over the Query protocol: account aliases,
// GetAccountAuthorizationDetails, SetSecurityTokenServicePreferences, and what policies say
// about services and context keys (ListPoliciesGrantingServiceAccess,
// GetContextKeysForCustomPolicy, GetContextKeysForPrincipalPolicy).
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/strings.h"
#include "iam/access_advisor.h"
#include "iam/account_settings.h"
#include "iam/authorization_details.h"
#include "iam/service_access.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

// ---- Account aliases ----

Result<std::string> ReadAlias(const QueryCall& call) {
  IRSA_TRY(std::string_view alias, call.params.Require("AccountAlias"));
  if (!iam::IsValidAccountAlias(alias)) return iam::InvalidAccountAlias();
  return std::string(alias);
}

Result<HttpResponse> CreateAccountAlias(const QueryCall& call) {
  IRSA_TRY(std::string alias, ReadAlias(call));
  IRSA_RETURN_IF_ERROR(iam::CreateAccountAlias(*call.services.iam, call.account(), alias));
  return call.Empty();
}

Result<HttpResponse> DeleteAccountAlias(const QueryCall& call) {
  IRSA_TRY(std::string alias, ReadAlias(call));
  IRSA_RETURN_IF_ERROR(iam::DeleteAccountAlias(*call.services.iam, call.account(), alias));
  return call.Empty();
}

Result<HttpResponse> ListAccountAliases(const QueryCall& call) {
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(
      iam::ListPage<std::string> page,
      iam::ListAccountAliases(*call.services.iam, call.account(), paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  w.StringList("AccountAliases", page.items);
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

// ---- SetSecurityTokenServicePreferences ----

Result<HttpResponse> SetSecurityTokenServicePreferences(const QueryCall& call) {
  IRSA_TRY(std::string_view version, call.params.Require("GlobalEndpointTokenVersion"));
  if (version != "v1Token" && version != "v2Token") {
    Validator v;
    v.Add("GlobalEndpointTokenVersion", version,
          "Member must satisfy enum value set: [v1Token, v2Token]");
    return v.ToStatus().error();
  }
  IRSA_RETURN_IF_ERROR(
      iam::SetGlobalEndpointTokenVersion(*call.services.iam, call.account(), std::string(version)));
  return call.Empty();
}

// ---- GetAccountAuthorizationDetails ----

Result<iam::DetailsFilter> ReadFilter(const QueryCall& call) {
  IRSA_TRY(std::vector<std::string> types, call.params.GetList("Filter"));
  iam::DetailsFilter filter;
  if (types.empty()) return filter;
  filter = {false, false, false, false, false};
  Validator v;
  for (size_t i = 0; i < types.size(); ++i) {
    const std::string& type = types[i];
    if (type == "User") {
      filter.users = true;
    } else if (type == "Group") {
      filter.groups = true;
    } else if (type == "Role") {
      filter.roles = true;
    } else if (type == "LocalManagedPolicy") {
      filter.local_policies = true;
    } else if (type == "AWSManagedPolicy") {
      filter.aws_policies = true;
    } else {
      v.Add("filter." + std::to_string(i + 1) + ".member", type,
            "Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, "
            "AWSManagedPolicy]");
    }
  }
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return filter;
}

void WriteInlineList(XmlWriter& w, std::string_view name,
                     const std::vector<iam::InlinePolicyRecord>& policies) {
  if (policies.empty()) {
    w.Empty(name);
    return;
  }
  w.Open(name);
  for (const iam::InlinePolicyRecord& policy : policies) {
    w.Member().Element("PolicyName", policy.name);
    WritePolicyDocument(w, "PolicyDocument", policy.document);
    w.Close();
  }
  w.Close();
}

void WriteAttachedList(XmlWriter& w, const std::vector<iam::AttachmentRecord>& attached) {
  if (attached.empty()) {
    w.Empty("AttachedManagedPolicies");
    return;
  }
  w.Open("AttachedManagedPolicies");
  for (const iam::AttachmentRecord& a : attached) {
    w.Member().Element("PolicyName", a.policy_name).Element("PolicyArn", a.policy_arn).Close();
  }
  w.Close();
}

void WriteBoundary(XmlWriter& w, const std::string& arn) {
  if (arn.empty()) return;
  w.Open("PermissionsBoundary")
      .Element("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
      .Element("PermissionsBoundaryArn", arn)
      .Close();
}

void WriteUserDetail(XmlWriter& w, const iam::UserDetail& d) {
  const iam::UserRecord& u = d.user;
  w.Element("Path", u.path)
      .Element("UserName", u.name)
      .Element("UserId", u.id)
      .Element("Arn", u.arn)
      .Timestamp("CreateDate", u.created);
  WriteInlineList(w, "UserPolicyList", d.inline_policies);
  w.StringList("GroupList", d.groups);
  WriteAttachedList(w, d.attached);
  WriteBoundary(w, u.permissions_boundary_arn);
  WriteTagList(w, u.tags);
}

void WriteGroupDetail(XmlWriter& w, const iam::GroupDetail& d) {
  const iam::GroupRecord& g = d.group;
  w.Element("Path", g.path)
      .Element("GroupName", g.name)
      .Element("GroupId", g.id)
      .Element("Arn", g.arn)
      .Timestamp("CreateDate", g.created);
  WriteInlineList(w, "GroupPolicyList", d.inline_policies);
  WriteAttachedList(w, d.attached);
}

void WriteProfile(XmlWriter& w, const iam::InstanceProfileInfo& info) {
  const iam::InstanceProfileRecord& p = info.profile;
  w.Element("Path", p.path)
      .Element("InstanceProfileName", p.name)
      .Element("InstanceProfileId", p.id)
      .Element("Arn", p.arn)
      .Timestamp("CreateDate", p.created);
  if (info.roles.empty()) {
    w.Empty("Roles");
  } else {
    w.Open("Roles");
    for (const iam::RoleRecord& role : info.roles) {
      w.Member();
      WriteRoleMembers(w, role, RoleView::kList);
      w.Close();
    }
    w.Close();
  }
  WriteTags(w, p.tags);
}

void WriteRoleDetail(XmlWriter& w, const iam::RoleDetail& d) {
  const iam::RoleRecord& r = d.role;
  w.Element("Path", r.path)
      .Element("RoleName", r.name)
      .Element("RoleId", r.id)
      .Element("Arn", r.arn)
      .Timestamp("CreateDate", r.created);
  WritePolicyDocument(w, "AssumeRolePolicyDocument", r.assume_role_policy);
  if (d.instance_profiles.empty()) {
    w.Empty("InstanceProfileList");
  } else {
    w.Open("InstanceProfileList");
    for (const iam::InstanceProfileInfo& profile : d.instance_profiles) {
      w.Member();
      WriteProfile(w, profile);
      w.Close();
    }
    w.Close();
  }
  WriteInlineList(w, "RolePolicyList", d.inline_policies);
  WriteAttachedList(w, d.attached);
  WriteBoundary(w, r.permissions_boundary_arn);
  WriteTagList(w, r.tags);
  if (r.last_used) {
    w.Open("RoleLastUsed").Timestamp("LastUsedDate", *r.last_used);
    if (!r.last_used_region.empty()) w.Element("Region", r.last_used_region);
    w.Close();
  } else {
    w.Empty("RoleLastUsed");
  }
}

void WritePolicyDetail(XmlWriter& w, const iam::ManagedPolicyDetail& d) {
  const iam::PolicyRecord& p = d.info.policy;
  w.Element("PolicyName", p.name)
      .Element("PolicyId", p.id)
      .Element("Arn", p.arn)
      .Element("Path", p.path)
      .Element("DefaultVersionId", p.default_version_id)
      .Element("AttachmentCount", d.info.attachment_count)
      .Element("PermissionsBoundaryUsageCount", d.info.boundary_usage_count)
      .Bool("IsAttachable", d.info.is_attachable);
  if (!p.description.empty()) w.Element("Description", p.description);
  w.Timestamp("CreateDate", p.created).Timestamp("UpdateDate", p.updated);
  w.Open("PolicyVersionList");
  for (const iam::PolicyVersionInfo& version : d.versions) {
    w.Member();
    WritePolicyVersionMembers(w, version, /*with_document=*/true);
    w.Close();
  }
  w.Close();
}

template <typename T>
void WriteDetailList(XmlWriter& w, std::string_view name, const std::vector<T>& items,
                     void (*write)(XmlWriter&, const T&)) {
  if (items.empty()) {
    w.Empty(name);
    return;
  }
  w.Open(name);
  for (const T& item : items) {
    w.Member();
    write(w, item);
    w.Close();
  }
  w.Close();
}

Result<HttpResponse> GetAccountAuthorizationDetails(const QueryCall& call) {
  IRSA_TRY(iam::DetailsFilter filter, ReadFilter(call));
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(iam::AuthorizationDetails details,
           iam::GetAccountAuthorizationDetails(*call.services.iam, call.account(), filter,
                                               paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  WriteDetailList<iam::UserDetail>(w, "UserDetailList", details.users, WriteUserDetail);
  WriteDetailList<iam::GroupDetail>(w, "GroupDetailList", details.groups, WriteGroupDetail);
  WriteDetailList<iam::RoleDetail>(w, "RoleDetailList", details.roles, WriteRoleDetail);
  WriteDetailList<iam::ManagedPolicyDetail>(w, "Policies", details.policies, WritePolicyDetail);
  WritePaging(w, details.truncated, details.marker);
  return w.Finish(call.http.request_id);
}

// ---- Policies and services, context keys ----

std::string Indexed(std::string_view list, size_t i) {
  return LowerCamel(list) + "." + std::to_string(i + 1) + ".member";
}

Result<std::vector<std::string>> ReadPolicyInputs(const QueryCall& call, Validator& v) {
  IRSA_TRY(std::vector<std::string> inputs, call.params.GetList("PolicyInputList"));
  for (size_t i = 0; i < inputs.size(); ++i) {
    v.Length(Indexed("PolicyInputList", i), inputs[i], 1, 131072)
        .Pattern(Indexed("PolicyInputList", i), inputs[i], patterns::kPolicyDocument);
  }
  return inputs;
}

HttpResponse WriteContextKeys(const QueryCall& call, const std::vector<std::string>& keys) {
  XmlWriter w = call.Writer();
  w.StringList("ContextKeyNames", keys);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetContextKeysForCustomPolicy(const QueryCall& call) {
  Validator v;
  v.NotNull("PolicyInputList", call.params.HasList("PolicyInputList"));
  IRSA_TRY(std::vector<std::string> inputs, ReadPolicyInputs(call, v));
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(std::vector<std::string> keys, iam::ContextKeysForCustomPolicy(inputs));
  return WriteContextKeys(call, keys);
}

Result<HttpResponse> GetContextKeysForPrincipalPolicy(const QueryCall& call) {
  IRSA_TRY(std::string_view source, call.params.Require("PolicySourceArn"));
  Validator v;
  v.Length("PolicySourceArn", source, 20, 2048);
  IRSA_TRY(std::vector<std::string> inputs, ReadPolicyInputs(call, v));
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(std::vector<std::string> keys,
           iam::ContextKeysForPrincipalPolicy(*call.services.iam, call.account(),
                                              std::string(source), inputs));
  return WriteContextKeys(call, keys);
}

Result<HttpResponse> ListPoliciesGrantingServiceAccess(const QueryCall& call) {
  IRSA_TRY(std::string_view arn, call.params.Require("Arn"));
  Validator v;
  v.Length("Arn", arn, 20, 2048);
  v.NotNull("ServiceNamespaces", call.params.HasList("ServiceNamespaces"));
  IRSA_TRY(std::vector<std::string> namespaces, call.params.GetList("ServiceNamespaces"));
  if (call.params.HasList("ServiceNamespaces") && (namespaces.empty() || namespaces.size() > 200)) {
    v.Add("ServiceNamespaces", std::nullopt,
          "Member must have length less than or equal to 200, Member must have length greater "
          "than or equal to 1");
  }
  for (size_t i = 0; i < namespaces.size(); ++i) {
    v.Length(Indexed("ServiceNamespaces", i), namespaces[i], 1, 64)
        .Pattern(Indexed("ServiceNamespaces", i), namespaces[i], patterns::kWordDashOptional);
  }
  std::optional<std::string_view> marker = call.params.Get("Marker");
  v.Length("Marker", marker, 1, 320);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  if (marker) {
    // Every answer fits one page: irsa never issues a marker here.
    return errors::InvalidInput("Invalid Marker: the marker was not returned by this service.");
  }
  IRSA_TRY(std::vector<iam::ServiceAccess> access,
           iam::ListPoliciesGrantingServiceAccess(*call.services.iam, call.account(),
                                                  std::string(arn), namespaces));
  XmlWriter w = call.Writer();
  w.Open("PoliciesGrantingServiceAccess");
  for (const iam::ServiceAccess& entry : access) {
    w.Member().Element("ServiceNamespace", entry.service_namespace);
    if (entry.policies.empty()) {
      w.Empty("Policies");
    } else {
      w.Open("Policies");
      for (const iam::PolicyGrantingAccess& policy : entry.policies) {
        w.Member().Element("PolicyName", policy.name).Element("PolicyType", policy.type);
        if (!policy.arn.empty()) w.Element("PolicyArn", policy.arn);
        if (!policy.entity_type.empty()) {
          w.Element("EntityType", policy.entity_type).Element("EntityName", policy.entity_name);
        }
        w.Close();
      }
      w.Close();
    }
    w.Close();
  }
  w.Close();
  WritePaging(w, false, "");
  return w.Finish(call.http.request_id);
}

// ---- Service last accessed (iam/access_advisor.h) ----

Result<iam::AccessAdvisor*> Advisor(const QueryCall& call) {
  iam::AccessAdvisor* advisor = call.services.iam->access_advisor;
  if (!advisor) return errors::ServiceFailure("service-last-accessed reports are not kept here");
  return advisor;
}

Result<HttpResponse> GenerateServiceLastAccessedDetails(const QueryCall& call) {
  IRSA_TRY(std::string_view arn, call.params.Require("Arn"));
  std::optional<std::string_view> granularity = call.params.Get("Granularity");
  Validator v;
  v.Length("Arn", arn, 20, 2048);
  if (granularity && *granularity != "SERVICE_LEVEL" && *granularity != "ACTION_LEVEL") {
    v.Add("Granularity", *granularity,
          "Member must satisfy enum value set: [SERVICE_LEVEL, ACTION_LEVEL]");
  }
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(iam::AccessAdvisor * advisor, Advisor(call));
  IRSA_TRY(std::string job_id,
           advisor->Generate(*call.services.iam, call.account(), std::string(arn),
                             granularity && *granularity == "ACTION_LEVEL"));
  XmlWriter w = call.Writer();
  w.Element("JobId", job_id);
  return w.Finish(call.http.request_id);
}

Result<std::shared_ptr<const iam::AccessReport>> ReadJob(const QueryCall& call, Validator& v) {
  IRSA_TRY(std::string_view job_id, call.params.Require("JobId"));
  v.Length("JobId", job_id, 36, 36);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(iam::AccessAdvisor * advisor, Advisor(call));
  return advisor->Get(call.account(), std::string(job_id));
}

// The index of the first item after `marker` among `count` items named by `key(i)`.
template <typename Key>
Result<size_t> StartAfter(const std::string& marker, size_t count, Key key) {
  if (marker.empty()) return size_t{0};
  IRSA_TRY(std::string after, iam::DecodeMarker(marker));
  size_t i = 0;
  while (i < count && key(i) <= after) ++i;
  return i;
}

Result<HttpResponse> GetServiceLastAccessedDetails(const QueryCall& call) {
  Validator v;
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto report, ReadJob(call, v));
  const auto& services = report->services;
  IRSA_TRY(size_t start, StartAfter(paging.marker, services.size(),
                                    [&](size_t i) { return services[i].service_namespace; }));
  const size_t end = std::min(services.size(), start + static_cast<size_t>(paging.max_items));
  XmlWriter w = call.Writer();
  w.Element("JobStatus", "COMPLETED")
      .Element("JobType", report->action_level ? "ACTION_LEVEL" : "SERVICE_LEVEL")
      .Timestamp("JobCreationDate", report->created);
  if (start == end) {
    w.Empty("ServicesLastAccessed");
  } else {
    w.Open("ServicesLastAccessed");
    for (size_t i = start; i < end; ++i) {
      const iam::ServiceReport& s = services[i];
      w.Member().Element("ServiceName", s.service_name);
      if (s.last_authenticated) w.Timestamp("LastAuthenticated", *s.last_authenticated);
      w.Element("ServiceNamespace", s.service_namespace);
      if (s.last_authenticated) {
        w.Element("LastAuthenticatedEntity", s.last_entity);
        if (!s.last_region.empty()) w.Element("LastAuthenticatedRegion", s.last_region);
      }
      w.Element("TotalAuthenticatedEntities", s.total_entities);
      if (report->action_level) {
        if (s.actions.empty()) {
          w.Empty("TrackedActionsLastAccessed");
        } else {
          w.Open("TrackedActionsLastAccessed");
          for (const iam::TrackedAction& a : s.actions) {
            w.Member()
                .Element("ActionName", a.name)
                .Element("LastAccessedEntity", a.entity)
                .Timestamp("LastAccessedTime", a.at);
            if (!a.region.empty()) w.Element("LastAccessedRegion", a.region);
            w.Close();
          }
          w.Close();
        }
      }
      w.Close();
    }
    w.Close();
  }
  w.Timestamp("JobCompletionDate", report->completed);
  const bool truncated = end < services.size();
  WritePaging(w, truncated,
              truncated ? iam::EncodeMarker(services[end - 1].service_namespace) : "");
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetServiceLastAccessedDetailsWithEntities(const QueryCall& call) {
  IRSA_TRY(std::string_view service, call.params.Require("ServiceNamespace"));
  Validator v;
  v.Length("ServiceNamespace", service, 1, 64)
      .Pattern("ServiceNamespace", service, patterns::kWordDashOptional);
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto report, ReadJob(call, v));
  const auto& entities = report->entities;
  auto last = report->entity_last.find(AsciiLower(service));
  IRSA_TRY(size_t start,
           StartAfter(paging.marker, entities.size(), [&](size_t i) { return entities[i].arn; }));
  const size_t end = std::min(entities.size(), start + static_cast<size_t>(paging.max_items));
  XmlWriter w = call.Writer();
  w.Element("JobStatus", "COMPLETED")
      .Timestamp("JobCreationDate", report->created)
      .Timestamp("JobCompletionDate", report->completed);
  if (start == end) {
    w.Empty("EntityDetailsList");
  } else {
    w.Open("EntityDetailsList");
    for (size_t i = start; i < end; ++i) {
      const iam::ReportEntity& e = entities[i];
      w.Member().Open("EntityInfo");
      w.Element("Arn", e.arn).Element("Name", e.name).Element("Type", e.type).Element("Id", e.id);
      if (!e.path.empty()) w.Element("Path", e.path);
      w.Close();
      if (last != report->entity_last.end() && last->second[i]) {
        w.Timestamp("LastAuthenticated", *last->second[i]);
      }
      w.Close();
    }
    w.Close();
  }
  const bool truncated = end < entities.size();
  WritePaging(w, truncated, truncated ? iam::EncodeMarker(entities[end - 1].arn) : "");
  return w.Finish(call.http.request_id);
}

// The user, role or group an operation names by ARN in `param` (not validated here: the
// handler validates; the router authorizes on exactly the ARN given).
template <const char* kParam>
Result<ResolvedResource> EntityArn(const QueryCall& call) {
  IRSA_TRY(std::string_view arn, call.params.Require(kParam));
  return ResolvedResource{std::string(arn), {}, {}};
}
constexpr char kPolicySourceArn[] = "PolicySourceArn";
constexpr char kArn[] = "Arn";

}  // namespace

void RegisterIamAccountActions(QueryActionTable& iam) {
  using namespace access;
  Declare(iam, "iam", "CreateAccountAlias", CreateAccountAlias, AnyResource());
  Declare(iam, "iam", "DeleteAccountAlias", DeleteAccountAlias, AnyResource());
  Declare(iam, "iam", "ListAccountAliases", ListAccountAliases, AnyResource());
  Declare(iam, "iam", "GetAccountAuthorizationDetails", GetAccountAuthorizationDetails,
          AnyResource());
  Declare(iam, "iam", "SetSecurityTokenServicePreferences", SetSecurityTokenServicePreferences,
          AnyResource());
  Declare(iam, "iam", "GetContextKeysForCustomPolicy", GetContextKeysForCustomPolicy,
          AnyResource());
  Declare(iam, "iam", "GetContextKeysForPrincipalPolicy", GetContextKeysForPrincipalPolicy,
          ResourceSpec{"user, role or group", EntityArn<kPolicySourceArn>});
  Declare(iam, "iam", "ListPoliciesGrantingServiceAccess", ListPoliciesGrantingServiceAccess,
          ResourceSpec{"user, role or group", EntityArn<kArn>});
  Declare(iam, "iam", "GenerateServiceLastAccessedDetails", GenerateServiceLastAccessedDetails,
          ResourceSpec{"user, role, group or policy", EntityArn<kArn>});
  Declare(iam, "iam", "GetServiceLastAccessedDetails", GetServiceLastAccessedDetails,
          AnyResource());
  Declare(iam, "iam", "GetServiceLastAccessedDetailsWithEntities",
          GetServiceLastAccessedDetailsWithEntities, AnyResource());
}

}  // namespace irsa::protocol
