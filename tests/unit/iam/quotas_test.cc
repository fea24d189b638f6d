#include <gtest/gtest.h>

#include "iam/service_context.h"

namespace irsa::iam {
namespace {

TEST(Quotas, SetByAwsNameCaseInsensitively) {
  Quotas q;
  EXPECT_EQ(q.roles_per_account, 1000);
  ASSERT_TRUE(SetQuota(q, "RolesPerAccount", 100000).ok());
  EXPECT_EQ(q.roles_per_account, 100000);
  ASSERT_TRUE(SetQuota(q, "aclsizeperrole", 4096).ok());
  EXPECT_EQ(q.trust_policy_size, 4096);
  ASSERT_TRUE(ApplyQuotaSetting(q, "PoliciesPerRole=20").ok());
  EXPECT_EQ(q.attached_policies_per_role, 20);
  EXPECT_EQ(q.attached_policies_per_user, 10) << "other quotas keep their AWS defaults";
}

TEST(Quotas, RejectsUnknownNamesAndBadValues) {
  Quotas q;
  Status unknown = SetQuota(q, "RolesPerAcount", 5);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), "InvalidParameterValue");
  EXPECT_NE(unknown.error().message().find("RolesPerAcount"), std::string::npos);
  EXPECT_NE(unknown.error().message().find("RolesPerAccount"), std::string::npos)
      << "the message lists the known names";
  EXPECT_FALSE(SetQuota(q, "RolesPerAccount", 0).ok());
  EXPECT_FALSE(SetQuota(q, "RolesPerAccount", 2000000000).ok());
  for (const char* bad : {"RolesPerAccount", "RolesPerAccount=", "RolesPerAccount=5x", "=5",
                          "RolesPerAccount=-3", "RolesPerAccount=99999999999999999999"}) {
    EXPECT_FALSE(ApplyQuotaSetting(q, bad).ok()) << bad;
  }
  EXPECT_EQ(q.roles_per_account, 1000) << "failed settings change nothing";
}

}  // namespace
}  // namespace irsa::iam
