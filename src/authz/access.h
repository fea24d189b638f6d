// What one request asks of the policy engine, as the operation table computes it before the
// operation runs: an action on a resource, the operation's condition keys (iam:PolicyARN,
// aws:RequestTag/…, sts:ExternalId, …) and, where the resource has one, its resource-based policy
// (a role's trust policy, a bucket policy). The global keys (aws:PrincipalArn, aws:SourceIp, …)
// are added by the Authorizer from the caller and the RequestFacts.
//
// A plain value, built per request by one thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/context.h"
#include "policy/policy.h"

namespace irsa::authz {

struct AccessRequest {
  std::string action;    // "iam:AttachRolePolicy"
  std::string resource;  // an ARN, or "*" for actions without resource-level permissions
  // The operation's condition keys; entries here replace same-named global keys.
  policy::RequestContext context;
  // A resource-based policy that also decides (a role's trust policy for sts:AssumeRole, a bucket
  // policy); null when only identity-based policies apply.
  policy::CompiledPolicyPtr resource_policy;
  // The account owning the resource; empty = the caller's account.
  std::string resource_account;

  // aws:ResourceTag/<key> for every tag of the resource, and iam:ResourceTag/<key> too when
  // `also_iam` (IAM roles and users, as the Service Authorization Reference lists them).
  void AddResourceTags(const std::vector<std::pair<std::string, std::string>>& tags, bool also_iam);
  // aws:RequestTag/<key> for each tag and the multi-valued aws:TagKeys with every key.
  void AddRequestTags(const std::vector<std::pair<std::string, std::string>>& tags);
};

}  // namespace irsa::authz
