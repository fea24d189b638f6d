#include "sts/session_record.h"

#include <boost/json.hpp>

#include "base/clock.h"
#include "store/json_fields.h"

namespace irsa::sts {
namespace json = boost::json;
namespace {

constexpr int64_t kJsonFormat = 1;
constexpr uint8_t kBinaryFormat = 2;
constexpr int kKindShift = 1;  // flags bits 1-2: SessionKind
constexpr uint8_t kMaxKind = static_cast<uint8_t>(SessionKind::kFederatedUser);
constexpr uint8_t kMfaFlag = 1 << 3;  // flags bit 3: authenticated with MFA

struct RecordWriter {
  std::string out;

  RecordWriter() { out.reserve(512); }
  void Count(uint64_t n) {
    while (n >= 0x80) {
      out.push_back(static_cast<char>((n & 0x7F) | 0x80));
      n >>= 7;
    }
    out.push_back(static_cast<char>(n));
  }
  void String(std::string_view s) {
    Count(s.size());
    out.append(s);
  }
  void Strings(const std::vector<std::string>& list) {
    Count(list.size());
    for (const auto& s : list) String(s);
  }
  void Time(int64_t t) {
    const uint64_t u = static_cast<uint64_t>(t);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(u >> shift));
  }
};

// Every read fails (returns false) instead of running past the end.
struct RecordReader {
  std::string_view in;

  bool Byte(uint8_t& b) {
    if (in.empty()) return false;
    b = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    return true;
  }
  bool Count(uint64_t& n) {
    n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = 0;
      if (!Byte(b)) return false;
      n |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return n <= in.size();  // no count can exceed the bytes left
    }
    return false;
  }
  bool String(std::string& s) {
    uint64_t n = 0;
    if (!Count(n)) return false;
    s.assign(in.substr(0, n));
    in.remove_prefix(n);
    return true;
  }
  bool Strings(std::vector<std::string>& list) {
    uint64_t n = 0;
    if (!Count(n)) return false;
    for (uint64_t i = 0; i < n; ++i) {
      if (!String(list.emplace_back())) return false;
    }
    return true;
  }
  bool Time(int64_t& t) {
    if (in.size() < 8) return false;
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(in[i]);
    in.remove_prefix(8);
    t = static_cast<int64_t>(u);
    return true;
  }
};

}  // namespace

std::string FederatedUserArn(const std::string& account, const std::string& name) {
  return "arn:aws:sts::" + account + ":federated-user/" + name;
}

authz::Caller SessionRecord::ToCaller() const {
  authz::Caller caller;
  caller.account = account;
  caller.access_key_id = access_key_id;
  caller.token_issue_time = FromUnixSeconds(issued_at);
  caller.expiration = FromUnixSeconds(expires_at);
  caller.mfa_authenticated = mfa;
  if (mfa) caller.mfa_authenticated_at = FromUnixSeconds(issued_at);
  switch (kind) {
    case SessionKind::kUser: {
      caller.type = role_name.empty() ? authz::CallerType::kRoot : authz::CallerType::kUser;
      caller.session_token_credentials = true;
      caller.arn = role_arn;
      caller.user_id = role_id;
      caller.user_name = role_name;
      // arn:aws:iam::A:user/<path>name: the path is what lies between "user" and the name.
      const size_t slash = role_arn.find('/');
      if (slash != std::string::npos && role_arn.size() >= role_name.size() + slash) {
        caller.user_path = role_arn.substr(slash, role_arn.size() - role_name.size() - slash);
      }
      return caller;
    }
    case SessionKind::kFederatedUser:
      caller.type = authz::CallerType::kFederatedUser;
      caller.arn = FederatedUserArn(account, session_name);
      caller.user_id = account + ":" + session_name;
      caller.user_name = role_name;
      caller.source_user_arn = role_arn;
      caller.source_user_id = role_id;
      break;
    case SessionKind::kRole:
      caller.type = authz::CallerType::kAssumedRole;
      caller.arn = "arn:aws:sts::" + account + ":assumed-role/" + role_name + "/" + session_name;
      caller.user_id = role_id + ":" + session_name;
      caller.role_name = role_name;
      caller.role_arn = role_arn;
      caller.role_id = role_id;
      caller.transitive_tag_keys = transitive_tag_keys;
      caller.federated_provider = federated_provider;
      caller.web_identity_subject = subject;
      caller.web_identity_audience = audience;
      caller.source_identity = source_identity;
      caller.chained = chained;
      break;
  }
  caller.session_name = session_name;
  caller.session_tags = tags;
  caller.session_policy = session_policy;
  caller.session_policy_arns = session_policy_arns;
  return caller;
}

