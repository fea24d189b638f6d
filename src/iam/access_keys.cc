#include "iam/access_keys.h"

#include "base/ids.h"
#include "base/strings.h"

namespace irsa::iam {
namespace {

Error NoSuchKey(const std::string& key_id) {
  return errors::NoSuchEntity("The Access Key with id " + key_id + " cannot be found.");
}

store::Row KeyRow(const std::string& account, const AccessKeyRecord& key) {
  store::Row row;
  row.id = {account, kind::kAccessKey, AsciiLower(key.user_name), key.id};
  row.body = ToBody(key);
  row.secret = key.secret;
  return row;
}

Status RequireUser(store::StoreTx& tx, const std::string& account, const std::string& user_name) {
  if (user_name.empty()) return OkStatus();
  IRSA_TRY(auto row, tx.Get({account, kind::kUser, "", AsciiLower(user_name)}));
  if (!row) return errors::NoSuchEntity("The user with name " + user_name + " cannot be found.");
  return OkStatus();
}

Result<AccessKeyRecord> KeyFromRow(const store::Row& row) {
  IRSA_TRY(AccessKeyRecord key, AccessKeyFromBody(row.body));
  key.secret = row.secret;
  return key;
}

}  // namespace

Result<AccessKeyRecord> CreateAccessKey(const ServiceContext& ctx, const std::string& account,
                                        const std::string& user_name) {
  AccessKeyRecord key;
  key.id = NewAccessKeyId(id_prefix::kAccessKey, ctx.random);
  key.secret = NewSecretAccessKey(ctx.random);
  key.created = ctx.clock.Now();
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(RequireUser(tx, account, user_name));
    IRSA_TRY(auto user_row, user_name.empty()
                                ? Result<std::optional<store::Row>>(std::nullopt)
                                : tx.Get({account, kind::kUser, "", AsciiLower(user_name)}));
    if (user_row) {
      IRSA_TRY(UserRecord user, UserFromBody(user_row->body));
      key.user_name = user.name;  // canonical case
    }
    IRSA_TRY(
        int64_t count,
        tx.Count({.account = account, .kind = kind::kAccessKey, .parent = AsciiLower(user_name)}));
    if (count >= ctx.quotas.access_keys_per_user) {
      return errors::LimitExceeded("Cannot exceed quota for AccessKeysPerUser: " +
                                   std::to_string(ctx.quotas.access_keys_per_user));
    }
    return tx.Insert(KeyRow(account, key));
  }));
  return key;
}

Status ImportAccessKey(const ServiceContext& ctx, const std::string& account,
                       const AccessKeyRecord& key) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto existing, tx.FindByKey(kind::kAccessKey, key.id));
    for (const auto& row : existing) {
      if (row.id.account == account && row.id.parent == AsciiLower(key.user_name) &&
          ConstantTimeEquals(row.secret, key.secret)) {
        return OkStatus();
      }
      return errors::EntityAlreadyExists("Access key " + key.id +
                                         " already exists with other settings.");
    }
    IRSA_RETURN_IF_ERROR(RequireUser(tx, account, key.user_name));
    return tx.Insert(KeyRow(account, key));
  });
}

Result<std::vector<AccessKeyRecord>> ListAccessKeys(const ServiceContext& ctx,
                                                    const std::string& account,
                                                    const std::string& user_name) {
  std::vector<AccessKeyRecord> keys;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(RequireUser(tx, account, user_name));
    IRSA_TRY(store::Page page, tx.List({.account = account,
                                        .kind = kind::kAccessKey,
                                        .parent = AsciiLower(user_name),
                                        .limit = 1000}));
    for (const auto& row : page.rows) {
      IRSA_TRY(AccessKeyRecord key, AccessKeyFromBody(row.body));
      keys.push_back(std::move(key));
    }
    return OkStatus();
  }));
  return keys;
}

Status UpdateAccessKey(const ServiceContext& ctx, const std::string& account,
                       const std::string& user_name, const std::string& key_id,
                       AccessKeyStatus status) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(RequireUser(tx, account, user_name));
    IRSA_TRY(auto row, tx.Get({account, kind::kAccessKey, AsciiLower(user_name), key_id}));
    if (!row) return NoSuchKey(key_id);
    IRSA_TRY(AccessKeyRecord key, KeyFromRow(*row));
    key.status = status;
    return tx.Upsert(KeyRow(account, key));
  });
}

Status DeleteAccessKey(const ServiceContext& ctx, const std::string& account,
                       const std::string& user_name, const std::string& key_id) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(RequireUser(tx, account, user_name));
    IRSA_TRY(bool deleted, tx.Delete({account, kind::kAccessKey, AsciiLower(user_name), key_id}));
    if (!deleted) return NoSuchKey(key_id);
    return OkStatus();
  });
}

Result<std::optional<StoredAccessKey>> FindAccessKey(const ServiceContext& ctx,
                                                     const std::string& key_id) {
  std::optional<StoredAccessKey> found;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto rows, tx.FindByKey(kind::kAccessKey, key_id));
    if (rows.empty()) return OkStatus();
    IRSA_TRY(AccessKeyRecord key, KeyFromRow(rows.front()));
    found = StoredAccessKey{rows.front().id.account, std::move(key)};
    return OkStatus();
  }));
  return found;
}

}  // namespace irsa::iam
