// What AssumeRoleWithSAML reads from a verified SAML response (saml::VerifySamlResponse): the
// semantic checks (issuer, audience, recipient, destination, validity times), the AWS attributes
// (Role pairs, RoleSessionName, SessionDuration, SourceIdentity, PrincipalTag:*,
// TransitiveTagKeys) and the saml:* condition keys of the trust-policy decision.
// Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "authz/caller.h"
#include "base/clock.h"
#include "base/result.h"
#include "saml/response.h"

namespace irsa::sts {

inline constexpr std::string_view kSamlRoleAttribute =
    "https://aws.amazon.com/SAML/Attributes/Role";
inline constexpr std::string_view kSamlSessionNameAttribute =
    "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
inline constexpr std::string_view kSamlSessionDurationAttribute =
    "https://aws.amazon.com/SAML/Attributes/SessionDuration";
inline constexpr std::string_view kSamlSourceIdentityAttribute =
    "https://aws.amazon.com/SAML/Attributes/SourceIdentity";

// Checks what the verified response says against the provider and the clock:
//  - the Assertion's Issuer (and the Response's, if any) is the provider's entity id;
//  - an Audience is https://signin.aws.amazon.com/saml, https://<region>.signin.aws.amazon.com/saml
//    or urn:amazon:webservices;
//  - the bearer Recipient (required) and the Response's Destination (if any) are a sign-in URL;
//  - SubjectConfirmationData NotOnOrAfter (required) and Conditions NotBefore/NotOnOrAfter hold
//    at `now` give or take `skew_seconds`.
// InvalidIdentityToken, or ExpiredTokenException for a response no longer (or not yet) valid.
Status CheckSamlResponse(const saml::VerifiedResponse& response, const std::string& entity_id,
                         SystemTime now, int64_t skew_seconds);

struct SamlClaims {
  std::vector<std::pair<std::string, std::string>> roles;  // (role ARN, provider ARN)
  std::string session_name;
  std::optional<int64_t> session_duration;
  std::optional<std::string> source_identity;
  std::vector<authz::SessionTag> tags;  // PrincipalTag:<Key>
  std::vector<std::string> transitive_tag_keys;
};

// The AWS attributes: Role values are "role-arn,provider-arn" in either order; RoleSessionName
// is required (2-64 of [\w+=,.@-]); SessionDuration 900-43200; SourceIdentity 2-64 of
// [\w+=,.@-]. InvalidIdentityToken naming the attribute otherwise.
Result<SamlClaims> ReadSamlClaims(const saml::VerifiedResponse& response);

// SubjectType: the NameID Format without "urn:oasis:names:tc:SAML:2.0:nameid-format:"; any
// other format as sent (AWS).
std::string SamlSubjectType(const std::string& name_id_format);
// base64(SHA1(issuer + account + "/" + provider name)).
std::string SamlNameQualifier(const std::string& issuer, const std::string& account,
                              const std::string& provider_name);

struct SamlConditionKey {
  std::string key;
  std::vector<std::string> values;
  bool multi_valued = false;
};

// The saml:* condition keys: aud (Recipient), iss, sub, sub_type, namequalifier, doc
// ("<account>/<provider name>"), single-valued; and the eduPerson / X.500 attributes AWS maps
// from their OIDs (saml:edupersonaffiliation, saml:mail, saml:uid, saml:cn, …), multi-valued.
std::vector<SamlConditionKey> SamlConditionKeys(const saml::VerifiedResponse& response,
                                                const std::string& account,
                                                const std::string& provider_name);

}  // namespace irsa::sts
