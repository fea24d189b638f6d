// AssumeRoleWithWebIdentity: token validation (wire spec §2.7) and trust evaluation (§2.8).
#include <cctype>

#include "base/strings.h"
#include "iam/tags.h"
#include "iam/validation.h"
#include "jwt/claims.h"
#include "jwt/jws.h"
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

constexpr std::string_view kTagsClaim = "https://aws.amazon.com/tags";
constexpr std::string_view kSourceIdentityClaim = "https://aws.amazon.com/source_identity";
constexpr size_t kMaxSessionTags = 50;

Error BadTagsClaim(const std::string& why) {
  return errors::InvalidIdentityToken("Invalid session tags in the token's \"" +
                                      std::string(kTagsClaim) + "\" claim: " + why);
}

struct ClaimedSessionTags {
  std::vector<authz::SessionTag> tags;
  std::vector<std::string> transitive_keys;
};

// The session tags an IdP passes in the token (IAM User Guide, "Passing session tags using
// AssumeRoleWithWebIdentity"):
//   "https://aws.amazon.com/tags": {"principal_tags": {"Key": ["value"], ...},
//                                   "transitive_tag_keys": ["Key", ...]}
// A value may also be a plain string; an array must hold exactly one string.
Result<ClaimedSessionTags> ReadSessionTags(const boost::json::object& claims) {
  ClaimedSessionTags out;
  const boost::json::value* claim = claims.if_contains(kTagsClaim);
  if (claim == nullptr) return out;
  if (!claim->is_object()) return BadTagsClaim("it must be a JSON object");
  const boost::json::object& tags_claim = claim->as_object();
  if (const auto* principal = tags_claim.if_contains("principal_tags")) {
    if (!principal->is_object()) return BadTagsClaim("principal_tags must be a JSON object");
    if (principal->as_object().size() > kMaxSessionTags) {
      return BadTagsClaim("more than 50 principal_tags");
    }
    for (const auto& [key, value] : principal->as_object()) {
      const std::string tag_key(key);
      const boost::json::value* single = &value;
      if (value.is_array()) {
        if (value.as_array().size() != 1) {
          return BadTagsClaim("the value of tag \"" + jwt::Printable(tag_key) +
                              "\" must be one string");
        }
        single = &value.as_array()[0];
      }
      if (!single->is_string()) {
        return BadTagsClaim("the value of tag \"" + jwt::Printable(tag_key) + "\" is not a string");
      }
      const std::string tag_value(single->as_string());
      const size_t key_length = iam::Utf8Length(tag_key);
      if (key_length < 1 || key_length > 128 || !iam::IsValidTagText(tag_key) ||
          tag_key.starts_with("aws:")) {
        return BadTagsClaim("invalid tag key \"" + jwt::Printable(tag_key) +
                            "\" (1-128 letters, digits, spaces or _.:/=+-@, not aws:)");
      }
      if (iam::Utf8Length(tag_value) > 256 || !iam::IsValidTagText(tag_value)) {
        return BadTagsClaim("invalid value for tag \"" + tag_key +
                            "\" (at most 256 letters, digits, spaces or _.:/=+-@)");
      }
      for (const auto& seen : out.tags) {
        if (EqualsIgnoreCase(seen.key, tag_key)) {
          return BadTagsClaim("duplicate tag key \"" + tag_key + "\" (keys are case-insensitive)");
        }
      }
      out.tags.push_back({tag_key, tag_value});
    }
  }
  if (const auto* transitive = tags_claim.if_contains("transitive_tag_keys")) {
    if (!transitive->is_array()) return BadTagsClaim("transitive_tag_keys must be a JSON array");
    for (const auto& key : transitive->as_array()) {
      if (!key.is_string()) return BadTagsClaim("transitive_tag_keys must hold strings");
      const std::string name(key.as_string());
      bool known = false;
      for (const auto& tag : out.tags) known |= tag.key == name;
      if (!known) {
        return BadTagsClaim("transitive tag key \"" + jwt::Printable(name) +
                            "\" is not one of the principal_tags");
      }
      out.transitive_keys.push_back(name);
    }
  }
  return out;
}

// The source identity an IdP passes in the token: 2-64 characters of [\w+=,.@-], not "aws:...".
Result<std::optional<std::string>> ReadSourceIdentity(const boost::json::object& claims) {
  const boost::json::value* claim = claims.if_contains(kSourceIdentityClaim);
  if (claim == nullptr) return std::optional<std::string>();
  const std::string value = claim->is_string() ? std::string(claim->as_string()) : std::string();
  bool valid = claim->is_string() && value.size() >= 2 && value.size() <= 64 &&
               !AsciiLower(value).starts_with("aws:");
  for (unsigned char c : value) {
    valid = valid && (std::isalnum(c) || std::string_view("_+=,.@-").find(static_cast<char>(c)) !=
                                             std::string_view::npos);
  }
  if (!valid) {
    return errors::InvalidIdentityToken(
        "Invalid source identity in the token's \"" + std::string(kSourceIdentityClaim) +
        "\" claim: it must be a string of 2-64 characters [\\w+=,.@-] not starting with aws:");
  }
  return std::optional<std::string>(value);
}

}  // namespace

