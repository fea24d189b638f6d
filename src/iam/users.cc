#include "iam/users.h"

#include <boost/json.hpp>
#include "base/arn.h"
#include "base/ids.h"
#include "base/strings.h"

#include "iam/groups.h"
#include "iam/lookup.h"
#include "iam/mfa.h"
#include "iam/tags.h"
#include "iam/validation.h"

namespace irsa::iam {
namespace {

Error NoSuchUser(const std::string& name) {
  return errors::NoSuchEntity("The user with name " + name + " cannot be found.");
}

}  // namespace

std::string UserArn(const std::string& account, const std::string& path, const std::string& name) {
  return IamArn(account, "user" + path + name);
}

Result<UserRecord> CreateUser(const ServiceContext& ctx, const std::string& account,
                              const CreateUserInput& input) {
  UserRecord user;
  user.name = input.name;
  user.path = input.path.empty() ? "/" : input.path;
  user.id = NewUniqueId(id_prefix::kUser, ctx.random);
  user.arn = UserArn(account, user.path, user.name);
  user.created = ctx.clock.Now();
  user.permissions_boundary_arn = input.permissions_boundary_arn;
  user.tags = input.tags;
  IRSA_RETURN_IF_ERROR(ValidateTags(user.tags, ctx.quotas.tags_per_resource, "User"));
  Status status = ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(int64_t count, tx.Count({.account = account, .kind = kind::kUser}));
    if (count >= ctx.quotas.users_per_account) {
      return errors::LimitExceeded("Cannot exceed quota for UsersPerAccount: " +
                                   std::to_string(ctx.quotas.users_per_account));
    }
    Status inserted = tx.Insert(UserRow(account, user));
    if (!inserted.ok() && inserted.error().code() == "EntityAlreadyExists") {
      return errors::EntityAlreadyExists("User with name " + user.name + " already exists.");
    }
    IRSA_RETURN_IF_ERROR(inserted);
    if (!user.permissions_boundary_arn.empty()) {
      IRSA_RETURN_IF_ERROR(CheckBoundaryPolicy(tx, account, user.permissions_boundary_arn));
      IRSA_RETURN_IF_ERROR(WriteBoundaryRow(tx, account, kind::kUserBoundary, user.name, "",
                                            user.permissions_boundary_arn));
    }
    return OkStatus();
  });
  if (!status.ok()) return status.error();
  return user;
}

Result<UserRecord> GetUser(const ServiceContext& ctx, const std::string& account,
                           const std::string& name) {
  std::optional<store::Row> row;
  IRSA_RETURN_IF_ERROR(ctx.store.ReadCached([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(row, tx.Get({account, kind::kUser, "", AsciiLower(name)}));
    return OkStatus();
  }));
  if (!row) return NoSuchUser(name);
  return UserFromBody(row->body);
}

Result<ListPage<UserRecord>> ListUsers(const ServiceContext& ctx, const std::string& account,
                                       const std::string& path_prefix, const std::string& marker,
                                       int max_items) {
  IRSA_TRY(std::string after, DecodeMarker(marker));
  store::Page page;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    store::ListQuery query{.account = account, .kind = kind::kUser};
    if (!path_prefix.empty() && path_prefix != "/") query.path_prefix = path_prefix;
    query.after_key = after;
    query.limit = static_cast<size_t>(max_items);
    IRSA_TRY(page, tx.List(query));
    return OkStatus();
  }));
  ListPage<UserRecord> out;
  for (const auto& row : page.rows) {
    IRSA_TRY(UserRecord user, UserFromBody(row.body));
    out.items.push_back(std::move(user));
  }
  out.truncated = page.truncated;
  if (page.truncated && !page.rows.empty()) out.marker = EncodeMarker(page.rows.back().id.key);
  return out;
}

namespace {

// What a user must be rid of before it can be deleted, in the order AWS checks, with its message.
struct UserDependent {
  const char* kind;
  const char* message;
};
constexpr UserDependent kUserDependents[] = {
    {kind::kAccessKey, "Cannot delete entity, must delete access keys first."},
    {kind::kLoginProfile, "Cannot delete entity, must delete login profile first."},
    {kind::kMfaAssignment, "Cannot delete entity, must delete MFA device first."},
    {kind::kSigningCertificate, "Cannot delete entity, must delete signing certificates first."},
    {kind::kSshPublicKey, "Cannot delete entity, must delete SSH public keys first."},
    {kind::kServiceCredential,
     "Cannot delete entity, must delete service specific credentials first."},
    {kind::kUserAttachment, "Cannot delete entity, must detach all policies first."},
    {kind::kUserPolicy, "Cannot delete entity, must delete policies first."},
};

// Kinds whose rows hang under the user's key and move with a rename.
constexpr const char* kUserChildKinds[] = {
    kind::kAccessKey,    kind::kUserAttachment,     kind::kUserPolicy,
    kind::kUserBoundary, kind::kLoginProfile,       kind::kMfaAssignment,
    kind::kSshPublicKey, kind::kSigningCertificate, kind::kServiceCredential,
};

// Rewrites the "user" field of a moved row's body, if it has one.
Status RenameUserField(store::Row& row, const std::string& new_name) {
  boost::json::error_code ec;
  boost::json::value body = boost::json::parse(row.body, ec);
  if (ec || !body.is_object()) return OkStatus();
  if (body.as_object().contains("user")) {
    body.as_object()["user"] = new_name;
    row.body = boost::json::serialize(body);
  }
  return OkStatus();
}

}  // namespace

