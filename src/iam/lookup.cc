#include "iam/lookup.h"

#include "base/arn.h"
#include "base/strings.h"
#include "iam/validation.h"

namespace irsa::iam {

std::string RoleArn(const std::string& account, const std::string& path, const std::string& name) {
  return IamArn(account, "role" + path + name);
}

std::string PolicyArn(const std::string& account, const std::string& path,
                      const std::string& name) {
  return IamArn(account, "policy" + path + name);
}

std::string OidcProviderArn(const std::string& account, const std::string& url) {
  return IamArn(account, "oidc-provider/" + url);
}

std::string GroupArn(const std::string& account, const std::string& path, const std::string& name) {
  return IamArn(account, "group" + path + name);
}

store::Row UserRow(const std::string& account, const UserRecord& user) {
  store::Row row;
  row.id = {account, kind::kUser, "", AsciiLower(user.name)};
  row.path = user.path;
  row.body = ToBody(user);
  return row;
}

store::Row GroupRow(const std::string& account, const GroupRecord& group) {
  store::Row row;
  row.id = {account, kind::kGroup, "", AsciiLower(group.name)};
  row.path = group.path;
  row.body = ToBody(group);
  return row;
}

store::Row RoleRow(const std::string& account, const RoleRecord& role) {
  store::Row row;
  row.id = {account, kind::kRole, "", AsciiLower(role.name)};
  row.path = role.path;
  row.body = ToBody(role);
  return row;
}

store::Row PolicyRow(const std::string& account, const PolicyRecord& policy) {
  store::Row row;
  row.id = {account, kind::kPolicy, "", AsciiLower(policy.name)};
  row.ref = policy.arn;
  row.path = policy.path;
  row.body = ToBody(policy);
  return row;
}

store::Row PolicyVersionRow(const std::string& account, const std::string& policy_name,
                            const PolicyVersionRecord& version) {
  store::Row row;
  row.id = {account, kind::kPolicyVersion, AsciiLower(policy_name), version.version_id};
  row.body = ToBody(version);
  return row;
}

store::Row OidcProviderRow(const std::string& account, const OidcProviderRecord& provider) {
  store::Row row;
  row.id = {account, kind::kOidcProvider, "", provider.url};
  row.body = ToBody(provider);
  return row;
}

store::Row BoundaryRow(const std::string& account, const char* kind, const std::string& entity_name,
                       const std::string& policy_arn) {
  store::Row row;
  row.id = {account, kind, AsciiLower(entity_name), policy_arn};
  row.ref = policy_arn;
  row.body = ToBody(AttachmentRecord{policy_arn, policy_arn.substr(policy_arn.rfind('/') + 1)});
  return row;
}

Error NoSuchRole(const std::string& name) {
  return errors::NoSuchEntity("The role with name " + name + " cannot be found.");
}

Error NoSuchUserError(const std::string& name) {
  return errors::NoSuchEntity("The user with name " + name + " cannot be found.");
}

Error NoSuchPolicy(const std::string& arn) {
  return errors::NoSuchEntity("Policy " + arn + " was not found.");
}

Error NoSuchGroup(const std::string& name) {
  return errors::NoSuchEntity("The group with name " + name + " cannot be found.");
}

Error InvalidArn(const std::string& arn) {
  return errors::InvalidInput("ARN " + arn + " is not valid.");
}

Result<LoadedRole> LoadRole(store::StoreTx& tx, const std::string& account,
                            const std::string& name) {
  IRSA_TRY(auto row, tx.Get({account, kind::kRole, "", AsciiLower(name)}));
  if (!row) return NoSuchRole(name);
  IRSA_TRY(RoleRecord role, RoleFromBody(row->body));
  return LoadedRole{std::move(*row), std::move(role)};
}

Result<LoadedUser> LoadUser(store::StoreTx& tx, const std::string& account,
                            const std::string& name) {
  IRSA_TRY(auto row, tx.Get({account, kind::kUser, "", AsciiLower(name)}));
  if (!row) return NoSuchUserError(name);
  IRSA_TRY(UserRecord user, UserFromBody(row->body));
  return LoadedUser{std::move(*row), std::move(user)};
}

Result<LoadedGroup> LoadGroup(store::StoreTx& tx, const std::string& account,
                              const std::string& name) {
  IRSA_TRY(auto row, tx.Get({account, kind::kGroup, "", AsciiLower(name)}));
  if (!row) return NoSuchGroup(name);
  IRSA_TRY(GroupRecord group, GroupFromBody(row->body));
  return LoadedGroup{std::move(*row), std::move(group)};
}

Result<ListPage<store::Row>> ListRowPage(store::StoreTx& tx, store::ListQuery query,
                                         const std::string& marker, int max_items,
                                         bool (*keep)(const store::Row&)) {
  IRSA_TRY(int limit, EffectiveMaxItems(max_items));
  IRSA_TRY(query.after_key, DecodeMarker(marker));
  query.limit = keep ? 200 : static_cast<size_t>(limit);
  ListPage<store::Row> out;
  while (true) {
    IRSA_TRY(store::Page page, tx.List(query));
    for (auto& row : page.rows) {
      if (keep && !keep(row)) {
        query.after_key = row.id.key;
        continue;
      }
      if (out.items.size() == static_cast<size_t>(limit)) {
        out.truncated = true;
        out.marker = EncodeMarker(out.items.back().id.key);
        return out;
      }
      query.after_key = row.id.key;
      out.items.push_back(std::move(row));
    }
    if (!page.truncated || page.rows.empty()) break;
    if (!keep && out.items.size() == static_cast<size_t>(limit)) {
      out.truncated = true;
      out.marker = EncodeMarker(out.items.back().id.key);
      break;
    }
  }
  return out;
}

Result<std::vector<store::Row>> ListAllRows(store::StoreTx& tx, store::ListQuery query) {
  // Ordered by (parent, key): paging by key is only sound within one parent.
  query.limit = query.parent ? 1000 : 1000000;
  std::vector<store::Row> rows;
  while (true) {
    IRSA_TRY(store::Page page, tx.List(query));
    for (auto& row : page.rows) rows.push_back(std::move(row));
    if (!page.truncated || rows.empty()) break;
    query.after_key = rows.back().id.key;
  }
  return rows;
}

Status MoveChildren(store::StoreTx& tx, const std::string& account, const char* kind,
                    const std::string& old_parent, const std::string& new_parent,
                    const std::function<Status(store::Row&)>& rewrite) {
  if (old_parent == new_parent && !rewrite) return OkStatus();
  IRSA_TRY(std::vector<store::Row> rows,
           ListAllRows(tx, {.account = account, .kind = kind, .parent = old_parent}));
  for (store::Row& row : rows) {
    IRSA_TRY(bool deleted, tx.Delete(row.id));
    (void)deleted;
  }
  for (store::Row& row : rows) {
    row.id.parent = new_parent;
    if (rewrite) IRSA_RETURN_IF_ERROR(rewrite(row));
    IRSA_RETURN_IF_ERROR(tx.Upsert(row));
  }
  return OkStatus();
}

Result<std::optional<LoadedPolicy>> FindPolicy(store::StoreTx& tx, const std::string& account,
                                               const std::string& arn) {
  std::optional<Arn> parsed = Arn::Parse(arn);
  if (!parsed || parsed->service != "iam" || !parsed->resource.starts_with("policy/") ||
      parsed->resource.back() == '/') {
    return InvalidArn(arn);
  }
  if (parsed->account != account && parsed->account != kAwsManagedAccount) {
    return std::optional<LoadedPolicy>();
  }
  const std::string name = parsed->resource.substr(parsed->resource.rfind('/') + 1);
  IRSA_TRY(auto row, tx.Get({parsed->account, kind::kPolicy, "", AsciiLower(name)}));
  if (!row || row->ref != arn) return std::optional<LoadedPolicy>();
  IRSA_TRY(PolicyRecord policy, PolicyFromBody(row->body));
  return std::optional<LoadedPolicy>(
      LoadedPolicy{parsed->account, std::move(*row), std::move(policy)});
}

Result<LoadedPolicy> LoadPolicy(store::StoreTx& tx, const std::string& account,
                                const std::string& arn) {
  IRSA_TRY(auto found, FindPolicy(tx, account, arn));
  if (!found) return NoSuchPolicy(arn);
  return std::move(*found);
}

Status WriteBoundaryRow(store::StoreTx& tx, const std::string& account, const char* kind,
                        const std::string& entity_name, const std::string& old_arn,
                        const std::string& policy_arn) {
  if (!old_arn.empty()) {
    IRSA_TRY(bool deleted, tx.Delete({account, kind, AsciiLower(entity_name), old_arn}));
    (void)deleted;
  }
  if (!policy_arn.empty()) {
    IRSA_RETURN_IF_ERROR(tx.Upsert(BoundaryRow(account, kind, entity_name, policy_arn)));
  }
  return OkStatus();
}

Status CheckBoundaryPolicy(store::StoreTx& tx, const std::string& account,
                           const std::string& policy_arn) {
  Error not_found =
      errors::NoSuchEntity("Scope ARN: " + policy_arn + " does not exist or is not attachable.");
  std::optional<Arn> parsed = Arn::Parse(policy_arn);
  if (!parsed) return InvalidArn(policy_arn);
  if (parsed->service != "iam" || !parsed->resource.starts_with("policy/")) return not_found;
  IRSA_TRY(auto found, FindPolicy(tx, account, policy_arn));
  if (!found) return not_found;
  return OkStatus();
}

}  // namespace irsa::iam
