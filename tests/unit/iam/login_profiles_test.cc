#include "iam/login_profiles.h"

#include "iam/users.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;

constexpr char kViolation[] = "Password does not conform to the account password policy.";

class LoginProfilesTest : public IamTest {
 protected:
  void SetUp() override { ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "alice"})); }
};

TEST_F(LoginProfilesTest, DefaultPolicyWithoutAccountPolicy) {
  EXPECT_TRUE(PasswordMeetsPolicy("Abcdefg1", std::nullopt));
  EXPECT_TRUE(PasswordMeetsPolicy("abcdef1!", std::nullopt));
  EXPECT_FALSE(PasswordMeetsPolicy("Abcdef1", std::nullopt));    // 7 characters
  EXPECT_FALSE(PasswordMeetsPolicy("abcdefgh1", std::nullopt));  // two classes
  EXPECT_ERROR(CreateLoginProfile(ctx(), kAccount, "alice", "password", false),
               "PasswordPolicyViolation", kViolation);
  EXPECT_ERROR(GetAccountPasswordPolicy(ctx(), kAccount), "NoSuchEntity",
               "The Password Policy with domain name 111122223333 cannot be found.");
}

TEST_F(LoginProfilesTest, AccountPolicyChecksEveryRule) {
  PasswordPolicy policy;
  policy.minimum_length = 10;
  policy.require_symbols = true;
  policy.require_numbers = true;
  policy.require_uppercase = true;
  policy.require_lowercase = true;
  policy.reuse_prevention = 2;
  ASSERT_OK(UpdateAccountPasswordPolicy(ctx(), kAccount, policy));
  auto got = GetAccountPasswordPolicy(ctx(), kAccount);
  ASSERT_OK(got);
  EXPECT_EQ(got->minimum_length, 10);
  EXPECT_EQ(got->reuse_prevention, 2);
  EXPECT_TRUE(PasswordMeetsPolicy("Abcdefgh1!", got.value()));
  for (const char* bad : {"Abcdefg1!", "abcdefgh1!", "ABCDEFGH1!", "Abcdefghi!", "Abcdefghi1"}) {
    EXPECT_FALSE(PasswordMeetsPolicy(bad, got.value())) << bad;
    EXPECT_ERROR(CreateLoginProfile(ctx(), kAccount, "alice", bad, false),
                 "PasswordPolicyViolation", kViolation);
  }
  policy.minimum_length = 5;
  EXPECT_ERROR_CODE(UpdateAccountPasswordPolicy(ctx(), kAccount, policy), "ValidationError");
  policy.minimum_length = 10;
  policy.reuse_prevention = 25;
  EXPECT_ERROR_CODE(UpdateAccountPasswordPolicy(ctx(), kAccount, policy), "ValidationError");
  ASSERT_OK(DeleteAccountPasswordPolicy(ctx(), kAccount));
  EXPECT_ERROR_CODE(DeleteAccountPasswordPolicy(ctx(), kAccount), "NoSuchEntity");
}

TEST_F(LoginProfilesTest, LifecycleChangePasswordAndReuse) {
  PasswordPolicy policy;
  policy.minimum_length = 8;
  policy.reuse_prevention = 2;
  ASSERT_OK(UpdateAccountPasswordPolicy(ctx(), kAccount, policy));
  auto created = CreateLoginProfile(ctx(), kAccount, "ALICE", "first-pass", true);
  ASSERT_OK(created);
  EXPECT_EQ(created->user_name, "alice");
  EXPECT_TRUE(created->password_reset_required);
  EXPECT_ERROR(CreateLoginProfile(ctx(), kAccount, "alice", "other-pass", false),
               "EntityAlreadyExists", "Login Profile for user alice already exists.");
  EXPECT_ERROR(ChangePassword(ctx(), kAccount, "alice", "wrong-pass", "second-pass"),
               "AccessDenied", "The old password is incorrect.");
  // Reuse of the current password is refused with PasswordReusePrevention.
  EXPECT_ERROR(ChangePassword(ctx(), kAccount, "alice", "first-pass", "first-pass"),
               "PasswordPolicyViolation", kViolation);
  EXPECT_ERROR_CODE(ChangePassword(ctx(), kAccount, "alice", "first-pass", "short"),
                    "PasswordPolicyViolation");
  ASSERT_OK(ChangePassword(ctx(), kAccount, "alice", "first-pass", "second-pass"));
  auto got = GetLoginProfile(ctx(), kAccount, "alice");
  ASSERT_OK(got);
  EXPECT_FALSE(got->password_reset_required);
  // The previous password is among the last two; a third one is not.
  EXPECT_ERROR_CODE(ChangePassword(ctx(), kAccount, "alice", "second-pass", "first-pass"),
                    "PasswordPolicyViolation");
  ASSERT_OK(UpdateLoginProfile(ctx(), kAccount, "alice", std::string("third-pass"), true));
  ASSERT_OK(ChangePassword(ctx(), kAccount, "alice", "third-pass", "first-pass"));
  EXPECT_TRUE(GetLoginProfile(ctx(), kAccount, "alice")->password_reset_required == false);

  EXPECT_ERROR(DeleteUser(ctx(), kAccount, "alice"), "DeleteConflict",
               "Cannot delete entity, must delete login profile first.");
  ASSERT_OK(DeleteLoginProfile(ctx(), kAccount, "alice"));
  EXPECT_ERROR(GetLoginProfile(ctx(), kAccount, "alice"), "NoSuchEntity",
               "Login Profile for User alice cannot be found.");
  EXPECT_ERROR_CODE(DeleteLoginProfile(ctx(), kAccount, "alice"), "NoSuchEntity");
  ASSERT_OK(DeleteUser(ctx(), kAccount, "alice"));
}

TEST_F(LoginProfilesTest, PasswordIsStoredOnlyAsASlowHash) {
  ASSERT_OK(CreateLoginProfile(ctx(), kAccount, "alice", "Secret-Pass-1", false));
  bool found = false;
  ASSERT_OK(store_.Read([&](store::StoreTx& tx) -> Status {
    auto row = tx.Get({kAccount, kind::kLoginProfile, "alice", "login"});
    if (!row.ok() || !*row) return OkStatus();
    found = true;
    EXPECT_EQ((*row)->body.find("Secret-Pass-1"), std::string::npos);
    EXPECT_EQ((*row)->secret.find("Secret-Pass-1"), std::string::npos);
    EXPECT_NE((*row)->secret.find("pbkdf2-sha256$210000$"), std::string::npos);
    return OkStatus();
  }));
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace irsa::iam
