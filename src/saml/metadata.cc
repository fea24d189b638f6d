#include "saml/metadata.h"

#include <openssl/x509.h>

#include "base/encoding.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "saml/xml_doc.h"

namespace irsa::saml {
namespace {

constexpr size_t kMaxMetadataBytes = 10000000;

Error Invalid(std::string why) { return errors::InvalidInput("Could not parse metadata: " + why); }

// Base64 with line breaks and spaces (as metadata documents wrap certificates).
std::optional<std::string> DecodeWrappedBase64(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') compact.push_back(c);
  }
  return Base64Decode(compact);
}

bool ParsesAsCertificate(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (cert == nullptr) return false;
  const bool whole = p == reinterpret_cast<const unsigned char*>(der.data()) + der.size();
  X509_free(cert);
  return whole;
}

}  // namespace

Result<IdpMetadata> ParseIdpMetadata(std::string_view xml) {
  Result<XmlDoc> parsed = ParseUntrustedXml(xml, kMaxMetadataBytes);
  if (!parsed.ok()) return Invalid(parsed.error().message());
  xmlNode* root = xmlDocGetRootElement(parsed->get());
  if (!IsElement(root, kSamlMetadataNs, "EntityDescriptor")) {
    return Invalid("the root element must be an md:EntityDescriptor (" +
                   std::string(kSamlMetadataNs) + ")");
  }
  IdpMetadata out;
  out.entity_id = Attribute(root, "entityID");
  if (out.entity_id.empty() || out.entity_id.size() > 1024) {
    return Invalid("the EntityDescriptor needs an entityID of 1-1024 characters");
  }
  if (HasAttribute(root, "validUntil")) {
    std::optional<SystemTime> until = ParseIso8601(Attribute(root, "validUntil"));
    if (!until) return Invalid("validUntil is not an xs:dateTime");
    out.valid_until = until;
  }
  std::vector<xmlNode*> idps = ChildElements(root, kSamlMetadataNs, "IDPSSODescriptor");
  if (idps.empty()) return Invalid("the EntityDescriptor has no IDPSSODescriptor");
  for (xmlNode* idp : idps) {
    for (xmlNode* kd : ChildElements(idp, kSamlMetadataNs, "KeyDescriptor")) {
      const std::string use = Attribute(kd, "use");
      if (!use.empty() && use != "signing") continue;
      for (xmlNode* ki : ChildElements(kd, kXmlDsigNs, "KeyInfo")) {
        for (xmlNode* x509 : ChildElements(ki, kXmlDsigNs, "X509Data")) {
          for (xmlNode* c : ChildElements(x509, kXmlDsigNs, "X509Certificate")) {
            Result<std::string> text = TextOf(c, "X509Certificate");
            if (!text.ok()) return Invalid(text.error().message());
            std::optional<std::string> der = DecodeWrappedBase64(*text);
            if (!der || !ParsesAsCertificate(*der)) {
              return Invalid("an X509Certificate is not a base64 DER certificate");
            }
            out.signing_certificates.push_back(std::move(*der));
          }
        }
      }
    }
  }
  if (out.signing_certificates.empty()) {
    return Invalid("the IDPSSODescriptor has no signing X509Certificate");
  }
  return out;
}

}  // namespace irsa::saml
