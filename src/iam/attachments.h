// Managed-policy attachments of roles, users and groups: Attach/Detach{Role,User,Group}Policy,
// ListAttached{Role,User,Group}Policies, ListEntitiesForPolicy.
//
// Attaching is idempotent (attaching an attached policy succeeds and changes nothing). At most
// quotas.attached_policies_per_role/_user policies per entity ("Cannot exceed quota for
// PoliciesPerRole: <n>" / "PoliciesPerUser"). A policy must exist in the caller's account or be
// AWS-managed ("Policy <arn> does not exist or is not attachable."). Thread-safe; each call is one
// transaction.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "iam/policies.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

Status AttachRolePolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& role_name, const std::string& policy_arn);
// NoSuchEntity "Policy <arn> was not found." when not attached.
Status DetachRolePolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& role_name, const std::string& policy_arn);
// `path_prefix` filters on the policies' paths. Ordered by policy ARN.
Result<ListPage<AttachmentRecord>> ListAttachedRolePolicies(
    const ServiceContext& ctx, const std::string& account, const std::string& role_name,
    const std::string& path_prefix, const std::string& marker, int max_items);

Status AttachUserPolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& user_name, const std::string& policy_arn);
Status DetachUserPolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& user_name, const std::string& policy_arn);
Result<ListPage<AttachmentRecord>> ListAttachedUserPolicies(
    const ServiceContext& ctx, const std::string& account, const std::string& user_name,
    const std::string& path_prefix, const std::string& marker, int max_items);

// Groups: quotas.attached_policies_per_group ("Cannot exceed quota for PoliciesPerGroup: <n>").
Status AttachGroupPolicy(const ServiceContext& ctx, const std::string& account,
                         const std::string& group_name, const std::string& policy_arn);
Status DetachGroupPolicy(const ServiceContext& ctx, const std::string& account,
                         const std::string& group_name, const std::string& policy_arn);
Result<ListPage<AttachmentRecord>> ListAttachedGroupPolicies(
    const ServiceContext& ctx, const std::string& account, const std::string& group_name,
    const std::string& path_prefix, const std::string& marker, int max_items);

enum class EntityFilter { kAll, kUser, kRole, kGroup, kLocalManagedPolicy, kAwsManagedPolicy };

struct PolicyEntity {
  std::string name;
  std::string id;
};

struct PolicyEntities {
  std::vector<PolicyEntity> roles;
  std::vector<PolicyEntity> users;
  std::vector<PolicyEntity> groups;
  bool truncated = false;
  std::string marker;
};

struct ListEntitiesForPolicyInput {
  std::string policy_arn;
  EntityFilter filter = EntityFilter::kAll;
  std::string path_prefix;  // filters on the entities' paths
  // kPermissionsPolicy: attachments; kPermissionsBoundary: boundary uses; kNone: both.
  PolicyUsageFilter usage = PolicyUsageFilter::kNone;
  std::string marker;
  int max_items = 0;
};
// Groups, roles, then users (each by lower-cased name). kLocalManagedPolicy/kAwsManagedPolicy
// restrict to policies of that type (an empty result otherwise).
Result<PolicyEntities> ListEntitiesForPolicy(const ServiceContext& ctx, const std::string& account,
                                             const ListEntitiesForPolicyInput& input);

}  // namespace irsa::iam
