// The Authenticator records the use of a long-term key it authenticates (GetAccessKeyLastUsed)
// in the node's in-memory AccessKeyUsage, and nothing for a request it refuses.
#include <gtest/gtest.h>

#include <chrono>

#include "base/clock.h"
#include "base/random.h"
#include "iam/access_key_usage.h"
#include "iam/access_keys.h"
#include "iam/credentials.h"
#include "iam/users.h"
#include "protocol/authn.h"
#include "protocol/sigv4_signer.h"
#include "sts/session_token.h"
#include "unit/iam/memory_store.h"

namespace irsa::protocol {
namespace {

constexpr char kAccount[] = "111122223333";

class AuthnUsageTest : public ::testing::Test {
 protected:
  AuthnUsageTest()
      : clock_(FakeClock::AtUnixSeconds(1800000000)),
        random_(3),
        ctx_{store_, clock_, random_, quotas_},
        usage_(store_, clock_, {.flush_interval = std::chrono::seconds(60)}),
        resolver_(ctx_) {}

  void SetUp() override {
    iam::CreateUserInput user;
    user.name = "alice";
    ASSERT_TRUE(iam::CreateUser(ctx_, kAccount, user).ok());
    auto key = iam::CreateAccessKey(ctx_, kAccount, "alice");
    ASSERT_TRUE(key.ok());
    key_ = *key;
    auto ring = sts::LoadOrCreateSessionKeyRing(store_, random_);
    ASSERT_TRUE(ring.ok());
    sessions_ = std::make_unique<sts::SessionTokenCodec>(*ring);
    authn_ = std::make_unique<Authenticator>(resolver_, *sessions_, clock_, &usage_);
  }

  HttpRequest Signed(const std::string& secret, const std::string& service,
                     const std::string& region) {
    SigV4SigningInput input;
    input.method = "POST";
    input.host = "127.0.0.1:8080";
    input.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
    input.body = "Action=GetCallerIdentity&Version=2011-06-15";
    SigV4SigningParams params;
    params.credentials = {key_.id, secret, ""};
    params.service = service;
    params.region = region;
    params.time = clock_.Now();
    return SignSigV4Header(input, params);
  }

  iam::testing::MemoryStore store_;
  FakeClock clock_;
  SeededRandom random_;
  iam::Quotas quotas_;
  iam::ServiceContext ctx_;
  iam::AccessKeyUsage usage_;
  iam::AccessKeyResolver resolver_;
  std::unique_ptr<sts::SessionTokenCodec> sessions_;
  std::unique_ptr<Authenticator> authn_;
  iam::AccessKeyRecord key_;
};

TEST_F(AuthnUsageTest, RecordsAuthenticatedRequestsOnly) {
  auto refused =
      authn_->Authenticate(Signed("wrong-secret-0000000000000000000000000000", "sts", "eu-west-1"));
  ASSERT_FALSE(refused.ok());
  EXPECT_FALSE(usage_.Unflushed(key_.id)) << "a refused signature is not a use";

  const int64_t generation = store_.Generation();
  auto ok = authn_->Authenticate(Signed(key_.secret, "sts", "eu-west-1"));
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  auto use = usage_.Unflushed(key_.id);
  ASSERT_TRUE(use);
  EXPECT_EQ(use->service, "sts");
  EXPECT_EQ(use->region, "eu-west-1");
  EXPECT_EQ(use->when, clock_.Now());
  EXPECT_EQ(store_.Generation(), generation) << "authentication wrote the store";

  ASSERT_TRUE(
      iam::UpdateAccessKey(ctx_, kAccount, "alice", key_.id, iam::AccessKeyStatus::kInactive).ok());
  clock_.Advance(std::chrono::seconds(5));
  auto inactive = authn_->Authenticate(Signed(key_.secret, "iam", "us-east-1"));
  ASSERT_FALSE(inactive.ok());
  EXPECT_EQ(inactive.error().code(), "InvalidClientTokenId");
  EXPECT_EQ(usage_.Unflushed(key_.id)->service, "sts") << "an inactive key is not used";
}

}  // namespace
}  // namespace irsa::protocol
