// IAM roles, their trust policies, tags and permissions boundaries over the Query protocol (wire
// spec §3.5). Their managed-policy attachments and inline policies:
// iam_principal_policy_actions.cc.
#include <string>
#include <utility>
#include <vector>

#include "base/arn.h"
#include "base/log.h"
#include "iam/lookup.h"
#include "iam/roles.h"
#include "iam/service_linked_roles.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

void CheckDescription(Validator& v, std::optional<std::string_view> description) {
  v.Length("Description", description, 0, 1000)
      .Pattern("Description", description, patterns::kDescription);
}

// RoleName is the first member of every operation below: required and validated.
// Trust-policy lint findings have no place on the wire: they go to the log, with the role ARN.
void LogTrustWarnings(const std::string& role_arn,
                      const std::vector<policy::LintWarning>& warnings) {
  for (const auto& warning : warnings) {
    const std::string statement = std::to_string(warning.statement);
    log::Warn("trust policy warning", {{"role", role_arn},
                                       {"code", warning.code},
                                       {"statement", statement},
                                       {"detail", warning.message}});
  }
}

Result<HttpResponse> CreateRole(const QueryCall& call) {
  std::optional<std::string_view> path = call.params.Get("Path");
  IRSA_TRY(std::string_view name, call.params.Require("RoleName"));
  IRSA_TRY(std::string_view document, call.params.Require("AssumeRolePolicyDocument"));
  std::optional<std::string_view> description = call.params.Get("Description");
  IRSA_TRY(std::optional<int64_t> duration, call.params.GetInt("MaxSessionDuration"));
  std::optional<std::string_view> boundary = call.params.Get("PermissionsBoundary");
  Validator v;
  v.Length("Path", path, 1, 512).Pattern("Path", path, patterns::kPath);
  CheckRoleName(v, name);
  CheckDocument(v, "AssumeRolePolicyDocument", document);
  CheckDescription(v, description);
  v.Range("MaxSessionDuration", duration, 3600, 43200);
  v.Length("PermissionsBoundary", boundary, 20, 2048);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(auto tags, ReadTags(call.params));

  iam::CreateRoleInput input;
  input.name = std::string(name);
  input.assume_role_policy = std::string(document);
  input.path = std::string(path.value_or("/"));
  input.description = std::string(description.value_or(""));
  input.max_session_duration = duration;
  input.permissions_boundary_arn = std::string(boundary.value_or(""));
  input.tags = std::move(tags);
  IRSA_TRY(iam::RoleResult created, iam::CreateRole(*call.services.iam, call.account(), input));
  LogTrustWarnings(created.role.arn, created.warnings);
  XmlWriter w = call.Writer();
  w.Open("Role");
  WriteRoleMembers(w, created.role, RoleView::kCreate);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetRole(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadRoleName(call));
  IRSA_TRY(iam::RoleRecord role, iam::GetRole(*call.services.iam, call.account(), name));
  XmlWriter w = call.Writer();
  WriteRole(w, role, RoleView::kGet);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> UpdateRole(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadRoleName(call));
  std::optional<std::string_view> description = call.params.Get("Description");
  IRSA_TRY(std::optional<int64_t> duration, call.params.GetInt("MaxSessionDuration"));
  Validator v;
  CheckDescription(v, description);
  v.Range("MaxSessionDuration", duration, 3600, 43200);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  iam::UpdateRoleInput input;
  if (description) input.description = std::string(*description);
  input.max_session_duration = duration;
  IRSA_RETURN_IF_ERROR(iam::UpdateRole(*call.services.iam, call.account(), name, input));
  // The output shape is empty but present: <UpdateRoleResult></UpdateRoleResult>.
  return call.Writer().Finish(call.http.request_id);
}

Result<HttpResponse> UpdateRoleDescription(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadRoleName(call));
  IRSA_TRY(std::string_view description, call.params.Require("Description"));
  Validator v;
  CheckDescription(v, description);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(iam::RoleRecord role, iam::UpdateRoleDescription(*call.services.iam, call.account(),
                                                            name, std::string(description)));
  XmlWriter w = call.Writer();
  WriteRole(w, role, RoleView::kGet);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> UpdateAssumeRolePolicy(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadRoleName(call));
  IRSA_TRY(std::string_view document, call.params.Require("PolicyDocument"));
  Validator v;
  CheckDocument(v, "PolicyDocument", document);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  const std::string resource = RoleResource(call, name);
  IRSA_TRY(auto warnings, iam::UpdateAssumeRolePolicy(*call.services.iam, call.account(), name,
                                                      std::string(document)));
  LogTrustWarnings(resource, warnings);
  return call.Empty();
}

Result<HttpResponse> DeleteRole(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadRoleName(call));
  IRSA_RETURN_IF_ERROR(iam::DeleteRole(*call.services.iam, call.account(), name));
  return call.Empty();
}

