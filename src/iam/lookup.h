// Transaction-level building blocks shared by the IAM operations: ARNs, row construction and
// lookups with AWS's NoSuchEntity messages. Every function takes the caller's open transaction so
// that checks and writes of one operation stay atomic.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "store/store.h"

namespace irsa::iam {

std::string RoleArn(const std::string& account, const std::string& path, const std::string& name);
std::string PolicyArn(const std::string& account, const std::string& path, const std::string& name);
std::string OidcProviderArn(const std::string& account, const std::string& url);
std::string GroupArn(const std::string& account, const std::string& path, const std::string& name);

store::Row RoleRow(const std::string& account, const RoleRecord& role);
store::Row PolicyRow(const std::string& account, const PolicyRecord& policy);
store::Row PolicyVersionRow(const std::string& account, const std::string& policy_name,
                            const PolicyVersionRecord& version);
store::Row OidcProviderRow(const std::string& account, const OidcProviderRecord& provider);
// role_boundary/user_boundary row: parent = lower(entity name), key = ref = policy ARN.
store::Row BoundaryRow(const std::string& account, const char* kind, const std::string& entity_name,
                       const std::string& policy_arn);

Error NoSuchRole(const std::string& name);       // "The role with name <n> cannot be found."
Error NoSuchUserError(const std::string& name);  // "The user with name <n> cannot be found."
Error NoSuchPolicy(const std::string& arn);      // "Policy <arn> was not found."
Error InvalidArn(const std::string& arn);        // InvalidInput "ARN <arn> is not valid."
Error NoSuchGroup(const std::string& name);      // "The group with name <n> cannot be found."

struct LoadedRole {
  store::Row row;
  RoleRecord record;
};
struct LoadedUser {
  store::Row row;
  UserRecord record;
};
struct LoadedPolicy {
  std::string account;  // owning account: the caller's, or kAwsManagedAccount
  store::Row row;
  PolicyRecord record;
  bool aws_managed() const { return account == kAwsManagedAccount; }
};

Result<LoadedRole> LoadRole(store::StoreTx& tx, const std::string& account,
                            const std::string& name);
Result<LoadedUser> LoadUser(store::StoreTx& tx, const std::string& account,
                            const std::string& name);
struct LoadedGroup {
  store::Row row;
  GroupRecord record;
};
Result<LoadedGroup> LoadGroup(store::StoreTx& tx, const std::string& account,
                              const std::string& name);
store::Row UserRow(const std::string& account, const UserRecord& user);
store::Row GroupRow(const std::string& account, const GroupRecord& group);

// One page of the rows `query` selects (its after_key and limit are set here from `marker` and
// `max_items`, 0 meaning 100), ordered by key, with an opaque marker when truncated. Rows that
// `keep` rejects are skipped without counting (nullptr keeps every row).
Result<ListPage<store::Row>> ListRowPage(store::StoreTx& tx, store::ListQuery query,
                                         const std::string& marker, int max_items,
                                         bool (*keep)(const store::Row&) = nullptr);
// Every row `query` selects (no paging; for small per-entity sets).
Result<std::vector<store::Row>> ListAllRows(store::StoreTx& tx, store::ListQuery query);
// Moves every (account, kind, old_parent, *) row under `new_parent`, passing each moved row to
// `rewrite` first (to update names kept in the body); used by renames.
Status MoveChildren(store::StoreTx& tx, const std::string& account, const char* kind,
                    const std::string& old_parent, const std::string& new_parent,
                    const std::function<Status(store::Row&)>& rewrite = nullptr);
// The managed policy `arn` as visible from `account` (its own policies and AWS-managed ones).
// InvalidInput if `arn` is not a policy ARN; nullopt if no such policy is visible.
Result<std::optional<LoadedPolicy>> FindPolicy(store::StoreTx& tx, const std::string& account,
                                               const std::string& arn);
// As FindPolicy, NoSuchPolicy when absent.
Result<LoadedPolicy> LoadPolicy(store::StoreTx& tx, const std::string& account,
                                const std::string& arn);

// Sets, replaces or clears (empty `policy_arn`) the boundary row of a role or user.
Status WriteBoundaryRow(store::StoreTx& tx, const std::string& account, const char* kind,
                        const std::string& entity_name, const std::string& old_arn,
                        const std::string& policy_arn);
// Validates a permissions boundary ARN for `account`: must name an existing managed policy.
// NoSuchEntity "Scope ARN: <arn> does not exist or is not attachable." otherwise.
Status CheckBoundaryPolicy(store::StoreTx& tx, const std::string& account,
                           const std::string& policy_arn);

}  // namespace irsa::iam
