// AssumeRoleWithWebIdentity: token validation (wire spec §2.7) and trust evaluation (§2.8).
#include "base/strings.h"
#include "jwt/claims.h"
#include "jwt/jws.h"
#include "policy/decision.h"
#include "policy/trace.h"
#include "sts/sts_service.h"

namespace irsa::sts {
namespace {

constexpr std::string_view kAction = "sts:AssumeRoleWithWebIdentity";

std::string JoinQuoted(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += "\"" + values[i] + "\"";
  }
  return out + "]";
}

std::string_view VerifyFailureText(jwt::VerifyFailure failure) {
  switch (failure) {
    case jwt::VerifyFailure::kUnknownKid:
      return "the token's kid is not in the issuer's JWKS";
    case jwt::VerifyFailure::kBadSignature:
      return "the signature does not verify";
    case jwt::VerifyFailure::kKeyMismatch:
      return "the key named by kid does not fit the token's alg";
    case jwt::VerifyFailure::kUnsupportedAlg:
      return "unsupported alg";
    default:
      return "malformed token";
  }
}

}  // namespace

Result<IssuedCredentials> StsService::AssumeRoleWithWebIdentity(const WebIdentityRequest& request) {
  audit::AuditEvent event;
  event.request_id = request.request_id;
  event.event = "AssumeRoleWithWebIdentity";
  event.role = request.role_arn;
  event.session = request.role_session_name;
  event.source_ip = request.source_ip;
  Result<IssuedCredentials> result = WebIdentity(request, event);
  event.allowed = result.ok();
  if (result.ok()) {
    event.access_key_id = result->access_key_id;
  } else {
    event.error = result.error().code();
    event.reason = result.error().message();
  }
  audit_.Write(event);
  return result;
}

