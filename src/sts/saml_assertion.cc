#include "sts/saml_assertion.h"

#include <cctype>
#include <chrono>

#include "base/encoding.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "crypto/hash.h"
#include "iam/tags.h"
#include "iam/validation.h"

namespace irsa::sts {
namespace {

Error Invalid(std::string why) { return errors::InvalidIdentityToken(std::move(why)); }

bool IsSignInUrl(std::string_view url) {
  if (url == "https://signin.aws.amazon.com/saml") return true;
  // Regional sign-in endpoints: https://<region>.signin.aws.amazon.com/saml
  constexpr std::string_view kSuffix = ".signin.aws.amazon.com/saml";
  if (!url.starts_with("https://") || !url.ends_with(kSuffix)) return false;
  std::string_view region = url.substr(8, url.size() - 8 - kSuffix.size());
  if (region.empty()) return false;
  for (char c : region) {
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

bool IsNameChars(std::string_view text) {
  for (unsigned char c : text) {
    if (!std::isalnum(c) &&
        std::string_view("_+=,.@-").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

const saml::SamlAttribute* FindAttribute(const saml::VerifiedResponse& r, std::string_view name) {
  for (const auto& a : r.attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// AWS's SAML condition keys derived from attributes with these OIDs (IAM User Guide, "Available
// keys for SAML-based federation").
struct OidKey {
  std::string_view oid;
  std::string_view key;
};
constexpr OidKey kOidKeys[] = {
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.1", "saml:edupersonaffiliation"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.2", "saml:edupersonnickname"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.3", "saml:edupersonorgdn"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.4", "saml:edupersonorgunitdn"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.5", "saml:edupersonprimaryaffiliation"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "saml:edupersonprincipalname"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "saml:edupersonentitlement"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.8", "saml:edupersonprimaryorgunitdn"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "saml:edupersonscopedaffiliation"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.10", "saml:edupersontargetedid"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.11", "saml:edupersonassurance"},
    {"urn:oid:1.3.6.1.4.1.5923.1.2.1.2", "saml:eduorghomepageuri"},
    {"urn:oid:1.3.6.1.4.1.5923.1.2.1.3", "saml:eduorgidentityauthnpolicyuri"},
    {"urn:oid:1.3.6.1.4.1.5923.1.2.1.4", "saml:eduorglegalname"},
    {"urn:oid:1.3.6.1.4.1.5923.1.2.1.5", "saml:eduorgsuperioruri"},
    {"urn:oid:1.3.6.1.4.1.5923.1.2.1.6", "saml:eduorgwhitepagesuri"},
    {"urn:oid:2.5.4.3", "saml:cn"},
    {"urn:oid:2.5.4.3", "saml:commonname"},
    {"urn:oid:2.5.4.4", "saml:surname"},
    {"urn:oid:2.5.4.42", "saml:givenname"},
    {"urn:oid:2.5.4.45", "saml:x500uniqueidentifier"},
    {"urn:oid:0.9.2342.19200300.100.1.1", "saml:uid"},
    {"urn:oid:0.9.2342.19200300.100.1.3", "saml:mail"},
    {"urn:oid:2.16.840.1.113730.3.1.241", "saml:displayname"},
    {"urn:oid:1.3.6.1.4.1.5923.1.1.1.13", "saml:edupersonuniqueid"},
};

}  // namespace

Status CheckSamlResponse(const saml::VerifiedResponse& r, const std::string& entity_id,
                         SystemTime now, int64_t skew_seconds) {
  if (r.issuer != entity_id) {
    return Invalid("The assertion's Issuer \"" + r.issuer +
                   "\" is not the entity ID of the SAML provider (\"" + entity_id + "\")");
  }
  if (!r.response_issuer.empty() && r.response_issuer != entity_id) {
    return Invalid("The response's Issuer \"" + r.response_issuer +
                   "\" is not the entity ID of the SAML provider (\"" + entity_id + "\")");
  }
  bool audience_ok = false;
  for (const auto& a : r.audiences) audience_ok |= IsSignInUrl(a) || a == "urn:amazon:webservices";
  if (!audience_ok) {
    return Invalid(
        "The assertion's audience must be https://signin.aws.amazon.com/saml or "
        "urn:amazon:webservices" +
        std::string(r.audiences.empty() ? " (it has no AudienceRestriction)"
                                        : " (it is \"" + r.audiences.front() + "\")"));
  }
  if (!IsSignInUrl(r.recipient)) {
    return Invalid(
        "The bearer SubjectConfirmationData Recipient must be "
        "https://signin.aws.amazon.com/saml (it is \"" +
        r.recipient + "\")");
  }
  if (!r.destination.empty() && !IsSignInUrl(r.destination)) {
    return Invalid(
        "The response's Destination must be https://signin.aws.amazon.com/saml (it is "
        "\"" +
        r.destination + "\")");
  }
  const auto skew = std::chrono::seconds(skew_seconds);
  if (!r.confirmation_not_on_or_after) {
    return Invalid("The bearer SubjectConfirmationData has no NotOnOrAfter");
  }
  if (now >= *r.confirmation_not_on_or_after + skew) {
    return errors::ExpiredTokenException(
        "Token is expired: the assertion's SubjectConfirmationData NotOnOrAfter (" +
        FormatIso8601(*r.confirmation_not_on_or_after) + ") has passed");
  }
  if (r.not_on_or_after && now >= *r.not_on_or_after + skew) {
    return errors::ExpiredTokenException(
        "Token is expired: the assertion's Conditions "
        "NotOnOrAfter (" +
        FormatIso8601(*r.not_on_or_after) + ") has passed");
  }
  if (r.not_before && now + skew < *r.not_before) {
    return errors::ExpiredTokenException(
        "The assertion is not yet valid: Conditions NotBefore "
        "is " +
        FormatIso8601(*r.not_before));
  }
  return OkStatus();
}

Result<SamlClaims> ReadSamlClaims(const saml::VerifiedResponse& r) {
  SamlClaims out;
  const saml::SamlAttribute* roles = FindAttribute(r, kSamlRoleAttribute);
  if (roles == nullptr || roles->values.empty()) {
    return Invalid("The assertion has no " + std::string(kSamlRoleAttribute) + " attribute");
  }
  for (const std::string& value : roles->values) {
    size_t comma = value.find(',');
    if (comma == std::string::npos || value.find(',', comma + 1) != std::string::npos) {
      return Invalid("A Role attribute value must be \"role-arn,provider-arn\", got \"" + value +
                     "\"");
    }
    std::string a(TrimWhitespace(std::string_view(value).substr(0, comma)));
    std::string b(TrimWhitespace(std::string_view(value).substr(comma + 1)));
    if (a.find(":saml-provider/") != std::string::npos) std::swap(a, b);
    if (a.find(":role/") == std::string::npos || b.find(":saml-provider/") == std::string::npos) {
      return Invalid(
          "A Role attribute value must pair a role ARN with a saml-provider ARN, got \"" + value +
          "\"");
    }
    out.roles.emplace_back(std::move(a), std::move(b));
  }
  const saml::SamlAttribute* name = FindAttribute(r, kSamlSessionNameAttribute);
  if (name == nullptr || name->values.size() != 1) {
    return Invalid("RoleSessionName is required in AuthnResponse (one " +
                   std::string(kSamlSessionNameAttribute) + " attribute value)");
  }
  out.session_name = name->values.front();
  if (out.session_name.size() < 2 || out.session_name.size() > 64 ||
      !IsNameChars(out.session_name)) {
    return Invalid("The RoleSessionName attribute must be 2-64 characters of [\\w+=,.@-], got \"" +
                   out.session_name + "\"");
  }
  if (const saml::SamlAttribute* d = FindAttribute(r, kSamlSessionDurationAttribute)) {
    const std::string value = d->values.size() == 1 ? d->values.front() : "";
    int64_t seconds = 0;
    bool digits = !value.empty() && value.size() <= 6;
    for (char c : value) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (digits) seconds = std::stoll(value);
    if (!digits || seconds < 900 || seconds > 43200) {
      return Invalid("The SessionDuration attribute must be one integer from 900 to 43200, got \"" +
                     value + "\"");
    }
    out.session_duration = seconds;
  }
  if (const saml::SamlAttribute* s = FindAttribute(r, kSamlSourceIdentityAttribute)) {
    const std::string value = s->values.size() == 1 ? s->values.front() : "";
    if (value.size() < 2 || value.size() > 64 || !IsNameChars(value) ||
        AsciiLower(value).starts_with("aws:")) {
      return Invalid(
          "The SourceIdentity attribute must be 2-64 characters of [\\w+=,.@-], not "
          "starting with aws:");
    }
    out.source_identity = value;
  }
  constexpr std::string_view kTagPrefix = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:";
  for (const auto& a : r.attributes) {
    if (!a.name.starts_with(kTagPrefix)) continue;
    const std::string key = a.name.substr(kTagPrefix.size());
    const std::string value = a.values.size() == 1 ? a.values.front() : "";
    const size_t key_length = iam::Utf8Length(key);
    if (a.values.size() != 1 || key_length < 1 || key_length > 128 || !iam::IsValidTagText(key) ||
        key.starts_with("aws:") || iam::Utf8Length(value) > 256 || !iam::IsValidTagText(value)) {
      return Invalid("Invalid session tag attribute " + a.name +
                     " (one value; key 1-128 and value at most 256 letters, digits, spaces or "
                     "_.:/=+-@)");
    }
    for (const auto& seen : out.tags) {
      if (EqualsIgnoreCase(seen.key, key)) return Invalid("Duplicate session tag " + key);
    }
    out.tags.push_back({key, value});
  }
  if (out.tags.size() > 50) return Invalid("More than 50 session tags in the assertion");
  if (const saml::SamlAttribute* t =
          FindAttribute(r, "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys")) {
    for (const std::string& key : t->values) {
      bool known = false;
      for (const auto& tag : out.tags) known |= EqualsIgnoreCase(tag.key, key);
      if (!known) return Invalid("Transitive tag key " + key + " is not a PrincipalTag");
      out.transitive_tag_keys.push_back(key);
    }
  }
  return out;
}

std::string SamlSubjectType(const std::string& format) {
  constexpr std::string_view k20 = "urn:oasis:names:tc:SAML:2.0:nameid-format:";
  if (format.starts_with(k20)) return format.substr(k20.size());
  return format;
}

std::string SamlNameQualifier(const std::string& issuer, const std::string& account,
                              const std::string& provider_name) {
  return Base64Encode(crypto::Sha1(issuer + account + "/" + provider_name));
}

std::vector<SamlConditionKey> SamlConditionKeys(const saml::VerifiedResponse& r,
                                                const std::string& account,
                                                const std::string& provider_name) {
  std::vector<SamlConditionKey> out = {
      {"saml:aud", {r.recipient}},
      {"saml:iss", {r.issuer}},
      {"saml:sub", {r.subject}},
      {"saml:sub_type", {SamlSubjectType(r.subject_format)}},
      {"saml:namequalifier", {SamlNameQualifier(r.issuer, account, provider_name)}},
      {"saml:doc", {account + "/" + provider_name}},
  };
  for (const OidKey& mapping : kOidKeys) {
    const saml::SamlAttribute* a = FindAttribute(r, mapping.oid);
    if (a != nullptr && !a->values.empty()) {
      out.push_back({std::string(mapping.key), a->values, true});
    }
  }
  return out;
}

}  // namespace irsa::sts
