// IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, boundaries and tags.
// Names are unique per account case-insensitively. All functions are thread-safe (the store
// serialises writes) and return AWS error codes and messages.
#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

struct CreateUserInput {
  std::string name;
  std::string path = "/";
  std::string permissions_boundary_arn;
  std::vector<Tag> tags;
};

// A permissions boundary must name an existing managed policy (NoSuchEntity "Scope ARN: <arn>
// does not exist or is not attachable.").
Result<UserRecord> CreateUser(const ServiceContext& ctx, const std::string& account,
                              const CreateUserInput& input);
// NoSuchEntity: "The user with name <name> cannot be found."
Result<UserRecord> GetUser(const ServiceContext& ctx, const std::string& account,
                           const std::string& name);
Result<ListPage<UserRecord>> ListUsers(const ServiceContext& ctx, const std::string& account,
                                       const std::string& path_prefix, const std::string& marker,
                                       int max_items);
// DeleteConflict while the user has access keys, group memberships, a login profile, MFA
// devices, signing certificates, SSH public keys, service-specific credentials, attached or
// inline policies ("Cannot delete entity, must … first.").
Status DeleteUser(const ServiceContext& ctx, const std::string& account, const std::string& name);
// Renames and/or moves the user; every reference follows (access keys, policies, boundary,
// group memberships, login profile, MFA devices, SSH keys, certificates, service credentials).
// EntityAlreadyExists "User with name <n> already exists." for a taken new name.
Result<UserRecord> UpdateUser(const ServiceContext& ctx, const std::string& account,
                              const std::string& name, const std::optional<std::string>& new_name,
                              const std::optional<std::string>& new_path);

// Sets or replaces the user's permissions boundary (an existing managed policy ARN; NoSuchEntity
// "Scope ARN: <arn> does not exist or is not attachable." otherwise).
Status PutUserPermissionsBoundary(const ServiceContext& ctx, const std::string& account,
                                  const std::string& name, const std::string& policy_arn);
// Removes the boundary; no error if the user has none.
Status DeleteUserPermissionsBoundary(const ServiceContext& ctx, const std::string& account,
                                     const std::string& name);
// Tags: see iam/tags.h for the rules (50 tags, case-insensitive keys, overwrite).
Status TagUser(const ServiceContext& ctx, const std::string& account, const std::string& name,
               const std::vector<Tag>& tags);
Status UntagUser(const ServiceContext& ctx, const std::string& account, const std::string& name,
                 const std::vector<std::string>& keys);
Result<ListPage<Tag>> ListUserTags(const ServiceContext& ctx, const std::string& account,
                                   const std::string& name, const std::string& marker,
                                   int max_items);

std::string UserArn(const std::string& account, const std::string& path, const std::string& name);

}  // namespace irsa::iam
