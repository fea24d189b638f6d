#include "iam/inline_policies.h"

#include "base/strings.h"
#include "iam/documents.h"
#include "iam/lookup.h"
#include "iam/roles.h"
#include "iam/validation.h"

namespace irsa::iam {
namespace {

struct Kinds {
  bool role;
  const char* policy_kind;
  int64_t Quotas::*quota;
  bool group = false;
};

constexpr Kinds kRole{true, kind::kRolePolicy, &Quotas::role_inline_policy_size};
constexpr Kinds kUser{false, kind::kUserPolicy, &Quotas::user_inline_policy_size};
constexpr Kinds kGroup{false, kind::kGroupPolicy, &Quotas::group_inline_policy_size, true};

const char* Noun(const Kinds& kinds) {
  return kinds.role ? "role" : kinds.group ? "group" : "user";
}

// `for_change`: the caller puts or deletes (refused on service-linked roles).
Result<std::string> RequireEntity(store::StoreTx& tx, const Kinds& kinds,
                                  const std::string& account, const std::string& name,
                                  bool for_change = false) {
  if (kinds.role) {
    IRSA_TRY(LoadedRole role, LoadRole(tx, account, name));
    if (for_change) IRSA_RETURN_IF_ERROR(CheckRoleModifiable(role.record));
    return role.record.name;
  }
  if (kinds.group) {
    IRSA_TRY(LoadedGroup group, LoadGroup(tx, account, name));
    return group.record.name;
  }
  IRSA_TRY(LoadedUser user, LoadUser(tx, account, name));
  return user.record.name;
}

Error NoSuchInline(const Kinds& kinds, const std::string& policy_name) {
  return errors::NoSuchEntity("The " + std::string(Noun(kinds)) + " policy with name " +
                              policy_name + " cannot be found.");
}

Status ValidateNames(const Kinds& kinds, const std::string& entity_name,
                     const std::string& policy_name) {
  IRSA_RETURN_IF_ERROR(ValidateName(entity_name,
                                    kinds.role    ? "roleName"
                                    : kinds.group ? "groupName"
                                                  : "userName",
                                    kinds.role ? 64 : 128));
  return ValidateName(policy_name, "policyName", 128);
}

Status Put(const ServiceContext& ctx, const Kinds& kinds, const std::string& account,
           const std::string& entity_name, const std::string& policy_name,
           const std::string& document) {
  IRSA_RETURN_IF_ERROR(ValidateNames(kinds, entity_name, policy_name));
  IRSA_TRY(auto compiled, CheckDocument(document, DocumentUse::kInline));
  (void)compiled;
  const int64_t size = DocumentSize(document);
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(std::string canonical, RequireEntity(tx, kinds, account, entity_name, true));
    const std::string parent = AsciiLower(entity_name);
    IRSA_TRY(
        store::Page page,
        tx.List(
            {.account = account, .kind = kinds.policy_kind, .parent = parent, .limit = 100000}));
    int64_t total = size;
    for (const auto& row : page.rows) {
      if (row.id.key == policy_name) continue;  // being replaced
      IRSA_TRY(InlinePolicyRecord existing, InlinePolicyFromBody(row.body));
      total += DocumentSize(existing.document);
    }
    const int64_t quota = ctx.quotas.*kinds.quota;
    if (total > quota) {
      return errors::LimitExceeded("Maximum policy size of " + std::to_string(quota) +
                                   " bytes exceeded for " + Noun(kinds) + " " + canonical);
    }
    store::Row row;
    row.id = {account, kinds.policy_kind, parent, policy_name};
    row.body = ToBody(InlinePolicyRecord{policy_name, document});
    return tx.Upsert(row);
  });
}

Result<InlinePolicyResult> Get(const ServiceContext& ctx, const Kinds& kinds,
                               const std::string& account, const std::string& entity_name,
                               const std::string& policy_name) {
  InlinePolicyResult out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(out.entity_name, RequireEntity(tx, kinds, account, entity_name));
    IRSA_TRY(auto row, tx.Get({account, kinds.policy_kind, AsciiLower(entity_name), policy_name}));
    if (!row) return NoSuchInline(kinds, policy_name);
    IRSA_TRY(out.policy, InlinePolicyFromBody(row->body));
    return OkStatus();
  }));
  return out;
}

