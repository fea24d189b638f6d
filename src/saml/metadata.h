// SAML 2.0 identity-provider metadata (the SAMLMetadataDocument of IAM CreateSAMLProvider).
//
// Accepted: a root md:EntityDescriptor with an entityID and an md:IDPSSODescriptor holding at
// least one md:KeyDescriptor (use="signing" or no use) with a ds:X509Certificate that OpenSSL
// parses. The metadata's own signature, if any, is not checked (AWS does not either: the
// document is uploaded by an authorized IAM caller). Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

namespace irsa::saml {

struct IdpMetadata {
  std::string entity_id;
  std::vector<std::string> signing_certificates;  // DER
  std::optional<SystemTime> valid_until;          // EntityDescriptor@validUntil
};

// InvalidInput "Could not parse metadata: <why>" for anything else.
Result<IdpMetadata> ParseIdpMetadata(std::string_view xml);

}  // namespace irsa::saml
