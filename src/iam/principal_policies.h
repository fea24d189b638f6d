// Gathering everything that governs a principal, for authorization (authz, STS) and
// simulation: a role's trust policy, the default versions of its attached managed policies,
// its inline policies and its permissions boundary; the same (without trust) for a user, whose
// identity policies also include those of every group it belongs to.
// One Read transaction per call, so the set is a consistent snapshot.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "policy/policy.h"

namespace irsa::iam {

enum class PolicySourceType {
  kTrust,        // role trust policy
  kInline,       // role or user inline policy
  kGroupInline,  // inline policy of one of a user's groups
  kManaged,      // customer managed policy (default version)
  kAwsManaged,   // AWS-managed policy (default version)
  kBoundary,     // permissions boundary (a managed policy's default version)
};

struct GatheredPolicy {
  PolicySourceType type = PolicySourceType::kInline;
  // Trust: the role ARN; inline: the policy name; managed/boundary: the policy ARN.
  std::string id;
  std::string group;       // the group it comes from (group inline and group-attached policies)
  std::string name;        // inline or managed policy name; role name for trust
  std::string version_id;  // managed/boundary: the default version id
  std::string document;    // exactly as stored
};

struct PrincipalPolicies {
  bool is_role = false;
  std::string name;  // as created
  std::string arn;
  std::string unique_id;  // AROA…/AIDA…
  std::string path;
  int64_t max_session_duration = 3600;  // roles
  std::vector<Tag> tags;
  std::optional<GatheredPolicy> trust;  // roles only
  // Inline then attached (attachment order); for users then each group's inline and attached
  // policies, groups by lower-cased name.
  std::vector<GatheredPolicy> identity;
  std::vector<std::string> groups;  // users: the names of their groups
  std::optional<GatheredPolicy> boundary;
};

// NoSuchEntity "The role with name <n> cannot be found." / "The user with name …".
Result<PrincipalPolicies> GatherRolePolicies(const ServiceContext& ctx, const std::string& account,
                                             const std::string& role_name);
Result<PrincipalPolicies> GatherUserPolicies(const ServiceContext& ctx, const std::string& account,
                                             const std::string& user_name);
// A group's own inline (type kGroupInline, `group` set) and attached policies, in `identity`;
// `name`, `arn`, `unique_id`, `path` describe the group. NoSuchEntity "The group with name <n>
// cannot be found."
Result<PrincipalPolicies> GatherGroupPolicies(const ServiceContext& ctx, const std::string& account,
                                              const std::string& group_name);
// By ARN: arn:aws:iam::<account>:role/… or :user/… of `account`. NoSuchEntity
// "Could not find user or role with ARN <arn>." otherwise; InvalidInput for a non-ARN.
Result<PrincipalPolicies> GatherPrincipalPolicies(const ServiceContext& ctx,
                                                  const std::string& account,
                                                  const std::string& principal_arn);

// Compiled forms for the policy engine. Documents were validated on write; a document that
// no longer compiles (engine change) yields ServiceFailure naming the policy.
struct CompiledPrincipalPolicies {
  policy::CompiledPolicyPtr trust;  // null for users
  std::vector<policy::CompiledPolicyPtr> identity;
  policy::CompiledPolicyPtr boundary;  // null if none
};
Result<CompiledPrincipalPolicies> CompilePrincipalPolicies(const PrincipalPolicies& policies);
// The trace name of a gathered policy: "trust:<role arn>", "inline:<name>",
// "group:<group>:inline:<name>", the policy ARN.
std::string GatheredPolicyName(const GatheredPolicy& policy);

}  // namespace irsa::iam
