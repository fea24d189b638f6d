#include "iam/groups.h"

#include <algorithm>

#include <boost/json.hpp>

#include "base/ids.h"
#include "base/strings.h"
#include "iam/lookup.h"
#include "iam/validation.h"
#include "store/json_fields.h"

namespace irsa::iam {
namespace {

// group_member rows: parent = lower(group), key = ref = lower(user); the body keeps both names.
store::Row MemberRow(const std::string& account, const GroupRecord& group, const UserRecord& user) {
  store::Row row;
  row.id = {account, kind::kGroupMember, AsciiLower(group.name), AsciiLower(user.name)};
  row.ref = AsciiLower(user.name);
  row.body =
      boost::json::serialize(boost::json::object{{"group", group.name}, {"user", user.name}});
  return row;
}

Status ValidateGroupName(std::string_view name) { return ValidateName(name, "groupName", 128); }

}  // namespace

Result<GroupRecord> CreateGroup(const ServiceContext& ctx, const std::string& account,
                                const std::string& name, const std::string& path) {
  IRSA_RETURN_IF_ERROR(ValidateGroupName(name));
  GroupRecord group;
  group.name = name;
  group.path = path.empty() ? "/" : path;
  IRSA_RETURN_IF_ERROR(ValidatePath(group.path, "path"));
  group.id = NewUniqueId(id_prefix::kGroup, ctx.random);
  group.arn = GroupArn(account, group.path, name);
  group.created = ctx.clock.Now();
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto existing, tx.Get({account, kind::kGroup, "", AsciiLower(name)}));
    if (existing)
      return errors::EntityAlreadyExists("Group with name " + name + " already exists.");
    IRSA_TRY(int64_t count, tx.Count({.account = account, .kind = kind::kGroup}));
    if (count >= ctx.quotas.groups_per_account) {
      return errors::LimitExceeded("Cannot exceed quota for GroupsPerAccount: " +
                                   std::to_string(ctx.quotas.groups_per_account));
    }
    return tx.Insert(GroupRow(account, group));
  }));
  return group;
}

Result<GroupWithUsers> GetGroup(const ServiceContext& ctx, const std::string& account,
                                const std::string& name, const std::string& marker, int max_items) {
  GroupWithUsers out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedGroup group, LoadGroup(tx, account, name));
    out.group = std::move(group.record);
    IRSA_TRY(ListPage<store::Row> members,
             ListRowPage(
                 tx, {.account = account, .kind = kind::kGroupMember, .parent = group.row.id.key},
                 marker, max_items));
    for (const store::Row& member : members.items) {
      IRSA_TRY(LoadedUser user, LoadUser(tx, account, member.id.key));
      out.users.items.push_back(std::move(user.record));
    }
    out.users.truncated = members.truncated;
    out.users.marker = members.marker;
    return OkStatus();
  }));
  return out;
}

Result<ListPage<GroupRecord>> ListGroups(const ServiceContext& ctx, const std::string& account,
                                         const std::string& path_prefix, const std::string& marker,
                                         int max_items) {
  if (!path_prefix.empty()) IRSA_RETURN_IF_ERROR(ValidatePathPrefix(path_prefix, "pathPrefix"));
  ListPage<GroupRecord> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    store::ListQuery query{.account = account, .kind = kind::kGroup, .parent = ""};
    if (!path_prefix.empty() && path_prefix != "/") query.path_prefix = path_prefix;
    IRSA_TRY(ListPage<store::Row> rows, ListRowPage(tx, query, marker, max_items));
    for (const store::Row& row : rows.items) {
      IRSA_TRY(GroupRecord group, GroupFromBody(row.body));
      out.items.push_back(std::move(group));
    }
    out.truncated = rows.truncated;
    out.marker = rows.marker;
    return OkStatus();
  }));
  return out;
}

Status UpdateGroup(const ServiceContext& ctx, const std::string& account, const std::string& name,
                   const std::optional<std::string>& new_name,
                   const std::optional<std::string>& new_path) {
  IRSA_RETURN_IF_ERROR(ValidateGroupName(name));
  if (new_name) IRSA_RETURN_IF_ERROR(ValidateGroupName(*new_name));
  if (new_path) IRSA_RETURN_IF_ERROR(ValidatePath(*new_path, "newPath"));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedGroup loaded, LoadGroup(tx, account, name));
    GroupRecord group = loaded.record;
    if (new_name) group.name = *new_name;
    if (new_path) group.path = *new_path;
    group.arn = GroupArn(account, group.path, group.name);
    const std::string old_key = loaded.row.id.key;
    const std::string new_key = AsciiLower(group.name);
    if (new_key != old_key) {
      IRSA_TRY(auto clash, tx.Get({account, kind::kGroup, "", new_key}));
      if (clash) {
        return errors::EntityAlreadyExists("Group with name " + group.name + " already exists.");
      }
      IRSA_TRY(bool deleted, tx.Delete(loaded.row.id));
      (void)deleted;
    }
    IRSA_RETURN_IF_ERROR(tx.Upsert(GroupRow(account, group)));
    IRSA_RETURN_IF_ERROR(MoveChildren(
        tx, account, kind::kGroupMember, old_key, new_key, [&](store::Row& row) -> Status {
          IRSA_TRY(boost::json::object body, store::ParseStoredObject(row.body, "group member"));
          body["group"] = group.name;
          row.body = boost::json::serialize(body);
          return OkStatus();
        }));
    IRSA_RETURN_IF_ERROR(MoveChildren(tx, account, kind::kGroupAttachment, old_key, new_key));
    return MoveChildren(tx, account, kind::kGroupPolicy, old_key, new_key);
  });
}

