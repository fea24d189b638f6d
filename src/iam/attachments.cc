#include "iam/attachments.h"

#include <algorithm>
#include <set>

#include "base/arn.h"
#include "base/strings.h"
#include "iam/lookup.h"
#include "iam/roles.h"
#include "iam/validation.h"

namespace irsa::iam {
namespace {

struct EntityKinds {
  const char* entity;
  const char* attachment;
  int64_t Quotas::*quota;
  const char* quota_name;
};

constexpr EntityKinds kRoleKinds{kind::kRole, kind::kRoleAttachment,
                                 &Quotas::attached_policies_per_role, "PoliciesPerRole"};
constexpr EntityKinds kUserKinds{kind::kUser, kind::kUserAttachment,
                                 &Quotas::attached_policies_per_user, "PoliciesPerUser"};
constexpr EntityKinds kGroupKinds{kind::kGroup, kind::kGroupAttachment,
                                  &Quotas::attached_policies_per_group, "PoliciesPerGroup"};

bool IsRole(const EntityKinds& kinds) { return std::string_view(kinds.entity) == kind::kRole; }
bool IsGroup(const EntityKinds& kinds) { return std::string_view(kinds.entity) == kind::kGroup; }

// Loads the entity (role or user) and returns its canonical name.
// `for_change`: the caller attaches or detaches (refused on service-linked roles).
Result<std::string> RequireEntity(store::StoreTx& tx, const EntityKinds& kinds,
                                  const std::string& account, const std::string& name,
                                  bool for_change = false) {
  if (IsRole(kinds)) {
    IRSA_TRY(LoadedRole role, LoadRole(tx, account, name));
    if (for_change) IRSA_RETURN_IF_ERROR(CheckRoleModifiable(role.record));
    return role.record.name;
  }
  if (IsGroup(kinds)) {
    IRSA_TRY(LoadedGroup group, LoadGroup(tx, account, name));
    return group.record.name;
  }
  IRSA_TRY(LoadedUser user, LoadUser(tx, account, name));
  return user.record.name;
}

Status Attach(const ServiceContext& ctx, const EntityKinds& kinds, const std::string& account,
              const std::string& name, const std::string& policy_arn) {
  const bool is_role = IsRole(kinds);
  const std::string field = is_role ? "roleName" : IsGroup(kinds) ? "groupName" : "userName";
  IRSA_RETURN_IF_ERROR(ValidateName(name, field, is_role ? 64 : 128));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(RequireEntity(tx, kinds, account, name, true));
    IRSA_TRY(auto policy, FindPolicy(tx, account, policy_arn));
    if (!policy) {
      return errors::NoSuchEntity("Policy " + policy_arn + " does not exist or is not attachable.");
    }
    const std::string parent = AsciiLower(name);
    IRSA_TRY(auto existing, tx.Get({account, kinds.attachment, parent, policy_arn}));
    if (existing) return OkStatus();
    IRSA_TRY(int64_t count,
             tx.Count({.account = account, .kind = kinds.attachment, .parent = parent}));
    const int64_t quota = ctx.quotas.*kinds.quota;
    if (count >= quota) {
      return errors::LimitExceeded("Cannot exceed quota for " + std::string(kinds.quota_name) +
                                   ": " + std::to_string(quota));
    }
    store::Row row;
    row.id = {account, kinds.attachment, parent, policy_arn};
    row.ref = policy_arn;
    row.body = ToBody(AttachmentRecord{policy_arn, policy->record.name});
    return tx.Insert(row);
  });
}

Status Detach(const ServiceContext& ctx, const EntityKinds& kinds, const std::string& account,
              const std::string& name, const std::string& policy_arn) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(RequireEntity(tx, kinds, account, name, true));
    if (!Arn::Parse(policy_arn)) return InvalidArn(policy_arn);
    IRSA_TRY(bool deleted, tx.Delete({account, kinds.attachment, AsciiLower(name), policy_arn}));
    if (!deleted) return NoSuchPolicy(policy_arn);
    return OkStatus();
  });
}

// The path of a policy ARN: "arn:aws:iam::A:policy/x/y/Name" -> "/x/y/".
std::string PolicyPathOf(const std::string& arn) {
  size_t start = arn.find(":policy/");
  if (start == std::string::npos) return "/";
  start += 7;  // at the '/' after "policy"
  size_t end = arn.rfind('/');
  return arn.substr(start, end - start + 1);
}

