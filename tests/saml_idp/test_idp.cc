#include "saml_idp/test_idp.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>

#include <chrono>
#include <stdexcept>

#include "base/encoding.h"
#include "base/time_format.h"
#include "saml/xml_doc.h"

namespace irsa::saml_test {
namespace {

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string Iso(int64_t unix_seconds) {
  return FormatIso8601(SystemTime(std::chrono::seconds(unix_seconds)));
}

}  // namespace

IdpKey GenerateIdpKey(const std::string& common_name) {
  EVP_PKEY* pkey = EVP_RSA_gen(2048);
  if (pkey == nullptr) throw std::runtime_error("RSA key generation failed");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 86400);
  X509_set_pubkey(cert, pkey);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, pkey, EVP_sha256());
  IdpKey out;
  BIO* key_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(key_bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  out.key_pem = BioText(key_bio);
  BIO_free(key_bio);
  BIO* cert_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cert_bio, cert);
  out.cert_pem = BioText(cert_bio);
  BIO_free(cert_bio);
  unsigned char* der = nullptr;
  int n = i2d_X509(cert, &der);
  out.cert_der.assign(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  out.cert_b64 = Base64Encode(out.cert_der);
  X509_free(cert);
  EVP_PKEY_free(pkey);
  return out;
}

std::string MetadataXml(const std::string& entity_id, const std::string& cert_b64) {
  return "<?xml version=\"1.0\"?>\n"
         "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
         "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"" +
         XmlEscape(entity_id) +
         "\">\n"
         "  <md:IDPSSODescriptor "
         "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n"
         "    <md:KeyDescriptor use=\"signing\">\n"
         "      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>" +
         cert_b64 +
         "</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n"
         "    </md:KeyDescriptor>\n"
         "    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
         "</md:NameIDFormat>\n"
         "    <md:SingleSignOnService "
         "Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" "
         "Location=\"https://idp.example.com/sso\"/>\n"
         "  </md:IDPSSODescriptor>\n"
         "</md:EntityDescriptor>\n";
}

std::string ResponseXml(AssertionSpec spec, int64_t now) {
  if (spec.issue_instant == 0) spec.issue_instant = now;
  if (spec.not_before == 0) spec.not_before = now - 60;
  if (spec.not_on_or_after == 0) spec.not_on_or_after = now + 300;
  if (spec.confirmation_not_on_or_after == 0) spec.confirmation_not_on_or_after = now + 300;
  auto attribute = [](const std::string& name, const std::vector<std::string>& values) {
    std::string out = "<saml:Attribute Name=\"" + XmlEscape(name) + "\">";
    for (const auto& v : values) {
      out += "<saml:AttributeValue>" + XmlEscape(v) + "</saml:AttributeValue>";
    }
    return out + "</saml:Attribute>";
  };
  std::string attributes;
  if (!spec.roles.empty()) {
    attributes += attribute("https://aws.amazon.com/SAML/Attributes/Role", spec.roles);
  }
  if (spec.session_name) {
    attributes +=
        attribute("https://aws.amazon.com/SAML/Attributes/RoleSessionName", {*spec.session_name});
  }
  if (spec.session_duration) {
    attributes += attribute("https://aws.amazon.com/SAML/Attributes/SessionDuration",
                            {*spec.session_duration});
  }
  for (const auto& [name, values] : spec.extra_attributes) attributes += attribute(name, values);
  const std::string issue = Iso(spec.issue_instant);
  return "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
         "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" +
         spec.response_id + "\" Version=\"2.0\" IssueInstant=\"" + issue + "\" Destination=\"" +
         XmlEscape(spec.destination) + "\"><saml:Issuer>" + XmlEscape(spec.issuer) +
         "</saml:Issuer><samlp:Status><samlp:StatusCode "
         "Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>"
         "<saml:Assertion ID=\"" +
         spec.assertion_id + "\" Version=\"2.0\" IssueInstant=\"" + issue + "\"><saml:Issuer>" +
         XmlEscape(spec.issuer) + "</saml:Issuer><saml:Subject><saml:NameID Format=\"" +
         XmlEscape(spec.subject_format) + "\">" + XmlEscape(spec.subject) +
         "</saml:NameID><saml:SubjectConfirmation "
         "Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"><saml:SubjectConfirmationData "
         "NotOnOrAfter=\"" +
         Iso(spec.confirmation_not_on_or_after) + "\" Recipient=\"" + XmlEscape(spec.recipient) +
         "\"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore=\"" +
         Iso(spec.not_before) + "\" NotOnOrAfter=\"" + Iso(spec.not_on_or_after) +
         "\"><saml:AudienceRestriction><saml:Audience>" + XmlEscape(spec.audience) +
         "</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
         "<saml:AuthnStatement AuthnInstant=\"" +
         issue + "\"" +
         (spec.session_not_on_or_after == 0
              ? std::string()
              : " SessionNotOnOrAfter=\"" + Iso(spec.session_not_on_or_after) + "\"") +
         "><saml:AuthnContext><saml:AuthnContextClassRef>"
         "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
         "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
         "<saml:AttributeStatement>" +
         attributes + "</saml:AttributeStatement></saml:Assertion></samlp:Response>";
}

