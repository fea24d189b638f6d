#include "iam/credential_report.h"

#include <algorithm>
#include <chrono>

#include <boost/json.hpp>

#include "base/strings.h"
#include "base/time_format.h"
#include "iam/access_key_usage.h"
#include "iam/iam_errors.h"
#include "iam/login_profiles.h"
#include "iam/lookup.h"
#include "iam/records.h"
#include "iam/user_keys.h"
#include "store/json_fields.h"

namespace irsa::iam {
namespace {

namespace json = boost::json;

constexpr const char* kReportKind = "credential_report";
constexpr const char* kReportKey = "report";
constexpr auto kReportLifetime = std::chrono::hours(4);
constexpr const char* kNa = "N/A";

// AWS's report timestamps: "2026-11-28T10:54:42+00:00".
std::string ReportTime(SystemTime t) {
  std::string s = FormatIso8601(t);
  if (!s.empty() && s.back() == 'Z') s.replace(s.size() - 1, 1, "+00:00");
  return s;
}

// Access keys of one principal (parent "" for the root), oldest first, at most two reported.
Result<std::vector<AccessKeyRecord>> KeysOf(store::StoreTx& tx, const std::string& account,
                                            const std::string& user_key) {
  IRSA_TRY(std::vector<store::Row> rows,
           ListAllRows(tx, {.account = account, .kind = kind::kAccessKey, .parent = user_key}));
  std::vector<AccessKeyRecord> keys;
  for (const store::Row& row : rows) {
    IRSA_TRY(AccessKeyRecord key, AccessKeyFromBody(row.body));
    keys.push_back(std::move(key));
  }
  std::sort(keys.begin(), keys.end(), [](const AccessKeyRecord& a, const AccessKeyRecord& b) {
    return a.created < b.created;
  });
  return keys;
}

// The access-key columns (two keys, oldest first; their last use merged with this node's unflushed
// record) and the signing-certificate columns (two certificates, oldest first).
void AppendKeys(const ServiceContext& ctx, std::vector<std::string>& cells,
                const std::vector<AccessKeyRecord>& keys,
                std::vector<SigningCertificateRecord> certs) {
  for (size_t i = 0; i < 2; ++i) {
    if (i >= keys.size()) {
      cells.insert(cells.end(), {"false", kNa, kNa, kNa, kNa});
      continue;
    }
    cells.push_back(keys[i].status == AccessKeyStatus::kActive ? "true" : "false");
    cells.push_back(ReportTime(keys[i].created));
    if (std::optional<KeyUse> use = LastUseOf(ctx, keys[i])) {
      cells.insert(cells.end(), {ReportTime(use->when), use->region, use->service});
    } else {
      cells.insert(cells.end(), {kNa, kNa, kNa});
    }
  }
  std::sort(certs.begin(), certs.end(),
            [](const SigningCertificateRecord& a, const SigningCertificateRecord& b) {
              return a.uploaded < b.uploaded;
            });
  for (size_t i = 0; i < 2; ++i) {
    if (i < certs.size()) {
      cells.push_back(certs[i].status == CredentialStatus::kActive ? "true" : "false");
      cells.push_back(ReportTime(certs[i].uploaded));
    } else {
      cells.insert(cells.end(), {"false", kNa});
    }
  }
}

std::string Line(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += cells[i];  // names, ARNs, times and flags contain no comma or quote
  }
  return out;
}

Result<std::string> BuildReport(const ServiceContext& ctx, store::StoreTx& tx,
                                const std::string& account) {
  std::string csv = kCredentialReportColumns;
  IRSA_TRY(auto account_row, tx.Get({account, kind::kAccount, "", account}));
  SystemTime account_created{};
  if (account_row) {
    IRSA_TRY(AccountRecord record, AccountFromBody(account_row->body));
    account_created = record.created;
  }
  std::vector<std::string> root = {"<root_account>",
                                   "arn:aws:iam::" + account + ":root",
                                   ReportTime(account_created),
                                   "not_supported",
                                   "no_information",
                                   "not_supported",
                                   "not_supported",
                                   "false"};
  IRSA_TRY(std::vector<AccessKeyRecord> root_keys, KeysOf(tx, account, ""));
  IRSA_TRY(std::vector<SigningCertificateRecord> root_certs,
           SigningCertificatesOf(tx, account, ""));
  AppendKeys(ctx, root, root_keys, std::move(root_certs));
  csv += "\n" + Line(root);

  IRSA_TRY(auto policy_row, tx.Get({account, kind::kPasswordPolicy, "", "policy"}));
  int64_t max_age_days = 0;
  if (policy_row) {
    IRSA_TRY(json::object o, store::ParseStoredObject(policy_row->body, "password policy"));
    max_age_days = store::JsonInt(o, "max_age");
  }
  IRSA_TRY(std::vector<store::Row> users,
           ListAllRows(tx, {.account = account, .kind = kind::kUser, .parent = ""}));
  for (const store::Row& row : users) {
    IRSA_TRY(UserRecord user, UserFromBody(row.body));
    std::vector<std::string> cells = {user.name, user.arn, ReportTime(user.created)};
    IRSA_TRY(std::optional<LoginProfileRecord> profile, FindLoginProfile(tx, account, row.id.key));
    if (profile) {
      cells.push_back("true");
      cells.push_back("no_information");  // irsa has no console sign-in
      cells.push_back(ReportTime(profile->password_changed));
      cells.push_back(max_age_days > 0 ? ReportTime(profile->password_changed +
                                                    std::chrono::hours(24 * max_age_days))
                                       : kNa);
    } else {
      cells.insert(cells.end(), {"false", kNa, kNa, kNa});
    }
    IRSA_TRY(int64_t devices,
             tx.Count({.account = account, .kind = kind::kMfaAssignment, .parent = row.id.key}));
    cells.push_back(devices > 0 ? "true" : "false");
    IRSA_TRY(std::vector<AccessKeyRecord> keys, KeysOf(tx, account, row.id.key));
    IRSA_TRY(std::vector<SigningCertificateRecord> certs,
             SigningCertificatesOf(tx, account, row.id.key));
    AppendKeys(ctx, cells, keys, std::move(certs));
    csv += "\n" + Line(cells);
  }
  return csv;
}

}  // namespace

