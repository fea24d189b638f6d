#include "iam/instance_profiles.h"

#include <algorithm>

#include <boost/json.hpp>

#include "base/arn.h"
#include "base/ids.h"
#include "base/strings.h"
#include "iam/lookup.h"
#include "iam/tags.h"
#include "iam/validation.h"
#include "store/json_fields.h"

namespace irsa::iam {
namespace {

namespace json = boost::json;

constexpr std::string_view kInstanceProfileIdPrefix = "AIPA";

std::string ToBody(const InstanceProfileRecord& r) {
  json::array tags;
  for (const Tag& tag : r.tags) tags.push_back(json::object{{"k", tag.key}, {"v", tag.value}});
  return json::serialize(json::object{{"name", r.name},
                                      {"id", r.id},
                                      {"path", r.path},
                                      {"arn", r.arn},
                                      {"created", r.created.time_since_epoch().count()},
                                      {"roles", store::ToJsonArray(r.role_names)},
                                      {"tags", std::move(tags)}});
}

Result<InstanceProfileRecord> FromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "instance profile"));
  InstanceProfileRecord r;
  r.name = store::JsonString(o, "name");
  r.id = store::JsonString(o, "id");
  r.path = store::JsonString(o, "path");
  r.arn = store::JsonString(o, "arn");
  r.created = SystemTime(std::chrono::nanoseconds(store::JsonInt(o, "created")));
  r.role_names = store::JsonStrings(o, "roles");
  if (const json::value* tags = o.if_contains("tags"); tags && tags->is_array()) {
    for (const json::value& tag : tags->as_array()) {
      if (!tag.is_object()) continue;
      r.tags.push_back(
          {store::JsonString(tag.as_object(), "k"), store::JsonString(tag.as_object(), "v")});
    }
  }
  return r;
}

store::Row ProfileRow(const std::string& account, const InstanceProfileRecord& profile) {
  store::Row row;
  row.id = {account, kind::kInstanceProfile, "", AsciiLower(profile.name)};
  row.path = profile.path;
  row.body = ToBody(profile);
  return row;
}

Error NoSuchProfile(const std::string& name) {
  return errors::NoSuchEntity("Instance Profile " + name + " cannot be found.");
}

struct LoadedProfile {
  store::Row row;
  InstanceProfileRecord record;
};

Result<LoadedProfile> LoadProfile(store::StoreTx& tx, const std::string& account,
                                  const std::string& name) {
  IRSA_TRY(auto row, tx.Get({account, kind::kInstanceProfile, "", AsciiLower(name)}));
  if (!row) return NoSuchProfile(name);
  IRSA_TRY(InstanceProfileRecord record, FromBody(row->body));
  return LoadedProfile{std::move(*row), std::move(record)};
}

Result<InstanceProfileInfo> WithRoles(store::StoreTx& tx, const std::string& account,
                                      InstanceProfileRecord profile) {
  InstanceProfileInfo info;
  for (const std::string& role_name : profile.role_names) {
    IRSA_TRY(auto row, tx.Get({account, kind::kRole, "", AsciiLower(role_name)}));
    if (!row) continue;
    IRSA_TRY(RoleRecord role, RoleFromBody(row->body));
    info.roles.push_back(std::move(role));
  }
  info.profile = std::move(profile);
  return info;
}

Status ValidateProfileName(std::string_view name) {
  return ValidateName(name, "instanceProfileName", 128);
}

}  // namespace

std::string InstanceProfileArn(const std::string& account, const std::string& path,
                               const std::string& name) {
  return IamArn(account, "instance-profile" + path + name);
}

