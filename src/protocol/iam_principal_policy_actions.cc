// Managed-policy attachments and inline policies of roles, users and groups over the Query
// protocol (wire spec §3.6). The seven actions are the same for each kind of principal but for the
// parameter
// and element names, the name's length limits, the resource ARN and the iam:: functions: each is
// written once, over a PrincipalKind.
#include <string>
#include <utility>

#include "base/arn.h"
#include "iam/attachments.h"
#include "iam/groups.h"
#include "iam/inline_policies.h"
#include "iam/lookup.h"
#include "iam/roles.h"
#include "iam/users.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"

namespace irsa::protocol {

void CheckPolicyName(Validator& v, std::string_view name) {
  v.Length("PolicyName", name, 1, 128).Pattern("PolicyName", name, patterns::kNameChars);
}

void CheckDocument(Validator& v, std::string_view member, std::string_view document) {
  v.Length(member, document, 1, 131072).Pattern(member, document, patterns::kPolicyDocument);
}

void CheckRoleName(Validator& v, std::string_view name) {
  v.Length("RoleName", name, 1, 64).Pattern("RoleName", name, patterns::kNameChars);
}

Result<std::string> ReadPolicyArn(const QueryCall& call) {
  IRSA_TRY(std::string_view arn, call.params.Require("PolicyArn"));
  Validator v;
  v.Length("PolicyArn", arn, 20, 2048);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::string(arn);
}

Result<std::string> ReadRoleName(const QueryCall& call) {
  IRSA_TRY(std::string_view name, call.params.Require("RoleName"));
  Validator v;
  CheckRoleName(v, name);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::string(name);
}

Result<std::string> ReadUserName(const QueryCall& call, size_t max_length) {
  IRSA_TRY(std::string_view name, call.params.Require("UserName"));
  Validator v;
  v.Length("UserName", name, 1, max_length).Pattern("UserName", name, patterns::kNameChars);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::string(name);
}

Result<std::string> ReadGroupName(const QueryCall& call) {
  IRSA_TRY(std::string_view name, call.params.Require("GroupName"));
  Validator v;
  v.Length("GroupName", name, 1, 128).Pattern("GroupName", name, patterns::kNameChars);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::string(name);
}

std::string GroupResource(const QueryCall& call, const std::string& group_name) {
  std::string arn = iam::GroupArn(call.account(), "/", group_name);
  (void)call.services.iam->store.Read([&](store::StoreTx& tx) -> Status {
    auto group = iam::LoadGroup(tx, call.account(), group_name);
    if (group.ok()) arn = group->record.arn;
    return OkStatus();
  });
  return arn;
}

std::string RoleResource(const QueryCall& call, const std::string& role_name) {
  auto role = iam::GetRole(*call.services.iam, call.account(), role_name);
  if (role.ok()) return role->arn;
  return iam::RoleArn(call.account(), "/", role_name);
}

std::string UserResource(const QueryCall& call, const std::string& user_name) {
  if (user_name.empty()) return IamArn(call.account(), "root");
  auto user = iam::GetUser(*call.services.iam, call.account(), user_name);
  if (user.ok()) return user->arn;
  return iam::UserArn(call.account(), "/", user_name);
}

namespace {

using Ctx = iam::ServiceContext;
using Name = const std::string&;

struct PrincipalKind {
  std::string_view noun;  // "Role" | "User" | "Group": action, parameter and element names
  bool has_boundary;      // roles and users have permissions boundaries, groups do not
  Result<std::string> (*read_attachment_name)(const QueryCall&);
  Result<std::string> (*read_inline_name)(const QueryCall&);
  std::string (*resource)(const QueryCall&, const std::string&);
  Status (*attach)(const Ctx&, Name account, Name principal, Name policy_arn);
  Status (*detach)(const Ctx&, Name account, Name principal, Name policy_arn);
  Result<iam::ListPage<iam::AttachmentRecord>> (*list_attached)(const Ctx&, Name account,
                                                                Name principal, Name path_prefix,
                                                                Name marker, int max_items);
  Status (*put)(const Ctx&, Name account, Name principal, Name policy_name, Name document);
  Result<iam::InlinePolicyResult> (*get)(const Ctx&, Name account, Name principal,
                                         Name policy_name);
  Result<iam::ListPage<std::string>> (*list)(const Ctx&, Name account, Name principal, Name marker,
                                             int max_items);
  Status (*remove)(const Ctx&, Name account, Name principal, Name policy_name);