Result<IssuedCredentials> StsService::WebIdentity(const WebIdentityRequest& request,
                                                  audit::AuditEvent& event) {
  const int64_t now = iam_.clock.NowUnixSeconds();
  IRSA_TRY(auto role_ref, ParseRoleArn(request.role_arn));
  const std::string& account = role_ref.first;

  IRSA_TRY(jwt::Jws jws, jwt::ParseJws(request.web_identity_token));
  IRSA_TRY(crypto::JwsAlg alg, jwt::CheckAlg(jws.header.alg));
  (void)alg;
  IRSA_TRY(jwt::StandardClaims claims, jwt::GetStandardClaims(jws.claims));
  IRSA_RETURN_IF_ERROR(jwt::RequireClaims(claims));
  const std::string& issuer = *claims.iss;
  event.subject = *claims.sub;
  if (!issuer.starts_with("https://") || issuer.find_first_of("?#") != std::string::npos) {
    return errors::InvalidIdentityToken(
        "The issuer (iss) of the token must be an https:// URL "
        "without query or fragment, got \"" +
        jwt::Printable(issuer) + "\"");
  }

  IRSA_TRY(std::optional<iam::OidcProviderRecord> provider, LoadProvider(account, issuer));
  if (!provider) {
    return errors::InvalidIdentityToken(
        "No OpenIDConnect provider found in your account for " + issuer + " (account " + account +
        " has no IAM OIDC provider with URL " + issuer.substr(8) + ")");
  }
  event.provider = provider->arn;
  std::string audience;
  for (const auto& aud : *claims.aud) {
    for (const auto& client_id : provider->client_ids) {
      if (aud == client_id) {
        audience = aud;
        break;
      }
    }
    if (!audience.empty()) break;
  }
  if (audience.empty()) {
    return errors::InvalidIdentityToken("Incorrect token audience: the token's aud " +
                                        JoinQuoted(*claims.aud) +
                                        " matches none of the client ids " +
                                        JoinQuoted(provider->client_ids) + " of " + provider->arn);
  }
  event.audience = audience;

  IRSA_TRY(std::shared_ptr<const jwt::KeySet> keys,
           issuer_keys_.Keys(issuer, jws.header.kid.value_or("")));
  jwt::VerifyFailure failure = jwt::VerifyFailure::kNone;
  Result<const jwt::VerificationKey*> verified = jwt::VerifyJws(jws, *keys, {}, &failure);
  if (!verified.ok()) {
    if (failure == jwt::VerifyFailure::kUnknownKid) {
      return errors::InvalidIdentityToken(
          "Couldn't retrieve verification key from your identity provider,  please reference "
          "AssumeRoleWithWebIdentity documentation for requirements (" +
          std::string(VerifyFailureText(failure)) + ": kid \"" +
          jwt::Printable(jws.header.kid.value_or("")) + "\", issuer " + issuer + ")");
    }
    return verified.error();
  }
  IRSA_RETURN_IF_ERROR(jwt::CheckTimes(claims, now, options_.clock_skew_seconds));
  if (claims.iat && *claims.exp - *claims.iat > options_.max_token_lifetime_seconds) {
    return errors::InvalidIdentityToken(
        "Token too old: its lifetime (exp - iat) is " + std::to_string(*claims.exp - *claims.iat) +
        " s, above the " + std::to_string(options_.max_token_lifetime_seconds) + " s limit");
  }
  IRSA_TRY(std::optional<jwt::KubernetesClaims> kube, jwt::GetKubernetesClaims(jws.claims));
  if (kube && kube->pod_name) {
    event.pod = *kube->pod_name;
    event.pod_uid = kube->pod_uid.value_or("");
  }

  IRSA_TRY(auto role, LoadRole(request.role_arn));
  if (!role) {
    return errors::AccessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity: role " +
                                request.role_arn + " does not exist");
  }
  policy::RequestBuilder builder;
  builder.CurrentTime(iam_.clock.Now())
      .SecureTransport(request.secure_transport)
      .FederatedProvider(provider->arn)
      .RoleSessionName(request.role_session_name)
      .WebIdentityClaim(issuer, "sub", *claims.sub)
      .WebIdentityClaim(issuer, "aud", audience);
  if (!request.source_ip.empty()) builder.SourceIp(request.source_ip);
  if (claims.azp) builder.WebIdentityClaim(issuer, "azp", *claims.azp);
  if (const auto* amr = jws.claims.if_contains("amr")) {
    std::vector<std::string> values;
    if (amr->is_string()) values.emplace_back(amr->as_string());
    if (amr->is_array()) {
      for (const auto& v : amr->as_array()) {
        if (v.is_string()) values.emplace_back(v.as_string());
      }
    }
    std::string key = issuer.substr(8) + ":amr";
    builder.SetMulti(key, std::move(values));
  }
  policy::Request trust_request = builder.Build();
  trust_request.action = std::string(kAction);
  trust_request.resource = (*role)->role.arn;
  trust_request.principal = policy::RequestPrincipal::WebIdentity(provider->arn);
  policy::DecisionResult decision = policy::DecideWebIdentityTrust(*(*role)->trust, trust_request);
  if (!decision.allowed()) {
    policy::DecisionTrace trace;
    policy::DecideWebIdentityTrust(*(*role)->trust, trust_request, &trace);
    std::string why = policy::ExplainDecision(trace);
    if (why.empty()) why = std::string(decision.reason);
    return errors::AccessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity: " + why);
  }

  const int64_t duration = request.duration_seconds.value_or(3600);
  if (duration > (*role)->role.max_session_duration) {
    return errors::ValidationError(
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  IRSA_TRY(std::optional<int64_t> packed,
           CheckSessionPolicies(account, request.session_policies, 0));

  SessionRecord record;
  record.account = account;
  record.session_name = request.role_session_name;
  record.issued_at = now;
  record.expires_at = now + duration;
  record.session_policy = request.session_policies.policy.value_or("");
  record.session_policy_arns = request.session_policies.policy_arns;
  record.federated_provider = provider->arn;
  record.subject = *claims.sub;
  record.audience = audience;
  record.pod_name = event.pod;
  record.pod_uid = event.pod_uid;
  IRSA_TRY(IssuedCredentials out, Mint(**role, std::move(record)));
  out.packed_policy_size = packed;
  event.principal = out.assumed_role_arn;
  return out;
}

}  // namespace irsa::sts
