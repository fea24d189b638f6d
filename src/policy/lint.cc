#include "policy/lint.h"

#include <array>
#include <string_view>

#include "base/strings.h"

namespace irsa::policy {
namespace {

constexpr std::array<std::string_view, 9> kMultiValuedKeys = {"aws:tagkeys",
                                                              "aws:principalorgpaths",
                                                              "aws:resourceorgpaths",
                                                              "aws:calledvia",
                                                              "aws:principalservicenameslist",
                                                              "sts:transitivetagkeys",
                                                              "cognito-identity.amazonaws.com:amr",
                                                              "aws:sourcevpcarn",
                                                              "aws:requestedregions"};

bool IsKnownSingleValued(std::string_view key) {
  std::string lower = AsciiLower(key);
  for (std::string_view multi : kMultiValuedKeys) {
    if (lower == multi) return false;
  }
  std::string_view k = lower;
  return k.starts_with("aws:") || k.starts_with("sts:") || k.ends_with(":sub") ||
         k.ends_with(":aud") || k.ends_with(":oaud") || k.ends_with(":app_id");
}

bool IsStringEqualsFamily(BaseOperator op) {
  return op == BaseOperator::kStringEquals || op == BaseOperator::kStringNotEquals ||
         op == BaseOperator::kStringEqualsIgnoreCase ||
         op == BaseOperator::kStringNotEqualsIgnoreCase;
}

// "s3:GetObject"-like: an S3 action named without wildcards that acts on objects (its resource is
// "arn:aws:s3:::bucket/key"). Bucket-level actions that mention objects (PutBucketObjectLock…)
// are not.
bool IsNamedS3ObjectAction(const ActionPattern& action) {
  if (action.matches_all || action.service != "s3") return false;
  std::string_view name = std::string_view(action.text).substr(action.text.find(':') + 1);
  if (name.find_first_of("*?") != std::string_view::npos) return false;
  const std::string lower = AsciiLower(name);
  if (lower == "abortmultipartupload" || lower == "listmultipartuploadparts") return true;
  return lower.find("object") != std::string::npos && lower.find("bucket") == std::string::npos;
}

// "arn:aws:s3:::bucket" (any partition): a bucket's ARN, which no object's ARN can match.
bool IsS3BucketOnlyArn(std::string_view arn) {
  if (!StartsWithIgnoreCase(arn, "arn:")) return false;
  size_t colons = 0, pos = 0;
  for (; pos < arn.size() && colons < 5; ++pos) {
    if (arn[pos] == ':') ++colons;
  }
  if (colons < 5) return false;
  const std::string prefix = AsciiLower(arn.substr(0, pos));
  if (!prefix.ends_with(":s3:::")) return false;
  std::string_view resource = arn.substr(pos);
  return !resource.empty() && resource.find_first_of("/*?$") == std::string_view::npos;
}

std::string Label(const CompiledStatement& statement) {
  std::string out = "statement " + std::to_string(statement.index);
  if (!statement.sid.empty()) out += " (Sid \"" + statement.sid + "\")";
  return out;
}

}  // namespace

std::vector<LintWarning> LintPolicy(const CompiledPolicy& policy) {
  std::vector<LintWarning> warnings;
  auto warn = [&](std::string code, const CompiledStatement& statement, std::string message) {
    warnings.push_back(LintWarning{std::move(code), static_cast<int>(statement.index),
                                   Label(statement) + ": " + message});
  };
  for (const CompiledStatement& statement : policy.statements()) {
    bool has_aud_condition = false;
    for (const CompiledCondition& condition : statement.conditions) {
      const OperatorSpec& spec = condition.spec();
      std::string_view key = condition.key();
      if (!IsNegated(spec.base) && spec.base != BaseOperator::kNull &&
          (EqualsIgnoreCase(key.substr(key.size() >= 4 ? key.size() - 4 : 0), ":aud"))) {
        has_aud_condition = true;
      }
      if (IsStringEqualsFamily(spec.base)) {
        for (const std::string& value : condition.lexemes()) {
          if (value.find_first_of("*?") != std::string::npos) {
            warn("wildcard-in-string-equals", statement,
                 condition.op_text() + " value \"" + value + "\" for \"" + condition.key() +
                     "\" contains a wildcard, which " + condition.op_text() +
                     " compares literally; use StringLike");
          }
        }
      }
      if (StartsWithIgnoreCase(key, "arn:")) {
        warn("provider-arn-as-condition-key", statement,
             "condition key \"" + condition.key() +
                 "\" starts with \"arn:\"; web-identity keys are \"<issuer host/path>:<claim>\" "
                 "without the provider ARN prefix, so this key is never present");
      }
      if (spec.set == SetQualifier::kForAllValues && IsKnownSingleValued(key)) {
        warn("for-all-values-single-valued", statement,
             condition.op_text() + " on single-valued key \"" + condition.key() +
                 "\" is true when the key is absent; use " +
                 condition.op_text().substr(condition.op_text().find(':') + 1) + " instead");
      }
      if (!spec.exact_case) {
        warn("operator-name-case", statement,
             "operator \"" + condition.op_text() + "\" is not spelled in its canonical case");
      }
      for (const std::string& value : condition.invalid_values()) {
        warn("invalid-condition-value", statement,
             "value \"" + value + "\" of " + condition.op_text() + " on \"" + condition.key() +
                 "\" cannot be parsed for this operator and never matches");
      }
    }
    for (const std::string& op : statement.ignored_operators) {
      warn("ignored-operator", statement,
           "unknown condition operator \"" + op + "\" with an empty body is ignored");
    }
    if (!statement.not_action && statement.has_resource && !statement.not_resource &&
        !statement.resources.empty()) {
      bool buckets_only = true;
      for (const ArnPattern& resource : statement.resources) {
        buckets_only &= IsS3BucketOnlyArn(resource.text());
      }
      for (const ActionPattern& action : statement.actions) {
        if (!buckets_only || !IsNamedS3ObjectAction(action)) continue;
        warn("s3-object-action-on-bucket-arn", statement,
             "\"" + action.text +
                 "\" acts on objects (\"arn:aws:s3:::BUCKET/KEY\") but the "
                 "statement's resources are bucket ARNs only, so it never applies; add \"" +
                 statement.resources.front().text() + "/*\"");
      }
    }
    if (statement.effect != Effect::kAllow || statement.not_principal) continue;
    bool federated = false;
    bool everyone = false;
    for (const PrincipalPattern& principal : statement.principals) {
      federated |= principal.kind() == PrincipalPattern::Kind::kFederated &&
                   principal.value().find(":saml-provider/") == std::string::npos;
      everyone |= principal.kind() == PrincipalPattern::Kind::kEveryone;
    }
    if (federated && !has_aud_condition) {
      warn("web-identity-without-aud", statement,
           "a web-identity (Federated) principal is trusted without a condition on the token "
           "audience (\"<issuer>:aud\"); tokens minted for other clients of the issuer can "
           "assume the role");
    }
    if (everyone && statement.conditions.empty()) {
      warn("principal-everyone-unconditional", statement,
           "Principal \"*\" without conditions allows every caller, including anonymous ones");
    }
  }
  return warnings;
}

}  // namespace irsa::policy
