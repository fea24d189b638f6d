// Verification of a SAML 2.0 Response (the decoded SAMLResponse of AssumeRoleWithSAML) with
// XML-DSig (libxmlsec1, OpenSSL engine) against an identity provider's metadata certificates.
//
// What VerifySamlResponse guarantees when it succeeds:
//  - the document is a samlp:Response (no DTD, UTF-8, at most kMaxResponseBytes) holding
//    exactly one saml:Assertion as a direct child (EncryptedAssertion is refused: not
//    supported), with status Success;
//  - every ds:Signature that is a direct child of the Response or of that Assertion verifies
//    with one of `certificates` (DER X.509; KeyInfo in the document is ignored, so no key the
//    document carries is trusted), and at least one is present;
//  - each such signature has exactly one Reference, whose URI is "#<ID>" of the element it is a
//    child of (the Response or the Assertion), resolved by an ID registered for exactly that
//    element (every ID in the document is unique); only the enveloped-signature and
//    (exclusive) canonicalization transforms are allowed, and no URI outside the document is
//    dereferenced. The values returned are read from that same element, so a signed assertion
//    moved elsewhere beside an unsigned one (signature wrapping) is refused;
//  - the values read (issuer, NameID, audiences, attribute values) contain only text: a comment
//    inside a signed value is refused, not read around.
// Semantic checks (issuer, audience, recipient, times, attributes) are the caller's.
//
// Errors: InvalidIdentityToken with the reason. Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

namespace irsa::saml {

inline constexpr size_t kMaxResponseBytes = 100000;

struct SamlAttribute {
  std::string name;
  std::vector<std::string> values;
};

struct VerifiedResponse {
  bool response_signed = false;
  bool assertion_signed = false;
  std::string destination;      // Response@Destination ("" if absent)
  std::string response_issuer;  // Response/Issuer ("" if absent)
  std::string issuer;           // Assertion/Issuer
  std::string subject;          // Assertion/Subject/NameID
  std::string subject_format;   // NameID@Format ("" if absent)
  // The bearer SubjectConfirmationData (the first bearer confirmation).
  std::string recipient;
  std::optional<SystemTime> confirmation_not_on_or_after;
  std::optional<SystemTime> not_before;       // Conditions@NotBefore
  std::optional<SystemTime> not_on_or_after;  // Conditions@NotOnOrAfter
  std::vector<std::string> audiences;         // every AudienceRestriction/Audience
  std::vector<SamlAttribute> attributes;      // AttributeStatement/Attribute, in order
  // The first AuthnStatement's SessionNotOnOrAfter: when the IdP wants the session to end.
  std::optional<SystemTime> session_not_on_or_after;
};

Result<VerifiedResponse> VerifySamlResponse(std::string_view xml,
                                            const std::vector<std::string>& certificates);

}  // namespace irsa::saml
