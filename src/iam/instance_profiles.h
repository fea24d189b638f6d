// IAM instance profiles: Create/Get/List/DeleteInstanceProfile, Add/RemoveRoleFromInstanceProfile,
// ListInstanceProfilesForRole, Tag/Untag/ListInstanceProfileTags.
//
// A profile holds at most quotas.roles_per_instance_profile roles (AWS: one; LimitExceeded
// "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"). A role in a profile cannot be
// deleted (DeleteConflict "Cannot delete entity, must remove roles from instance profile
// first."), nor a profile holding a role. Names are unique per account case-insensitively.
// Thread-safe; each call is one transaction.
//
// Rows: instance_profile (parent "", key lower(name), path; body InstanceProfileRecord) and
// profile_role (parent lower(role), key = ref = lower(profile)) for the reverse lookup.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "store/store.h"

namespace irsa::iam {

namespace kind {
inline constexpr const char* kInstanceProfile = "instance_profile";
inline constexpr const char* kProfileRole = "profile_role";
}  // namespace kind

struct InstanceProfileRecord {
  std::string name;
  std::string id;  // AIPA…
  std::string path = "/";
  std::string arn;
  SystemTime created{};
  std::vector<std::string> role_names;  // as created
  std::vector<Tag> tags;
};

// An instance profile with its roles' current records (roles listed in the profile that no
// longer exist are skipped).
struct InstanceProfileInfo {
  InstanceProfileRecord profile;
  std::vector<RoleRecord> roles;
};

std::string InstanceProfileArn(const std::string& account, const std::string& path,
                               const std::string& name);

// EntityAlreadyExists "Instance Profile <n> already exists."; LimitExceeded
// "Cannot exceed quota for InstanceProfilesPerAccount: <n>".
Result<InstanceProfileInfo> CreateInstanceProfile(const ServiceContext& ctx,
                                                  const std::string& account,
                                                  const std::string& name, const std::string& path,
                                                  const std::vector<Tag>& tags);
// NoSuchEntity "Instance Profile <n> cannot be found."
Result<InstanceProfileInfo> GetInstanceProfile(const ServiceContext& ctx,
                                               const std::string& account, const std::string& name);
Result<ListPage<InstanceProfileInfo>> ListInstanceProfiles(const ServiceContext& ctx,
                                                           const std::string& account,
                                                           const std::string& path_prefix,
                                                           const std::string& marker,
                                                           int max_items);
Status DeleteInstanceProfile(const ServiceContext& ctx, const std::string& account,
                             const std::string& name);
Status AddRoleToInstanceProfile(const ServiceContext& ctx, const std::string& account,
                                const std::string& profile_name, const std::string& role_name);
// NoSuchEntity "The role with name <r> cannot be found." when the role is not in the profile.
Status RemoveRoleFromInstanceProfile(const ServiceContext& ctx, const std::string& account,
                                     const std::string& profile_name, const std::string& role_name);
Result<ListPage<InstanceProfileInfo>> ListInstanceProfilesForRole(const ServiceContext& ctx,
                                                                  const std::string& account,
                                                                  const std::string& role_name,
                                                                  const std::string& marker,
                                                                  int max_items);
Status TagInstanceProfile(const ServiceContext& ctx, const std::string& account,
                          const std::string& name, const std::vector<Tag>& tags);
Status UntagInstanceProfile(const ServiceContext& ctx, const std::string& account,
                            const std::string& name, const std::vector<std::string>& keys);
Result<ListPage<Tag>> ListInstanceProfileTags(const ServiceContext& ctx, const std::string& account,
                                              const std::string& name, const std::string& marker,
                                              int max_items);

// Inside a transaction: how many instance profiles hold the role `role_key` (lower-cased name).
Result<int64_t> CountInstanceProfilesOfRole(store::StoreTx& tx, const std::string& account,
                                            const std::string& role_key);

}  // namespace irsa::iam