Result<InstanceProfileInfo> CreateInstanceProfile(const ServiceContext& ctx,
                                                  const std::string& account,
                                                  const std::string& name, const std::string& path,
                                                  const std::vector<Tag>& tags) {
  IRSA_RETURN_IF_ERROR(ValidateProfileName(name));
  InstanceProfileRecord profile;
  profile.name = name;
  profile.path = path.empty() ? "/" : path;
  IRSA_RETURN_IF_ERROR(ValidatePath(profile.path, "path"));
  IRSA_RETURN_IF_ERROR(ValidateTags(tags, ctx.quotas.tags_per_resource, "InstanceProfile"));
  profile.id = NewUniqueId(kInstanceProfileIdPrefix, ctx.random);
  profile.arn = InstanceProfileArn(account, profile.path, name);
  profile.created = ctx.clock.Now();
  profile.tags = tags;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto existing, tx.Get({account, kind::kInstanceProfile, "", AsciiLower(name)}));
    if (existing) {
      return errors::EntityAlreadyExists("Instance Profile " + name + " already exists.");
    }
    IRSA_TRY(int64_t count, tx.Count({.account = account, .kind = kind::kInstanceProfile}));
    if (count >= ctx.quotas.instance_profiles_per_account) {
      return errors::LimitExceeded("Cannot exceed quota for InstanceProfilesPerAccount: " +
                                   std::to_string(ctx.quotas.instance_profiles_per_account));
    }
    return tx.Insert(ProfileRow(account, profile));
  }));
  return InstanceProfileInfo{std::move(profile), {}};
}

Result<InstanceProfileInfo> GetInstanceProfile(const ServiceContext& ctx,
                                               const std::string& account,
                                               const std::string& name) {
  IRSA_RETURN_IF_ERROR(ValidateProfileName(name));
  InstanceProfileInfo info;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProfile loaded, LoadProfile(tx, account, name));
    IRSA_TRY(info, WithRoles(tx, account, std::move(loaded.record)));
    return OkStatus();
  }));
  return info;
}

Result<ListPage<InstanceProfileInfo>> ListInstanceProfiles(const ServiceContext& ctx,
                                                           const std::string& account,
                                                           const std::string& path_prefix,
                                                           const std::string& marker,
                                                           int max_items) {
  if (!path_prefix.empty()) IRSA_RETURN_IF_ERROR(ValidatePathPrefix(path_prefix, "pathPrefix"));
  ListPage<InstanceProfileInfo> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    store::ListQuery query{.account = account, .kind = kind::kInstanceProfile, .parent = ""};
    if (!path_prefix.empty() && path_prefix != "/") query.path_prefix = path_prefix;
    IRSA_TRY(ListPage<store::Row> rows, ListRowPage(tx, query, marker, max_items));
    for (const store::Row& row : rows.items) {
      IRSA_TRY(InstanceProfileRecord profile, FromBody(row.body));
      IRSA_TRY(InstanceProfileInfo info, WithRoles(tx, account, std::move(profile)));
      out.items.push_back(std::move(info));
    }
    out.truncated = rows.truncated;
    out.marker = rows.marker;
    return OkStatus();
  }));
  return out;
}

Status DeleteInstanceProfile(const ServiceContext& ctx, const std::string& account,
                             const std::string& name) {
  IRSA_RETURN_IF_ERROR(ValidateProfileName(name));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProfile loaded, LoadProfile(tx, account, name));
    if (!loaded.record.role_names.empty()) {
      return errors::DeleteConflict(
          "Cannot delete entity, must remove roles from instance profile first.");
    }
    IRSA_TRY(bool deleted, tx.Delete(loaded.row.id));
    (void)deleted;
    return OkStatus();
  });
}

Status AddRoleToInstanceProfile(const ServiceContext& ctx, const std::string& account,
                                const std::string& profile_name, const std::string& role_name) {
  IRSA_RETURN_IF_ERROR(ValidateProfileName(profile_name));
  IRSA_RETURN_IF_ERROR(ValidateName(role_name, "roleName", 64));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProfile loaded, LoadProfile(tx, account, profile_name));
    IRSA_TRY(LoadedRole role, LoadRole(tx, account, role_name));
    if (static_cast<int64_t>(loaded.record.role_names.size()) >=
        ctx.quotas.roles_per_instance_profile) {
      return errors::LimitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: " +
                                   std::to_string(ctx.quotas.roles_per_instance_profile));
    }
    for (const std::string& existing : loaded.record.role_names) {
      if (EqualsIgnoreCase(existing, role.record.name)) {
        return errors::EntityAlreadyExists("Role " + role.record.name +
                                           " is already in instance profile " + loaded.record.name +
                                           ".");
      }
    }
    loaded.record.role_names.push_back(role.record.name);
    IRSA_RETURN_IF_ERROR(tx.Upsert(ProfileRow(account, loaded.record)));
    store::Row link;
    link.id = {account, kind::kProfileRole, role.row.id.key, loaded.row.id.key};
    link.ref = loaded.row.id.key;
    link.body = json::serialize(json::object{
        {"profile", loaded.record.name}, {"arn", loaded.record.arn}, {"role", role.record.name}});
    return tx.Upsert(link);
  });
}

