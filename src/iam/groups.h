// IAM groups: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup, AddUserToGroup,
// RemoveUserFromGroup, ListGroupsForUser. Their managed-policy attachments and inline policies
// live in attachments.h and inline_policies.h; their policies govern every member user
// (principal_policies.h gathers them).
//
// Names are unique per account case-insensitively. Quotas: quotas.groups_per_account
// ("Cannot exceed quota for GroupsPerAccount: <n>"), quotas.groups_per_user ("Cannot exceed
// quota for GroupsPerUser: <n>"). Thread-safe; each call is one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "store/store.h"

namespace irsa::iam {

// EntityAlreadyExists "Group with name <n> already exists."
Result<GroupRecord> CreateGroup(const ServiceContext& ctx, const std::string& account,
                                const std::string& name, const std::string& path);

struct GroupWithUsers {
  GroupRecord group;
  ListPage<UserRecord> users;  // members, by lower-cased user name
};
// NoSuchEntity "The group with name <n> cannot be found."
Result<GroupWithUsers> GetGroup(const ServiceContext& ctx, const std::string& account,
                                const std::string& name, const std::string& marker, int max_items);
Result<ListPage<GroupRecord>> ListGroups(const ServiceContext& ctx, const std::string& account,
                                         const std::string& path_prefix, const std::string& marker,
                                         int max_items);
// Renames and/or moves the group; members, attachments and inline policies follow.
Status UpdateGroup(const ServiceContext& ctx, const std::string& account, const std::string& name,
                   const std::optional<std::string>& new_name,
                   const std::optional<std::string>& new_path);
// DeleteConflict "Cannot delete entity, must remove users from group first." /
// "… must detach all policies first." / "… must delete policies first."
Status DeleteGroup(const ServiceContext& ctx, const std::string& account, const std::string& name);

// Idempotent for a member already in the group.
Status AddUserToGroup(const ServiceContext& ctx, const std::string& account,
                      const std::string& group_name, const std::string& user_name);
// NoSuchEntity "User <u> is not in group <g>." when not a member.
Status RemoveUserFromGroup(const ServiceContext& ctx, const std::string& account,
                           const std::string& group_name, const std::string& user_name);
// The user's groups, by lower-cased group name.
Result<ListPage<GroupRecord>> ListGroupsForUser(const ServiceContext& ctx,
                                                const std::string& account,
                                                const std::string& user_name,
                                                const std::string& marker, int max_items);

// Inside a transaction: the groups of the user whose key (lower-cased name) is `user_key`,
// ordered by lower-cased group name.
Result<std::vector<GroupRecord>> GroupsOfUser(store::StoreTx& tx, const std::string& account,
                                              const std::string& user_key);
// Inside a transaction: moves the user's memberships to a renamed user.
Status RenameGroupMember(store::StoreTx& tx, const std::string& account,
                         const std::string& old_user_key, const UserRecord& renamed);

}  // namespace irsa::iam
