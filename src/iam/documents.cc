#include "iam/documents.h"

#include "base/arn.h"
#include "base/strings.h"
#include "iam/records.h"
#include "iam/validation.h"

namespace irsa::iam {

Result<policy::CompiledPolicyPtr> CheckDocument(std::string_view document, DocumentUse use,
                                                const std::string& name) {
  IRSA_RETURN_IF_ERROR(ValidateDocumentCharset(document, "policyDocument"));
  policy::CompileOptions options;
  options.require_version_2012 = use == DocumentUse::kManaged;
  options.name = name;
  policy::PolicyKind kind =
      use == DocumentUse::kTrust ? policy::PolicyKind::kTrust : policy::PolicyKind::kIdentity;
  return policy::CompilePolicy(document, kind, options);
}

int64_t DocumentSize(std::string_view document) {
  return static_cast<int64_t>(policy::PolicySize(document));
}

Status CheckTrustPrincipals(store::StoreTx& tx, const std::string& account,
                            const policy::CompiledPolicy& trust) {
  for (const auto& statement : trust.statements()) {
    for (const auto& principal : statement.principals) {
      if (principal.type_key() != "AWS" ||
          principal.kind() != policy::PrincipalPattern::Kind::kArn) {
        continue;
      }
      std::optional<Arn> arn = Arn::Parse(principal.value());
      if (!arn || arn->service != "iam" || arn->account != account) continue;
      const bool is_role = arn->resource.starts_with("role/");
      if (!is_role && !arn->resource.starts_with("user/")) continue;
      const std::string resource_name = arn->resource.substr(arn->resource.rfind('/') + 1);
      IRSA_TRY(auto row, tx.Get({account, is_role ? kind::kRole : kind::kUser, "",
                                 AsciiLower(resource_name)}));
      bool exists = false;
      if (row) {
        // The ARN must name the entity with its path (names compare case-insensitively, as
        // IAM resolves principals to unique ids).
        std::string stored_arn;
        if (is_role) {
          IRSA_TRY(RoleRecord role, RoleFromBody(row->body));
          stored_arn = role.arn;
        } else {
          IRSA_TRY(UserRecord user, UserFromBody(row->body));
          stored_arn = user.arn;
        }
        exists = EqualsIgnoreCase(stored_arn, principal.value());
      }
      if (!exists) {
        return errors::MalformedPolicyDocument("Invalid principal in policy: \"AWS\":\"" +
                                               principal.value() + "\"");
      }
    }
  }
  return OkStatus();
}

std::vector<policy::LintWarning> TrustPolicyWarnings(const policy::CompiledPolicy& trust) {
  std::vector<policy::LintWarning> warnings = policy::LintPolicy(trust);
  for (const auto& statement : trust.statements()) {
    if (statement.effect != policy::Effect::kAllow || statement.not_principal) continue;
    bool federated = false;
    for (const auto& principal : statement.principals) {
      if (principal.kind() == policy::PrincipalPattern::Kind::kFederated) federated = true;
    }
    if (!federated) continue;
    bool has_sub = false;
    for (const auto& condition : statement.conditions) {
      if (AsciiLower(condition.key()).ends_with(":sub")) has_sub = true;
    }
    if (has_sub) continue;
    policy::LintWarning warning;
    warning.code = "web-identity-without-sub";
    warning.statement = static_cast<int>(statement.index);
    warning.message =
        "Statement " + std::to_string(statement.index) +
        " allows a federated principal without a condition on the \"sub\" claim: every "
        "identity of the provider (e.g. every service account of the cluster) can assume this "
        "role.";
    warnings.push_back(std::move(warning));
  }
  return warnings;
}

}  // namespace irsa::iam
