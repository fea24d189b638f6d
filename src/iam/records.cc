#include "iam/records.h"

#include <boost/json.hpp>

#include "store/json_fields.h"

namespace irsa::iam {
namespace json = boost::json;
namespace {

int64_t TimeToJson(SystemTime t) { return t.time_since_epoch().count(); }
SystemTime TimeFromJson(const json::value* v) {
  if (!v || !v->is_int64()) return SystemTime{};
  return SystemTime(std::chrono::nanoseconds(v->as_int64()));
}

json::array TagsToJson(const std::vector<Tag>& tags) {
  json::array a;
  for (const auto& t : tags) a.push_back(json::object{{"k", t.key}, {"v", t.value}});
  return a;
}

std::vector<Tag> TagsFromJson(const json::object& o) {
  std::vector<Tag> tags;
  const json::value* v = o.if_contains("tags");
  if (!v || !v->is_array()) return tags;
  for (const auto& t : v->as_array()) {
    if (!t.is_object()) continue;
    tags.push_back({store::JsonString(t.as_object(), "k"), store::JsonString(t.as_object(), "v")});
  }
  return tags;
}

std::string Serialize(const json::object& o) { return json::serialize(o); }

}  // namespace

std::string ToBody(const AccountRecord& r) {
  return Serialize({{"id", r.id}, {"created", TimeToJson(r.created)}});
}

Result<AccountRecord> AccountFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "account"));
  return AccountRecord{store::JsonString(o, "id"), TimeFromJson(o.if_contains("created"))};
}

std::string ToBody(const UserRecord& r) {
  return Serialize({{"name", r.name},
                    {"id", r.id},
                    {"path", r.path},
                    {"arn", r.arn},
                    {"created", TimeToJson(r.created)},
                    {"boundary", r.permissions_boundary_arn},
                    {"tags", TagsToJson(r.tags)}});
}

Result<UserRecord> UserFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "user"));
  UserRecord r;
  r.name = store::JsonString(o, "name");
  r.id = store::JsonString(o, "id");
  r.path = store::JsonString(o, "path");
  r.arn = store::JsonString(o, "arn");
  r.created = TimeFromJson(o.if_contains("created"));
  r.permissions_boundary_arn = store::JsonString(o, "boundary");
  r.tags = TagsFromJson(o);
  return r;
}

std::string ToBody(const AccessKeyRecord& r) {
  json::object o{{"id", r.id},
                 {"user", r.user_name},
                 {"status", r.status == AccessKeyStatus::kActive ? "Active" : "Inactive"},
                 {"created", TimeToJson(r.created)}};
  if (r.last_used) {
    o["last_used"] = TimeToJson(*r.last_used);
    o["last_used_service"] = r.last_used_service;
    o["last_used_region"] = r.last_used_region;
  }
  return Serialize(o);
}

Result<AccessKeyRecord> AccessKeyFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "access key"));
  AccessKeyRecord r;
  r.id = store::JsonString(o, "id");
  r.user_name = store::JsonString(o, "user");
  r.status = store::JsonString(o, "status") == "Inactive" ? AccessKeyStatus::kInactive
                                                          : AccessKeyStatus::kActive;
  r.created = TimeFromJson(o.if_contains("created"));
  if (o.contains("last_used")) {
    r.last_used = TimeFromJson(o.if_contains("last_used"));
    r.last_used_service = store::JsonString(o, "last_used_service");
    r.last_used_region = store::JsonString(o, "last_used_region");
  }
  return r;
}

std::string ToBody(const RoleRecord& r) {
  json::object o{{"name", r.name},
                 {"id", r.id},
                 {"path", r.path},
                 {"arn", r.arn},
                 {"created", TimeToJson(r.created)},
                 {"trust", r.assume_role_policy},
                 {"description", r.description},
                 {"max_session", r.max_session_duration},
                 {"boundary", r.permissions_boundary_arn},
                 {"tags", TagsToJson(r.tags)},
                 {"last_used_region", r.last_used_region}};
  if (r.last_used) o["last_used"] = TimeToJson(*r.last_used);
  return Serialize(o);
}