Result<std::string> SignElement(const std::string& xml, const std::string& id, const IdpKey& key) {
  if (!saml::EnsureXmlSecInitialized()) return errors::ServiceFailure("xmlsec init");
  saml::XmlDoc doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "in.xml", "UTF-8",
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc) return errors::InvalidInput("not XML");
  IRSA_RETURN_IF_ERROR(saml::RegisterIds(doc.get()));
  xmlAttr* attr = xmlGetID(doc.get(), BAD_CAST id.c_str());
  if (attr == nullptr) return errors::InvalidInput("no element with ID " + id);
  xmlNode* element = attr->parent;
  xmlNode* signature = xmlSecTmplSignatureCreateNsPref(
      doc.get(), xmlSecTransformExclC14NId, xmlSecTransformRsaSha256Id, nullptr, BAD_CAST "ds");
  if (signature == nullptr) return errors::ServiceFailure("template");
  xmlNode* issuer = nullptr;
  for (xmlNode* c = element->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "Issuer")) {
      issuer = c;
      break;
    }
  }
  if (issuer != nullptr) {
    xmlAddNextSibling(issuer, signature);
  } else if (element->children != nullptr) {
    xmlAddPrevSibling(element->children, signature);
  } else {
    xmlAddChild(element, signature);
  }
  const std::string uri = "#" + id;
  xmlNode* reference = xmlSecTmplSignatureAddReference(signature, xmlSecTransformSha256Id, nullptr,
                                                       BAD_CAST uri.c_str(), nullptr);
  xmlSecTmplReferenceAddTransform(reference, xmlSecTransformEnvelopedId);
  xmlSecTmplReferenceAddTransform(reference, xmlSecTransformExclC14NId);
  xmlNode* key_info = xmlSecTmplSignatureEnsureKeyInfo(signature, nullptr);
  xmlSecTmplKeyInfoAddX509Data(key_info);
  xmlSecDSigCtx* ctx = xmlSecDSigCtxCreate(nullptr);
  ctx->signKey =
      xmlSecCryptoAppKeyLoadMemory(reinterpret_cast<const xmlSecByte*>(key.key_pem.data()),
                                   static_cast<xmlSecSize>(key.key_pem.size()),
                                   xmlSecKeyDataFormatPem, nullptr, nullptr, nullptr);
  int rc = ctx->signKey == nullptr ? -1 : 0;
  if (rc == 0) {
    rc = xmlSecCryptoAppKeyCertLoadMemory(
        ctx->signKey, reinterpret_cast<const xmlSecByte*>(key.cert_pem.data()),
        static_cast<xmlSecSize>(key.cert_pem.size()), xmlSecKeyDataFormatPem);
  }
  if (rc == 0) rc = xmlSecDSigCtxSign(ctx, signature);
  xmlSecDSigCtxDestroy(ctx);
  if (rc < 0) return errors::ServiceFailure("signing failed");
  xmlChar* out = nullptr;
  int size = 0;
  xmlDocDumpMemory(doc.get(), &out, &size);
  std::string text(reinterpret_cast<char*>(out), static_cast<size_t>(size));
  xmlFree(out);
  return text;
}

}  // namespace irsa::saml_test
