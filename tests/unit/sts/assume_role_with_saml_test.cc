// AssumeRoleWithSAML through the StsService with the fake clock and assertions signed by the test
// identity provider: what is verified, the saml:* trust keys, and the resulting session.
#include <chrono>

#include "base/encoding.h"
#include "iam/inline_policies.h"
#include "iam/saml_providers.h"
#include "saml_idp/test_idp.h"
#include "sts/saml_assertion.h"
#include "unit/sts/sts_test_util.h"

namespace irsa::sts::testing {
namespace {

constexpr char kEntity[] = "https://idp.example.com/saml";
constexpr char kSamlProviderArn[] = "arn:aws:iam::111122223333:saml-provider/Corp";

const saml_test::IdpKey& Idp() {
  static const saml_test::IdpKey key = saml_test::GenerateIdpKey("idp");
  return key;
}
const saml_test::IdpKey& Other() {
  static const saml_test::IdpKey key = saml_test::GenerateIdpKey("other");
  return key;
}

class AssumeRoleWithSamlTest : public StsTest {
 protected:
  void SetUp() override {
    auto created = iam::CreateSAMLProvider(
        ctx_, kAccount,
        {.name = "Corp", .metadata_document = saml_test::MetadataXml(kEntity, Idp().cert_b64)});
    ASSERT_TRUE(created.ok()) << created.error().message();
    CreateRole("Dev", Trust(R"("StringEquals":{"saml:aud":"https://signin.aws.amazon.com/saml"})"));
    ASSERT_TRUE(iam::PutRolePolicy(ctx_, kAccount, "Dev", "p", AllowAll()).ok());
  }
  static std::string Trust(const std::string& condition) {
    return std::string(
               R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":")") +
           kSamlProviderArn + R"("},"Action":"sts:AssumeRoleWithSAML","Condition":{)" + condition +
           "}}]}";
  }
  saml_test::AssertionSpec Spec() {
    saml_test::AssertionSpec spec;
    spec.issuer = kEntity;
    spec.roles = {RoleArn("Dev") + "," + kSamlProviderArn};
    return spec;
  }
  std::string Assertion(const saml_test::AssertionSpec& spec, const saml_test::IdpKey& key,
                        const std::string& id = "_assert1") {
    auto xml =
        saml_test::SignElement(saml_test::ResponseXml(spec, clock_.NowUnixSeconds()), id, key);
    EXPECT_TRUE(xml.ok());
    return Base64Encode(xml.ok() ? *xml : "");
  }
  Result<IssuedCredentials> Assume(const std::string& assertion, const std::string& role = "Dev") {
    SamlAssumeRequest request;
    request.role_arn = RoleArn(role);
    request.principal_arn = kSamlProviderArn;
    request.saml_assertion = assertion;
    return sts_.AssumeRoleWithSAML(request);
  }
  void ExpectError(const Result<IssuedCredentials>& r, const std::string& code,
                   const std::string& part) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), code) << r.error().message();
    EXPECT_NE(r.error().message().find(part), std::string::npos) << r.error().message();
  }
};

TEST_F(AssumeRoleWithSamlTest, IssuesARoleSessionWithTheAssertionsIdentity) {
  Result<IssuedCredentials> r = Assume(Assertion(Spec(), Idp()));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->assumed_role_arn, "arn:aws:sts::111122223333:assumed-role/Dev/alice");
  EXPECT_EQ(r->subject, "alice@example.com");
  EXPECT_EQ(r->subject_type, "persistent");
  EXPECT_EQ(r->issuer, kEntity);
  EXPECT_EQ(r->audience, "https://signin.aws.amazon.com/saml");
  EXPECT_EQ(r->name_qualifier, SamlNameQualifier(kEntity, kAccount, "Corp"));
  EXPECT_EQ(r->expiration, clock_.Now() + std::chrono::seconds(3600));
  authz::Caller caller = SessionCaller(*r);
  EXPECT_EQ(caller.arn, r->assumed_role_arn);
  ASSERT_FALSE(events_.empty());
  EXPECT_TRUE(events_.back().allowed);
  EXPECT_EQ(events_.back().event, "AssumeRoleWithSAML");
}

TEST_F(AssumeRoleWithSamlTest, ExpiryFollowsTheInjectedClock) {
  const std::string assertion = Assertion(Spec(), Idp());  // valid for 300 s
  clock_.Advance(std::chrono::seconds(300 + 299));         // within the 300 s skew
  EXPECT_TRUE(Assume(assertion).ok());
  clock_.Advance(std::chrono::seconds(2));
  ExpectError(Assume(assertion), "ExpiredTokenException", "NotOnOrAfter");
  saml_test::AssertionSpec future = Spec();
  future.not_before = clock_.NowUnixSeconds() + 3600;
  ExpectError(Assume(Assertion(future, Idp())), "ExpiredTokenException", "not yet valid");
}