Result<GenerateReportResult> GenerateCredentialReport(const ServiceContext& ctx,
                                                      const std::string& account) {
  const SystemTime now = ctx.clock.Now();
  GenerateReportResult out;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto existing, tx.Get({account, kReportKind, "", kReportKey}));
    if (existing) {
      IRSA_TRY(json::object o, store::ParseStoredObject(existing->body, "credential report"));
      const SystemTime generated(std::chrono::nanoseconds(store::JsonInt(o, "generated")));
      if (now - generated < kReportLifetime) {
        out = {"COMPLETE", "The most recent credential report is complete and still current."};
        return OkStatus();
      }
    }
    IRSA_TRY(std::string csv, BuildReport(ctx, tx, account));
    store::Row row;
    row.id = {account, kReportKind, "", kReportKey};
    row.body = json::serialize(
        json::object{{"generated", now.time_since_epoch().count()}, {"content", csv}});
    out = {"STARTED", "No report exists. Starting a new report generation task"};
    return tx.Upsert(row);
  }));
  return out;
}

Result<CredentialReport> GetCredentialReport(const ServiceContext& ctx,
                                             const std::string& account) {
  std::optional<store::Row> row;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(row, tx.Get({account, kReportKind, "", kReportKey}));
    return OkStatus();
  }));
  if (!row) {
    return iam_errors::ReportNotPresent(
        "Credential report not present. To generate a new credential report, use "
        "GenerateCredentialReport.");
  }
  IRSA_TRY(json::object o, store::ParseStoredObject(row->body, "credential report"));
  CredentialReport out;
  out.generated = SystemTime(std::chrono::nanoseconds(store::JsonInt(o, "generated")));
  out.content = store::JsonString(o, "content");
  if (ctx.clock.Now() - out.generated >= kReportLifetime) {
    return iam_errors::ReportExpired(
        "The request was rejected because the most recent credential report has expired. To "
        "generate a new credential report, use GenerateCredentialReport.");
  }
  return out;
}

}  // namespace irsa::iam
