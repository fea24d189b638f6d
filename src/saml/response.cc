#include "saml/response.h"

#include <libxml/parser.h>
#include <xmlsec/crypto.h>
#include <xmlsec/keys.h>
#include <xmlsec/list.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>

#include <memory>

#include "base/strings.h"
#include "base/time_format.h"
#include "saml/xml_doc.h"

namespace irsa::saml {
namespace {

constexpr const char* kBearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
constexpr const char* kSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success";

Error Invalid(std::string why) { return errors::InvalidIdentityToken(std::move(why)); }

struct DSigCtxDeleter {
  void operator()(xmlSecDSigCtx* ctx) const { xmlSecDSigCtxDestroy(ctx); }
};
using DSigCtx = std::unique_ptr<xmlSecDSigCtx, DSigCtxDeleter>;

bool EnableTransforms(xmlSecDSigCtx* ctx) {
  const xmlSecTransformId c14n[] = {
      xmlSecTransformExclC14NId, xmlSecTransformExclC14NWithCommentsId, xmlSecTransformInclC14NId,
      xmlSecTransformInclC14NWithCommentsId};
  const xmlSecTransformId digests[] = {xmlSecTransformSha1Id, xmlSecTransformSha256Id,
                                       xmlSecTransformSha384Id, xmlSecTransformSha512Id};
  const xmlSecTransformId signatures[] = {
      xmlSecTransformRsaSha1Id,    xmlSecTransformRsaSha256Id,   xmlSecTransformRsaSha384Id,
      xmlSecTransformRsaSha512Id,  xmlSecTransformEcdsaSha256Id, xmlSecTransformEcdsaSha384Id,
      xmlSecTransformEcdsaSha512Id};
  for (xmlSecTransformId id : c14n) {
    if (xmlSecDSigCtxEnableReferenceTransform(ctx, id) < 0) return false;
    if (xmlSecDSigCtxEnableSignatureTransform(ctx, id) < 0) return false;
  }
  if (xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformEnvelopedId) < 0) return false;
  for (xmlSecTransformId id : digests) {
    if (xmlSecDSigCtxEnableReferenceTransform(ctx, id) < 0) return false;
  }
  for (xmlSecTransformId id : signatures) {
    if (xmlSecDSigCtxEnableSignatureTransform(ctx, id) < 0) return false;
  }
  return true;
}

enum class SignatureCheck { kValid, kInvalid, kWrongReference };

// Verifies `signature` with the public key of `certificate_der` only; the one Reference must be
// "#<id>" and the registered ID `id` must belong to `signed_element`.
SignatureCheck VerifyWithCertificate(xmlDoc* doc, xmlNode* signature, xmlNode* signed_element,
                                     const std::string& id, const std::string& certificate_der) {
  DSigCtx ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) return SignatureCheck::kInvalid;
  ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
  ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
  if (!EnableTransforms(ctx.get())) return SignatureCheck::kInvalid;
  ctx->signKey =
      xmlSecCryptoAppKeyLoadMemory(reinterpret_cast<const xmlSecByte*>(certificate_der.data()),
                                   static_cast<xmlSecSize>(certificate_der.size()),
                                   xmlSecKeyDataFormatCertDer, nullptr, nullptr, nullptr);
  if (ctx->signKey == nullptr) return SignatureCheck::kInvalid;
  if (xmlSecDSigCtxVerify(ctx.get(), signature) < 0) return SignatureCheck::kInvalid;
  if (ctx->status != xmlSecDSigStatusSucceeded) return SignatureCheck::kInvalid;
  if (xmlSecPtrListGetSize(&ctx->signedInfoReferences) != 1) return SignatureCheck::kWrongReference;
  auto* reference =
      static_cast<xmlSecDSigReferenceCtx*>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0));
  if (reference == nullptr || reference->uri == nullptr ||
      std::string(reinterpret_cast<const char*>(reference->uri)) != "#" + id) {
    return SignatureCheck::kWrongReference;
  }
  xmlAttr* registered = xmlGetID(doc, BAD_CAST id.c_str());
  if (registered == nullptr || registered->parent != signed_element) {
    return SignatureCheck::kWrongReference;
  }
  return SignatureCheck::kValid;
}

