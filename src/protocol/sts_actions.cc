// STS over the Query protocol.
#include "iam/roles.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"
#include "sts/sts_service.h"

namespace irsa::protocol {
namespace {

// Never denied by policy: AWS answers it even under an explicit Deny.
Result<HttpResponse> GetCallerIdentity(const QueryCall& call) {
  XmlWriter w = call.Writer();
  w.Element("Arn", call.caller.arn)
      .Element("UserId", call.caller.user_id)
      .Element("Account", call.caller.account);
  return w.Finish(call.http.request_id);
}

// Reads the session policies (Policy, PolicyArns), recording violations in `v`.
Result<sts::SessionPolicyInput> ReadSessionPolicies(const QueryParams& p, Validator& v,
                                                    size_t max_policy_length) {
  sts::SessionPolicyInput out;
  std::optional<std::string_view> policy = p.Get("Policy");
  IRSA_TRY(auto arn_structs, p.GetStructList("PolicyArns"));
  v.Length("Policy", policy, 1, max_policy_length)
      .Pattern("Policy", policy, patterns::kSessionPolicyDocument);
  for (const auto& s : arn_structs) {
    auto arn = s.find("arn");
    v.NotNull("PolicyArns.member.arn", arn != s.end());
    if (arn != s.end()) {
      v.Length("PolicyArns.member.arn", std::string_view(arn->second), 20, 2048);
      out.policy_arns.push_back(arn->second);
    }
  }
  if (policy) out.policy = std::string(*policy);
  return out;
}

// Reads the session tags (Tags, at most 50), recording violations in `v`.
Result<std::vector<authz::SessionTag>> ReadSessionTags(const QueryParams& p, Validator& v) {
  IRSA_TRY(auto tag_structs, p.GetStructList("Tags"));
  v.Range("Tags", static_cast<int64_t>(tag_structs.size()), 0, 50);
  std::vector<authz::SessionTag> tags;
  for (const auto& s : tag_structs) {
    auto key = s.find("Key");
    auto value = s.find("Value");
    v.NotNull("Tags.member.Key", key != s.end()).NotNull("Tags.member.Value", value != s.end());
    if (key == s.end() || value == s.end()) continue;
    v.Length("Tags.member.Key", std::string_view(key->second), 1, 128)
        .Pattern("Tags.member.Key", std::string_view(key->second), patterns::kTagKey)
        .Length("Tags.member.Value", std::string_view(value->second), 0, 256)
        .Pattern("Tags.member.Value", std::string_view(value->second), patterns::kTagValue);
    tags.push_back({key->second, value->second});
  }
  return tags;
}

// Validates and reads what AssumeRole and AssumeRoleWithWebIdentity share.
struct CommonInput {
  std::string role_arn;
  std::string session_name;
  std::optional<int64_t> duration;
  sts::SessionPolicyInput policies;
};

Result<CommonInput> ReadCommon(const QueryCall& call, size_t max_policy_length) {
  const QueryParams& p = call.params;
  CommonInput in;
  std::optional<std::string_view> role_arn = p.Get("RoleArn");
  std::optional<std::string_view> session = p.Get("RoleSessionName");
  IRSA_TRY(in.duration, p.GetInt("DurationSeconds"));
  Validator v;
  v.NotNull("RoleArn", role_arn.has_value()).NotNull("RoleSessionName", session.has_value());
  v.Length("RoleArn", role_arn, 20, 2048);
  v.Length("RoleSessionName", session, 2, 64)
      .Pattern("RoleSessionName", session, patterns::kNameChars);
  v.Range("DurationSeconds", in.duration, 900, 43200);
  IRSA_TRY(in.policies, ReadSessionPolicies(p, v, max_policy_length));
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  in.role_arn = std::string(*role_arn);
  in.session_name = std::string(*session);
  return in;
}

// <Credentials>: what every operation issuing session credentials answers.
void WriteCredentialsOnly(XmlWriter& w, const sts::IssuedCredentials& c) {
  w.Open("Credentials")
      .Element("AccessKeyId", c.access_key_id)
      .Element("SecretAccessKey", c.secret_access_key)
      .Element("SessionToken", c.session_token)
      .Timestamp("Expiration", c.expiration)
      .Close();
}

// <Credentials>, the session's principal (<AssumedRoleUser> with <AssumedRoleId>, or
// <FederatedUser> with <FederatedUserId>) and PackedPolicySize if any.
void WriteSession(XmlWriter& w, std::string_view principal, std::string_view id,
                  const sts::IssuedCredentials& c) {
  WriteCredentialsOnly(w, c);
  w.Open(principal).Element(id, c.assumed_role_id).Element("Arn", c.assumed_role_arn).Close();
  if (c.packed_policy_size) w.Element("PackedPolicySize", *c.packed_policy_size);
}

// <Credentials> and the role session's identity.
void WriteCredentials(XmlWriter& w, const sts::IssuedCredentials& c) {
  WriteSession(w, "AssumedRoleUser", "AssumedRoleId", c);
  if (!c.source_identity.empty()) w.Element("SourceIdentity", c.source_identity);
}

Result<HttpResponse> AssumeRoleWithWebIdentity(const QueryCall& call) {
  IRSA_TRY(CommonInput in, ReadCommon(call, 2048));
  std::optional<std::string_view> token = call.params.Get("WebIdentityToken");
  std::optional<std::string_view> provider_id = call.params.Get("ProviderId");
  Validator v;
  v.NotNull("WebIdentityToken", token.has_value());
  v.Length("WebIdentityToken", token, 4, 20000, Validator::Echo::kRedact);
  v.Length("ProviderId", provider_id, 4, 2048);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  if (provider_id) {
    return errors::InvalidParameterValue(
        "ProviderId is only for OAuth 2.0 providers (www.amazon.com, graph.facebook.com); omit "
        "it for OpenID Connect ID tokens.");
  }
  sts::WebIdentityRequest request;
  request.request_id = call.http.request_id;
  request.role_arn = in.role_arn;
  request.role_session_name = in.session_name;
  request.web_identity_token = std::string(*token);
  request.duration_seconds = in.duration;
  request.session_policies = std::move(in.policies);
  request.source_ip = call.http.remote_address;
  request.secure_transport = call.http.secure;
  IRSA_TRY(sts::IssuedCredentials c, call.services.sts->AssumeRoleWithWebIdentity(request));
  XmlWriter w = call.Writer();
  WriteCredentials(w, c);
  w.Element("SubjectFromWebIdentityToken", c.subject)
      .Element("Audience", c.audience)
      .Element("Provider", c.provider);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> AssumeRole(const QueryCall& call) {
  IRSA_TRY(CommonInput in, ReadCommon(call, 2048));
  const QueryParams& p = call.params;
  std::optional<std::string_view> external_id = p.Get("ExternalId");
  std::optional<std::string_view> source_identity = p.Get("SourceIdentity");
  std::optional<std::string_view> serial = p.Get("SerialNumber");
  std::optional<std::string_view> code = p.Get("TokenCode");
  IRSA_TRY(auto transitive, p.GetList("TransitiveTagKeys"));
  Validator v;
  v.Length("SerialNumber", serial, 9, 256)
      .Pattern("SerialNumber", serial, patterns::kNameSlashColonOptional);
  v.Length("TokenCode", code, 6, 6).Pattern("TokenCode", code, patterns::kDigitsOptional);
  v.Length("ExternalId", external_id, 2, 1224)
      .Pattern("ExternalId", external_id, patterns::kNameColonSlashOptional);
  v.Length("SourceIdentity", source_identity, 2, 64)
      .Pattern("SourceIdentity", source_identity, patterns::kNameCharsOptional);
  sts::AssumeRoleRequest request;
  IRSA_TRY(request.tags, ReadSessionTags(p, v));
  v.Range("TransitiveTagKeys", static_cast<int64_t>(transitive.size()), 0, 50);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  request.request_id = call.http.request_id;
  request.role_arn = in.role_arn;
  request.role_session_name = in.session_name;
  request.duration_seconds = in.duration;
  request.session_policies = std::move(in.policies);
  request.transitive_tag_keys = std::move(transitive);
  if (external_id) request.external_id = std::string(*external_id);
  if (source_identity) request.source_identity = std::string(*source_identity);
  if (serial) request.serial_number = std::string(*serial);
  if (code) request.token_code = std::string(*code);
  IRSA_TRY(sts::IssuedCredentials c,
           call.services.sts->AssumeRole(call.caller, call.Facts(), request));
  XmlWriter w = call.Writer();
  WriteCredentials(w, c);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> DecodeAuthorizationMessage(const QueryCall& call) {
  IRSA_TRY(std::string_view encoded, call.params.Require("EncodedMessage"));
  Validator v;
  v.Length("EncodedMessage", encoded, 1, 10240);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(std::string decoded, call.services.authorizer->explainer().Decode(encoded));
  XmlWriter w = call.Writer();
  w.Element("DecodedMessage", decoded);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetAccessKeyInfo(const QueryCall& call) {
  std::optional<std::string_view> key_id = call.params.Get("AccessKeyId");
  Validator v;
  v.NotNull("AccessKeyId", key_id.has_value());
  v.Length("AccessKeyId", key_id, 16, 128).Pattern("AccessKeyId", key_id, patterns::kWordOptional);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(std::string account,
           call.services.sts->GetAccessKeyInfo(call.caller, call.Facts(), std::string(*key_id)));
  XmlWriter w = call.Writer();
  w.Element("Account", account);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetSessionToken(const QueryCall& call) {
  const QueryParams& p = call.params;
  sts::SessionTokenRequest request;
  request.request_id = call.http.request_id;
  IRSA_TRY(request.duration_seconds, p.GetInt("DurationSeconds"));
  std::optional<std::string_view> serial = p.Get("SerialNumber");
  std::optional<std::string_view> code = p.Get("TokenCode");
  Validator v;
  v.Range("DurationSeconds", request.duration_seconds, 900, 129600);
  v.Length("SerialNumber", serial, 9, 256)
      .Pattern("SerialNumber", serial, patterns::kNameSlashColonOptional);
  v.Length("TokenCode", code, 6, 6).Pattern("TokenCode", code, patterns::kDigitsOptional);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  if (serial) request.serial_number = std::string(*serial);
  if (code) request.token_code = std::string(*code);
  IRSA_TRY(sts::IssuedCredentials c,
           call.services.sts->GetSessionToken(call.caller, call.Facts(), request));
  XmlWriter w = call.Writer();
  WriteCredentialsOnly(w, c);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetFederationToken(const QueryCall& call) {
  const QueryParams& p = call.params;
  sts::FederationTokenRequest request;
  request.request_id = call.http.request_id;
  std::optional<std::string_view> name = p.Get("Name");
  IRSA_TRY(request.duration_seconds, p.GetInt("DurationSeconds"));
  Validator v;
  v.NotNull("Name", name.has_value());
  v.Length("Name", name, 2, 32).Pattern("Name", name, patterns::kNameCharsOptional);
  IRSA_TRY(request.session_policies, ReadSessionPolicies(p, v, 2048));
  v.Range("DurationSeconds", request.duration_seconds, 900, 129600);
  IRSA_TRY(request.tags, ReadSessionTags(p, v));
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  request.name = std::string(*name);
  IRSA_TRY(sts::IssuedCredentials c,
           call.services.sts->GetFederationToken(call.caller, call.Facts(), request));
  XmlWriter w = call.Writer();
  WriteSession(w, "FederatedUser", "FederatedUserId", c);
  return w.Finish(call.http.request_id);
}

// The federated user a GetFederationToken call names (Name).
Result<ResolvedResource> ResolveFederatedUser(const QueryCall& call) {
  return ResolvedResource{
      sts::FederatedUserArn(call.account(), std::string(call.params.Get("Name").value_or(""))),
      {},
      {}};
}

// The role an AssumeRole* call names (RoleArn), with its tags when it exists.
Result<ResolvedResource> ResolveAssumedRole(const QueryCall& call) {
  ResolvedResource out{std::string(call.params.Get("RoleArn").value_or("")), {}, {}};
  Result<std::pair<std::string, std::string>> ref = sts::ParseRoleArn(out.arn);
  if (!ref.ok()) return out;
  Result<iam::RoleRecord> role = iam::GetRole(*call.services.iam, ref->first, ref->second);
  if (role.ok()) {
    out.arn = role->arn;
    for (const auto& tag : role->tags) out.tags.emplace_back(tag.key, tag.value);
  }
  return out;
}

Status AddParam(const QueryCall& call, std::string_view param, std::string_view key,
                authz::AccessRequest& access) {
  if (std::optional<std::string_view> value = call.params.Get(param)) {
    access.context.Set(key, std::string(*value));
  }
  return OkStatus();
}

KeySpec ParamKey(std::string_view key, std::string_view source,
                 Status (*add)(const QueryCall&, const ResolvedResource&, authz::AccessRequest&)) {
  return {{key}, source, add};
}

}  // namespace

void RegisterStsActions(QueryActionTable& sts) {
  using namespace access;
  const ResourceSpec role{"role", ResolveAssumedRole, true, true};
  const KeySpec session_name =
      ParamKey("sts:RoleSessionName", "the RoleSessionName parameter",
               [](const QueryCall& call, const ResolvedResource&, authz::AccessRequest& access) {
                 return AddParam(call, "RoleSessionName", "sts:RoleSessionName", access);
               });
  const KeySpec external_id =
      ParamKey("sts:ExternalId", "the ExternalId parameter",
               [](const QueryCall& call, const ResolvedResource&, authz::AccessRequest& access) {
                 return AddParam(call, "ExternalId", "sts:ExternalId", access);
               });
  const KeySpec source_identity =
      ParamKey("sts:SourceIdentity", "the SourceIdentity parameter",
               [](const QueryCall& call, const ResolvedResource&, authz::AccessRequest& access) {
                 return AddParam(call, "SourceIdentity", "sts:SourceIdentity", access);
               });
  const KeySpec transitive = ParamKey(
      "sts:TransitiveTagKeys", "the TransitiveTagKeys parameter",
      [](const QueryCall& call, const ResolvedResource&, authz::AccessRequest& access) -> Status {
        if (!call.params.HasList("TransitiveTagKeys")) return OkStatus();
        IRSA_TRY(std::vector<std::string> keys, call.params.GetList("TransitiveTagKeys"));
        access.context.SetMulti("sts:TransitiveTagKeys", std::move(keys));
        return OkStatus();
      });

  Declare(sts, "sts", "GetCallerIdentity", GetCallerIdentity, AnyResource());
  sts["GetCallerIdentity"].authorization = Authorization::kAlwaysAllowed;
  Declare(sts, "sts", "AssumeRole", AssumeRole, role,
          {session_name, external_id, source_identity, transitive, RequestTagKeys()});
  sts["AssumeRole"].authorization = Authorization::kTrustPolicy;
  Declare(sts, "sts", "AssumeRoleWithWebIdentity", AssumeRoleWithWebIdentity, role, {session_name});
  sts["AssumeRoleWithWebIdentity"].authorization = Authorization::kTrustPolicy;
  sts["AssumeRoleWithWebIdentity"].allow_unsigned = true;
  Declare(sts, "sts", "DecodeAuthorizationMessage", DecodeAuthorizationMessage, AnyResource());
  Declare(sts, "sts", "GetAccessKeyInfo", GetAccessKeyInfo, AnyResource());
  // AWS: "You cannot use policies to control authentication operations"; which credentials may
  // call it is Authorizer::CheckCredentialScope's and the service's.
  Declare(sts, "sts", "GetSessionToken", GetSessionToken, AnyResource());
  sts["GetSessionToken"].authorization = Authorization::kAlwaysAllowed;
  Declare(sts, "sts", "GetFederationToken", GetFederationToken,
          {"federated-user", ResolveFederatedUser}, {RequestTagKeys()});
  RegisterStsSamlActions(sts);
  RegisterStsWebIdentityTokenActions(sts);  // sts_web_identity_token_actions.cc
}

}  // namespace irsa::protocol