Result<RoleRecord> RoleFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "role"));
  RoleRecord r;
  r.name = store::JsonString(o, "name");
  r.id = store::JsonString(o, "id");
  r.path = store::JsonString(o, "path");
  r.arn = store::JsonString(o, "arn");
  r.created = TimeFromJson(o.if_contains("created"));
  r.assume_role_policy = store::JsonString(o, "trust");
  r.description = store::JsonString(o, "description");
  r.max_session_duration = store::JsonInt(o, "max_session", 3600);
  r.permissions_boundary_arn = store::JsonString(o, "boundary");
  r.tags = TagsFromJson(o);
  if (o.contains("last_used")) r.last_used = TimeFromJson(o.if_contains("last_used"));
  r.last_used_region = store::JsonString(o, "last_used_region");
  return r;
}

std::string ToBody(const PolicyRecord& r) {
  return Serialize({{"name", r.name},
                    {"id", r.id},
                    {"path", r.path},
                    {"arn", r.arn},
                    {"description", r.description},
                    {"created", TimeToJson(r.created)},
                    {"updated", TimeToJson(r.updated)},
                    {"default_version", r.default_version_id},
                    {"next_version", r.next_version_number},
                    {"tags", TagsToJson(r.tags)}});
}

Result<PolicyRecord> PolicyFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "policy"));
  PolicyRecord r;
  r.name = store::JsonString(o, "name");
  r.id = store::JsonString(o, "id");
  r.path = store::JsonString(o, "path");
  r.arn = store::JsonString(o, "arn");
  r.description = store::JsonString(o, "description");
  r.created = TimeFromJson(o.if_contains("created"));
  r.updated = TimeFromJson(o.if_contains("updated"));
  r.default_version_id = store::JsonString(o, "default_version");
  r.next_version_number = store::JsonInt(o, "next_version", 2);
  r.tags = TagsFromJson(o);
  return r;
}

std::string ToBody(const PolicyVersionRecord& r) {
  return Serialize(
      {{"version", r.version_id}, {"document", r.document}, {"created", TimeToJson(r.created)}});
}

Result<PolicyVersionRecord> PolicyVersionFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "policy version"));
  return PolicyVersionRecord{store::JsonString(o, "version"), store::JsonString(o, "document"),
                             TimeFromJson(o.if_contains("created"))};
}

std::string ToBody(const AttachmentRecord& r) {
  return Serialize({{"arn", r.policy_arn}, {"name", r.policy_name}});
}

Result<AttachmentRecord> AttachmentFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "attachment"));
  return AttachmentRecord{store::JsonString(o, "arn"), store::JsonString(o, "name")};
}

std::string ToBody(const InlinePolicyRecord& r) {
  return Serialize({{"name", r.name}, {"document", r.document}});
}

Result<InlinePolicyRecord> InlinePolicyFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "inline policy"));
  return InlinePolicyRecord{store::JsonString(o, "name"), store::JsonString(o, "document")};
}

std::string ToBody(const OidcProviderRecord& r) {
  return Serialize({{"url", r.url},
                    {"arn", r.arn},
                    {"client_ids", store::ToJsonArray(r.client_ids)},
                    {"thumbprints", store::ToJsonArray(r.thumbprints)},
                    {"created", TimeToJson(r.created)},
                    {"tags", TagsToJson(r.tags)}});
}

Result<OidcProviderRecord> OidcProviderFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "OIDC provider"));
  OidcProviderRecord r;
  r.url = store::JsonString(o, "url");
  r.arn = store::JsonString(o, "arn");
  r.client_ids = store::JsonStrings(o, "client_ids");
  r.thumbprints = store::JsonStrings(o, "thumbprints");
  r.created = TimeFromJson(o.if_contains("created"));
  r.tags = TagsFromJson(o);
  return r;
}

std::string ToBody(const GroupRecord& r) {
  return Serialize({{"name", r.name},
                    {"id", r.id},
                    {"path", r.path},
                    {"arn", r.arn},
                    {"created", TimeToJson(r.created)}});
}

Result<GroupRecord> GroupFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "group"));
  GroupRecord r;
  r.name = store::JsonString(o, "name");
  r.id = store::JsonString(o, "id");
  r.path = store::JsonString(o, "path");
  r.arn = store::JsonString(o, "arn");
  r.created = TimeFromJson(o.if_contains("created"));
  return r;
}

}  // namespace irsa::iam