Result<HttpResponse> ListRoles(const QueryCall& call) {
  std::optional<std::string_view> prefix = call.params.Get("PathPrefix");
  Validator v;
  v.Length("PathPrefix", prefix, 1, 512).Pattern("PathPrefix", prefix, patterns::kPathPrefix);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page,
           iam::ListRoles(*call.services.iam, call.account(), std::string(prefix.value_or("/")),
                          paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  w.Open("Roles");
  for (const auto& role : page.items) {
    w.Member();
    WriteRoleMembers(w, role, RoleView::kList);
    w.Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> PutRolePermissionsBoundary(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadRoleName(call));
  IRSA_TRY(std::string_view boundary, call.params.Require("PermissionsBoundary"));
  Validator v;
  v.Length("PermissionsBoundary", boundary, 20, 2048);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_RETURN_IF_ERROR(iam::PutRolePermissionsBoundary(*call.services.iam, call.account(), name,
                                                       std::string(boundary)));
  return call.Empty();
}

Result<HttpResponse> DeleteRolePermissionsBoundary(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadRoleName(call));
  IRSA_RETURN_IF_ERROR(
      iam::DeleteRolePermissionsBoundary(*call.services.iam, call.account(), name));
  return call.Empty();
}

Result<HttpResponse> CreateServiceLinkedRole(const QueryCall& call) {
  IRSA_TRY(std::string_view service, call.params.Require("AWSServiceName"));
  std::optional<std::string_view> description = call.params.Get("Description");
  std::optional<std::string_view> suffix = call.params.Get("CustomSuffix");
  Validator v;
  v.Length("AWSServiceName", service, 1, 128)
      .Pattern("AWSServiceName", service, patterns::kNameChars);
  CheckDescription(v, description);
  v.Length("CustomSuffix", suffix, 1, 64).Pattern("CustomSuffix", suffix, patterns::kNameChars);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  iam::CreateServiceLinkedRoleInput input;
  input.service_name = std::string(service);
  input.description = std::string(description.value_or(""));
  input.custom_suffix = std::string(suffix.value_or(""));
  IRSA_TRY(iam::RoleRecord role,
           iam::CreateServiceLinkedRole(*call.services.iam, call.account(), input));
  XmlWriter w = call.Writer();
  WriteRole(w, role, RoleView::kCreate);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> DeleteServiceLinkedRole(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadRoleName(call));
  IRSA_TRY(std::string task,
           iam::DeleteServiceLinkedRole(*call.services.iam, call.account(), name));
  XmlWriter w = call.Writer();
  w.Element("DeletionTaskId", task);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetServiceLinkedRoleDeletionStatus(const QueryCall& call) {
  IRSA_TRY(std::string_view task, call.params.Require("DeletionTaskId"));
  Validator v;
  v.Length("DeletionTaskId", task, 1, 1000);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(iam::DeletionStatus status, iam::GetServiceLinkedRoleDeletionStatus(
                                           *call.services.iam, call.account(), std::string(task)));
  XmlWriter w = call.Writer();
  w.Element("Status", status.status);
  if (status.reason) {
    w.Open("Reason").Element("Reason", *status.reason);
    w.Open("RoleUsageList");
    for (const auto& usage : status.usage) {
      w.Member().Element("Region", usage.region).StringList("Resources", usage.resources).Close();
    }
    w.Close().Close();
  }
  return w.Finish(call.http.request_id);
}

}  // namespace

void RegisterIamRoleActions(QueryActionTable& iam) {
  using namespace access;
  Declare(iam, "iam", "CreateRole", CreateRole, NewRole(), {BoundaryParamKey(), RequestTagKeys()});
  Declare(iam, "iam", "GetRole", GetRole, Role());
  Declare(iam, "iam", "UpdateRole", UpdateRole, Role());
  Declare(iam, "iam", "UpdateRoleDescription", UpdateRoleDescription, Role());
  Declare(iam, "iam", "UpdateAssumeRolePolicy", UpdateAssumeRolePolicy, Role());
  Declare(iam, "iam", "DeleteRole", DeleteRole, Role());
  Declare(iam, "iam", "ListRoles", ListRoles, AnyResource());
  DeclareTagActions(iam, {"Role", ReadRoleName, iam::TagRole, iam::UntagRole, iam::ListRoleTags},
                    Role());
  Declare(iam, "iam", "PutRolePermissionsBoundary", PutRolePermissionsBoundary, Role(),
          {BoundaryParamKey()});
  Declare(iam, "iam", "DeleteRolePermissionsBoundary", DeleteRolePermissionsBoundary, Role(),
          {ExistingBoundaryKey()});
  Declare(iam, "iam", "CreateServiceLinkedRole", CreateServiceLinkedRole, NewServiceLinkedRole(),
          {AwsServiceNameKey()});
  Declare(iam, "iam", "DeleteServiceLinkedRole", DeleteServiceLinkedRole, Role());
  Declare(iam, "iam", "GetServiceLinkedRoleDeletionStatus", GetServiceLinkedRoleDeletionStatus,
          DeletionTaskRole());
}

}  // namespace irsa::protocol