Status DeleteUser(const ServiceContext& ctx, const std::string& account, const std::string& name) {
  const std::string key = AsciiLower(name);
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get({account, kind::kUser, "", key}));
    if (!row) return NoSuchUser(name);
    for (const UserDependent& dependent : kUserDependents) {
      IRSA_TRY(int64_t count,
               tx.Count({.account = account, .kind = dependent.kind, .parent = key}));
      if (count > 0) return errors::DeleteConflict(dependent.message);
      if (std::string_view(dependent.kind) == kind::kAccessKey) {
        IRSA_TRY(int64_t groups,
                 tx.Count({.account = account, .kind = kind::kGroupMember, .ref = key}));
        if (groups > 0) {
          return errors::DeleteConflict(
              "Cannot delete entity, must remove user from all groups first.");
        }
      }
    }
    IRSA_TRY(int64_t boundaries, tx.DeleteChildren(account, kind::kUserBoundary, key));
    (void)boundaries;
    IRSA_TRY(bool deleted, tx.Delete(row->id));
    (void)deleted;
    return OkStatus();
  });
}

Result<UserRecord> UpdateUser(const ServiceContext& ctx, const std::string& account,
                              const std::string& name, const std::optional<std::string>& new_name,
                              const std::optional<std::string>& new_path) {
  IRSA_RETURN_IF_ERROR(ValidateName(name, "userName", 128));
  if (new_name) IRSA_RETURN_IF_ERROR(ValidateName(*new_name, "newUserName", 64));
  if (new_path) IRSA_RETURN_IF_ERROR(ValidatePath(*new_path, "newPath"));
  UserRecord user;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser loaded, LoadUser(tx, account, name));
    user = loaded.record;
    if (new_name) user.name = *new_name;
    if (new_path) user.path = *new_path;
    user.arn = UserArn(account, user.path, user.name);
    const std::string old_key = loaded.row.id.key;
    const std::string new_key = AsciiLower(user.name);
    if (new_key != old_key) {
      IRSA_TRY(auto clash, tx.Get({account, kind::kUser, "", new_key}));
      if (clash) {
        return errors::EntityAlreadyExists("User with name " + user.name + " already exists.");
      }
      IRSA_TRY(bool deleted, tx.Delete(loaded.row.id));
      (void)deleted;
    }
    IRSA_RETURN_IF_ERROR(tx.Upsert(UserRow(account, user)));
    if (new_key == old_key && user.name == loaded.record.name) return OkStatus();
    for (const char* child : kUserChildKinds) {
      IRSA_RETURN_IF_ERROR(
          MoveChildren(tx, account, child, old_key, new_key,
                       [&](store::Row& row) -> Status { return RenameUserField(row, user.name); }));
    }
    IRSA_RETURN_IF_ERROR(RenameGroupMember(tx, account, old_key, user));
    return RenameMfaDeviceUser(tx, account, new_key, user.name);
  }));
  return user;
}

Status PutUserPermissionsBoundary(const ServiceContext& ctx, const std::string& account,
                                  const std::string& name, const std::string& policy_arn) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser loaded, LoadUser(tx, account, name));
    IRSA_RETURN_IF_ERROR(CheckBoundaryPolicy(tx, account, policy_arn));
    IRSA_RETURN_IF_ERROR(WriteBoundaryRow(tx, account, kind::kUserBoundary, loaded.record.name,
                                          loaded.record.permissions_boundary_arn, policy_arn));
    loaded.record.permissions_boundary_arn = policy_arn;
    return tx.Upsert(UserRow(account, loaded.record));
  });
}

Status DeleteUserPermissionsBoundary(const ServiceContext& ctx, const std::string& account,
                                     const std::string& name) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser loaded, LoadUser(tx, account, name));
    if (loaded.record.permissions_boundary_arn.empty()) return OkStatus();
    IRSA_RETURN_IF_ERROR(WriteBoundaryRow(tx, account, kind::kUserBoundary, loaded.record.name,
                                          loaded.record.permissions_boundary_arn, ""));
    loaded.record.permissions_boundary_arn.clear();
    return tx.Upsert(UserRow(account, loaded.record));
  });
}

Status TagUser(const ServiceContext& ctx, const std::string& account, const std::string& name,
               const std::vector<Tag>& tags) {
  IRSA_RETURN_IF_ERROR(ValidateTags(tags, ctx.quotas.tags_per_resource, "User"));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser loaded, LoadUser(tx, account, name));
    IRSA_RETURN_IF_ERROR(MergeTags(loaded.record.tags, tags, ctx.quotas.tags_per_resource, "User"));
    return tx.Upsert(UserRow(account, loaded.record));
  });
}

Status UntagUser(const ServiceContext& ctx, const std::string& account, const std::string& name,
                 const std::vector<std::string>& keys) {
  IRSA_RETURN_IF_ERROR(ValidateTagKeys(keys));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser loaded, LoadUser(tx, account, name));
    RemoveTags(loaded.record.tags, keys);
    return tx.Upsert(UserRow(account, loaded.record));
  });
}

Result<ListPage<Tag>> ListUserTags(const ServiceContext& ctx, const std::string& account,
                                   const std::string& name, const std::string& marker,
                                   int max_items) {
  IRSA_TRY(UserRecord user, GetUser(ctx, account, name));
  return PageTags(user.tags, marker, max_items);
}

}  // namespace irsa::iam
