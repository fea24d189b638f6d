// GetAccountAuthorizationDetails: a snapshot of the account's users, groups, roles and managed
// policies with everything that governs them, for security tooling.
//
// The result is one sequence — users, groups, roles, the account's managed policies, then the
// AWS-managed policies attached to one of its users, groups or roles (AWS lists only those) —
// each part ordered by lower-cased name and paginated across the parts with one opaque marker.
// Users carry their inline policies, group names, attached policies, boundary and tags; groups
// their inline and attached policies; roles their trust policy, instance profiles, inline and
// attached policies, boundary, tags and last use; managed policies every version with its
// document. Thread-safe; the entities come from one Read transaction (roles' instance profiles
// from one more per role).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "iam/instance_profiles.h"
#include "iam/policies.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

// Which parts to return (the request's Filter; all of them when it is empty).
struct DetailsFilter {
  bool users = true;
  bool groups = true;
  bool roles = true;
  bool local_policies = true;
  bool aws_policies = true;
};

struct UserDetail {
  UserRecord user;
  std::vector<InlinePolicyRecord> inline_policies;  // by name
  std::vector<std::string> groups;                  // group names, by lower-cased name
  std::vector<AttachmentRecord> attached;           // by policy ARN
};

struct GroupDetail {
  GroupRecord group;
  std::vector<InlinePolicyRecord> inline_policies;
  std::vector<AttachmentRecord> attached;
};

struct RoleDetail {
  RoleRecord role;
  std::vector<InstanceProfileInfo> instance_profiles;
  std::vector<InlinePolicyRecord> inline_policies;
  std::vector<AttachmentRecord> attached;
};

struct ManagedPolicyDetail {
  PolicyInfo info;
  std::vector<PolicyVersionInfo> versions;  // newest first
};

struct AuthorizationDetails {
  std::vector<UserDetail> users;
  std::vector<GroupDetail> groups;
  std::vector<RoleDetail> roles;
  std::vector<ManagedPolicyDetail> policies;  // the account's, then AWS-managed
  bool truncated = false;
  std::string marker;
};

// `max_items` 0 means 100 (the model: 1-1000). InvalidInput for a marker irsa did not issue.
Result<AuthorizationDetails> GetAccountAuthorizationDetails(const ServiceContext& ctx,
                                                            const std::string& account,
                                                            const DetailsFilter& filter,
                                                            const std::string& marker,
                                                            int max_items);

}  // namespace irsa::iam
