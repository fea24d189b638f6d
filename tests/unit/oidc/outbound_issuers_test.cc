// The account issuers of outbound web identity federation: enable/disable/info, their keys,
// documents and rotation.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "base/clock.h"
#include "base/random.h"
#include "jwt/mint.h"
#include "jwt/verify.h"
#include "oidc/outbound_issuers.h"
#include "unit/store/pausing_store.h"

namespace irsa::oidc {
namespace {

constexpr char kAccount[] = "111122223333";

class OutboundIssuersTest : public ::testing::Test {
 protected:
  OutboundIssuersTest()
      : clock_(FakeClock::AtUnixSeconds(1800000000)),
        random_(5),
        base_("https://irsa.example"),
        issuers_(store_, clock_, random_, base_) {}

  std::shared_ptr<const AccountIssuer> Issuer() {
    auto issuer = issuers_.ForAccount(kAccount);
    EXPECT_TRUE(issuer.ok() && issuer->has_value());
    return issuer.ok() && issuer->has_value() ? **issuer : nullptr;
  }

  store::testing::PausingStore store_;
  FakeClock clock_;
  SeededRandom random_;
  std::string base_;
  OutboundIssuers issuers_;
};

TEST_F(OutboundIssuersTest, EnableDisableInfo) {
  auto info = issuers_.Info(kAccount);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code(), "FeatureDisabled");
  EXPECT_EQ(info.error().http_status(), 404);
  EXPECT_EQ(issuers_.Disable(kAccount).error().code(), "FeatureDisabled");
  auto none = issuers_.ForAccount(kAccount);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  auto issuer = issuers_.Enable(kAccount);
  ASSERT_TRUE(issuer.ok()) << issuer.error().message();
  EXPECT_TRUE(issuer->starts_with("https://irsa.example/outbound/"));
  EXPECT_EQ(issuer->size(), std::string("https://irsa.example/outbound/").size() + 32);
  auto again = issuers_.Enable(kAccount);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), "FeatureEnabled");
  EXPECT_EQ(again.error().http_status(), 409);
  info = issuers_.Info(kAccount);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->issuer, *issuer);
  EXPECT_TRUE(info->enabled);

  ASSERT_TRUE(issuers_.Disable(kAccount).ok());
  EXPECT_EQ(issuers_.Disable(kAccount).error().code(), "FeatureDisabled");
  info = issuers_.Info(kAccount);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->enabled);
  EXPECT_EQ(info->issuer, *issuer);
  // Still served while disabled; re-enabling answers the same URL.
  ASSERT_NE(Issuer(), nullptr);
  EXPECT_FALSE(Issuer()->federation.enabled);
  auto reenabled = issuers_.Enable(kAccount);
  ASSERT_TRUE(reenabled.ok());
  EXPECT_EQ(*reenabled, *issuer);
}

TEST_F(OutboundIssuersTest, RefusesWithoutAnIssuerBase) {
  base_.clear();
  auto issuer = issuers_.Enable(kAccount);
  ASSERT_FALSE(issuer.ok());
  EXPECT_EQ(issuer.error().code(), "ServiceFailure");
}

TEST_F(OutboundIssuersTest, KeysDocumentsAndLookupById) {
  ASSERT_TRUE(issuers_.Enable(kAccount).ok());
  auto issuer = Issuer();
  ASSERT_NE(issuer, nullptr);
  ASSERT_EQ(issuer->active.size(), 2u);
  EXPECT_EQ(issuer->active.at("RS256").key->type(), crypto::KeyType::kRsa);
  EXPECT_EQ(issuer->active.at("ES384").key->type(), crypto::KeyType::kEcP384);
  EXPECT_EQ(issuer->published->size(), 2u);

  auto discovery = boost::json::parse(issuer->discovery_json).as_object();
  EXPECT_EQ(discovery.at("issuer").as_string(), issuer->federation.issuer);
  EXPECT_EQ(discovery.at("jwks_uri").as_string(),
            issuer->federation.issuer + "/.well-known/jwks.json");
  auto jwks = boost::json::parse(issuer->jwks_json).as_object();
  ASSERT_EQ(jwks.at("keys").as_array().size(), 2u);
  for (const auto& key : jwks.at("keys").as_array()) {
    EXPECT_FALSE(key.as_object().contains("d")) << "a private member was published";
  }

  auto by_id = issuers_.IssuerById(issuer->federation.id);
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((**by_id)->federation.issuer, issuer->federation.issuer);
  auto unknown = issuers_.IssuerById("00000000000000000000000000000000");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());

  // What the ES384 key signs verifies against the published set.
  const ActiveSigningKey& es = issuer->active.at("ES384");
  auto token = jwt::MintJws(boost::json::object{{"sub", "x"}}, *es.key,
                            {.kid = es.kid, .alg = crypto::JwsAlg::kES384});
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(jwt::ParseAndVerify(*token, *issuer->published).ok());
}

TEST_F(OutboundIssuersTest, RotationKeepsRetiredKeysPublishedForTheTokenLifetime) {
  EXPECT_EQ(issuers_.RotateKeys(kAccount).error().code(), "FeatureDisabled");
  ASSERT_TRUE(issuers_.Enable(kAccount).ok());
  const std::string old_rs = Issuer()->active.at("RS256").kid;
  clock_.Advance(std::chrono::seconds(10));
  ASSERT_TRUE(issuers_.RotateKeys(kAccount).ok());
  auto rotated = Issuer();
  EXPECT_NE(rotated->active.at("RS256").kid, old_rs);
  EXPECT_EQ(rotated->published->size(), 4u);
  EXPECT_NE(rotated->published->Find(old_rs), nullptr);
  // Past the window the retired keys go at the next rotation.
  clock_.Advance(std::chrono::seconds(3601));
  ASSERT_TRUE(issuers_.RotateKeys(kAccount).ok());
  auto later = Issuer();
  EXPECT_EQ(later->published->Find(old_rs), nullptr);
  EXPECT_EQ(later->published->size(), 4u);  // the previous pair (retired now) and the new pair
}

TEST_F(OutboundIssuersTest, ScheduledRotationRotatesIssuersOlderThanThePeriod) {
  ASSERT_TRUE(issuers_.Enable(kAccount).ok());
  const std::string first = Issuer()->active.at("ES384").kid;
  EXPECT_EQ(*issuers_.RotateDueKeys(0), 0);
  clock_.Advance(std::chrono::seconds(99));
  EXPECT_EQ(*issuers_.RotateDueKeys(100), 0);
  EXPECT_EQ(Issuer()->active.at("ES384").kid, first);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(*issuers_.RotateDueKeys(100), 1);
  EXPECT_NE(Issuer()->active.at("ES384").kid, first);
  EXPECT_NE(Issuer()->published->Find(first), nullptr);
  EXPECT_EQ(*issuers_.RotateDueKeys(100), 0);  // the new keys are not due yet
}

}  // namespace
}  // namespace irsa::oidc