Result<IssuedCredentials> StsService::AssumeRoleWithWebIdentity(const WebIdentityRequest& request) {
  audit::AuditEvent event;
  event.request_id = request.request_id;
  event.event = "AssumeRoleWithWebIdentity";
  event.role = request.role_arn;
  event.session = request.role_session_name;
  event.source_ip = request.source_ip;
  return Audited(event, WebIdentity(request, event));
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

  IRSA_TRY(std::shared_ptr<const iam::OidcProviderRecord> provider, LoadProvider(account, issuer));
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
    return Revealing(
        event,
        errors::InvalidIdentityToken("Incorrect token audience: the token's aud " +
                                     JoinQuoted(*claims.aud) + " matches none of the client ids " +
                                     JoinQuoted(provider->client_ids) + " of " + provider->arn),
        "Incorrect token audience");
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
  // Without iat the lifetime is unknown; what is left of it must fit the same limit, or a token
  // minted to last years would be accepted.
  if (!claims.iat &&
      *claims.exp - now > options_.max_token_lifetime_seconds + options_.clock_skew_seconds) {
    return errors::InvalidIdentityToken(
        "Token lifetime too long: the token has no iat and expires in " +
        std::to_string(*claims.exp - now) + " s (exp - now), above the " +
        std::to_string(options_.max_token_lifetime_seconds) + " s limit (plus " +
        std::to_string(options_.clock_skew_seconds) + " s clock skew)");
  }
  IRSA_TRY(std::optional<jwt::KubernetesClaims> kube, jwt::GetKubernetesClaims(jws.claims));
  if (kube && kube->pod_name) {
    event.pod = *kube->pod_name;
    event.pod_uid = kube->pod_uid.value_or("");
  }

  IRSA_TRY(ClaimedSessionTags session_tags, ReadSessionTags(jws.claims));
  IRSA_TRY(std::optional<std::string> source_identity, ReadSourceIdentity(jws.claims));

  IRSA_TRY(auto role, LoadRole(request.role_arn, role_ref));
  if (!role) {
    authz::Denial denial;
    denial.action = kAction;
    denial.resource = request.role_arn;
    denial.explanation = "the role does not exist";
    return Denied(event, denial);
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
  for (const auto& tag : session_tags.tags) builder.RequestTag(tag.key, tag.value);
  if (!session_tags.transitive_keys.empty()) {
    builder.SetMulti("sts:TransitiveTagKeys", session_tags.transitive_keys);
  }
  if (source_identity) builder.Set("sts:SourceIdentity", *source_identity);
  policy::Request trust_request = builder.Build();
  trust_request.resource = (*role)->role.arn;
  trust_request.principal = policy::RequestPrincipal::WebIdentity(provider->arn);
  // Every action the token implies must be allowed by the trust policy: the assumption itself,
  // tagging the session when the token carries tags, setting its source identity.
  std::vector<std::string_view> actions = {kAction};
  if (!session_tags.tags.empty()) actions.push_back("sts:TagSession");
  if (source_identity) actions.push_back("sts:SetSourceIdentity");
  for (std::string_view action : actions) {
    trust_request.action = std::string(action);
    const policy::DecisionResult decision =
        policy::DecideWebIdentityTrust(*(*role)->trust, trust_request);
    if (!decision.allowed()) {
      policy::DecisionTrace trace;
      policy::DecideWebIdentityTrust(*(*role)->trust, trust_request, &trace);
      const std::string why = policy::ExplainDecision(trace);
      authz::Denial denial;
      denial.action = action;
      denial.resource = (*role)->role.arn;
      denial.explanation = why.empty() ? std::string_view(decision.reason) : why;
      denial.trace = &trace;
      denial.request = &trust_request;
      return Denied(event, denial);
    }
  }

  const int64_t duration = request.duration_seconds.value_or(3600);
  IRSA_TRY(
      std::optional<int64_t> packed,
      CheckSessionLimits(**role, account, duration, request.session_policies, session_tags.tags));

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
  record.tags = std::move(session_tags.tags);
  record.transitive_tag_keys = std::move(session_tags.transitive_keys);
  record.source_identity = source_identity.value_or("");
  IRSA_TRY(IssuedCredentials out, Mint(**role, std::move(record)));
  out.packed_policy_size = packed;
  event.principal = out.assumed_role_arn;
  return out;
}

}  // namespace irsa::sts
