#include "iam/account_settings.h"

#include <boost/json.hpp>

#include "iam/lookup.h"
#include "store/json_fields.h"

namespace irsa::iam {
namespace {

constexpr char kTokenVersionSetting[] = "global_endpoint_token_version";

bool IsAliasChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

store::Row AliasRow(const std::string& account, const std::string& alias) {
  store::Row row;
  row.id = {account, kind::kAccountAlias, "", alias};
  row.ref = account;
  row.body = boost::json::serialize(boost::json::object{{"alias", alias}});
  return row;
}

}  // namespace

bool IsValidAccountAlias(std::string_view alias) {
  if (alias.size() < 3 || alias.size() > 63) return false;
  if (!IsAliasChar(alias.front()) || !IsAliasChar(alias.back())) return false;
  for (size_t i = 1; i + 1 < alias.size(); ++i) {
    const char c = alias[i];
    if (IsAliasChar(c)) continue;
    if (c != '-' || alias[i + 1] == '-') return false;
  }
  return true;
}

Error InvalidAccountAlias() {
  return errors::ValidationError(
      "The specified value for accountAlias is invalid. It must be a minimum length of 3 "
      "characters and maximum length of 63 characters, contain only digits, lowercase letters, "
      "and hyphens (-), but cannot begin or end with a hyphen.");
}

Status CreateAccountAlias(const ServiceContext& ctx, const std::string& account,
                          const std::string& alias) {
  if (!IsValidAccountAlias(alias)) return InvalidAccountAlias();
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(std::vector<store::Row> holders, tx.FindByKey(kind::kAccountAlias, alias));
    if (!holders.empty()) {
      if (holders.front().id.account == account) return OkStatus();  // already its alias
      return errors::EntityAlreadyExists("The account alias " + alias + " already exists.");
    }
    IRSA_TRY(std::vector<store::Row> own,
             ListAllRows(tx, {.account = account, .kind = kind::kAccountAlias, .parent = ""}));
    // At the quota, the new alias replaces the oldest-keyed one (AWS: one alias, replaced).
    for (size_t i = 0;
         i < own.size() && static_cast<int64_t>(own.size() - i) >= ctx.quotas.aliases_per_account;
         ++i) {
      IRSA_TRY(bool deleted, tx.Delete(own[i].id));
      (void)deleted;
    }
    return tx.Insert(AliasRow(account, alias));
  });
}

Status DeleteAccountAlias(const ServiceContext& ctx, const std::string& account,
                          const std::string& alias) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(bool deleted, tx.Delete({account, kind::kAccountAlias, "", alias}));
    if (!deleted) return errors::NoSuchEntity("The account alias " + alias + " cannot be found.");
    return OkStatus();
  });
}

Result<ListPage<std::string>> ListAccountAliases(const ServiceContext& ctx,
                                                 const std::string& account,
                                                 const std::string& marker, int max_items) {
  ListPage<std::string> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(ListPage<store::Row> rows,
             ListRowPage(tx, {.account = account, .kind = kind::kAccountAlias, .parent = ""},
                         marker, max_items));
    for (const store::Row& row : rows.items) out.items.push_back(row.id.key);
    out.truncated = rows.truncated;
    out.marker = rows.marker;
    return OkStatus();
  }));
  return out;
}

Result<std::string> GetGlobalEndpointTokenVersion(const ServiceContext& ctx,
                                                  const std::string& account) {
  std::string version = "v1Token";
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get({account, kind::kAccountSetting, "", kTokenVersionSetting}));
    if (!row) return OkStatus();
    IRSA_TRY(boost::json::object body, store::ParseStoredObject(row->body, "account setting"));
    if (const auto* value = body.if_contains("value"); value && value->is_string()) {
      version = std::string(value->as_string());
    }
    return OkStatus();
  }));
  return version;
}

Status SetGlobalEndpointTokenVersion(const ServiceContext& ctx, const std::string& account,
                                     const std::string& version) {
  if (version != "v1Token" && version != "v2Token") {
    return errors::InvalidInput("GlobalEndpointTokenVersion must be v1Token or v2Token.");
  }
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    store::Row row;
    row.id = {account, kind::kAccountSetting, "", kTokenVersionSetting};
    row.body = boost::json::serialize(boost::json::object{{"value", version}});
    return tx.Upsert(row);
  });
}

}  // namespace irsa::iam
