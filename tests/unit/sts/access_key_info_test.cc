// GetAccessKeyInfo: the account of the long-term keys irsa stores and of the session keys it
// minted; every other key id is refused with InvalidParameterValue.
#include "base/ids.h"
#include "iam/access_keys.h"
#include "iam/accounts.h"
#include "iam/users.h"
#include "unit/sts/sts_test_util.h"

namespace irsa::sts {
namespace {

using testing::kAccount;
using testing::kOtherAccount;

class AccessKeyInfoTest : public testing::StsTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(iam::EnsureAccount(ctx_, kAccount).ok());
    ASSERT_TRUE(iam::CreateUser(ctx_, kAccount, {.name = "alice"}).ok());
  }

  Result<std::string> Info(const std::string& key_id) {
    return sts_.GetAccessKeyInfo(Root(), {.request_id = "r1"}, key_id);
  }
  void ExpectNotIssued(const std::string& key_id) {
    Result<std::string> account = Info(key_id);
    ASSERT_FALSE(account.ok()) << key_id << " answered " << *account;
    EXPECT_EQ(account.error().code(), "InvalidParameterValue");
    EXPECT_NE(account.error().message().find("was not issued by irsa"), std::string::npos)
        << account.error().message();
  }
};

TEST_F(AccessKeyInfoTest, LongTermKeysActiveOrNotButNotDeleted) {
  auto key = iam::CreateAccessKey(ctx_, kAccount, "alice");
  ASSERT_TRUE(key.ok()) << key.error().message();
  ASSERT_TRUE(key->id.starts_with("AKIA"));
  EXPECT_EQ(*Info(key->id), kAccount);
  // AWS: "This operation does not indicate the state of the access key."
  ASSERT_TRUE(
      iam::UpdateAccessKey(ctx_, kAccount, "alice", key->id, iam::AccessKeyStatus::kInactive).ok());
  EXPECT_EQ(*Info(key->id), kAccount);
  ASSERT_TRUE(iam::DeleteAccessKey(ctx_, kAccount, "alice", key->id).ok());
  ExpectNotIssued(key->id);
}

TEST_F(AccessKeyInfoTest, SessionKeysNameTheirAccount) {
  CreateRole("app", AwsTrust(std::string("arn:aws:iam::") + kAccount + ":root"));
  auto issued = sts_.AssumeRole(Root(), {}, Assume("app"));
  ASSERT_TRUE(issued.ok()) << issued.error().message();
  ASSERT_TRUE(issued->access_key_id.starts_with("ASIA"));
  EXPECT_EQ(AccountOfAccessKeyId(issued->access_key_id), std::optional<std::string>(kAccount));
  EXPECT_EQ(*Info(issued->access_key_id), kAccount);
}

TEST_F(AccessKeyInfoTest, KeysIrsaDidNotIssueAreRefused) {
  ExpectNotIssued("AKIAIOSFODNN7EXAMPLE");  // AWS's documentation example
  ExpectNotIssued("ASIA77777777AAAAAAAA");  // encodes no 12-digit account
  // The layout of irsa's session keys, for an account irsa does not serve.
  ExpectNotIssued(NewAccountAccessKeyId("ASIA", kOtherAccount, random_));
  ExpectNotIssued("AKIA0000000000000000");
}

TEST_F(AccessKeyInfoTest, EveryAnswerIsAudited) {
  auto key = iam::CreateAccessKey(ctx_, kAccount, "alice");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(Info(key->id).ok());
  ASSERT_FALSE(Info("AKIAIOSFODNN7EXAMPLE").ok());
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].event, "GetAccessKeyInfo");
  EXPECT_TRUE(events_[0].allowed);
  EXPECT_EQ(events_[0].access_key_id, key->id);
  EXPECT_EQ(events_[0].request_id, "r1");
  EXPECT_FALSE(events_[1].allowed);
  EXPECT_EQ(events_[1].error, "InvalidParameterValue");
  // The secret never reaches the audit log.
  EXPECT_EQ(events_[0].reason.find(key->secret), std::string::npos);
}

}  // namespace
}  // namespace irsa::sts
