#include "iam/roles.h"

#include "base/ids.h"
#include "base/strings.h"
#include "iam/documents.h"
#include "iam/instance_profiles.h"
#include "iam/lookup.h"
#include "iam/tags.h"
#include "iam/validation.h"

namespace irsa::iam {
namespace {

Status ValidateRoleName(const std::string& name) { return ValidateName(name, "roleName", 64); }

Status ValidateDuration(int64_t seconds) {
  return ValidateRange(seconds, "maxSessionDuration", 3600, 43200);
}

// Validates a trust policy outside the transaction: charset, grammar, size.
Result<policy::CompiledPolicyPtr> CheckTrust(const ServiceContext& ctx,
                                             const std::string& document) {
  IRSA_TRY(policy::CompiledPolicyPtr compiled, CheckDocument(document, DocumentUse::kTrust));
  if (DocumentSize(document) > ctx.quotas.trust_policy_size) {
    return errors::LimitExceeded("Cannot exceed quota for ACLSizePerRole: " +
                                 std::to_string(ctx.quotas.trust_policy_size));
  }
  return compiled;
}

}  // namespace

bool IsServiceLinkedRole(const RoleRecord& role) {
  return role.path.starts_with("/aws-service-role/");
}

Status CheckRoleModifiable(const RoleRecord& role) {
  if (!IsServiceLinkedRole(role)) return OkStatus();
  return errors::UnmodifiableEntity("Cannot perform the operation on the protected role '" +
                                    role.name + "' - this role is only modifiable by AWS");
}

Result<RoleResult> CreateRole(const ServiceContext& ctx, const std::string& account,
                              const CreateRoleInput& input) {
  IRSA_RETURN_IF_ERROR(ValidateRoleName(input.name));
  const std::string path = input.path.empty() ? "/" : input.path;
  IRSA_RETURN_IF_ERROR(ValidatePath(path, "path"));
  IRSA_RETURN_IF_ERROR(ValidateDescription(input.description, "description", true));
  const int64_t duration = input.max_session_duration.value_or(3600);
  IRSA_RETURN_IF_ERROR(ValidateDuration(duration));
  IRSA_RETURN_IF_ERROR(ValidateTags(input.tags, ctx.quotas.tags_per_resource, "Role"));
  IRSA_TRY(policy::CompiledPolicyPtr trust, CheckTrust(ctx, input.assume_role_policy));

  RoleResult result;
  RoleRecord& role = result.role;
  role.name = input.name;
  role.id = NewUniqueId(id_prefix::kRole, ctx.random);
  role.path = path;
  role.arn = RoleArn(account, path, input.name);
  role.created = ctx.clock.Now();
  role.assume_role_policy = input.assume_role_policy;
  role.description = input.description;
  role.max_session_duration = duration;
  role.permissions_boundary_arn = input.permissions_boundary_arn;
  role.tags = input.tags;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(int64_t count, tx.Count({.account = account, .kind = kind::kRole}));
    if (count >= ctx.quotas.roles_per_account) {
      return errors::LimitExceeded("Cannot exceed quota for RolesPerAccount: " +
                                   std::to_string(ctx.quotas.roles_per_account));
    }
    IRSA_TRY(auto existing, tx.Get({account, kind::kRole, "", AsciiLower(role.name)}));
    if (existing) {
      return errors::EntityAlreadyExists("Role with name " + role.name + " already exists.");
    }
    if (!role.permissions_boundary_arn.empty()) {
      IRSA_RETURN_IF_ERROR(CheckBoundaryPolicy(tx, account, role.permissions_boundary_arn));
      IRSA_RETURN_IF_ERROR(WriteBoundaryRow(tx, account, kind::kRoleBoundary, role.name, "",
                                            role.permissions_boundary_arn));
    }
    IRSA_RETURN_IF_ERROR(CheckTrustPrincipals(tx, account, *trust));
    return tx.Insert(RoleRow(account, role));
  }));
  result.warnings = TrustPolicyWarnings(*trust);
  return result;
}

Result<RoleRecord> GetRole(const ServiceContext& ctx, const std::string& account,
                           const std::string& name) {
  RoleRecord role;
  IRSA_RETURN_IF_ERROR(ctx.store.ReadCached([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole loaded, LoadRole(tx, account, name));
    role = std::move(loaded.record);
    return OkStatus();
  }));
  return role;
}

Status UpdateRole(const ServiceContext& ctx, const std::string& account, const std::string& name,
                  const UpdateRoleInput& input) {
  if (input.description) {
    IRSA_RETURN_IF_ERROR(ValidateDescription(*input.description, "description", true));
  }
  if (input.max_session_duration) {
    IRSA_RETURN_IF_ERROR(ValidateDuration(*input.max_session_duration));
  }
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole loaded, LoadRole(tx, account, name));
    if (input.description) loaded.record.description = *input.description;
    if (input.max_session_duration) {
      loaded.record.max_session_duration = *input.max_session_duration;
    }
    return tx.Upsert(RoleRow(account, loaded.record));
  });
}

Result<RoleRecord> UpdateRoleDescription(const ServiceContext& ctx, const std::string& account,
                                         const std::string& name, const std::string& description) {
  IRSA_RETURN_IF_ERROR(ValidateDescription(description, "description", true));
  RoleRecord role;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole loaded, LoadRole(tx, account, name));
    loaded.record.description = description;
    role = loaded.record;
    return tx.Upsert(RoleRow(account, loaded.record));
  }));
  return role;
}

