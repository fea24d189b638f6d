// XML-DSig verification of SAML responses and IdP metadata parsing, with the test IdP's real
// signatures; every attack the verifier must refuse has a case here.
#include <gtest/gtest.h>

#include <chrono>

#include "saml/metadata.h"
#include "saml/response.h"
#include "saml_idp/test_idp.h"

namespace irsa::saml {
namespace {

constexpr int64_t kNow = 1800000000;

using saml_test::AssertionSpec;
using saml_test::IdpKey;

const IdpKey& Idp() {
  static const IdpKey key = saml_test::GenerateIdpKey("idp.example.com");
  return key;
}
const IdpKey& OtherIdp() {
  static const IdpKey key = saml_test::GenerateIdpKey("evil.example.com");
  return key;
}

AssertionSpec Spec() {
  AssertionSpec spec;
  spec.roles = {"arn:aws:iam::111122223333:role/Dev,arn:aws:iam::111122223333:saml-provider/Idp"};
  return spec;
}

std::string Signed(const AssertionSpec& spec, const std::string& id, const IdpKey& key = Idp()) {
  Result<std::string> xml = saml_test::SignElement(saml_test::ResponseXml(spec, kNow), id, key);
  EXPECT_TRUE(xml.ok()) << (xml.ok() ? "" : xml.error().message());
  return xml.ok() ? *xml : "";
}

std::string Between(const std::string& text, const std::string& open, const std::string& close) {
  size_t a = text.find(open);
  size_t b = text.find(close, a);
  return a == std::string::npos || b == std::string::npos ? ""
                                                          : text.substr(a, b + close.size() - a);
}

void ExpectRefused(const std::string& xml, const std::string& message_part,
                   const std::vector<std::string>& certs = {Idp().cert_der}) {
  Result<VerifiedResponse> r = VerifySamlResponse(xml, certs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "InvalidIdentityToken");
  EXPECT_NE(r.error().message().find(message_part), std::string::npos) << r.error().message();
}

TEST(SamlResponse, SignedAssertionVerifiesAndReadsValues) {
  Result<VerifiedResponse> r = VerifySamlResponse(Signed(Spec(), "_assert1"), {Idp().cert_der});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_TRUE(r->assertion_signed);
  EXPECT_FALSE(r->response_signed);
  EXPECT_EQ(r->issuer, "https://idp.example.com/saml");
  EXPECT_EQ(r->subject, "alice@example.com");
  EXPECT_EQ(r->subject_format, "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
  EXPECT_EQ(r->recipient, "https://signin.aws.amazon.com/saml");
  EXPECT_EQ(r->destination, "https://signin.aws.amazon.com/saml");
  ASSERT_EQ(r->audiences.size(), 1u);
  EXPECT_EQ(r->audiences[0], "https://signin.aws.amazon.com/saml");
  ASSERT_TRUE(r->not_on_or_after.has_value());
  EXPECT_EQ(*r->not_on_or_after, SystemTime(std::chrono::seconds(kNow + 300)));
  ASSERT_EQ(r->attributes.size(), 2u);
  EXPECT_EQ(r->attributes[0].name, "https://aws.amazon.com/SAML/Attributes/Role");
  EXPECT_EQ(r->attributes[1].values, std::vector<std::string>{"alice"});
}

TEST(SamlResponse, SignedResponseVerifies) {
  Result<VerifiedResponse> r = VerifySamlResponse(Signed(Spec(), "_resp1"), {Idp().cert_der});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_TRUE(r->response_signed);
  EXPECT_FALSE(r->assertion_signed);
}

TEST(SamlResponse, AnyMetadataCertificateMayHaveSigned) {
  Result<VerifiedResponse> r =
      VerifySamlResponse(Signed(Spec(), "_assert1"), {OtherIdp().cert_der, Idp().cert_der});
  EXPECT_TRUE(r.ok());
}

TEST(SamlResponse, UnsignedIsRefused) {
  ExpectRefused(saml_test::ResponseXml(Spec(), kNow), "not signed");
}

TEST(SamlResponse, OtherProvidersKeyIsRefused) {
  // Signed by another key whose certificate is in KeyInfo: KeyInfo is never trusted.
  ExpectRefused(Signed(Spec(), "_assert1", OtherIdp()), "does not verify");
}

TEST(SamlResponse, TamperedValueIsRefused) {
  std::string xml = Signed(Spec(), "_assert1");
  size_t at = xml.find("alice@example.com");
  ASSERT_NE(at, std::string::npos);
  xml.replace(at, 5, "admin");
  ExpectRefused(xml, "does not verify");
}

TEST(SamlResponse, CommentInsideSignedValueIsRefused) {
  // Exclusive C14N drops comments, so the signature still verifies; the value must not be read
  // around the comment ("admin@example.com<!---->.evil" → "admin@example.com").
  std::string xml = Signed(Spec(), "_assert1");
  size_t at = xml.find("@example.com</saml:NameID>");
  ASSERT_NE(at, std::string::npos);
  xml.insert(at, "<!---->");
  ExpectRefused(xml, "must hold only text");
}

TEST(SamlResponse, WrappedSignedAssertionBesideUnsignedEvilOneIsRefused) {
  const std::string original = Signed(Spec(), "_assert1");
  const std::string signed_assertion = Between(original, "<saml:Assertion", "</saml:Assertion>");
  ASSERT_FALSE(signed_assertion.empty());
  AssertionSpec evil = Spec();
  evil.assertion_id = "_evil";
  evil.subject = "admin@example.com";
  const std::string evil_assertion =
      Between(saml_test::ResponseXml(evil, kNow), "<saml:Assertion", "</saml:Assertion>");
  // The reader looks at the Response's direct Assertion child: put the evil one there and hide
  // the signed one in Extensions.
  std::string wrapped = original;
  wrapped.replace(wrapped.find(signed_assertion), signed_assertion.size(),
                  "<samlp:Extensions>" + signed_assertion + "</samlp:Extensions>" + evil_assertion);
  ExpectRefused(wrapped, "not signed");

  // The classic form: the signature moved out of the hidden assertion into the evil one. It
  // still verifies (its reference names the hidden assertion, whose digest is unchanged), but it
  // does not cover the assertion that would be read.
  const std::string signature = Between(signed_assertion, "<ds:Signature", "</ds:Signature>");
  ASSERT_FALSE(signature.empty());
  std::string hidden = signed_assertion;
  hidden.erase(hidden.find(signature), signature.size());
  std::string evil_with_signature = evil_assertion;
  const std::string issuer_end = "</saml:Issuer>";
  evil_with_signature.insert(evil_with_signature.find(issuer_end) + issuer_end.size(), signature);
  std::string wrapped2 = original;
  wrapped2.replace(wrapped2.find(signed_assertion), signed_assertion.size(),
                   "<samlp:Extensions>" + hidden + "</samlp:Extensions>" + evil_with_signature);
  ExpectRefused(wrapped2, "must reference exactly that element");
}

TEST(SamlResponse, DuplicateIdsAreRefused) {
  const std::string original = Signed(Spec(), "_assert1");
  const std::string signed_assertion = Between(original, "<saml:Assertion", "</saml:Assertion>");
  AssertionSpec evil = Spec();
  evil.subject = "admin@example.com";  // same ID _assert1
  const std::string evil_assertion =
      Between(saml_test::ResponseXml(evil, kNow), "<saml:Assertion", "</saml:Assertion>");
  std::string wrapped = original;
  wrapped.replace(wrapped.find(signed_assertion), signed_assertion.size(),
                  evil_assertion + "<samlp:Extensions>" + signed_assertion + "</samlp:Extensions>");
  ExpectRefused(wrapped, "is used twice");
}

TEST(SamlResponse, TwoAssertionsAreRefused) {
  const std::string original = Signed(Spec(), "_resp1");
  AssertionSpec second = Spec();
  second.assertion_id = "_assert2";
  const std::string extra =
      Between(saml_test::ResponseXml(second, kNow), "<saml:Assertion", "</saml:Assertion>");
  std::string xml = original;
  xml.insert(xml.find("</samlp:Response>"), extra);
  ExpectRefused(xml, "exactly one Assertion");
}

TEST(SamlResponse, EncryptedAssertionIsRefusedClearly) {
  std::string xml = saml_test::ResponseXml(Spec(), kNow);
  const std::string assertion = Between(xml, "<saml:Assertion", "</saml:Assertion>");
  xml.replace(xml.find(assertion), assertion.size(),
              "<saml:EncryptedAssertion><xenc:EncryptedData "
              "xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\"/></saml:EncryptedAssertion>");
  ExpectRefused(xml, "encrypted assertions are not supported");
}

TEST(SamlResponse, BillionLaughsAndExternalEntitiesAreRefusedQuickly) {
  std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
      "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
      "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
      "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
      "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
      "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
      "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>"
      "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">&lol9;"
      "</samlp:Response>";
  const auto start = std::chrono::steady_clock::now();
  ExpectRefused(laughs, "document type declarations are not allowed");
  ExpectRefused(
      "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">&x;"
      "</samlp:Response>",
      "document type declarations are not allowed");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  // An undeclared entity reference (no DTD to hide behind) is not well-formed.
  ExpectRefused(
      "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">&x;</samlp:Response>",
      "not well-formed");
}

TEST(SamlResponse, NonUtf8AndOversizedAreRefused) {
  ExpectRefused(std::string("<a>\0</a>", 8), "not UTF-8");
  ExpectRefused(std::string(kMaxResponseBytes + 1, ' '), "larger than");
}

TEST(SamlResponse, NotSuccessStatusIsIdpRejectedClaim) {
  std::string xml = saml_test::ResponseXml(Spec(), kNow);
  const std::string success = "urn:oasis:names:tc:SAML:2.0:status:Success";
  xml.replace(xml.find(success), success.size(), "urn:oasis:names:tc:SAML:2.0:status:Requester");
  Result<std::string> signed_xml = saml_test::SignElement(xml, "_resp1", Idp());
  ASSERT_TRUE(signed_xml.ok());
  Result<VerifiedResponse> r = VerifySamlResponse(*signed_xml, {Idp().cert_der});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "IDPRejectedClaim");
}

TEST(SamlMetadata, ParsesEntityIdAndCertificates) {
  Result<IdpMetadata> m = ParseIdpMetadata(saml_test::MetadataXml("urn:idp", Idp().cert_b64));
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_EQ(m->entity_id, "urn:idp");
  ASSERT_EQ(m->signing_certificates.size(), 1u);
  EXPECT_EQ(m->signing_certificates[0], Idp().cert_der);
}

TEST(SamlMetadata, RefusesWhatIsNotIdpMetadata) {
  auto refused = [](const std::string& xml, const std::string& part) {
    Result<IdpMetadata> m = ParseIdpMetadata(xml);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code(), "InvalidInput");
    EXPECT_NE(m.error().message().find(part), std::string::npos) << m.error().message();
  };
  const std::string good = saml_test::MetadataXml("urn:idp", Idp().cert_b64);
  refused("not xml", "not well-formed");
  refused("<x/>", "EntityDescriptor");
  std::string no_idp = good;
  no_idp.replace(no_idp.find("<md:IDPSSODescriptor"), 20, "<md:SPSSODescriptor");
  no_idp.replace(no_idp.find("</md:IDPSSODescriptor>"), 22, "</md:SPSSODescriptor>");
  refused(no_idp, "no IDPSSODescriptor");
  std::string bad_cert = good;
  bad_cert.replace(bad_cert.find(Idp().cert_b64), 10, "AAAAAAAAAA");
  refused(bad_cert, "not a base64 DER certificate");
  std::string encryption_only = good;
  encryption_only.replace(encryption_only.find("use=\"signing\""), 13, "use=\"encryption\"");
  refused(encryption_only, "no signing X509Certificate");
  refused("<!DOCTYPE x [<!ENTITY a SYSTEM \"http://example.com/\">]>" + good.substr(22),
          "document type declarations");
}

}  // namespace
}  // namespace irsa::saml