Status DeleteGroup(const ServiceContext& ctx, const std::string& account, const std::string& name) {
  IRSA_RETURN_IF_ERROR(ValidateGroupName(name));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedGroup loaded, LoadGroup(tx, account, name));
    const std::string& key = loaded.row.id.key;
    IRSA_TRY(int64_t members,
             tx.Count({.account = account, .kind = kind::kGroupMember, .parent = key}));
    if (members > 0) {
      return errors::DeleteConflict("Cannot delete entity, must remove users from group first.");
    }
    IRSA_TRY(int64_t attached,
             tx.Count({.account = account, .kind = kind::kGroupAttachment, .parent = key}));
    if (attached > 0) {
      return errors::DeleteConflict("Cannot delete entity, must detach all policies first.");
    }
    IRSA_TRY(int64_t inline_policies,
             tx.Count({.account = account, .kind = kind::kGroupPolicy, .parent = key}));
    if (inline_policies > 0) {
      return errors::DeleteConflict("Cannot delete entity, must delete policies first.");
    }
    IRSA_TRY(bool deleted, tx.Delete(loaded.row.id));
    (void)deleted;
    return OkStatus();
  });
}

Status AddUserToGroup(const ServiceContext& ctx, const std::string& account,
                      const std::string& group_name, const std::string& user_name) {
  IRSA_RETURN_IF_ERROR(ValidateGroupName(group_name));
  IRSA_RETURN_IF_ERROR(ValidateName(user_name, "userName", 128));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedGroup group, LoadGroup(tx, account, group_name));
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(auto existing,
             tx.Get({account, kind::kGroupMember, group.row.id.key, user.row.id.key}));
    if (existing) return OkStatus();
    IRSA_TRY(int64_t groups,
             tx.Count({.account = account, .kind = kind::kGroupMember, .ref = user.row.id.key}));
    if (groups >= ctx.quotas.groups_per_user) {
      return errors::LimitExceeded("Cannot exceed quota for GroupsPerUser: " +
                                   std::to_string(ctx.quotas.groups_per_user));
    }
    return tx.Insert(MemberRow(account, group.record, user.record));
  });
}

Status RemoveUserFromGroup(const ServiceContext& ctx, const std::string& account,
                           const std::string& group_name, const std::string& user_name) {
  IRSA_RETURN_IF_ERROR(ValidateGroupName(group_name));
  IRSA_RETURN_IF_ERROR(ValidateName(user_name, "userName", 128));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedGroup group, LoadGroup(tx, account, group_name));
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(bool deleted,
             tx.Delete({account, kind::kGroupMember, group.row.id.key, user.row.id.key}));
    if (!deleted) {
      return errors::NoSuchEntity("User " + user.record.name + " is not in group " +
                                  group.record.name + ".");
    }
    return OkStatus();
  });
}

Result<std::vector<GroupRecord>> GroupsOfUser(store::StoreTx& tx, const std::string& account,
                                              const std::string& user_key) {
  IRSA_TRY(std::vector<store::Row> rows,
           ListAllRows(tx, {.account = account, .kind = kind::kGroupMember, .ref = user_key}));
  std::vector<GroupRecord> groups;
  for (const store::Row& row : rows) {
    IRSA_TRY(auto group_row, tx.Get({account, kind::kGroup, "", row.id.parent}));
    if (!group_row) continue;  // memberships are removed with the group; be tolerant
    IRSA_TRY(GroupRecord group, GroupFromBody(group_row->body));
    groups.push_back(std::move(group));
  }
  std::sort(groups.begin(), groups.end(), [](const GroupRecord& a, const GroupRecord& b) {
    return AsciiLower(a.name) < AsciiLower(b.name);
  });
  return groups;
}

Result<ListPage<GroupRecord>> ListGroupsForUser(const ServiceContext& ctx,
                                                const std::string& account,
                                                const std::string& user_name,
                                                const std::string& marker, int max_items) {
  IRSA_RETURN_IF_ERROR(ValidateName(user_name, "userName", 128));
  IRSA_TRY(int limit, EffectiveMaxItems(max_items));
  IRSA_TRY(std::string after, DecodeMarker(marker));
  ListPage<GroupRecord> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(std::vector<GroupRecord> groups, GroupsOfUser(tx, account, user.row.id.key));
    for (GroupRecord& group : groups) {
      const std::string key = AsciiLower(group.name);
      if (!after.empty() && key <= after) continue;
      if (out.items.size() == static_cast<size_t>(limit)) {
        out.truncated = true;
        out.marker = EncodeMarker(AsciiLower(out.items.back().name));
        break;
      }
      out.items.push_back(std::move(group));
    }
    return OkStatus();
  }));
  return out;
}

Status RenameGroupMember(store::StoreTx& tx, const std::string& account,
                         const std::string& old_user_key, const UserRecord& renamed) {
  IRSA_TRY(std::vector<store::Row> rows,
           ListAllRows(tx, {.account = account, .kind = kind::kGroupMember, .ref = old_user_key}));
  for (store::Row& row : rows) {
    IRSA_TRY(bool deleted, tx.Delete(row.id));
    (void)deleted;
    IRSA_TRY(boost::json::object body, store::ParseStoredObject(row.body, "group member"));
    body["user"] = renamed.name;
    row.id.key = AsciiLower(renamed.name);
    row.ref = row.id.key;
    row.body = boost::json::serialize(body);
    IRSA_RETURN_IF_ERROR(tx.Upsert(row));
  }
  return OkStatus();
}

}  // namespace irsa::iam