Result<std::vector<policy::LintWarning>> UpdateAssumeRolePolicy(const ServiceContext& ctx,
                                                                const std::string& account,
                                                                const std::string& name,
                                                                const std::string& document) {
  IRSA_TRY(policy::CompiledPolicyPtr trust, CheckTrust(ctx, document));
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole loaded, LoadRole(tx, account, name));
    IRSA_RETURN_IF_ERROR(CheckRoleModifiable(loaded.record));
    IRSA_RETURN_IF_ERROR(CheckTrustPrincipals(tx, account, *trust));
    loaded.record.assume_role_policy = document;
    return tx.Upsert(RoleRow(account, loaded.record));
  }));
  return TrustPolicyWarnings(*trust);
}

Status DeleteRole(const ServiceContext& ctx, const std::string& account, const std::string& name) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole loaded, LoadRole(tx, account, name));
    IRSA_RETURN_IF_ERROR(CheckRoleModifiable(loaded.record));
    const std::string& key = loaded.row.id.key;
    IRSA_TRY(int64_t profiles, CountInstanceProfilesOfRole(tx, account, key));
    if (profiles > 0) {
      return errors::DeleteConflict(
          "Cannot delete entity, must remove roles from instance profile first.");
    }
    IRSA_TRY(int64_t attached,
             tx.Count({.account = account, .kind = kind::kRoleAttachment, .parent = key}));
    if (attached > 0) {
      return errors::DeleteConflict("Cannot delete entity, must detach all policies first.");
    }
    IRSA_TRY(int64_t inline_policies,
             tx.Count({.account = account, .kind = kind::kRolePolicy, .parent = key}));
    if (inline_policies > 0) {
      return errors::DeleteConflict("Cannot delete entity, must delete policies first.");
    }
    IRSA_TRY(int64_t boundaries, tx.DeleteChildren(account, kind::kRoleBoundary, key));
    (void)boundaries;
    IRSA_TRY(bool deleted, tx.Delete(loaded.row.id));
    (void)deleted;
    return OkStatus();
  });
}

Result<ListPage<RoleRecord>> ListRoles(const ServiceContext& ctx, const std::string& account,
                                       const std::string& path_prefix, const std::string& marker,
                                       int max_items) {
  IRSA_TRY(int limit, EffectiveMaxItems(max_items));
  if (!path_prefix.empty()) IRSA_RETURN_IF_ERROR(ValidatePathPrefix(path_prefix, "pathPrefix"));
  IRSA_TRY(std::string after, DecodeMarker(marker));
  store::Page page;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    store::ListQuery query{.account = account, .kind = kind::kRole};
    if (!path_prefix.empty() && path_prefix != "/") query.path_prefix = path_prefix;
    query.after_key = after;
    query.limit = static_cast<size_t>(limit);
    IRSA_TRY(page, tx.List(query));
    return OkStatus();
  }));
  ListPage<RoleRecord> out;
  for (const auto& row : page.rows) {
    IRSA_TRY(RoleRecord role, RoleFromBody(row.body));
    out.items.push_back(std::move(role));
  }
  out.truncated = page.truncated;
  if (page.truncated && !page.rows.empty()) out.marker = EncodeMarker(page.rows.back().id.key);
  return out;
}

Status TagRole(const ServiceContext& ctx, const std::string& account, const std::string& name,
               const std::vector<Tag>& tags) {
  IRSA_RETURN_IF_ERROR(ValidateTags(tags, ctx.quotas.tags_per_resource, "Role"));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole loaded, LoadRole(tx, account, name));
    IRSA_RETURN_IF_ERROR(MergeTags(loaded.record.tags, tags, ctx.quotas.tags_per_resource, "Role"));
    return tx.Upsert(RoleRow(account, loaded.record));
  });
}

Status UntagRole(const ServiceContext& ctx, const std::string& account, const std::string& name,
                 const std::vector<std::string>& keys) {
  IRSA_RETURN_IF_ERROR(ValidateTagKeys(keys));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole loaded, LoadRole(tx, account, name));
    RemoveTags(loaded.record.tags, keys);
    return tx.Upsert(RoleRow(account, loaded.record));
  });
}

Result<ListPage<Tag>> ListRoleTags(const ServiceContext& ctx, const std::string& account,
                                   const std::string& name, const std::string& marker,
                                   int max_items) {
  IRSA_TRY(RoleRecord role, GetRole(ctx, account, name));
  return PageTags(role.tags, marker, max_items);
}

Status PutRolePermissionsBoundary(const ServiceContext& ctx, const std::string& account,
                                  const std::string& name, const std::string& policy_arn) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole loaded, LoadRole(tx, account, name));
    IRSA_RETURN_IF_ERROR(CheckRoleModifiable(loaded.record));
    IRSA_RETURN_IF_ERROR(CheckBoundaryPolicy(tx, account, policy_arn));
    IRSA_RETURN_IF_ERROR(WriteBoundaryRow(tx, account, kind::kRoleBoundary, loaded.record.name,
                                          loaded.record.permissions_boundary_arn, policy_arn));
    loaded.record.permissions_boundary_arn = policy_arn;
    return tx.Upsert(RoleRow(account, loaded.record));
  });
}

Status DeleteRolePermissionsBoundary(const ServiceContext& ctx, const std::string& account,
                                     const std::string& name) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole loaded, LoadRole(tx, account, name));
    IRSA_RETURN_IF_ERROR(CheckRoleModifiable(loaded.record));
    if (loaded.record.permissions_boundary_arn.empty()) return OkStatus();
    IRSA_RETURN_IF_ERROR(WriteBoundaryRow(tx, account, kind::kRoleBoundary, loaded.record.name,
                                          loaded.record.permissions_boundary_arn, ""));
    loaded.record.permissions_boundary_arn.clear();
    return tx.Upsert(RoleRow(account, loaded.record));
  });
}

}  // namespace irsa::iam