Status RemoveRoleFromInstanceProfile(const ServiceContext& ctx, const std::string& account,
                                     const std::string& profile_name,
                                     const std::string& role_name) {
  IRSA_RETURN_IF_ERROR(ValidateProfileName(profile_name));
  IRSA_RETURN_IF_ERROR(ValidateName(role_name, "roleName", 64));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProfile loaded, LoadProfile(tx, account, profile_name));
    auto& roles = loaded.record.role_names;
    auto it = std::find_if(roles.begin(), roles.end(), [&](const std::string& name) {
      return EqualsIgnoreCase(name, role_name);
    });
    if (it == roles.end()) return NoSuchRole(role_name);
    roles.erase(it);
    IRSA_RETURN_IF_ERROR(tx.Upsert(ProfileRow(account, loaded.record)));
    IRSA_TRY(bool deleted,
             tx.Delete({account, kind::kProfileRole, AsciiLower(role_name), loaded.row.id.key}));
    (void)deleted;
    return OkStatus();
  });
}

Result<ListPage<InstanceProfileInfo>> ListInstanceProfilesForRole(const ServiceContext& ctx,
                                                                  const std::string& account,
                                                                  const std::string& role_name,
                                                                  const std::string& marker,
                                                                  int max_items) {
  IRSA_RETURN_IF_ERROR(ValidateName(role_name, "roleName", 64));
  ListPage<InstanceProfileInfo> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole role, LoadRole(tx, account, role_name));
    IRSA_TRY(
        ListPage<store::Row> links,
        ListRowPage(tx, {.account = account, .kind = kind::kProfileRole, .parent = role.row.id.key},
                    marker, max_items));
    for (const store::Row& link : links.items) {
      IRSA_TRY(auto row, tx.Get({account, kind::kInstanceProfile, "", link.id.key}));
      if (!row) continue;
      IRSA_TRY(InstanceProfileRecord profile, FromBody(row->body));
      IRSA_TRY(InstanceProfileInfo info, WithRoles(tx, account, std::move(profile)));
      out.items.push_back(std::move(info));
    }
    out.truncated = links.truncated;
    out.marker = links.marker;
    return OkStatus();
  }));
  return out;
}

Status TagInstanceProfile(const ServiceContext& ctx, const std::string& account,
                          const std::string& name, const std::vector<Tag>& tags) {
  IRSA_RETURN_IF_ERROR(ValidateTags(tags, ctx.quotas.tags_per_resource, "InstanceProfile"));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProfile loaded, LoadProfile(tx, account, name));
    IRSA_RETURN_IF_ERROR(
        MergeTags(loaded.record.tags, tags, ctx.quotas.tags_per_resource, "InstanceProfile"));
    return tx.Upsert(ProfileRow(account, loaded.record));
  });
}

Status UntagInstanceProfile(const ServiceContext& ctx, const std::string& account,
                            const std::string& name, const std::vector<std::string>& keys) {
  IRSA_RETURN_IF_ERROR(ValidateTagKeys(keys));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProfile loaded, LoadProfile(tx, account, name));
    RemoveTags(loaded.record.tags, keys);
    return tx.Upsert(ProfileRow(account, loaded.record));
  });
}

Result<ListPage<Tag>> ListInstanceProfileTags(const ServiceContext& ctx, const std::string& account,
                                              const std::string& name, const std::string& marker,
                                              int max_items) {
  IRSA_TRY(InstanceProfileInfo info, GetInstanceProfile(ctx, account, name));
  return PageTags(info.profile.tags, marker, max_items);
}

Result<int64_t> CountInstanceProfilesOfRole(store::StoreTx& tx, const std::string& account,
                                            const std::string& role_key) {
  return tx.Count({.account = account, .kind = kind::kProfileRole, .parent = role_key});
}

}  // namespace irsa::iam
