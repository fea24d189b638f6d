#include "iam/lookup.h"

#include "base/arn.h"
#include "base/strings.h"

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
