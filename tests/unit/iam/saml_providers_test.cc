#include "iam/saml_providers.h"

#include "saml_idp/test_idp.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;

constexpr char kArn[] = "arn:aws:iam::111122223333:saml-provider/Corp";

const saml_test::IdpKey& Key() {
  static const saml_test::IdpKey key = saml_test::GenerateIdpKey("idp");
  return key;
}

std::string Metadata(const std::string& entity = "https://idp.example.com/saml") {
  return saml_test::MetadataXml(entity, Key().cert_b64);
}

class SamlProvidersTest : public IamTest {
 protected:
  CreateSamlProviderInput Input(const std::string& name = "Corp") {
    return {.name = name, .metadata_document = Metadata(), .tags = {{"team", "sec"}}};
  }
};

TEST_F(SamlProvidersTest, CreateKeepsTheDocumentEntityIdAndCertificates) {
  auto created = CreateSAMLProvider(ctx(), kAccount, Input());
  ASSERT_OK(created);
  EXPECT_EQ(created->arn, kArn);
  auto got = GetSAMLProvider(ctx(), kAccount, kArn);
  ASSERT_OK(got);
  EXPECT_EQ(got->metadata_document, Metadata());
  EXPECT_EQ(got->entity_id, "https://idp.example.com/saml");
  ASSERT_EQ(got->certificates.size(), 1u);
  EXPECT_EQ(got->certificates[0], Key().cert_der);
  EXPECT_EQ(got->uuid.size(), 26u);
  EXPECT_EQ(got->created, clock_.Now());
  EXPECT_EQ(got->tags, (std::vector<Tag>{{"team", "sec"}}));
  EXPECT_ERROR(CreateSAMLProvider(ctx(), kAccount, Input()), "EntityAlreadyExists",
               "SAMLProvider Corp already exists.");
}

TEST_F(SamlProvidersTest, RefusesBadMetadataAndEncryption) {
  CreateSamlProviderInput bad = Input();
  bad.metadata_document =
      "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
      "entityID=\"x\"/>";
  EXPECT_ERROR(CreateSAMLProvider(ctx(), kAccount, bad), "InvalidInput",
               "Could not parse metadata: the EntityDescriptor has no IDPSSODescriptor");
  CreateSamlProviderInput encrypted = Input();
  encrypted.assertion_encryption_mode = "Required";
  EXPECT_ERROR_CODE(CreateSAMLProvider(ctx(), kAccount, encrypted), "InvalidInput");
  CreateSamlProviderInput allowed = Input();
  allowed.assertion_encryption_mode = "Allowed";
  ASSERT_OK(CreateSAMLProvider(ctx(), kAccount, allowed));
}

TEST_F(SamlProvidersTest, QuotaUpdateTagsAndDelete) {
  quotas_.saml_providers_per_account = 1;
  ASSERT_OK(CreateSAMLProvider(ctx(), kAccount, Input()));
  EXPECT_ERROR(CreateSAMLProvider(ctx(), kAccount, Input("Second")), "LimitExceeded",
               "Cannot exceed quota for SAMLProvidersPerAccount: 1");
  auto updated = UpdateSAMLProvider(ctx(), kAccount, kArn, Metadata("urn:new"), "");
  ASSERT_OK(updated);
  EXPECT_EQ(GetSAMLProvider(ctx(), kAccount, kArn)->entity_id, "urn:new");
  EXPECT_ERROR_CODE(UpdateSAMLProvider(ctx(), kAccount, kArn, std::string("<x/>"), ""),
                    "InvalidInput");
  ASSERT_OK(TagSAMLProvider(ctx(), kAccount, kArn, {{"env", "prod"}}));
  ASSERT_OK(UntagSAMLProvider(ctx(), kAccount, kArn, {"team"}));
  EXPECT_EQ(GetSAMLProvider(ctx(), kAccount, kArn)->tags, (std::vector<Tag>{{"env", "prod"}}));
  ASSERT_EQ(ListSAMLProviders(ctx(), kAccount)->size(), 1u);
  ASSERT_OK(DeleteSAMLProvider(ctx(), kAccount, kArn));
  EXPECT_ERROR(GetSAMLProvider(ctx(), kAccount, kArn), "NoSuchEntity",
               std::string("SAMLProvider ") + kArn + " does not exist.");
  EXPECT_ERROR_CODE(DeleteSAMLProvider(ctx(), kAccount, kArn), "NoSuchEntity");
}

TEST_F(SamlProvidersTest, ArnsOfOtherAccountsOrTypesAreNotFoundOrInvalid) {
  ASSERT_OK(CreateSAMLProvider(ctx(), kAccount, Input()));
  EXPECT_ERROR_CODE(
      GetSAMLProvider(ctx(), kAccount, "arn:aws:iam::444455556666:saml-provider/Corp"),
      "NoSuchEntity");
  EXPECT_ERROR_CODE(GetSAMLProvider(ctx(), kAccount, "arn:aws:iam::111122223333:role/Corp"),
                    "InvalidInput");
  EXPECT_ERROR_CODE(GetSAMLProvider(ctx(), kAccount, "not-an-arn-at-all-here"), "InvalidInput");
}

}  // namespace
}  // namespace irsa::iam
