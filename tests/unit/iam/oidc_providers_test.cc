#include "iam/oidc_providers.h"

#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;
using testing::kOtherAccount;

constexpr char kThumb[] = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";
constexpr char kEksUrl[] =
    "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
constexpr char kEksArn[] =
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/"
    "EXAMPLED539D4633E53DE1B71EXAMPLE";

class OidcProvidersTest : public IamTest {};

TEST(NormalizeOidcUrlTest, Normalises) {
  EXPECT_EQ(*NormalizeOidcUrl("https://oidc.example.com:443/id/ABC"), "oidc.example.com/id/ABC");
  EXPECT_EQ(*NormalizeOidcUrl("https://oidc.example.com/id/ABC/"), "oidc.example.com/id/ABC");
  EXPECT_EQ(*NormalizeOidcUrl("https://Example.com"), "Example.com");
  EXPECT_EQ(*NormalizeOidcUrl("https://example.com:443"), "example.com");
  EXPECT_EQ(*NormalizeOidcUrl("HTTPS://example.com/Path"), "example.com/Path");
  EXPECT_EQ(*NormalizeOidcUrl("https://example.com:8443/x"), "example.com:8443/x");
  EXPECT_EQ(*NormalizeOidcUrl("example.com/x", true), "example.com/x");
  for (const char* bad :
       {"http://example.com", "example.com", "https://", "https:///path", "https://a.com/?x=1",
        "https://a.com/p#frag", "https://user@a.com", "https://a.com:/p", "https://a.com:99999",
        "https://a.com:abc", "https://a.com//double", "ftp://a.com"}) {
    auto r = NormalizeOidcUrl(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), "InvalidInput") << bad;
    EXPECT_EQ(r.error().message(), "Invalid Open ID Connect Provider URL");
  }
  EXPECT_ERROR_CODE(NormalizeOidcUrl("https://" + std::string(250, 'a')), "ValidationError");
  EXPECT_ERROR_CODE(NormalizeOidcUrl(""), "ValidationError");
}

TEST_F(OidcProvidersTest, CreateGetListDelete) {
  // eksctl sends the default port; the ARN and Url come out without it.
  auto created = CreateOpenIDConnectProvider(
      ctx(), kAccount,
      {.url = "https://oidc.eks.us-west-2.amazonaws.com:443/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
       .client_ids = {"sts.amazonaws.com", "sts.amazonaws.com"},
       .thumbprints = {kThumb},
       .tags = {{"cluster", "demo"}}});
  ASSERT_OK(created);
  EXPECT_EQ(created->arn, kEksArn);
  EXPECT_EQ(created->url, "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE");
  EXPECT_EQ(created->client_ids, (std::vector<std::string>{"sts.amazonaws.com"}));

  auto got = GetOpenIDConnectProvider(ctx(), kAccount, kEksArn);
  ASSERT_OK(got);
  EXPECT_EQ(got->url, created->url);
  EXPECT_EQ(got->thumbprints, (std::vector<std::string>{kThumb}));
  EXPECT_EQ(got->created, clock_.Now());
  ASSERT_EQ(got->tags.size(), 1u);

  EXPECT_ERROR(CreateOpenIDConnectProvider(ctx(), kAccount, {.url = kEksUrl}),
               "EntityAlreadyExists",
               std::string("Provider with url ") + kEksUrl + " already exists.");
  // The same issuer in another account is independent.
  ASSERT_OK(CreateOpenIDConnectProvider(ctx(), kOtherAccount, {.url = kEksUrl}));

  ASSERT_OK(CreateOpenIDConnectProvider(ctx(), kAccount, {.url = "https://a.example.com"}));
  auto list = ListOpenIDConnectProviders(ctx(), kAccount);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].arn, "arn:aws:iam::111122223333:oidc-provider/a.example.com");

  ASSERT_OK(DeleteOpenIDConnectProvider(ctx(), kAccount, kEksArn));
  ASSERT_OK(DeleteOpenIDConnectProvider(ctx(), kAccount, kEksArn));  // idempotent
  EXPECT_ERROR(GetOpenIDConnectProvider(ctx(), kAccount, kEksArn), "NoSuchEntity",
               std::string("OpenIDConnect Provider not found for arn ") + kEksArn);
  EXPECT_EQ(ListOpenIDConnectProviders(ctx(), kAccount)->size(), 1u);
  EXPECT_ERROR_CODE(GetOpenIDConnectProvider(ctx(), kAccount, "garbage"), "InvalidInput");
  // Another account's ARN is not visible.
  EXPECT_ERROR_CODE(GetOpenIDConnectProvider(
                        ctx(), kAccount,
                        "arn:aws:iam::444455556666:oidc-provider/oidc.eks.us-west-2.amazonaws.com/"
                        "id/EXAMPLED539D4633E53DE1B71EXAMPLE"),
                    "NoSuchEntity");
}

