#include "iam/mfa.h"

#include "crypto/totp.h"
#include "iam/users.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;

class MfaTest : public IamTest {
 protected:
  void SetUp() override {
    ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "alice"}));
    ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "bob"}));
    auto created = CreateVirtualMfaDevice(ctx(), kAccount, "alice-phone", "/", {});
    ASSERT_OK(created);
    serial_ = created->device.serial;
    auto seed = crypto::Base32Decode(created->base32_seed);
    ASSERT_TRUE(seed.has_value());
    seed_ = *seed;
  }

  int64_t Step() const { return crypto::TotpStep(clock_.NowUnixSeconds()); }
  std::string Code(int64_t step) const { return crypto::TotpAtStep(seed_, step); }
  void Enable() {
    ASSERT_OK(EnableMfaDevice(ctx(), kAccount, "alice", serial_, Code(Step() - 1), Code(Step())));
  }

  std::string serial_;
  std::string seed_;
};

TEST_F(MfaTest, CreateReturnsARealSeedAndSerial) {
  EXPECT_EQ(serial_, "arn:aws:iam::111122223333:mfa/alice-phone");
  EXPECT_EQ(seed_.size(), 40u);
  auto again = CreateVirtualMfaDevice(ctx(), kAccount, "qr", "/", {});
  ASSERT_OK(again);
  EXPECT_TRUE(again->qr_code_png.starts_with("\x89PNG\r\n\x1a\n"));
  EXPECT_EQ(MfaOtpauthUri(kAccount, "a+b", "SEED"),
            "otpauth://totp/irsa:a%2Bb%40111122223333?secret=SEED&issuer=irsa");
  EXPECT_ERROR(CreateVirtualMfaDevice(ctx(), kAccount, "ALICE-PHONE", "/x/", {}),
               "EntityAlreadyExists", "MFADevice entity at the same path and name already exists.");
  auto other = CreateVirtualMfaDevice(ctx(), kAccount, "ops", "/team/", {{"team", "blue"}});
  ASSERT_OK(other);
  EXPECT_EQ(other->device.serial, "arn:aws:iam::111122223333:mfa/team/ops");
  EXPECT_NE(other->base32_seed, crypto::Base32Encode(seed_));
  EXPECT_ERROR_CODE(CreateVirtualMfaDevice(ctx(), kAccount, "bad name", "/", {}),
                    "ValidationError");
}

TEST_F(MfaTest, EnableNeedsTwoConsecutiveValidCodes) {
  const int64_t now = Step();
  EXPECT_ERROR(EnableMfaDevice(ctx(), kAccount, "alice", serial_, Code(now), Code(now)),
               "InvalidAuthenticationCode", "Authentication code for device is not valid.");
  EXPECT_ERROR_CODE(EnableMfaDevice(ctx(), kAccount, "alice", serial_, Code(now + 1), Code(now)),
                    "InvalidAuthenticationCode");
  // Too old: the pair ends more than one step before now.
  EXPECT_ERROR_CODE(
      EnableMfaDevice(ctx(), kAccount, "alice", serial_, Code(now - 4), Code(now - 3)),
      "InvalidAuthenticationCode");
  // Too far ahead: starts after now.
  EXPECT_ERROR_CODE(
      EnableMfaDevice(ctx(), kAccount, "alice", serial_, Code(now + 1), Code(now + 2)),
      "InvalidAuthenticationCode");
  EXPECT_ERROR_CODE(EnableMfaDevice(ctx(), kAccount, "nobody", serial_, Code(now), Code(now + 1)),
                    "NoSuchEntity");
  EXPECT_ERROR_CODE(EnableMfaDevice(ctx(), kAccount, "alice", "arn:aws:iam::111122223333:mfa/none",
                                    Code(now), Code(now + 1)),
                    "NoSuchEntity");
  ASSERT_OK(EnableMfaDevice(ctx(), kAccount, "alice", serial_, Code(now), Code(now + 1)));
  EXPECT_ERROR(EnableMfaDevice(ctx(), kAccount, "bob", serial_, Code(now + 1), Code(now + 2)),
               "EntityAlreadyExists", "MFA Device is already in use.");

  auto listed = ListMfaDevices(ctx(), kAccount, "alice", "", 0);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].serial, serial_);
  EXPECT_EQ(listed->items[0].user_name, "alice");
  EXPECT_TRUE(listed->items[0].enabled.has_value());
  EXPECT_TRUE(listed->items[0].seed.empty());
  ASSERT_OK(GetMfaDevice(ctx(), kAccount, "alice", serial_));
  EXPECT_ERROR_CODE(GetMfaDevice(ctx(), kAccount, "bob", serial_), "NoSuchEntity");
}

