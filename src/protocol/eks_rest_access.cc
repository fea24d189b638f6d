// EKS access entries and access policies over REST-JSON, for protocol/eks_rest.cc's table.
#include "eks/access_policies.h"
#include "protocol/eks_rest_call.h"

namespace irsa::protocol::eks_rest {
namespace {

// The accessScope member: {"type": "cluster"|"namespace", "namespaces": [...]}.
Result<eks::AccessScope> BodyScope(const json::object& body) {
  const json::value* v = body.if_contains("accessScope");
  if (v == nullptr || v->is_null()) {
    return errors::InvalidParameterException("accessScope is required.");
  }
  if (!v->is_object()) return errors::InvalidParameterException("accessScope must be an object.");
  eks::AccessScope scope;
  IRSA_TRY(std::optional<std::string> type, BodyString(v->as_object(), "type"));
  scope.type = type.value_or("");
  IRSA_TRY(std::optional<std::vector<std::string>> namespaces,
           BodyStrings(v->as_object(), "namespaces"));
  scope.namespaces = namespaces.value_or(std::vector<std::string>());
  return scope;
}

json::object EntryAnswer(const eks::AccessEntry& e) {
  return json::object{{"accessEntry", AccessEntryJson(e)}};
}

}  // namespace

Result<authz::AccessRequest> NewEntryAccess(const EksCall& call) {
  authz::AccessRequest access;
  const std::string& cluster = call.Param(0);
  access.resource = ClusterArn(call, cluster);
  Result<eks::ClusterDescription> d =
      call.services.clusters->DescribeCluster(call.caller.account, cluster);
  if (d.ok()) access.AddResourceTags(d->record.tags, /*also_iam=*/false);
  Result<eks::Tags> tags = BodyTags(call.body);
  if (tags.ok() && !tags->empty()) access.AddRequestTags(*tags);
  Result<std::optional<std::string>> type = BodyString(call.body, "type");
  access.context.Set("eks:accessEntryType",
                     type.ok() && *type && !(*type)->empty() ? **type : "STANDARD");
  Result<std::optional<std::vector<std::string>>> groups =
      BodyStrings(call.body, "kubernetesGroups");
  if (groups.ok() && *groups && !(*groups)->empty()) {
    access.context.SetMulti("eks:kubernetesGroups", **groups);
  }
  Result<std::optional<std::string>> principal = BodyString(call.body, "principalArn");
  if (principal.ok() && *principal) access.context.Set("eks:principalArn", **principal);
  Result<std::optional<std::string>> username = BodyString(call.body, "username");
  if (username.ok() && *username && !(*username)->empty()) {
    access.context.Set("eks:username", **username);
  }
  return access;
}

Result<authz::AccessRequest> UpdateEntryAccess(const EksCall& call) {
  IRSA_TRY(authz::AccessRequest access, EntryAccess(call));
  // The values the entry will have: a Deny on a group or username cannot be dodged by setting it.
  Result<std::optional<std::vector<std::string>>> groups =
      BodyStrings(call.body, "kubernetesGroups");
  if (groups.ok() && *groups) {
    if ((*groups)->empty()) {
      access.context.Remove("eks:kubernetesGroups");
    } else {
      access.context.SetMulti("eks:kubernetesGroups", **groups);
    }
  }
  Result<std::optional<std::string>> username = BodyString(call.body, "username");
  if (username.ok() && *username && !(*username)->empty()) {
    access.context.Set("eks:username", **username);
  }
  return access;
}

Result<authz::AccessRequest> AssociateAccess(const EksCall& call) {
  IRSA_TRY(authz::AccessRequest access, EntryAccess(call));
  Result<std::optional<std::string>> policy = BodyString(call.body, "policyArn");
  if (policy.ok() && *policy) access.context.Set("eks:policyArn", **policy);
  Result<eks::AccessScope> scope = BodyScope(call.body);
  if (scope.ok()) {
    access.context.Set("eks:accessScope", scope->type);
    if (!scope->namespaces.empty()) access.context.SetMulti("eks:namespaces", scope->namespaces);
  }
  return access;
}

Result<authz::AccessRequest> DisassociateAccess(const EksCall& call) {
  IRSA_TRY(authz::AccessRequest access, EntryAccess(call));
  const std::string& policy = call.Param(2);
  access.context.Set("eks:policyArn", policy);
  Result<std::optional<eks::AccessEntry>> entry =
      call.services.entries->Find(call.caller.account, call.Param(0), call.Param(1));
  if (entry.ok() && *entry) {
    for (const eks::AssociatedPolicy& p : (*entry)->policies) {
      if (p.policy_arn != policy) continue;
      access.context.Set("eks:accessScope", p.scope.type);
      if (!p.scope.namespaces.empty())
        access.context.SetMulti("eks:namespaces", p.scope.namespaces);
    }
  }
  return access;
}

Result<HttpResponse> CreateAccessEntry(const EksCall& call) {
  eks::CreateAccessEntryInput input;
  input.cluster = call.Param(0);
  IRSA_TRY(std::optional<std::string> principal, BodyString(call.body, "principalArn"));
  if (!principal) return errors::InvalidParameterException("principalArn is required.");
  input.principal_arn = *principal;
  IRSA_TRY(std::optional<std::vector<std::string>> groups,
           BodyStrings(call.body, "kubernetesGroups"));
  input.kubernetes_groups = groups.value_or(std::vector<std::string>());
  IRSA_TRY(std::optional<std::string> username, BodyString(call.body, "username"));
  input.username = username.value_or("");
  IRSA_TRY(std::optional<std::string> type, BodyString(call.body, "type"));
  input.type = type.value_or("");
  IRSA_TRY(input.tags, BodyTags(call.body));
  IRSA_TRY(eks::AccessEntry e, call.services.entries->Create(call.caller.account, input));
  return Json(200, EntryAnswer(e));
}

Result<HttpResponse> ListAccessEntries(const EksCall& call) {
  IRSA_TRY(eks::PageRequest page, QueryPage(call));
  IRSA_TRY(eks::AccessEntryPage entries,
           call.services.entries->List(call.caller.account, call.Param(0),
                                       call.Query("associatedPolicyArn").value_or(""), page));
  json::array arns;
  for (const std::string& arn : entries.principal_arns) arns.emplace_back(arn);
  json::object out{{"accessEntries", std::move(arns)}};
  if (!entries.next_token.empty()) out["nextToken"] = entries.next_token;
  return Json(200, out);
}

Result<HttpResponse> DescribeAccessEntry(const EksCall& call) {
  IRSA_TRY(eks::AccessEntry e,
           call.services.entries->Describe(call.caller.account, call.Param(0), call.Param(1)));
  return Json(200, EntryAnswer(e));
}

Result<HttpResponse> UpdateAccessEntry(const EksCall& call) {
  eks::UpdateAccessEntryInput input;
  input.cluster = call.Param(0);
  input.principal_arn = call.Param(1);
  IRSA_TRY(input.kubernetes_groups, BodyStrings(call.body, "kubernetesGroups"));
  IRSA_TRY(input.username, BodyString(call.body, "username"));
  IRSA_TRY(eks::AccessEntry e, call.services.entries->Update(call.caller.account, input));
  return Json(200, EntryAnswer(e));
}

Result<HttpResponse> DeleteAccessEntry(const EksCall& call) {
  IRSA_RETURN_IF_ERROR(
      call.services.entries->Delete(call.caller.account, call.Param(0), call.Param(1)));
  return Json(200, json::object{});
}

Result<HttpResponse> AssociateAccessPolicy(const EksCall& call) {
  IRSA_TRY(std::optional<std::string> policy, BodyString(call.body, "policyArn"));
  if (!policy) return errors::InvalidParameterException("policyArn is required.");
  IRSA_TRY(eks::AccessScope scope, BodyScope(call.body));
  IRSA_TRY(eks::AssociatedPolicy associated,
           call.services.entries->AssociatePolicy(call.caller.account, call.Param(0), call.Param(1),
                                                  *policy, std::move(scope)));
  return Json(200, json::object{{"clusterName", call.Param(0)},
                                {"principalArn", call.Param(1)},
                                {"associatedAccessPolicy", AssociatedPolicyJson(associated)}});
}

Result<HttpResponse> DisassociateAccessPolicy(const EksCall& call) {
  IRSA_RETURN_IF_ERROR(call.services.entries->DisassociatePolicy(call.caller.account, call.Param(0),
                                                                 call.Param(1), call.Param(2)));
  return Json(200, json::object{});
}

Result<HttpResponse> ListAssociatedAccessPolicies(const EksCall& call) {
  IRSA_TRY(eks::PageRequest page, QueryPage(call));
  IRSA_TRY(eks::AssociatedPolicyPage policies,
           call.services.entries->ListAssociatedPolicies(call.caller.account, call.Param(0),
                                                         call.Param(1), page));
  json::array list;
  for (const eks::AssociatedPolicy& p : policies.policies) list.push_back(AssociatedPolicyJson(p));
  json::object out{{"clusterName", call.Param(0)},
                   {"principalArn", call.Param(1)},
                   {"associatedAccessPolicies", std::move(list)}};
  if (!policies.next_token.empty()) out["nextToken"] = policies.next_token;
  return Json(200, out);
}

Result<HttpResponse> ListAccessPolicies(const EksCall& call) {
  IRSA_TRY(eks::PageRequest page, QueryPage(call));
  IRSA_TRY(eks::AccessPolicyPage policies, call.services.entries->ListAccessPolicies(page));
  json::array list;
  for (const auto& [name, arn] : policies.policies) {
    list.push_back(json::object{{"name", name}, {"arn", arn}});
  }
  json::object out{{"accessPolicies", std::move(list)}};
  if (!policies.next_token.empty()) out["nextToken"] = policies.next_token;
  return Json(200, out);
}

}  // namespace irsa::protocol::eks_rest