Result<ListPage<AttachmentRecord>> ListAttached(const ServiceContext& ctx, const EntityKinds& kinds,
                                                const std::string& account, const std::string& name,
                                                const std::string& path_prefix,
                                                const std::string& marker, int max_items) {
  IRSA_TRY(int limit, EffectiveMaxItems(max_items));
  if (!path_prefix.empty()) {
    IRSA_RETURN_IF_ERROR(ValidatePathPrefix(path_prefix, "pathPrefix"));
  }
  IRSA_TRY(std::string after, DecodeMarker(marker));
  ListPage<AttachmentRecord> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(RequireEntity(tx, kinds, account, name));
    store::ListQuery query{
        .account = account, .kind = kinds.attachment, .parent = AsciiLower(name)};
    query.after_key = after;
    query.limit = 200;
    std::string last_key;
    while (true) {
      IRSA_TRY(store::Page page, tx.List(query));
      for (const auto& row : page.rows) {
        if (!path_prefix.empty() && !PolicyPathOf(row.id.key).starts_with(path_prefix)) continue;
        if (out.items.size() == static_cast<size_t>(limit)) {
          out.truncated = true;
          out.marker = EncodeMarker(last_key);
          return OkStatus();
        }
        IRSA_TRY(AttachmentRecord attachment, AttachmentFromBody(row.body));
        out.items.push_back(std::move(attachment));
        last_key = row.id.key;
      }
      if (!page.truncated || page.rows.empty()) break;
      query.after_key = page.rows.back().id.key;
    }
    return OkStatus();
  }));
  return out;
}

// Entity names (lower-cased keys) related to `arn` through rows of `kind`.
Result<std::set<std::string>> ParentsByRef(store::StoreTx& tx, const std::string& account,
                                           const char* kind, const std::string& arn) {
  std::set<std::string> parents;
  store::ListQuery query{.account = account, .kind = kind, .ref = arn};
  query.limit = 100000;
  IRSA_TRY(store::Page page, tx.List(query));
  for (const auto& row : page.rows) parents.insert(row.id.parent);
  return parents;
}

}  // namespace

Status AttachRolePolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& role_name, const std::string& policy_arn) {
  return Attach(ctx, kRoleKinds, account, role_name, policy_arn);
}

Status DetachRolePolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& role_name, const std::string& policy_arn) {
  return Detach(ctx, kRoleKinds, account, role_name, policy_arn);
}

Result<ListPage<AttachmentRecord>> ListAttachedRolePolicies(
    const ServiceContext& ctx, const std::string& account, const std::string& role_name,
    const std::string& path_prefix, const std::string& marker, int max_items) {
  return ListAttached(ctx, kRoleKinds, account, role_name, path_prefix, marker, max_items);
}

Status AttachUserPolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& user_name, const std::string& policy_arn) {
  return Attach(ctx, kUserKinds, account, user_name, policy_arn);
}

Status DetachUserPolicy(const ServiceContext& ctx, const std::string& account,
                        const std::string& user_name, const std::string& policy_arn) {
  return Detach(ctx, kUserKinds, account, user_name, policy_arn);
}

Result<ListPage<AttachmentRecord>> ListAttachedUserPolicies(
    const ServiceContext& ctx, const std::string& account, const std::string& user_name,
    const std::string& path_prefix, const std::string& marker, int max_items) {
  return ListAttached(ctx, kUserKinds, account, user_name, path_prefix, marker, max_items);
}

Status AttachGroupPolicy(const ServiceContext& ctx, const std::string& account,
                         const std::string& group_name, const std::string& policy_arn) {
  return Attach(ctx, kGroupKinds, account, group_name, policy_arn);
}

Status DetachGroupPolicy(const ServiceContext& ctx, const std::string& account,
                         const std::string& group_name, const std::string& policy_arn) {
  return Detach(ctx, kGroupKinds, account, group_name, policy_arn);
}

