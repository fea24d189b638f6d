#include "iam/credential_report.h"

#include <sstream>

#include "crypto/totp.h"
#include "iam/access_keys.h"
#include "iam/login_profiles.h"
#include "iam/mfa.h"
#include "iam/users.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using testing::IamTest;
using testing::kAccount;

std::vector<std::vector<std::string>> Parse(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(csv);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    std::string cell;
    while (std::getline(fields, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

class CredentialReportTest : public IamTest {};

TEST_F(CredentialReportTest, NotPresentThenStartedCompleteAndExpired) {
  EXPECT_ERROR_CODE(GetCredentialReport(ctx(), kAccount), "ReportNotPresent");
  ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "bob"}));
  ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "alice"}));
  ASSERT_OK(CreateAccessKey(ctx(), kAccount, "alice"));
  PasswordPolicy policy;
  policy.max_age_days = 90;
  ASSERT_OK(UpdateAccountPasswordPolicy(ctx(), kAccount, policy));
  ASSERT_OK(CreateLoginProfile(ctx(), kAccount, "alice", "Alice-pass-1", false));
  auto device = CreateVirtualMfaDevice(ctx(), kAccount, "alice", "/", {});
  ASSERT_OK(device);
  const std::string seed = *crypto::Base32Decode(device->base32_seed);
  const int64_t step = crypto::TotpStep(clock_.NowUnixSeconds());
  ASSERT_OK(EnableMfaDevice(ctx(), kAccount, "alice", device->device.serial,
                            crypto::TotpAtStep(seed, step - 1), crypto::TotpAtStep(seed, step)));

  auto generated = GenerateCredentialReport(ctx(), kAccount);
  ASSERT_OK(generated);
  EXPECT_EQ(generated->state, "STARTED");
  auto report = GetCredentialReport(ctx(), kAccount);
  ASSERT_OK(report);
  auto rows = Parse(report->content);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].size(), 22u);
  EXPECT_EQ(rows[0][0], "user");
  EXPECT_EQ(rows[0][7], "mfa_active");
  EXPECT_EQ(rows[1][0], "<root_account>");
  EXPECT_EQ(rows[1][1], "arn:aws:iam::111122223333:root");
  EXPECT_EQ(rows[1][3], "not_supported");
  const auto& alice = rows[2];
  ASSERT_EQ(alice.size(), 22u);
  EXPECT_EQ(alice[0], "alice");
  EXPECT_EQ(alice[3], "true");
  EXPECT_EQ(alice[5], "2027-01-15T08:00:00+00:00");  // password_last_changed = now
  EXPECT_EQ(alice[6], "2027-04-15T08:00:00+00:00");  // + 90 days
  EXPECT_EQ(alice[7], "true");
  EXPECT_EQ(alice[8], "true");
  EXPECT_EQ(alice[10], "N/A");
  EXPECT_EQ(alice[13], "false");
  const auto& bob = rows[3];
  EXPECT_EQ(bob[0], "bob");
  EXPECT_EQ(bob[3], "false");
  EXPECT_EQ(bob[4], "N/A");
  EXPECT_EQ(bob[7], "false");
  EXPECT_EQ(bob[8], "false");

  // A recent report is not rebuilt; after four hours it has expired.
  ASSERT_OK(CreateUser(ctx(), kAccount, {.name = "carol"}));
  EXPECT_EQ(GenerateCredentialReport(ctx(), kAccount)->state, "COMPLETE");
  EXPECT_EQ(Parse(GetCredentialReport(ctx(), kAccount)->content).size(), 4u);
  clock_.Advance(std::chrono::hours(4));
  EXPECT_ERROR_CODE(GetCredentialReport(ctx(), kAccount), "ReportExpired");
  EXPECT_EQ(GenerateCredentialReport(ctx(), kAccount)->state, "STARTED");
  EXPECT_EQ(Parse(GetCredentialReport(ctx(), kAccount)->content).size(), 5u);
}

}  // namespace
}  // namespace irsa::iam
