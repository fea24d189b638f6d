#include "sts/session_record.h"

#include <boost/json.hpp>

#include "base/clock.h"

namespace irsa::sts {
namespace json = boost::json;
namespace {

constexpr int64_t kFormatVersion = 1;

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t Int(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

std::vector<std::string> Strings(const json::object& o, const char* key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& s : v->as_array()) {
    if (s.is_string()) out.emplace_back(s.as_string());
  }
  return out;
}

json::array ToArray(const std::vector<std::string>& values) {
  json::array a;
  for (const auto& s : values) a.emplace_back(json::string(s));
  return a;
}

}  // namespace

authz::Caller SessionRecord::ToCaller() const {
  authz::Caller caller;
  caller.type = authz::CallerType::kAssumedRole;
  caller.account = account;
  caller.arn = "arn:aws:sts::" + account + ":assumed-role/" + role_name + "/" + session_name;
  caller.user_id = role_id + ":" + session_name;
  caller.access_key_id = access_key_id;
  caller.role_name = role_name;
  caller.role_arn = role_arn;
  caller.role_id = role_id;
  caller.session_name = session_name;
  caller.token_issue_time = FromUnixSeconds(issued_at);
  caller.expiration = FromUnixSeconds(expires_at);
  caller.session_tags = tags;
  caller.transitive_tag_keys = transitive_tag_keys;
  caller.federated_provider = federated_provider;
  caller.web_identity_subject = subject;
  caller.web_identity_audience = audience;
  caller.source_identity = source_identity;
  caller.chained = chained;
  caller.session_policy = session_policy;
  caller.session_policy_arns = session_policy_arns;
  return caller;
}

std::string SerializeSessionRecord(const SessionRecord& r) {
  json::array tags;
  for (const auto& t : r.tags)
    tags.push_back(json::array{json::string(t.key), json::string(t.value)});
  json::object o{{"v", kFormatVersion}, {"akid", r.access_key_id}, {"sk", r.secret_access_key},
                 {"acct", r.account},   {"rn", r.role_name},       {"rid", r.role_id},
                 {"rarn", r.role_arn},  {"sn", r.session_name},    {"iat", r.issued_at},
                 {"exp", r.expires_at}};
  if (!r.session_policy.empty()) o["pol"] = r.session_policy;
  if (!r.session_policy_arns.empty()) o["parns"] = ToArray(r.session_policy_arns);
  if (!tags.empty()) o["tags"] = std::move(tags);
  if (!r.transitive_tag_keys.empty()) o["ttk"] = ToArray(r.transitive_tag_keys);
  if (!r.source_identity.empty()) o["si"] = r.source_identity;
  if (!r.federated_provider.empty()) o["fp"] = r.federated_provider;
  if (!r.subject.empty()) o["sub"] = r.subject;
  if (!r.audience.empty()) o["aud"] = r.audience;
  if (!r.pod_name.empty()) o["pod"] = r.pod_name;
  if (!r.pod_uid.empty()) o["poduid"] = r.pod_uid;
  if (r.chained) o["chain"] = true;
  return json::serialize(o);
}

Result<SessionRecord> ParseSessionRecord(std::string_view bytes) {
  boost::system::error_code ec;
  json::value v = json::parse(bytes, ec);
  if (ec || !v.is_object() || Int(v.as_object(), "v") != kFormatVersion) {
    return errors::InvalidClientTokenId("The security token included in the request is invalid.");
  }
  const json::object& o = v.as_object();
  SessionRecord r;
  r.access_key_id = Str(o, "akid");
  r.secret_access_key = Str(o, "sk");
  r.account = Str(o, "acct");
  r.role_name = Str(o, "rn");
  r.role_id = Str(o, "rid");
  r.role_arn = Str(o, "rarn");
  r.session_name = Str(o, "sn");
  r.issued_at = Int(o, "iat");
  r.expires_at = Int(o, "exp");
  r.session_policy = Str(o, "pol");
  r.session_policy_arns = Strings(o, "parns");
  if (const json::value* tags = o.if_contains("tags"); tags && tags->is_array()) {
    for (const auto& t : tags->as_array()) {
      if (t.is_array() && t.as_array().size() == 2 && t.as_array()[0].is_string() &&
          t.as_array()[1].is_string()) {
        r.tags.push_back(
            {std::string(t.as_array()[0].as_string()), std::string(t.as_array()[1].as_string())});
      }
    }
  }
  r.transitive_tag_keys = Strings(o, "ttk");
  r.source_identity = Str(o, "si");
  r.federated_provider = Str(o, "fp");
  r.subject = Str(o, "sub");
  r.audience = Str(o, "aud");
  r.pod_name = Str(o, "pod");
  r.pod_uid = Str(o, "poduid");
  if (const json::value* c = o.if_contains("chain"); c && c->is_bool()) r.chained = c->as_bool();
  if (r.access_key_id.empty() || r.secret_access_key.empty() || r.account.empty()) {
    return errors::InvalidClientTokenId("The security token included in the request is invalid.");
  }
  return r;
}

}  // namespace irsa::sts