Result<ListPage<AttachmentRecord>> ListAttachedGroupPolicies(
    const ServiceContext& ctx, const std::string& account, const std::string& group_name,
    const std::string& path_prefix, const std::string& marker, int max_items) {
  return ListAttached(ctx, kGroupKinds, account, group_name, path_prefix, marker, max_items);
}

Result<PolicyEntities> ListEntitiesForPolicy(const ServiceContext& ctx, const std::string& account,
                                             const ListEntitiesForPolicyInput& input) {
  IRSA_TRY(int limit, EffectiveMaxItems(input.max_items));
  if (!input.path_prefix.empty()) {
    IRSA_RETURN_IF_ERROR(ValidatePathPrefix(input.path_prefix, "pathPrefix"));
  }
  IRSA_TRY(std::string after, DecodeMarker(input.marker));
  if (!after.empty() && (after.size() < 2 || after[1] != ':')) {
    return errors::InvalidInput("Invalid Marker: the marker was not returned by this service.");
  }
  struct Entry {
    char type;  // 'g', 'r' or 'u'
    std::string key;
    PolicyEntity entity;
  };
  std::vector<Entry> entries;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy policy, LoadPolicy(tx, account, input.policy_arn));
    if ((input.filter == EntityFilter::kLocalManagedPolicy && policy.aws_managed()) ||
        (input.filter == EntityFilter::kAwsManagedPolicy && !policy.aws_managed())) {
      return OkStatus();
    }
    const bool attachments = input.usage != PolicyUsageFilter::kPermissionsBoundary;
    const bool boundaries = input.usage != PolicyUsageFilter::kPermissionsPolicy;
    auto collect = [&](char type, const char* entity_kind, const char* attachment_kind,
                       const char* boundary_kind) -> Status {
      std::set<std::string> keys;
      if (attachments) {
        IRSA_TRY(keys, ParentsByRef(tx, account, attachment_kind, input.policy_arn));
      }
      if (boundaries && boundary_kind != nullptr) {
        IRSA_TRY(auto more, ParentsByRef(tx, account, boundary_kind, input.policy_arn));
        keys.insert(more.begin(), more.end());
      }
      for (const std::string& key : keys) {
        IRSA_TRY(auto row, tx.Get({account, entity_kind, "", key}));
        if (!row) continue;
        if (!input.path_prefix.empty() && !row->path.starts_with(input.path_prefix)) continue;
        PolicyEntity entity;
        if (type == 'r') {
          IRSA_TRY(RoleRecord role, RoleFromBody(row->body));
          entity = {role.name, role.id};
        } else if (type == 'g') {
          IRSA_TRY(GroupRecord group, GroupFromBody(row->body));
          entity = {group.name, group.id};
        } else {
          IRSA_TRY(UserRecord user, UserFromBody(row->body));
          entity = {user.name, user.id};
        }
        entries.push_back({type, key, std::move(entity)});
      }
      return OkStatus();
    };
    const bool all = input.filter != EntityFilter::kUser && input.filter != EntityFilter::kRole &&
                     input.filter != EntityFilter::kGroup;
    if (all || input.filter == EntityFilter::kGroup) {
      IRSA_RETURN_IF_ERROR(collect('g', kind::kGroup, kind::kGroupAttachment, nullptr));
    }
    if (all || input.filter == EntityFilter::kRole) {
      IRSA_RETURN_IF_ERROR(collect('r', kind::kRole, kind::kRoleAttachment, kind::kRoleBoundary));
    }
    if (all || input.filter == EntityFilter::kUser) {
      IRSA_RETURN_IF_ERROR(collect('u', kind::kUser, kind::kUserAttachment, kind::kUserBoundary));
    }
    return OkStatus();
  }));
  PolicyEntities out;
  size_t emitted = 0;
  std::string last;
  for (const Entry& entry : entries) {
    std::string position = std::string(1, entry.type) + ":" + entry.key;
    // 'g' < 'r' < 'u', matching the emission order.
    if (!after.empty() && position <= after) continue;
    if (emitted == static_cast<size_t>(limit)) {
      out.truncated = true;
      out.marker = EncodeMarker(last);
      break;
    }
    (entry.type == 'r'   ? out.roles
     : entry.type == 'g' ? out.groups
                         : out.users)
        .push_back(entry.entity);
    last = position;
    ++emitted;
  }
  return out;
}

}  // namespace irsa::iam
