// Managed policies and their versions: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies,
// Create/Get/List/DeletePolicyVersion, SetDefaultPolicyVersion, Tag/Untag/ListPolicyTags.
//
// Policies are addressed by ARN; a caller sees its own account's policies and the AWS-managed
// ones (arn:aws:iam::aws:policy/…), which are read-only (AccessDenied on any change). Names are
// unique per account case-insensitively, whatever the path. Version ids are v1, v2, … and never
// reused; at most quotas.versions_per_policy versions exist at a time. UpdateDate is the
// creation time until a second version is created, then the time of the latest version change
// (CreatePolicyVersion, SetDefaultPolicyVersion). Thread-safe; each call is one transaction.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

// A policy as returned by Create/Get/ListPolicies.
struct PolicyInfo {
  PolicyRecord policy;
  int64_t attachment_count = 0;      // roles + users + groups in the caller's account
  int64_t boundary_usage_count = 0;  // roles + users using it as permissions boundary
  bool is_attachable = true;
  bool aws_managed = false;
};

struct PolicyVersionInfo {
  PolicyVersionRecord version;
  bool is_default = false;
};

struct CreatePolicyInput {
  std::string name;
  std::string document;
  std::string path = "/";
  std::string description;
  std::vector<Tag> tags;
};

// Errors: ValidationError (name/path/description), MalformedPolicyDocument (engine message),
// LimitExceeded "Cannot exceed quota for PolicySize: <n>" / "…PoliciesPerAccount: <n>",
// EntityAlreadyExists "A policy called <name> already exists. Duplicate names are not allowed.".
Result<PolicyInfo> CreatePolicy(const ServiceContext& ctx, const std::string& account,
                                const CreatePolicyInput& input);
// NoSuchEntity "Policy <arn> was not found."; InvalidInput for a non-policy ARN.
Result<PolicyInfo> GetPolicy(const ServiceContext& ctx, const std::string& account,
                             const std::string& policy_arn);
// DeleteConflict "Cannot delete a policy attached to entities." while attached to, or used as
// the permissions boundary of, any role or user; DeleteConflict "This policy has more than one
// version. Before you delete a policy, you must delete the policy's versions. The default version
// is deleted with the policy." while non-default versions remain.
Status DeletePolicy(const ServiceContext& ctx, const std::string& account,
                    const std::string& policy_arn);

enum class PolicyScope { kAll, kAws, kLocal };
enum class PolicyUsageFilter { kNone, kPermissionsPolicy, kPermissionsBoundary };

struct ListPoliciesInput {
  PolicyScope scope = PolicyScope::kAll;
  bool only_attached = false;  // AttachmentCount > 0
  std::string path_prefix;     // "" or "/" = all
  // kPermissionsPolicy: attached as a permissions policy somewhere (AttachmentCount > 0);
  // kPermissionsBoundary: used as a permissions boundary somewhere.
  PolicyUsageFilter usage = PolicyUsageFilter::kNone;
  std::string marker;
  int max_items = 0;  // 0 = default 100
};
// AWS-managed policies first (Scope All), then the account's own, each by lower-cased name.
Result<ListPage<PolicyInfo>> ListPolicies(const ServiceContext& ctx, const std::string& account,
                                          const ListPoliciesInput& input);

// LimitExceeded "A managed policy can have up to <n> versions. Before you create a new version,
// you must delete an existing version."; document errors as CreatePolicy.
Result<PolicyVersionInfo> CreatePolicyVersion(const ServiceContext& ctx, const std::string& account,
                                              const std::string& policy_arn,
                                              const std::string& document, bool set_as_default);
// NoSuchEntity "Policy <arn> version <v> does not exist or is not attachable."
Result<PolicyVersionInfo> GetPolicyVersion(const ServiceContext& ctx, const std::string& account,
                                           const std::string& policy_arn,
                                           const std::string& version_id);
// Newest first.
Result<ListPage<PolicyVersionInfo>> ListPolicyVersions(const ServiceContext& ctx,
                                                       const std::string& account,
                                                       const std::string& policy_arn,
                                                       const std::string& marker, int max_items);
// DeleteConflict "Cannot delete the default version of a policy."
Status DeletePolicyVersion(const ServiceContext& ctx, const std::string& account,
                           const std::string& policy_arn, const std::string& version_id);
Status SetDefaultPolicyVersion(const ServiceContext& ctx, const std::string& account,
                               const std::string& policy_arn, const std::string& version_id);

Status TagPolicy(const ServiceContext& ctx, const std::string& account,
                 const std::string& policy_arn, const std::vector<Tag>& tags);
Status UntagPolicy(const ServiceContext& ctx, const std::string& account,
                   const std::string& policy_arn, const std::vector<std::string>& keys);
Result<ListPage<Tag>> ListPolicyTags(const ServiceContext& ctx, const std::string& account,
                                     const std::string& policy_arn, const std::string& marker,
                                     int max_items);

// The default version's document of a policy visible to `account`.
Result<std::string> GetPolicyDocument(const ServiceContext& ctx, const std::string& account,
                                      const std::string& policy_arn);

}  // namespace irsa::iam

namespace irsa::iam {

// Inside a caller's transaction (GetAccountAuthorizationDetails): the PolicyInfo of `policy`,
// owned by `policy_account` (the account or kAwsManagedAccount), with `account`'s counts.
Result<PolicyInfo> PolicyInfoInTx(store::StoreTx& tx, const std::string& account,
                                  const std::string& policy_account, PolicyRecord policy);
// Inside a caller's transaction: every version of the policy (row key `policy_key` of
// `policy_account`), newest first, the default one marked.
Result<std::vector<PolicyVersionInfo>> PolicyVersionsInTx(store::StoreTx& tx,
                                                          const std::string& policy_account,
                                                          const std::string& policy_key,
                                                          const std::string& default_version);

}  // namespace irsa::iam
