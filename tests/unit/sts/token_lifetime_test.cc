// AssumeRoleWithWebIdentity holds every token to StsOptions::max_token_lifetime_seconds (86400 by
// default): exp - iat when the token has iat, else exp - now (with the clock-skew leeway).
#include "unit/sts/sts_test_util.h"

namespace irsa::sts {
namespace {

class TokenLifetimeTest : public testing::StsTest {
 protected:
  void SetUp() override {
    CreateProvider();
    CreateRole("web", WebIdentityTrust());
  }
  Result<IssuedCredentials> Exchange(const boost::json::object& claims) {
    return sts_.AssumeRoleWithWebIdentity(WebIdentity("web", Sign(claims)));
  }
  boost::json::object WithoutIat(int64_t lifetime) {
    boost::json::object claims = TokenClaims(lifetime);
    claims.erase("iat");
    claims.erase("nbf");
    return claims;
  }
};

TEST_F(TokenLifetimeTest, TokenWithIatIsLimitedByExpMinusIat) {
  EXPECT_TRUE(Exchange(TokenClaims(86400)).ok());
  auto too_long = Exchange(TokenClaims(86401));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code(), "InvalidIdentityToken");
  EXPECT_EQ(too_long.error().message(),
            "Token too old: its lifetime (exp - iat) is 86401 s, above the 86400 s limit");
}

TEST_F(TokenLifetimeTest, TokenWithoutIatIsLimitedByExpMinusNow) {
  EXPECT_TRUE(Exchange(WithoutIat(3600)).ok());
  // The skew leeway (300 s) applies as it does to exp and nbf.
  EXPECT_TRUE(Exchange(WithoutIat(86400 + 300)).ok());
  for (int64_t lifetime : {int64_t{86400 + 301}, int64_t{10} * 365 * 86400}) {
    auto too_long = Exchange(WithoutIat(lifetime));
    ASSERT_FALSE(too_long.ok()) << lifetime;
    EXPECT_EQ(too_long.error().code(), "InvalidIdentityToken");
    EXPECT_EQ(too_long.error().message(),
              "Token lifetime too long: the token has no iat and expires in " +
                  std::to_string(lifetime) +
                  " s (exp - now), above the 86400 s limit (plus 300 s clock skew)");
  }
}

}  // namespace
}  // namespace irsa::sts
