// IAM roles: CreateRole, GetRole, UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy,
// DeleteRole, ListRoles, Tag/Untag/ListRoleTags, Put/DeleteRolePermissionsBoundary.
//
// Names are unique per account case-insensitively. Trust policies are validated as trust
// documents by the policy engine (MalformedPolicyDocument with its message), limited to
// quotas.trust_policy_size non-whitespace characters ("Cannot exceed quota for ACLSizePerRole:
// <n>"), and "AWS" principals naming a role or user of the same account must exist. Advisory
// warnings about a trust policy (e.g. a web-identity statement without a "sub" condition) are
// returned alongside so the adapter can surface them. Thread-safe; each call is one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "policy/lint.h"

namespace irsa::iam {

struct CreateRoleInput {
  std::string name;
  std::string assume_role_policy;
  std::string path = "/";
  std::string description;
  std::optional<int64_t> max_session_duration;  // 3600..43200; default 3600
  std::string permissions_boundary_arn;         // optional; must name an existing policy
  std::vector<Tag> tags;
};

struct RoleResult {
  RoleRecord role;
  std::vector<policy::LintWarning> warnings;  // trust-policy lint findings
};

// Errors: ValidationError (name/path/description/duration), MalformedPolicyDocument,
// LimitExceeded (ACLSizePerRole, RolesPerAccount, TagsPerRole), NoSuchEntity (boundary:
// "Scope ARN: <arn> does not exist or is not attachable."), EntityAlreadyExists "Role with name
// <n> already exists.".
Result<RoleResult> CreateRole(const ServiceContext& ctx, const std::string& account,
                              const CreateRoleInput& input);
// NoSuchEntity "The role with name <n> cannot be found."
Result<RoleRecord> GetRole(const ServiceContext& ctx, const std::string& account,
                           const std::string& name);

struct UpdateRoleInput {
  std::optional<std::string> description;
  std::optional<int64_t> max_session_duration;
};
Status UpdateRole(const ServiceContext& ctx, const std::string& account, const std::string& name,
                  const UpdateRoleInput& input);
Result<RoleRecord> UpdateRoleDescription(const ServiceContext& ctx, const std::string& account,
                                         const std::string& name, const std::string& description);
// Returns the new trust policy's warnings.
Result<std::vector<policy::LintWarning>> UpdateAssumeRolePolicy(const ServiceContext& ctx,
                                                                const std::string& account,
                                                                const std::string& name,
                                                                const std::string& document);
// DeleteConflict "Cannot delete entity, must detach all policies first." (managed attached) /
// "Cannot delete entity, must delete policies first." (inline) / "Cannot delete entity, must
// remove roles from instance profile first.". Removes the boundary usage.
Status DeleteRole(const ServiceContext& ctx, const std::string& account, const std::string& name);
// Ordered by lower-cased name. ListRoles omits nothing from the record; the adapter drops
// PermissionsBoundary, RoleLastUsed and Tags as AWS does.
Result<ListPage<RoleRecord>> ListRoles(const ServiceContext& ctx, const std::string& account,
                                       const std::string& path_prefix, const std::string& marker,
                                       int max_items);

Status TagRole(const ServiceContext& ctx, const std::string& account, const std::string& name,
               const std::vector<Tag>& tags);
Status UntagRole(const ServiceContext& ctx, const std::string& account, const std::string& name,
                 const std::vector<std::string>& keys);
Result<ListPage<Tag>> ListRoleTags(const ServiceContext& ctx, const std::string& account,
                                   const std::string& name, const std::string& marker,
                                   int max_items);

// Service-linked roles (path /aws-service-role/…) are changed only by the service: trust policy,
// deletion (except through DeleteServiceLinkedRole), policies and boundary are refused with
// UnmodifiableEntity "Cannot perform the operation on the protected role '<name>' - this role is
// only modifiable by AWS".
bool IsServiceLinkedRole(const RoleRecord& role);
Status CheckRoleModifiable(const RoleRecord& role);

// Sets or replaces the boundary (an existing managed policy ARN).
Status PutRolePermissionsBoundary(const ServiceContext& ctx, const std::string& account,
                                  const std::string& name, const std::string& policy_arn);
// Removes the boundary; no error if the role has none.
Status DeleteRolePermissionsBoundary(const ServiceContext& ctx, const std::string& account,
                                     const std::string& name);

}  // namespace irsa::iam