TEST_F(MfaTest, QuotaOfDevicesPerUser) {
  quotas_.mfa_devices_per_user = 1;
  Enable();
  auto second = CreateVirtualMfaDevice(ctx(), kAccount, "alice-2", "/", {});
  ASSERT_OK(second);
  const std::string seed2 = *crypto::Base32Decode(second->base32_seed);
  EXPECT_ERROR(
      EnableMfaDevice(ctx(), kAccount, "alice", second->device.serial,
                      crypto::TotpAtStep(seed2, Step() - 1), crypto::TotpAtStep(seed2, Step())),
      "LimitExceeded", "Cannot exceed quota for MFADevicesPerUser: 1");
}

TEST_F(MfaTest, VerifyAcceptsOneStepOfSkewAndNoReuse) {
  Enable();  // accepted steps up to now
  const std::string bad = "MultiFactorAuthentication failed with invalid MFA one time pass code.";
  // The code of the step already used by EnableMFADevice is spent.
  EXPECT_ERROR(VerifyMfaCode(ctx(), kAccount, "alice", serial_, Code(Step())), "AccessDenied", bad);
  clock_.Advance(std::chrono::seconds(30));
  const int64_t now = Step();
  EXPECT_ERROR(VerifyMfaCode(ctx(), kAccount, "alice", serial_, "000000"), "AccessDenied", bad);
  EXPECT_ERROR_CODE(VerifyMfaCode(ctx(), kAccount, "alice", serial_, Code(now + 2)),
                    "AccessDenied");  // two steps ahead: beyond the skew
  ASSERT_OK(VerifyMfaCode(ctx(), kAccount, "alice", serial_, Code(now)));
  EXPECT_ERROR(VerifyMfaCode(ctx(), kAccount, "alice", serial_, Code(now)), "AccessDenied", bad);
  // One step ahead (a device clock slightly fast) is accepted, once.
  ASSERT_OK(VerifyMfaCode(ctx(), kAccount, "alice", serial_, Code(now + 1)));
  EXPECT_ERROR_CODE(VerifyMfaCode(ctx(), kAccount, "alice", serial_, Code(now + 1)),
                    "AccessDenied");
  // Another user, or an unknown serial.
  EXPECT_ERROR(VerifyMfaCode(ctx(), kAccount, "bob", serial_, Code(now + 1)), "AccessDenied",
               "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your "
               "MFA serial number is valid and associated with this user.");
}

TEST_F(MfaTest, ResyncFindsADriftedDevice) {
  Enable();
  clock_.Advance(std::chrono::seconds(60));
  const int64_t now = Step();
  // The device runs four steps (two minutes) fast: its codes are refused…
  EXPECT_ERROR_CODE(VerifyMfaCode(ctx(), kAccount, "alice", serial_, Code(now + 4)),
                    "AccessDenied");
  EXPECT_ERROR_CODE(
      ResyncMfaDevice(ctx(), kAccount, "alice", serial_, Code(now + 4), Code(now + 6)),
      "InvalidAuthenticationCode");
  EXPECT_ERROR_CODE(ResyncMfaDevice(ctx(), kAccount, "bob", serial_, Code(now + 4), Code(now + 5)),
                    "NoSuchEntity");
  // …until resynchronised with two consecutive codes.
  ASSERT_OK(ResyncMfaDevice(ctx(), kAccount, "alice", serial_, Code(now + 4), Code(now + 5)));
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_OK(VerifyMfaCode(ctx(), kAccount, "alice", serial_, Code(now + 6)));
}

