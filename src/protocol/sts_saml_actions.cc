// STS AssumeRoleWithSAML over the Query protocol: unsigned, authenticated by its assertion.
#include "iam/roles.h"
#include "protocol/query_access.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"
#include "sts/sts_service.h"

namespace irsa::protocol {
namespace {

// The role the call names (RoleArn), with its tags when it exists.
Result<ResolvedResource> ResolveSamlRole(const QueryCall& call) {
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

Result<HttpResponse> AssumeRoleWithSAML(const QueryCall& call) {
  const QueryParams& p = call.params;
  std::optional<std::string_view> role_arn = p.Get("RoleArn");
  std::optional<std::string_view> principal_arn = p.Get("PrincipalArn");
  std::optional<std::string_view> assertion = p.Get("SAMLAssertion");
  std::optional<std::string_view> policy = p.Get("Policy");
  sts::SamlAssumeRequest request;
  IRSA_TRY(request.duration_seconds, p.GetInt("DurationSeconds"));
  IRSA_TRY(auto arn_structs, p.GetStructList("PolicyArns"));
  Validator v;
  v.NotNull("RoleArn", role_arn.has_value())
      .NotNull("PrincipalArn", principal_arn.has_value())
      .NotNull("SAMLAssertion", assertion.has_value());
  v.Length("RoleArn", role_arn, 20, 2048).Length("PrincipalArn", principal_arn, 20, 2048);
  v.Length("SAMLAssertion", assertion, 4, 100000, Validator::Echo::kRedact);
  v.Length("Policy", policy, 1, 2048).Pattern("Policy", policy, patterns::kSessionPolicyDocument);
  v.Range("DurationSeconds", request.duration_seconds, 900, 43200);
  for (const auto& s : arn_structs) {
    auto arn = s.find("arn");
    v.NotNull("PolicyArns.member.arn", arn != s.end());
    if (arn != s.end()) {
      v.Length("PolicyArns.member.arn", std::string_view(arn->second), 20, 2048);
      request.session_policies.policy_arns.push_back(arn->second);
    }
  }
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  if (policy) request.session_policies.policy = std::string(*policy);
  request.request_id = call.http.request_id;
  request.role_arn = std::string(*role_arn);
  request.principal_arn = std::string(*principal_arn);
  request.saml_assertion = std::string(*assertion);
  request.source_ip = call.http.remote_address;
  request.secure_transport = call.http.secure;
  IRSA_TRY(sts::IssuedCredentials c, call.services.sts->AssumeRoleWithSAML(request));
  XmlWriter w = call.Writer();
  w.Open("Credentials")
      .Element("AccessKeyId", c.access_key_id)
      .Element("SecretAccessKey", c.secret_access_key)
      .Element("SessionToken", c.session_token)
      .Timestamp("Expiration", c.expiration)
      .Close();
  w.Open("AssumedRoleUser")
      .Element("AssumedRoleId", c.assumed_role_id)
      .Element("Arn", c.assumed_role_arn)
      .Close();
  if (c.packed_policy_size) w.Element("PackedPolicySize", *c.packed_policy_size);
  w.Element("Subject", c.subject)
      .Element("SubjectType", c.subject_type)
      .Element("Issuer", c.issuer)
      .Element("Audience", c.audience)
      .Element("NameQualifier", c.name_qualifier);
  if (!c.source_identity.empty()) w.Element("SourceIdentity", c.source_identity);
  return w.Finish(call.http.request_id);
}

}  // namespace

void RegisterStsSamlActions(QueryActionTable& sts) {
  Declare(sts, "sts", "AssumeRoleWithSAML", AssumeRoleWithSAML,
          {"role", ResolveSamlRole, true, true});
  sts["AssumeRoleWithSAML"].authorization = Authorization::kTrustPolicy;
  sts["AssumeRoleWithSAML"].allow_unsigned = true;
}

}  // namespace irsa::protocol
