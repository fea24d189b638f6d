// AssumeRoleWithSAML: the assertion verified (saml/response.h), checked (sts/saml_assertion.h),
// the trust policy decided with the saml:* keys, the session minted like the other assumptions.
#include <algorithm>
#include <chrono>

#include "base/arn.h"
#include "base/encoding.h"
#include "iam/saml_providers.h"
#include "saml/response.h"
#include "sts/saml_assertion.h"
#include "sts/sts_service.h"

namespace irsa::sts {
namespace {

constexpr std::string_view kAction = "sts:AssumeRoleWithSAML";

// The SAMLAssertion parameter: base64, possibly wrapped over lines as IdPs post it.
std::optional<std::string> DecodeAssertion(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n' && c != ' ' && c != '\t') compact.push_back(c);
  }
  return Base64Decode(compact);
}

}  // namespace

Result<IssuedCredentials> StsService::AssumeRoleWithSAML(const SamlAssumeRequest& request) {
  audit::AuditEvent event;
  event.request_id = request.request_id;
  event.event = "AssumeRoleWithSAML";
  event.role = request.role_arn;
  event.provider = request.principal_arn;
  event.source_ip = request.source_ip;
  return Audited(event, Saml(request, event));
}

Result<IssuedCredentials> StsService::Saml(const SamlAssumeRequest& request,
                                           audit::AuditEvent& event) {
  const SystemTime now = iam_.clock.Now();
  IRSA_TRY(auto role_ref, ParseRoleArn(request.role_arn));
  const std::string& account = role_ref.first;

  // The provider: an IAM SAML provider of the role's account.
  std::optional<Arn> principal = Arn::Parse(request.principal_arn);
  if (!principal || principal->service != "iam" ||
      !principal->resource.starts_with("saml-provider/")) {
    return errors::InvalidParameterValue("PrincipalArn " + request.principal_arn +
                                         " is not the ARN of an IAM SAML provider");
  }
  Result<iam::SamlProviderRecord> provider =
      principal->account == account
          ? iam::GetSAMLProvider(iam_, account, request.principal_arn)
          : Result<iam::SamlProviderRecord>(errors::NoSuchEntity("other account"));
  if (!provider.ok()) {
    if (provider.error().code() != "NoSuchEntity") return provider.error();
    return errors::InvalidIdentityToken("Specified provider doesn't exist (" +
                                        request.principal_arn +
                                        " is not a SAML provider of account " + account + ")");
  }
  if (provider->valid_until && now >= *provider->valid_until) {
    return errors::InvalidIdentityToken("The metadata of SAML provider " + provider->arn +
                                        " is no longer valid (validUntil has passed)");
  }

  std::optional<std::string> xml = DecodeAssertion(request.saml_assertion);
  if (!xml) return errors::InvalidIdentityToken("The SAMLAssertion is not base64");
  IRSA_TRY(saml::VerifiedResponse response, saml::VerifySamlResponse(*xml, provider->certificates));
  event.subject = response.subject;
  event.audience = response.recipient;
  IRSA_RETURN_IF_ERROR(
      CheckSamlResponse(response, provider->entity_id, now, options_.clock_skew_seconds));
  IRSA_TRY(SamlClaims claims, ReadSamlClaims(response));
  event.session = claims.session_name;

  IRSA_TRY(auto loaded, LoadRole(request.role_arn, role_ref));
  const std::shared_ptr<const CachedRole> role = loaded.value_or(nullptr);
  bool paired = false;
  for (const auto& [role_arn, provider_arn] : claims.roles) {
    paired |= role_arn == request.role_arn && provider_arn == request.principal_arn;
  }
  if (!role || !paired) {
    authz::Denial denial;
    denial.action = kAction;
    denial.resource = request.role_arn;
    denial.explanation = !role ? "the role does not exist"
                               : "the assertion's https://aws.amazon.com/SAML/Attributes/Role "
                                 "attribute does not pair this role with this provider";
    return Denied(event, denial);
  }

  const std::string provider_name =
      principal->resource.substr(std::string("saml-provider/").size());
  policy::RequestBuilder builder;
  builder.CurrentTime(now)
      .SecureTransport(request.secure_transport)
      .FederatedProvider(provider->arn)
      .RoleSessionName(claims.session_name);
  if (!request.source_ip.empty()) builder.SourceIp(request.source_ip);
  for (SamlConditionKey& key : SamlConditionKeys(response, account, provider_name)) {
    if (key.multi_valued) {
      builder.SetMulti(key.key, std::move(key.values));
    } else {
      builder.Set(key.key, std::move(key.values.front()));
    }
  }
  for (const auto& tag : claims.tags) builder.RequestTag(tag.key, tag.value);
  if (!claims.transitive_tag_keys.empty()) {
    builder.SetMulti("sts:TransitiveTagKeys", claims.transitive_tag_keys);
  }
  if (claims.source_identity) builder.Set("sts:SourceIdentity", *claims.source_identity);
  policy::Request trust_request = builder.Build();
  trust_request.resource = role->role.arn;
  trust_request.principal = policy::RequestPrincipal::WebIdentity(provider->arn);
  std::vector<std::string_view> actions = {kAction};
  if (!claims.tags.empty()) actions.push_back("sts:TagSession");
  if (claims.source_identity) actions.push_back("sts:SetSourceIdentity");
  for (std::string_view action : actions) {
    trust_request.action = std::string(action);
    const policy::DecisionResult decision =
        policy::DecideWebIdentityTrust(*role->trust, trust_request);
    if (!decision.allowed()) {
      policy::DecisionTrace trace;
      policy::DecideWebIdentityTrust(*role->trust, trust_request, &trace);
      const std::string why = policy::ExplainDecision(trace);
      authz::Denial denial;
      denial.action = action;
      denial.resource = role->role.arn;
      denial.explanation = why.empty() ? std::string_view(decision.reason) : why;
      denial.trace = &trace;
      denial.request = &trust_request;
      return Denied(event, denial);
    }
  }

  // DurationSeconds, else the assertion's SessionDuration, else an hour; both within the role's
  // MaxSessionDuration.
  const int64_t duration =
      request.duration_seconds.value_or(claims.session_duration.value_or(3600));
  IRSA_TRY(std::optional<int64_t> packed,
           CheckSessionLimits(*role, account, duration, request.session_policies, claims.tags));

  const int64_t issued =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  SessionRecord record;
  record.account = account;
  record.session_name = claims.session_name;
  record.issued_at = issued;
  // The IdP's AuthnStatement SessionNotOnOrAfter ends the session earlier (AWS: "whichever is
  // shorter").
  record.expires_at = issued + duration;
  if (response.session_not_on_or_after) {
    const int64_t session_end = std::chrono::duration_cast<std::chrono::seconds>(
                                    response.session_not_on_or_after->time_since_epoch())
                                    .count();
    if (session_end <= issued) {
      return errors::ExpiredTokenException(
          "Token is expired: the assertion's AuthnStatement SessionNotOnOrAfter has passed");
    }
    record.expires_at = std::min(record.expires_at, session_end);
  }
  record.session_policy = request.session_policies.policy.value_or("");
  record.session_policy_arns = request.session_policies.policy_arns;
  record.federated_provider = provider->arn;
  record.subject = response.subject;
  record.audience = response.recipient;
  record.tags = std::move(claims.tags);
  record.transitive_tag_keys = std::move(claims.transitive_tag_keys);
  record.source_identity = claims.source_identity.value_or("");
  IRSA_TRY(IssuedCredentials out, Mint(*role, std::move(record)));
  out.packed_policy_size = packed;
  out.subject_type = SamlSubjectType(response.subject_format);
  out.issuer = response.issuer;
  out.name_qualifier = SamlNameQualifier(response.issuer, account, provider_name);
  event.principal = out.assumed_role_arn;
  return out;
}

}  // namespace irsa::sts
