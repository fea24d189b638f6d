// IAM users: CreateUser, GetUser, ListUsers, DeleteUser.
// Names are unique per account case-insensitively. All functions are thread-safe (the store
// serialises writes) and return AWS error codes and messages.
#pragma once

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

Result<UserRecord> CreateUser(const ServiceContext& ctx, const std::string& account,
                              const CreateUserInput& input);
// NoSuchEntity: "The user with name <name> cannot be found."
Result<UserRecord> GetUser(const ServiceContext& ctx, const std::string& account,
                           const std::string& name);
Result<ListPage<UserRecord>> ListUsers(const ServiceContext& ctx, const std::string& account,
                                       const std::string& path_prefix, const std::string& marker,
                                       int max_items);
// DeleteConflict while the user has access keys, attached or inline policies.
Status DeleteUser(const ServiceContext& ctx, const std::string& account, const std::string& name);

std::string UserArn(const std::string& account, const std::string& path, const std::string& name);

}  // namespace irsa::iam
