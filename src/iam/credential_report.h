// The IAM credential report: GenerateCredentialReport and GetCredentialReport.
//
// The report is AWS's CSV (the columns below, in AWS's order): one row for the account root
// ("<root_account>") and one per IAM user, ordered by lower-cased user name, with
// password_enabled/password_last_changed/password_next_rotation from the login profile and the
// password policy, mfa_active from the user's assigned MFA devices, access_key_N_active and
// access_key_N_last_rotated from the keys (in creation order). Values irsa does not record are
// AWS's "N/A" (access_key_N_last_used_*, cert_N_*) or "no_information" (password_last_used).
//
// Generation is synchronous: GenerateCredentialReport builds and stores the report (row kind
// "credential_report", key "report") and answers STARTED; while the stored report is younger than
// four hours it answers COMPLETE without rebuilding, as AWS does. GetCredentialReport answers
// ReportNotPresent before any generation and ReportExpired once the report is four hours old;
// ReportInProgress never happens. Thread-safe; each call is one transaction.
#pragma once

#include <string>

#include "base/result.h"
#include "iam/service_context.h"

namespace irsa::iam {

inline constexpr const char* kCredentialReportColumns =
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

struct GenerateReportResult {
  std::string state;  // "STARTED" (a new report) or "COMPLETE" (a recent one exists)
  std::string description;
};
Result<GenerateReportResult> GenerateCredentialReport(const ServiceContext& ctx,
                                                      const std::string& account);

struct CredentialReport {
  std::string content;  // the CSV, lines ended by "\n", no trailing newline
  SystemTime generated{};
};
Result<CredentialReport> GetCredentialReport(const ServiceContext& ctx, const std::string& account);

}  // namespace irsa::iam