// Format 2 (binary; what this version writes): the byte 0x02, then every field in the order below.
// A string is a LEB128 length and its bytes; a list is a LEB128 count and its strings; a time is
// 8 bytes big-endian two's complement; the last byte holds the flags (bit 0: chained; bits 1-2:
// the SessionKind; bit 3: MFA).
std::string SerializeSessionRecord(const SessionRecord& r) {
  RecordWriter w;
  w.out.push_back(static_cast<char>(kBinaryFormat));
  for (const std::string* field : {&r.access_key_id, &r.secret_access_key, &r.account, &r.role_name,
                                   &r.role_id, &r.role_arn, &r.session_name}) {
    w.String(*field);
  }
  w.Time(r.issued_at);
  w.Time(r.expires_at);
  w.String(r.session_policy);
  w.Strings(r.session_policy_arns);
  w.Count(r.tags.size());
  for (const auto& tag : r.tags) {
    w.String(tag.key);
    w.String(tag.value);
  }
  w.Strings(r.transitive_tag_keys);
  for (const std::string* field : {&r.source_identity, &r.federated_provider, &r.subject,
                                   &r.audience, &r.pod_name, &r.pod_uid}) {
    w.String(*field);
  }
  w.out.push_back(static_cast<char>(
      (r.chained ? 1 : 0) | (static_cast<uint8_t>(r.kind) << kKindShift) | (r.mfa ? kMfaFlag : 0)));
  return std::move(w.out);
}

namespace {

Error InvalidRecord() {
  return errors::InvalidClientTokenId("The security token included in the request is invalid.");
}

Result<SessionRecord> ParseBinaryRecord(std::string_view bytes) {
  RecordReader rd{bytes.substr(1)};
  SessionRecord r;
  bool ok = true;
  for (std::string* field : {&r.access_key_id, &r.secret_access_key, &r.account, &r.role_name,
                             &r.role_id, &r.role_arn, &r.session_name}) {
    ok = ok && rd.String(*field);
  }
  ok = ok && rd.Time(r.issued_at) && rd.Time(r.expires_at) && rd.String(r.session_policy) &&
       rd.Strings(r.session_policy_arns);
  uint64_t tag_count = 0;
  ok = ok && rd.Count(tag_count);
  for (uint64_t i = 0; ok && i < tag_count; ++i) {
    authz::SessionTag tag;
    ok = rd.String(tag.key) && rd.String(tag.value);
    r.tags.push_back(std::move(tag));
  }
  ok = ok && rd.Strings(r.transitive_tag_keys);
  for (std::string* field : {&r.source_identity, &r.federated_provider, &r.subject, &r.audience,
                             &r.pod_name, &r.pod_uid}) {
    ok = ok && rd.String(*field);
  }
  uint8_t flags = 0;
  // Bits 4-7 are unused and must be 0.
  ok = ok && rd.Byte(flags) && rd.in.empty() && (flags >> 4) == 0 &&
       ((flags >> kKindShift) & 0x3) <= kMaxKind;
  if (!ok) return InvalidRecord();
  r.chained = flags & 1;
  r.mfa = (flags & kMfaFlag) != 0;
  r.kind = static_cast<SessionKind>((flags >> kKindShift) & 0x3);
  return r;
}

// Format 1 (JSON), written by earlier versions; still opened so that sessions minted before an
// upgrade keep working until they expire.
Result<SessionRecord> ParseJsonRecord(std::string_view bytes) {
  boost::system::error_code ec;
  json::value v = json::parse(bytes, ec);
  if (ec || !v.is_object() || store::JsonInt(v.as_object(), "v") != kJsonFormat)
    return InvalidRecord();
  const json::object& o = v.as_object();
  SessionRecord r;
  r.access_key_id = store::JsonString(o, "akid");
  r.secret_access_key = store::JsonString(o, "sk");
  r.account = store::JsonString(o, "acct");
  r.role_name = store::JsonString(o, "rn");
  r.role_id = store::JsonString(o, "rid");
  r.role_arn = store::JsonString(o, "rarn");
  r.session_name = store::JsonString(o, "sn");
  r.issued_at = store::JsonInt(o, "iat");
  r.expires_at = store::JsonInt(o, "exp");
  r.session_policy = store::JsonString(o, "pol");
  r.session_policy_arns = store::JsonStrings(o, "parns");
  if (const json::value* tags = o.if_contains("tags"); tags && tags->is_array()) {
    for (const auto& t : tags->as_array()) {
      if (t.is_array() && t.as_array().size() == 2 && t.as_array()[0].is_string() &&
          t.as_array()[1].is_string()) {
        r.tags.push_back(
            {std::string(t.as_array()[0].as_string()), std::string(t.as_array()[1].as_string())});
      }
    }
  }
  r.transitive_tag_keys = store::JsonStrings(o, "ttk");
  r.source_identity = store::JsonString(o, "si");
  r.federated_provider = store::JsonString(o, "fp");
  r.subject = store::JsonString(o, "sub");
  r.audience = store::JsonString(o, "aud");
  r.pod_name = store::JsonString(o, "pod");
  r.pod_uid = store::JsonString(o, "poduid");
  if (const json::value* c = o.if_contains("chain"); c && c->is_bool()) r.chained = c->as_bool();
  return r;
}

}  // namespace

Result<SessionRecord> ParseSessionRecord(std::string_view bytes) {
  Result<SessionRecord> r = InvalidRecord();
  if (!bytes.empty() && static_cast<uint8_t>(bytes[0]) == kBinaryFormat) {
    r = ParseBinaryRecord(bytes);
  } else if (!bytes.empty() && bytes[0] == '{') {
    r = ParseJsonRecord(bytes);
  }
  if (!r.ok()) return r;
  if (r->access_key_id.empty() || r->secret_access_key.empty() || r->account.empty()) {
    return InvalidRecord();
  }
  return r;
}

}  // namespace irsa::sts
