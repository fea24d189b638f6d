// Inline policies of roles, users and groups: Put/Get/List/Delete{Role,User,Group}Policy.
//
// PutXPolicy creates or replaces. Documents are validated as identity policies by the policy
// engine; the sum of an entity's inline documents' sizes (whitespace outside strings not
// counted) is limited to quotas.role_inline_policy_size / user_inline_policy_size:
// LimitExceeded "Maximum policy size of <n> bytes exceeded for role <name>" (or "user").
// Policy names are case-sensitive within their entity. Thread-safe; one transaction per call.
#pragma once

#include <string>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

struct InlinePolicyResult {
  std::string entity_name;  // the role/user name as created
  InlinePolicyRecord policy;
};

Status PutRolePolicy(const ServiceContext& ctx, const std::string& account,
                     const std::string& role_name, const std::string& policy_name,
                     const std::string& document);
// NoSuchEntity "The role policy with name <p> cannot be found."
Result<InlinePolicyResult> GetRolePolicy(const ServiceContext& ctx, const std::string& account,
                                         const std::string& role_name,
                                         const std::string& policy_name);
// Policy names in byte order.
Result<ListPage<std::string>> ListRolePolicies(const ServiceContext& ctx,
                                               const std::string& account,
                                               const std::string& role_name,
                                               const std::string& marker, int max_items);
Status DeleteRolePolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& role_name, const std::string& policy_name);

Status PutUserPolicy(const ServiceContext& ctx, const std::string& account,
                     const std::string& user_name, const std::string& policy_name,
                     const std::string& document);
// NoSuchEntity "The user policy with name <p> cannot be found."
Result<InlinePolicyResult> GetUserPolicy(const ServiceContext& ctx, const std::string& account,
                                         const std::string& user_name,
                                         const std::string& policy_name);
Result<ListPage<std::string>> ListUserPolicies(const ServiceContext& ctx,
                                               const std::string& account,
                                               const std::string& user_name,
                                               const std::string& marker, int max_items);
Status DeleteUserPolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& user_name, const std::string& policy_name);

// Groups: quotas.group_inline_policy_size; NoSuchEntity "The group policy with name <p> cannot be
// found."
Status PutGroupPolicy(const ServiceContext& ctx, const std::string& account,
                      const std::string& group_name, const std::string& policy_name,
                      const std::string& document);
Result<InlinePolicyResult> GetGroupPolicy(const ServiceContext& ctx, const std::string& account,
                                          const std::string& group_name,
                                          const std::string& policy_name);
Result<ListPage<std::string>> ListGroupPolicies(const ServiceContext& ctx,
                                                const std::string& account,
                                                const std::string& group_name,
                                                const std::string& marker, int max_items);
Status DeleteGroupPolicy(const ServiceContext& ctx, const std::string& account,
                         const std::string& group_name, const std::string& policy_name);

}  // namespace irsa::iam