TEST_F(OidcProvidersTest, CreateValidation) {
  EXPECT_ERROR_CODE(CreateOpenIDConnectProvider(ctx(), kAccount, {.url = "http://a.com"}),
                    "InvalidInput");
  EXPECT_ERROR_CODE(CreateOpenIDConnectProvider(ctx(), kAccount, {.url = "https://a.com?q=1"}),
                    "InvalidInput");
  EXPECT_ERROR_CODE(CreateOpenIDConnectProvider(ctx(), kAccount,
                                                {.url = "https://a.com", .thumbprints = {"abc"}}),
                    "ValidationError");
  EXPECT_ERROR_CODE(
      CreateOpenIDConnectProvider(
          ctx(), kAccount,
          {.url = "https://a.com", .thumbprints = {"zz99a48a9960b14926bb7f3b02e22da2b0ab7280"}}),
      "InvalidInput");
  std::vector<std::string> six(6, kThumb);
  for (int i = 0; i < 6; ++i) six[i][0] = "012345"[i];
  EXPECT_ERROR(
      CreateOpenIDConnectProvider(ctx(), kAccount, {.url = "https://a.com", .thumbprints = six}),
      "InvalidInput", "Thumbprint list must contain fewer than 6 entries.");
  EXPECT_ERROR_CODE(
      CreateOpenIDConnectProvider(ctx(), kAccount, {.url = "https://a.com", .client_ids = {""}}),
      "ValidationError");
  quotas_.client_ids_per_oidc_provider = 2;
  EXPECT_ERROR(CreateOpenIDConnectProvider(ctx(), kAccount,
                                           {.url = "https://a.com", .client_ids = {"a", "b", "c"}}),
               "LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 2");
  // Thumbprints are optional.
  ASSERT_OK(CreateOpenIDConnectProvider(ctx(), kAccount, {.url = "https://a.com"}));
}

TEST_F(OidcProvidersTest, ProvidersPerAccountQuota) {
  quotas_.oidc_providers_per_account = 2;
  ASSERT_OK(CreateOpenIDConnectProvider(ctx(), kAccount, {.url = "https://a.com"}));
  ASSERT_OK(CreateOpenIDConnectProvider(ctx(), kAccount, {.url = "https://b.com"}));
  EXPECT_ERROR(CreateOpenIDConnectProvider(ctx(), kAccount, {.url = "https://c.com"}),
               "LimitExceeded", "Cannot exceed quota for OpenIdConnectProvidersPerAccount: 2");
}