Result<ListPage<std::string>> List(const ServiceContext& ctx, const Kinds& kinds,
                                   const std::string& account, const std::string& entity_name,
                                   const std::string& marker, int max_items) {
  IRSA_TRY(int limit, EffectiveMaxItems(max_items));
  IRSA_TRY(std::string after, DecodeMarker(marker));
  ListPage<std::string> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(RequireEntity(tx, kinds, account, entity_name));
    store::ListQuery query{
        .account = account, .kind = kinds.policy_kind, .parent = AsciiLower(entity_name)};
    query.after_key = after;
    query.limit = static_cast<size_t>(limit);
    IRSA_TRY(store::Page page, tx.List(query));
    for (const auto& row : page.rows) out.items.push_back(row.id.key);
    out.truncated = page.truncated;
    if (page.truncated && !page.rows.empty()) out.marker = EncodeMarker(page.rows.back().id.key);
    return OkStatus();
  }));
  return out;
}

Status Delete(const ServiceContext& ctx, const Kinds& kinds, const std::string& account,
              const std::string& entity_name, const std::string& policy_name) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(RequireEntity(tx, kinds, account, entity_name, true));
    IRSA_TRY(bool deleted,
             tx.Delete({account, kinds.policy_kind, AsciiLower(entity_name), policy_name}));
    if (!deleted) return NoSuchInline(kinds, policy_name);
    return OkStatus();
  });
}

}  // namespace

Status PutRolePolicy(const ServiceContext& ctx, const std::string& account,
                     const std::string& role_name, const std::string& policy_name,
                     const std::string& document) {
  return Put(ctx, kRole, account, role_name, policy_name, document);
}

Result<InlinePolicyResult> GetRolePolicy(const ServiceContext& ctx, const std::string& account,
                                         const std::string& role_name,
                                         const std::string& policy_name) {
  return Get(ctx, kRole, account, role_name, policy_name);
}

Result<ListPage<std::string>> ListRolePolicies(const ServiceContext& ctx,
                                               const std::string& account,
                                               const std::string& role_name,
                                               const std::string& marker, int max_items) {
  return List(ctx, kRole, account, role_name, marker, max_items);
}

Status DeleteRolePolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& role_name, const std::string& policy_name) {
  return Delete(ctx, kRole, account, role_name, policy_name);
}

Status PutUserPolicy(const ServiceContext& ctx, const std::string& account,
                     const std::string& user_name, const std::string& policy_name,
                     const std::string& document) {
  return Put(ctx, kUser, account, user_name, policy_name, document);
}

Result<InlinePolicyResult> GetUserPolicy(const ServiceContext& ctx, const std::string& account,
                                         const std::string& user_name,
                                         const std::string& policy_name) {
  return Get(ctx, kUser, account, user_name, policy_name);
}

Result<ListPage<std::string>> ListUserPolicies(const ServiceContext& ctx,
                                               const std::string& account,
                                               const std::string& user_name,
                                               const std::string& marker, int max_items) {
  return List(ctx, kUser, account, user_name, marker, max_items);
}

Status DeleteUserPolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& user_name, const std::string& policy_name) {
  return Delete(ctx, kUser, account, user_name, policy_name);
}

Status PutGroupPolicy(const ServiceContext& ctx, const std::string& account,
                      const std::string& group_name, const std::string& policy_name,
                      const std::string& document) {
  return Put(ctx, kGroup, account, group_name, policy_name, document);
}

Result<InlinePolicyResult> GetGroupPolicy(const ServiceContext& ctx, const std::string& account,
                                          const std::string& group_name,
                                          const std::string& policy_name) {
  return Get(ctx, kGroup, account, group_name, policy_name);
}

Result<ListPage<std::string>> ListGroupPolicies(const ServiceContext& ctx,
                                                const std::string& account,
                                                const std::string& group_name,
                                                const std::string& marker, int max_items) {
  return List(ctx, kGroup, account, group_name, marker, max_items);
}

Status DeleteGroupPolicy(const ServiceContext& ctx, const std::string& account,
                         const std::string& group_name, const std::string& policy_name) {
  return Delete(ctx, kGroup, account, group_name, policy_name);
}

}  // namespace irsa::iam