Status VerifySignature(xmlDoc* doc, xmlNode* signature, xmlNode* signed_element,
                       const std::string& id, std::string_view what,
                       const std::vector<std::string>& certificates) {
  bool wrong_reference = false;
  for (const std::string& certificate : certificates) {
    switch (VerifyWithCertificate(doc, signature, signed_element, id, certificate)) {
      case SignatureCheck::kValid:
        return OkStatus();
      case SignatureCheck::kWrongReference:
        wrong_reference = true;
        break;
      case SignatureCheck::kInvalid:
        break;
    }
  }
  if (wrong_reference) {
    return Invalid("the signature of the " + std::string(what) +
                   " must reference exactly that element (one Reference, URI \"#" + id + "\")");
  }
  return Invalid("the signature of the " + std::string(what) +
                 " does not verify with the provider's metadata certificates");
}

Result<std::optional<SystemTime>> TimeAttribute(const xmlNode* node, const char* name,
                                                std::string_view what) {
  if (!HasAttribute(node, name)) return std::optional<SystemTime>();
  std::optional<SystemTime> t = ParseIso8601(Attribute(node, name));
  if (!t) return Invalid("the " + std::string(what) + " " + name + " is not an xs:dateTime");
  return t;
}

Result<std::string> RequiredText(xmlNode* parent, const char* ns, const char* name,
                                 std::string_view what) {
  IRSA_TRY(xmlNode * node, OptionalChild(parent, ns, name, what));
  if (node == nullptr) return Invalid("the " + std::string(what) + " is missing");
  IRSA_TRY(std::string text, TextOf(node, what));
  return std::string(TrimWhitespace(text));
}

Status ReadAssertion(xmlNode* assertion, VerifiedResponse& out) {
  IRSA_TRY(out.issuer, RequiredText(assertion, kSamlAssertionNs, "Issuer", "assertion's Issuer"));
  IRSA_TRY(xmlNode * subject, OptionalChild(assertion, kSamlAssertionNs, "Subject", "Subject"));
  if (subject == nullptr) return Invalid("the assertion has no Subject");
  if (!ChildElements(subject, kSamlAssertionNs, "EncryptedID").empty()) {
    return Invalid("encrypted NameIDs are not supported");
  }
  IRSA_TRY(xmlNode * name_id, OptionalChild(subject, kSamlAssertionNs, "NameID", "NameID"));
  if (name_id == nullptr) return Invalid("the assertion's Subject has no NameID");
  IRSA_TRY(std::string subject_text, TextOf(name_id, "NameID"));
  out.subject = std::string(TrimWhitespace(subject_text));
  out.subject_format = Attribute(name_id, "Format");
  bool bearer = false;
  for (xmlNode* confirmation : ChildElements(subject, kSamlAssertionNs, "SubjectConfirmation")) {
    if (Attribute(confirmation, "Method") != kBearer) continue;
    IRSA_TRY(xmlNode * data, OptionalChild(confirmation, kSamlAssertionNs,
                                           "SubjectConfirmationData", "SubjectConfirmationData"));
    if (data == nullptr) return Invalid("the bearer SubjectConfirmation has no data");
    out.recipient = Attribute(data, "Recipient");
    IRSA_TRY(out.confirmation_not_on_or_after,
             TimeAttribute(data, "NotOnOrAfter", "SubjectConfirmationData"));
    bearer = true;
    break;
  }
  if (!bearer) return Invalid("the assertion's Subject has no bearer SubjectConfirmation");
  IRSA_TRY(xmlNode * conditions,
           OptionalChild(assertion, kSamlAssertionNs, "Conditions", "Conditions"));
  if (conditions != nullptr) {
    IRSA_TRY(out.not_before, TimeAttribute(conditions, "NotBefore", "Conditions"));
    IRSA_TRY(out.not_on_or_after, TimeAttribute(conditions, "NotOnOrAfter", "Conditions"));
    for (xmlNode* restriction :
         ChildElements(conditions, kSamlAssertionNs, "AudienceRestriction")) {
      for (xmlNode* audience : ChildElements(restriction, kSamlAssertionNs, "Audience")) {
        IRSA_TRY(std::string text, TextOf(audience, "Audience"));
        out.audiences.emplace_back(TrimWhitespace(text));
      }
    }
  }
  std::vector<xmlNode*> authn = ChildElements(assertion, kSamlAssertionNs, "AuthnStatement");
  if (!authn.empty()) {
    IRSA_TRY(out.session_not_on_or_after,
             TimeAttribute(authn.front(), "SessionNotOnOrAfter", "AuthnStatement"));
  }
  for (xmlNode* statement : ChildElements(assertion, kSamlAssertionNs, "AttributeStatement")) {
    if (!ChildElements(statement, kSamlAssertionNs, "EncryptedAttribute").empty()) {
      return Invalid("encrypted attributes are not supported");
    }
    for (xmlNode* attribute : ChildElements(statement, kSamlAssertionNs, "Attribute")) {
      SamlAttribute a;
      a.name = Attribute(attribute, "Name");
      for (xmlNode* value : ChildElements(attribute, kSamlAssertionNs, "AttributeValue")) {
        IRSA_TRY(std::string text, TextOf(value, "AttributeValue of " + a.name));
        a.values.emplace_back(TrimWhitespace(text));
      }
      out.attributes.push_back(std::move(a));
    }
  }
  return OkStatus();
}

}  // namespace

