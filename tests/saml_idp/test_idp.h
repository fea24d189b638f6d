// A test SAML identity provider: RSA keys with self-signed certificates, IdP metadata, SAML
// Responses (unsigned, as text), and XML-DSig signatures (libxmlsec1) over the Response or the
// Assertion. Used by the unit tests (tests/unit/saml, tests/unit/sts) and, through the
// `saml_test_idp` command (saml_idp_main.cc), by the end-to-end tests. Test code only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace irsa::saml_test {

struct IdpKey {
  std::string key_pem;   // PKCS#8 private key
  std::string cert_pem;  // self-signed certificate
  std::string cert_b64;  // base64 DER, as metadata carries it
  std::string cert_der;
};

// A fresh RSA-2048 key with a self-signed certificate for `common_name` (valid a year).
IdpKey GenerateIdpKey(const std::string& common_name);

// md:EntityDescriptor with an IDPSSODescriptor whose signing KeyDescriptor holds `cert_b64`.
std::string MetadataXml(const std::string& entity_id, const std::string& cert_b64);

struct AssertionSpec {
  std::string response_id = "_resp1";
  std::string assertion_id = "_assert1";
  std::string issuer = "https://idp.example.com/saml";
  std::string destination = "https://signin.aws.amazon.com/saml";
  std::string subject = "alice@example.com";
  std::string subject_format = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
  std::string audience = "https://signin.aws.amazon.com/saml";
  std::string recipient = "https://signin.aws.amazon.com/saml";
  int64_t issue_instant = 0;    // unix seconds
  int64_t not_before = 0;       // Conditions NotBefore
  int64_t not_on_or_after = 0;  // Conditions NotOnOrAfter
  int64_t confirmation_not_on_or_after = 0;
  int64_t session_not_on_or_after = 0;  // AuthnStatement SessionNotOnOrAfter; 0: none
  std::vector<std::string> roles;       // "role-arn,provider-arn" values
  std::optional<std::string> session_name = "alice";
  std::optional<std::string> session_duration;
  std::vector<std::pair<std::string, std::vector<std::string>>> extra_attributes;
};

// The Response text (unsigned) with one Assertion; times relative to `now` when the spec's are 0
// (issue = now, NotBefore = now - 60, NotOnOrAfter = now + 300).
std::string ResponseXml(AssertionSpec spec, int64_t now);

// `xml` with an enveloped RSA-SHA256 signature over the element whose ID is `id`, inserted after
// that element's Issuer (or first).
Result<std::string> SignElement(const std::string& xml, const std::string& id, const IdpKey& key);

}  // namespace irsa::saml_test