TEST_F(AssumeRoleWithSamlTest, AttacksAndMistakesAreRefused) {
  ExpectError(Assume(Base64Encode(saml_test::ResponseXml(Spec(), clock_.NowUnixSeconds()))),
              "InvalidIdentityToken", "not signed");
  ExpectError(Assume(Assertion(Spec(), Other())), "InvalidIdentityToken", "does not verify");
  saml_test::AssertionSpec s = Spec();
  s.audience = "https://sp.example.com";
  ExpectError(Assume(Assertion(s, Idp())), "InvalidIdentityToken", "audience");
  s = Spec();
  s.recipient = "https://sp.example.com/acs";
  ExpectError(Assume(Assertion(s, Idp())), "InvalidIdentityToken", "Recipient");
  s = Spec();
  s.destination = "https://sp.example.com/acs";
  ExpectError(Assume(Assertion(s, Idp())), "InvalidIdentityToken", "Destination");
  s = Spec();
  s.issuer = "https://other.example.com";
  ExpectError(Assume(Assertion(s, Idp())), "InvalidIdentityToken", "Issuer");
  s = Spec();
  s.roles = {RoleArn("Other") + "," + kSamlProviderArn};
  ExpectError(Assume(Assertion(s, Idp())), "AccessDenied", "sts:AssumeRoleWithSAML");
  s = Spec();
  s.session_name.reset();
  ExpectError(Assume(Assertion(s, Idp())), "InvalidIdentityToken", "RoleSessionName");
  s = Spec();
  s.session_duration = "60";
  ExpectError(Assume(Assertion(s, Idp())), "InvalidIdentityToken", "SessionDuration");
  s = Spec();
  s.roles = {"not-a-pair"};
  ExpectError(Assume(Assertion(s, Idp())), "InvalidIdentityToken", "Role attribute");
  ExpectError(Assume("!!!not base64"), "InvalidIdentityToken", "base64");
  EXPECT_FALSE(events_.back().allowed);
}

TEST_F(AssumeRoleWithSamlTest, TrustConditionsOnSamlKeysBite) {
  CreateRole("Strict",
             Trust(R"("StringEquals":{"saml:sub":"alice@example.com","saml:iss":")" +
                   std::string(kEntity) + R"(","saml:doc":"111122223333/Corp"},)" +
                   R"("StringLike":{"saml:namequalifier":"*="}, )" +
                   R"("ForAnyValue:StringEquals":{"saml:edupersonaffiliation":"staff"})"));
  saml_test::AssertionSpec s = Spec();
  s.roles = {RoleArn("Strict") + "," + kSamlProviderArn};
  s.extra_attributes = {{"urn:oid:1.3.6.1.4.1.5923.1.1.1.1", {"member", "staff"}}};
  EXPECT_TRUE(Assume(Assertion(s, Idp()), "Strict").ok());
  saml_test::AssertionSpec wrong_sub = s;
  wrong_sub.subject = "mallory@example.com";
  ExpectError(Assume(Assertion(wrong_sub, Idp()), "Strict"), "AccessDenied", "saml:sub");
  saml_test::AssertionSpec student = s;
  student.extra_attributes = {{"urn:oid:1.3.6.1.4.1.5923.1.1.1.1", {"student"}}};
  ExpectError(Assume(Assertion(student, Idp()), "Strict"), "AccessDenied",
              "saml:edupersonaffiliation");
  CreateRole(
      "OtherAud",
      Trust(R"("StringEquals":{"saml:aud":"https://eu-west-1.signin.aws.amazon.com/saml"})"));
  saml_test::AssertionSpec aud = Spec();
  aud.roles = {RoleArn("OtherAud") + "," + kSamlProviderArn};
  ExpectError(Assume(Assertion(aud, Idp()), "OtherAud"), "AccessDenied", "saml:aud");
}

TEST_F(AssumeRoleWithSamlTest, DurationFromTheRequestOrTheSessionDurationAttribute) {
  saml_test::AssertionSpec s = Spec();
  s.session_duration = "1800";
  Result<IssuedCredentials> r = Assume(Assertion(s, Idp()));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->expiration, clock_.Now() + std::chrono::seconds(1800));
  saml_test::AssertionSpec ending = Spec();
  ending.session_not_on_or_after = clock_.NowUnixSeconds() + 1000;
  r = Assume(Assertion(ending, Idp()));  // 3600 s asked, the IdP ends it after 1000 s
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->expiration, clock_.Now() + std::chrono::seconds(1000));
  SamlAssumeRequest request;
  request.role_arn = RoleArn("Dev");
  request.principal_arn = kSamlProviderArn;
  request.saml_assertion = Assertion(Spec(), Idp());
  request.duration_seconds = 7200;  // above the role's MaxSessionDuration (3600)
  Result<IssuedCredentials> too_long = sts_.AssumeRoleWithSAML(request);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code(), "ValidationError");
}

TEST_F(AssumeRoleWithSamlTest, UnknownOrForeignProviderIsInvalidIdentityToken) {
  SamlAssumeRequest request;
  request.role_arn = RoleArn("Dev");
  request.principal_arn = "arn:aws:iam::111122223333:saml-provider/Nope";
  request.saml_assertion = Assertion(Spec(), Idp());
  ExpectError(sts_.AssumeRoleWithSAML(request), "InvalidIdentityToken",
              "Specified provider doesn't exist");
  request.principal_arn = "arn:aws:iam::444455556666:saml-provider/Corp";
  ExpectError(sts_.AssumeRoleWithSAML(request), "InvalidIdentityToken",
              "Specified provider doesn't exist");
}

TEST(SamlAssertion, SubjectTypeAndNameQualifier) {
  EXPECT_EQ(SamlSubjectType("urn:oasis:names:tc:SAML:2.0:nameid-format:transient"), "transient");
  EXPECT_EQ(SamlSubjectType("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"),
            "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
  // The STS API reference's pseudocode example, computed with `openssl sha1 -binary | base64`.
  EXPECT_EQ(SamlNameQualifier("https://example.com/saml", "123456789012", "MySAMLIdP"),
            "1uAJanUnBc2XeUkHURMht+xam2c=");
}

}  // namespace
}  // namespace irsa::sts::testing