TEST_F(MfaTest, DeactivateDeleteAndDeleteUserConflicts) {
  Enable();
  EXPECT_ERROR(DeleteVirtualMfaDevice(ctx(), kAccount, serial_), "DeleteConflict",
               "MFA VirtualDevice in use. Must deactivate first.");
  EXPECT_ERROR(DeleteUser(ctx(), kAccount, "alice"), "DeleteConflict",
               "Cannot delete entity, must delete MFA device first.");
  EXPECT_ERROR_CODE(DeactivateMfaDevice(ctx(), kAccount, "bob", serial_), "NoSuchEntity");

  auto assigned = ListVirtualMfaDevices(ctx(), kAccount, AssignmentStatus::kAssigned, "", 0);
  ASSERT_OK(assigned);
  ASSERT_EQ(assigned->items.size(), 1u);
  ASSERT_TRUE(assigned->items[0].user.has_value());
  EXPECT_EQ(assigned->items[0].user->name, "alice");
  auto unassigned = ListVirtualMfaDevices(ctx(), kAccount, AssignmentStatus::kUnassigned, "", 0);
  ASSERT_OK(unassigned);
  EXPECT_TRUE(unassigned->items.empty());

  ASSERT_OK(DeactivateMfaDevice(ctx(), kAccount, "alice", serial_));
  unassigned = ListVirtualMfaDevices(ctx(), kAccount, AssignmentStatus::kUnassigned, "", 0);
  ASSERT_OK(unassigned);
  ASSERT_EQ(unassigned->items.size(), 1u);
  EXPECT_FALSE(unassigned->items[0].user.has_value());
  // Deactivated: the device verifies nothing for alice any more.
  EXPECT_ERROR_CODE(VerifyMfaCode(ctx(), kAccount, "alice", serial_, Code(Step() + 1)),
                    "AccessDenied");
  ASSERT_OK(DeleteUser(ctx(), kAccount, "alice"));
  ASSERT_OK(DeleteVirtualMfaDevice(ctx(), kAccount, serial_));
  EXPECT_ERROR_CODE(DeleteVirtualMfaDevice(ctx(), kAccount, serial_), "NoSuchEntity");
}

TEST_F(MfaTest, RenamedUserKeepsItsDevice) {
  Enable();
  ASSERT_OK(UpdateUser(ctx(), kAccount, "alice", std::string("alicia"), std::nullopt));
  auto got = GetMfaDevice(ctx(), kAccount, "alicia", serial_);
  ASSERT_OK(got);
  EXPECT_EQ(got->user_name, "alicia");
  auto all = ListVirtualMfaDevices(ctx(), kAccount, AssignmentStatus::kAny, "", 0);
  ASSERT_OK(all);
  ASSERT_EQ(all->items.size(), 1u);
  EXPECT_EQ(all->items[0].device.user_name, "alicia");
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_OK(VerifyMfaCode(ctx(), kAccount, "alicia", serial_, Code(Step())));
}

TEST_F(MfaTest, Tags) {
  ASSERT_OK(TagMfaDevice(ctx(), kAccount, serial_, {{"team", "blue"}, {"env", "prod"}}));
  ASSERT_OK(UntagMfaDevice(ctx(), kAccount, serial_, {"env"}));
  auto tags = ListMfaDeviceTags(ctx(), kAccount, serial_, "", 0);
  ASSERT_OK(tags);
  ASSERT_EQ(tags->items.size(), 1u);
  EXPECT_EQ(tags->items[0].key, "team");
  quotas_.tags_per_resource = 1;
  EXPECT_ERROR_CODE(TagMfaDevice(ctx(), kAccount, serial_, {{"x", "y"}}), "LimitExceeded");
  EXPECT_ERROR_CODE(TagMfaDevice(ctx(), kAccount, "arn:aws:iam::111122223333:mfa/none", {}),
                    "NoSuchEntity");
}

}  // namespace
}  // namespace irsa::iam