Result<VerifiedResponse> VerifySamlResponse(std::string_view xml,
                                            const std::vector<std::string>& certificates) {
  IRSA_TRY(XmlDoc doc, ParseUntrustedXml(xml, kMaxResponseBytes));
  xmlNode* response = xmlDocGetRootElement(doc.get());
  if (!IsElement(response, kSamlProtocolNs, "Response")) {
    return Invalid("the SAML response must be a samlp:Response element");
  }
  IRSA_RETURN_IF_ERROR(RegisterIds(doc.get()));
  const std::string response_id = Attribute(response, "ID");
  if (response_id.empty()) return Invalid("the Response has no ID");
  if (!ChildElements(response, kSamlAssertionNs, "EncryptedAssertion").empty()) {
    return Invalid(
        "encrypted assertions are not supported: configure the identity provider to "
        "send the assertion unencrypted (signed)");
  }
  std::vector<xmlNode*> assertions = ChildElements(response, kSamlAssertionNs, "Assertion");
  if (assertions.size() != 1) {
    return Invalid("the Response must hold exactly one Assertion, it holds " +
                   std::to_string(assertions.size()));
  }
  xmlNode* assertion = assertions.front();
  const std::string assertion_id = Attribute(assertion, "ID");
  if (assertion_id.empty()) return Invalid("the Assertion has no ID");

  IRSA_TRY(xmlNode * status, OptionalChild(response, kSamlProtocolNs, "Status", "Status"));
  if (status != nullptr) {
    IRSA_TRY(xmlNode * code, OptionalChild(status, kSamlProtocolNs, "StatusCode", "StatusCode"));
    if (code == nullptr || Attribute(code, "Value") != kSuccess) {
      return errors::IDPRejectedClaim("the SAML response's status is not Success (" +
                                      (code ? Attribute(code, "Value") : std::string("none")) +
                                      ")");
    }
  }

  IRSA_TRY(xmlNode * response_signature,
           OptionalChild(response, kXmlDsigNs, "Signature", "Response Signature"));
  IRSA_TRY(xmlNode * assertion_signature,
           OptionalChild(assertion, kXmlDsigNs, "Signature", "Assertion Signature"));
  if (response_signature == nullptr && assertion_signature == nullptr) {
    return Invalid(
        "the SAML response is not signed: neither the Response nor the Assertion "
        "carries a signature");
  }
  if (certificates.empty()) return Invalid("the provider has no signing certificate");
  VerifiedResponse out;
  if (response_signature != nullptr) {
    IRSA_RETURN_IF_ERROR(VerifySignature(doc.get(), response_signature, response, response_id,
                                         "Response", certificates));
    out.response_signed = true;
  }
  if (assertion_signature != nullptr) {
    IRSA_RETURN_IF_ERROR(VerifySignature(doc.get(), assertion_signature, assertion, assertion_id,
                                         "Assertion", certificates));
    out.assertion_signed = true;
  }
  out.destination = Attribute(response, "Destination");
  IRSA_TRY(xmlNode * response_issuer,
           OptionalChild(response, kSamlAssertionNs, "Issuer", "Response Issuer"));
  if (response_issuer != nullptr) {
    IRSA_TRY(std::string text, TextOf(response_issuer, "Response Issuer"));
    out.response_issuer = std::string(TrimWhitespace(text));
  }
  IRSA_RETURN_IF_ERROR(ReadAssertion(assertion, out));
  return out;
}

}  // namespace irsa::saml
