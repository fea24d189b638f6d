#include "iam/records.h"

#include <boost/json.hpp>

namespace irsa::iam {
namespace json = boost::json;
namespace {

int64_t TimeToJson(SystemTime t) { return t.time_since_epoch().count(); }
SystemTime TimeFromJson(const json::value* v) {
  if (!v || !v->is_int64()) return SystemTime{};
  return SystemTime(std::chrono::nanoseconds(v->as_int64()));
}

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return {};
  return std::string(v->as_string());
}

int64_t Int(const json::object& o, const char* key, int64_t fallback) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_int64()) return fallback;
  return v->as_int64();
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
    tags.push_back({Str(t.as_object(), "k"), Str(t.as_object(), "v")});
  }
  return tags;
}

json::array StringsToJson(const std::vector<std::string>& values) {
  json::array a;
  for (const auto& s : values) a.push_back(json::string(s));
  return a;
}

std::vector<std::string> StringsFromJson(const json::object& o, const char* key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& s : v->as_array()) {
    if (s.is_string()) out.emplace_back(s.as_string());
  }
  return out;
}

Result<json::object> Parse(const std::string& body, const char* what) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    return errors::ServiceFailure(std::string("stored ") + what + " record is corrupt");
  }
  return std::move(v.as_object());
}

std::string Serialize(const json::object& o) { return json::serialize(o); }

}  // namespace

std::string ToBody(const AccountRecord& r) {
  return Serialize({{"id", r.id}, {"created", TimeToJson(r.created)}});
}

Result<AccountRecord> AccountFromBody(const std::string& body) {
  IRSA_TRY(json::object o, Parse(body, "account"));
  return AccountRecord{Str(o, "id"), TimeFromJson(o.if_contains("created"))};
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
  IRSA_TRY(json::object o, Parse(body, "user"));
  UserRecord r;
  r.name = Str(o, "name");
  r.id = Str(o, "id");
  r.path = Str(o, "path");
  r.arn = Str(o, "arn");
  r.created = TimeFromJson(o.if_contains("created"));
  r.permissions_boundary_arn = Str(o, "boundary");
  r.tags = TagsFromJson(o);
  return r;
}

std::string ToBody(const AccessKeyRecord& r) {
  return Serialize({{"id", r.id},
                    {"user", r.user_name},
                    {"status", r.status == AccessKeyStatus::kActive ? "Active" : "Inactive"},
                    {"created", TimeToJson(r.created)}});
}

Result<AccessKeyRecord> AccessKeyFromBody(const std::string& body) {
  IRSA_TRY(json::object o, Parse(body, "access key"));
  AccessKeyRecord r;
  r.id = Str(o, "id");
  r.user_name = Str(o, "user");
  r.status = Str(o, "status") == "Inactive" ? AccessKeyStatus::kInactive : AccessKeyStatus::kActive;
  r.created = TimeFromJson(o.if_contains("created"));
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
  IRSA_TRY(json::object o, Parse(body, "role"));
  RoleRecord r;
  r.name = Str(o, "name");
  r.id = Str(o, "id");
  r.path = Str(o, "path");
  r.arn = Str(o, "arn");
  r.created = TimeFromJson(o.if_contains("created"));
  r.assume_role_policy = Str(o, "trust");
  r.description = Str(o, "description");
  r.max_session_duration = Int(o, "max_session", 3600);
  r.permissions_boundary_arn = Str(o, "boundary");
  r.tags = TagsFromJson(o);
  if (o.contains("last_used")) r.last_used = TimeFromJson(o.if_contains("last_used"));
  r.last_used_region = Str(o, "last_used_region");
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
  IRSA_TRY(json::object o, Parse(body, "policy"));
  PolicyRecord r;
  r.name = Str(o, "name");
  r.id = Str(o, "id");
  r.path = Str(o, "path");
  r.arn = Str(o, "arn");
  r.description = Str(o, "description");
  r.created = TimeFromJson(o.if_contains("created"));
  r.updated = TimeFromJson(o.if_contains("updated"));
  r.default_version_id = Str(o, "default_version");
  r.next_version_number = Int(o, "next_version", 2);
  r.tags = TagsFromJson(o);
  return r;
}

std::string ToBody(const PolicyVersionRecord& r) {
  return Serialize(
      {{"version", r.version_id}, {"document", r.document}, {"created", TimeToJson(r.created)}});
}

Result<PolicyVersionRecord> PolicyVersionFromBody(const std::string& body) {
  IRSA_TRY(json::object o, Parse(body, "policy version"));
  return PolicyVersionRecord{Str(o, "version"), Str(o, "document"),
                             TimeFromJson(o.if_contains("created"))};
}

std::string ToBody(const AttachmentRecord& r) {
  return Serialize({{"arn", r.policy_arn}, {"name", r.policy_name}});
}

Result<AttachmentRecord> AttachmentFromBody(const std::string& body) {
  IRSA_TRY(json::object o, Parse(body, "attachment"));
  return AttachmentRecord{Str(o, "arn"), Str(o, "name")};
}

std::string ToBody(const InlinePolicyRecord& r) {
  return Serialize({{"name", r.name}, {"document", r.document}});
}

Result<InlinePolicyRecord> InlinePolicyFromBody(const std::string& body) {
  IRSA_TRY(json::object o, Parse(body, "inline policy"));
  return InlinePolicyRecord{Str(o, "name"), Str(o, "document")};
}

std::string ToBody(const OidcProviderRecord& r) {
  return Serialize({{"url", r.url},
                    {"arn", r.arn},
                    {"client_ids", StringsToJson(r.client_ids)},
                    {"thumbprints", StringsToJson(r.thumbprints)},
                    {"created", TimeToJson(r.created)},
                    {"tags", TagsToJson(r.tags)}});
}

Result<OidcProviderRecord> OidcProviderFromBody(const std::string& body) {
  IRSA_TRY(json::object o, Parse(body, "OIDC provider"));
  OidcProviderRecord r;
  r.url = Str(o, "url");
  r.arn = Str(o, "arn");
  r.client_ids = StringsFromJson(o, "client_ids");
  r.thumbprints = StringsFromJson(o, "thumbprints");
  r.created = TimeFromJson(o.if_contains("created"));
  r.tags = TagsFromJson(o);
  return r;
}

}  // namespace irsa::iam