  // "iam:<verb><noun><suffix>", e.g. Action("Attach", "Policy") = "iam:AttachRolePolicy".
  std::string Action(std::string_view verb, std::string_view suffix) const {
    return "iam:" + std::string(verb) + std::string(noun) + std::string(suffix);
  }
};

const PrincipalKind kRole = {
    "Role",
    true,
    ReadRoleName,
    ReadRoleName,
    RoleResource,
    iam::AttachRolePolicy,
    iam::DetachRolePolicy,
    iam::ListAttachedRolePolicies,
    iam::PutRolePolicy,
    iam::GetRolePolicy,
    iam::ListRolePolicies,
    iam::DeleteRolePolicy,
};

const PrincipalKind kUser = {
    "User",
    true,
    [](const QueryCall& call) { return ReadUserName(call, 64); },   // userNameType
    [](const QueryCall& call) { return ReadUserName(call, 128); },  // existingUserNameType
    UserResource,
    iam::AttachUserPolicy,
    iam::DetachUserPolicy,
    iam::ListAttachedUserPolicies,
    iam::PutUserPolicy,
    iam::GetUserPolicy,
    iam::ListUserPolicies,
    iam::DeleteUserPolicy,
};

const PrincipalKind kGroup = {
    "Group",
    false,
    ReadGroupName,
    ReadGroupName,
    GroupResource,
    iam::AttachGroupPolicy,
    iam::DetachGroupPolicy,
    iam::ListAttachedGroupPolicies,
    iam::PutGroupPolicy,
    iam::GetGroupPolicy,
    iam::ListGroupPolicies,
    iam::DeleteGroupPolicy,
};

// <Noun>Name + PolicyArn (Attach/Detach<Noun>Policy).
Result<std::pair<std::string, std::string>> ReadPrincipalAndPolicyArn(const PrincipalKind& kind,
                                                                      const QueryCall& call) {
  IRSA_TRY(std::string name, kind.read_attachment_name(call));
  IRSA_TRY(std::string arn, ReadPolicyArn(call));
  return std::make_pair(std::move(name), std::move(arn));
}

// <Noun>Name + PolicyName (Get/Delete<Noun>Policy; Put<Noun>Policy adds the document).
Result<std::pair<std::string, std::string>> ReadPrincipalAndPolicyName(const PrincipalKind& kind,
                                                                       const QueryCall& call) {
  IRSA_TRY(std::string name, kind.read_inline_name(call));
  IRSA_TRY(std::string_view policy_name, call.params.Require("PolicyName"));
  Validator v;
  CheckPolicyName(v, policy_name);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::make_pair(std::move(name), std::string(policy_name));
}

// Attach and Detach differ only in the iam:: function (kind.attach / kind.detach).
Result<HttpResponse> ChangeAttachment(const PrincipalKind& kind, const QueryCall& call,
                                      decltype(PrincipalKind::attach) change) {
  IRSA_TRY(auto input, ReadPrincipalAndPolicyArn(kind, call));
  IRSA_RETURN_IF_ERROR(change(*call.services.iam, call.account(), input.first, input.second));
  return call.Empty();
}

Result<HttpResponse> AttachPolicy(const PrincipalKind& kind, const QueryCall& call) {
  return ChangeAttachment(kind, call, kind.attach);
}

Result<HttpResponse> DetachPolicy(const PrincipalKind& kind, const QueryCall& call) {
  return ChangeAttachment(kind, call, kind.detach);
}

Result<HttpResponse> ListAttachedPolicies(const PrincipalKind& kind, const QueryCall& call) {
  IRSA_TRY(std::string name, kind.read_attachment_name(call));
  std::optional<std::string_view> prefix = call.params.Get("PathPrefix");
  Validator v;
  v.Length("PathPrefix", prefix, 1, 512).Pattern("PathPrefix", prefix, patterns::kPolicyPath);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page,
           kind.list_attached(*call.services.iam, call.account(), name,
                              std::string(prefix.value_or("")), paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  w.Open("AttachedPolicies");
  for (const auto& attachment : page.items) {
    w.Member()
        .Element("PolicyName", attachment.policy_name)
        .Element("PolicyArn", attachment.policy_arn)
        .Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> PutPolicy(const PrincipalKind& kind, const QueryCall& call) {
  IRSA_TRY(auto input, ReadPrincipalAndPolicyName(kind, call));
  IRSA_TRY(std::string_view document, call.params.Require("PolicyDocument"));
  Validator v;
  CheckDocument(v, "PolicyDocument", document);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_RETURN_IF_ERROR(kind.put(*call.services.iam, call.account(), input.first, input.second,
                                std::string(document)));
  return call.Empty();
}

Result<HttpResponse> GetPolicy(const PrincipalKind& kind, const QueryCall& call) {
  IRSA_TRY(auto input, ReadPrincipalAndPolicyName(kind, call));
  IRSA_TRY(iam::InlinePolicyResult result,
           kind.get(*call.services.iam, call.account(), input.first, input.second));
  XmlWriter w = call.Writer();
  w.Element(std::string(kind.noun) + "Name", result.entity_name)
      .Element("PolicyName", result.policy.name);
  WritePolicyDocument(w, "PolicyDocument", result.policy.document);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListPolicies(const PrincipalKind& kind, const QueryCall& call) {
  IRSA_TRY(std::string name, kind.read_inline_name(call));
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page,
           kind.list(*call.services.iam, call.account(), name, paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  w.StringList("PolicyNames", page.items);
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> DeletePolicy(const PrincipalKind& kind, const QueryCall& call) {
  IRSA_TRY(auto input, ReadPrincipalAndPolicyName(kind, call));
  IRSA_RETURN_IF_ERROR(kind.remove(*call.services.iam, call.account(), input.first, input.second));
  return call.Empty();
}

// Declares the seven operations of `kind`, each authorized on the principal (`principal`).
void Register(QueryActionTable& iam, const PrincipalKind& kind, const ResourceSpec& principal) {
  using Handler = Result<HttpResponse> (*)(const PrincipalKind&, const QueryCall&);
  using namespace access;
  const std::string noun(kind.noun);
  std::vector<KeySpec> attach_keys = {PolicyArnKey()};
  std::vector<KeySpec> change_keys;
  if (kind.has_boundary) {
    attach_keys.push_back(ExistingBoundaryKey());
    change_keys.push_back(ExistingBoundaryKey());
  }
  struct Operation {
    std::string name;
    Handler handler;
    const ResourceSpec& resource;
    std::vector<KeySpec> keys;
  };
  const Operation operations[] = {
      {"Attach" + noun + "Policy", AttachPolicy, principal, attach_keys},
      {"Detach" + noun + "Policy", DetachPolicy, principal, attach_keys},
      {"ListAttached" + noun + "Policies", ListAttachedPolicies, principal, {}},
      {"Put" + noun + "Policy", PutPolicy, principal, change_keys},
      {"Get" + noun + "Policy", GetPolicy, principal, {}},
      {"List" + noun + "Policies", ListPolicies, principal, {}},
      {"Delete" + noun + "Policy", DeletePolicy, principal, change_keys},
  };
  for (const Operation& op : operations) {
    const Handler handler = op.handler;
    Declare(
        iam, "iam", op.name,
        [&kind, handler](const QueryCall& call) { return handler(kind, call); }, op.resource,
        op.keys);
  }
}

}  // namespace

void RegisterIamPrincipalPolicyActions(QueryActionTable& iam) {
  Register(iam, kRole, access::Role());
  Register(iam, kUser, access::User());
  Register(iam, kGroup, access::Group());
}

}  // namespace irsa::protocol