TEST_F(OidcProvidersTest, ClientIdsAndThumbprints) {
  quotas_.client_ids_per_oidc_provider = 2;
  auto p =
      CreateOpenIDConnectProvider(ctx(), kAccount, {.url = "https://a.com", .client_ids = {"x"}});
  ASSERT_OK(p);
  ASSERT_OK(AddClientIDToOpenIDConnectProvider(ctx(), kAccount, p->arn, "y"));
  ASSERT_OK(AddClientIDToOpenIDConnectProvider(ctx(), kAccount, p->arn, "y"));  // idempotent
  EXPECT_ERROR(AddClientIDToOpenIDConnectProvider(ctx(), kAccount, p->arn, "z"), "LimitExceeded",
               "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 2");
  EXPECT_EQ(GetOpenIDConnectProvider(ctx(), kAccount, p->arn)->client_ids,
            (std::vector<std::string>{"x", "y"}));
  ASSERT_OK(RemoveClientIDFromOpenIDConnectProvider(ctx(), kAccount, p->arn, "x"));
  ASSERT_OK(RemoveClientIDFromOpenIDConnectProvider(ctx(), kAccount, p->arn, "x"));  // idempotent
  EXPECT_EQ(GetOpenIDConnectProvider(ctx(), kAccount, p->arn)->client_ids,
            (std::vector<std::string>{"y"}));
  const std::string missing = "arn:aws:iam::111122223333:oidc-provider/none.com";
  EXPECT_ERROR(AddClientIDToOpenIDConnectProvider(ctx(), kAccount, missing, "y"), "NoSuchEntity",
               "OpenIDConnect Provider not found for arn " + missing);
  EXPECT_ERROR_CODE(RemoveClientIDFromOpenIDConnectProvider(ctx(), kAccount, missing, "y"),
                    "NoSuchEntity");

  const std::string other = "AAAAA48A9960B14926BB7F3B02E22DA2B0AB7280";
  ASSERT_OK(UpdateOpenIDConnectProviderThumbprint(ctx(), kAccount, p->arn, {kThumb}));
  ASSERT_OK(UpdateOpenIDConnectProviderThumbprint(ctx(), kAccount, p->arn, {other}));
  EXPECT_EQ(GetOpenIDConnectProvider(ctx(), kAccount, p->arn)->thumbprints,
            (std::vector<std::string>{other}));  // replaced, not merged
  EXPECT_ERROR_CODE(UpdateOpenIDConnectProviderThumbprint(ctx(), kAccount, p->arn, {"short"}),
                    "ValidationError");
  EXPECT_ERROR_CODE(UpdateOpenIDConnectProviderThumbprint(ctx(), kAccount, missing, {kThumb}),
                    "NoSuchEntity");
}

TEST_F(OidcProvidersTest, Tags) {
  auto p = CreateOpenIDConnectProvider(ctx(), kAccount, {.url = "https://a.com"});
  ASSERT_OK(p);
  ASSERT_OK(TagOpenIDConnectProvider(ctx(), kAccount, p->arn, {{"a", "1"}, {"b", "2"}}));
  ASSERT_OK(TagOpenIDConnectProvider(ctx(), kAccount, p->arn, {{"A", "3"}}));
  auto tags = ListOpenIDConnectProviderTags(ctx(), kAccount, p->arn, "", 1);
  ASSERT_OK(tags);
  ASSERT_EQ(tags->items.size(), 1u);
  EXPECT_EQ(tags->items[0], (Tag{"A", "3"}));
  EXPECT_TRUE(tags->truncated);
  ASSERT_OK(UntagOpenIDConnectProvider(ctx(), kAccount, p->arn, {"a"}));
  tags = ListOpenIDConnectProviderTags(ctx(), kAccount, p->arn, "", 0);
  ASSERT_EQ(tags->items.size(), 1u);
  EXPECT_EQ(tags->items[0].key, "b");
  quotas_.tags_per_resource = 2;
  EXPECT_ERROR(TagOpenIDConnectProvider(ctx(), kAccount, p->arn, {{"c", "1"}, {"d", "2"}}),
               "LimitExceeded", "Cannot exceed quota for TagsPerOpenIdConnectProvider: 2");
}

TEST_F(OidcProvidersTest, FindByIssuerUrl) {
  ASSERT_OK(CreateOpenIDConnectProvider(ctx(), kAccount, {.url = kEksUrl}));
  for (const std::string& issuer :
       {std::string(kEksUrl), std::string(kEksUrl) + "/",
        std::string(
            "https://oidc.eks.us-west-2.amazonaws.com:443/id/EXAMPLED539D4633E53DE1B71EXAMPLE"),
        std::string("oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")}) {
    auto found = FindOidcProviderByUrl(ctx(), kAccount, issuer);
    ASSERT_OK(found);
    ASSERT_TRUE(found->has_value()) << issuer;
    EXPECT_EQ((*found)->arn, kEksArn);
  }
  auto other = FindOidcProviderByUrl(ctx(), kOtherAccount, kEksUrl);
  ASSERT_OK(other);
  EXPECT_FALSE(other->has_value());
  auto bad = FindOidcProviderByUrl(ctx(), kAccount, "http://x.com");
  ASSERT_OK(bad);
  EXPECT_FALSE(bad->has_value());
  // Case-sensitive path.
  auto lower = FindOidcProviderByUrl(
      ctx(), kAccount,
      "https://oidc.eks.us-west-2.amazonaws.com/id/exampled539d4633e53de1b71example");
  ASSERT_OK(lower);
  EXPECT_FALSE(lower->has_value());
}

}  // namespace
}  // namespace irsa::iam
