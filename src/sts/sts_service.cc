#include "sts/sts_service.h"

#include "base/arn.h"
#include "base/ids.h"
#include "base/strings.h"
#include "iam/oidc_providers.h"
#include "iam/policies.h"
#include "iam/roles.h"

namespace irsa::sts {
namespace {
constexpr size_t kMaxCachedRoles = 100000;
constexpr size_t kMaxCachedProviders = 10000;
}  // namespace

Result<std::pair<std::string, std::string>> ParseRoleArn(const std::string& role_arn) {
  std::optional<Arn> arn = Arn::Parse(role_arn);
  if (!arn || arn->service != "iam" || !IsAccountId(arn->account) ||
      !arn->resource.starts_with("role/") || arn->resource.size() <= 5) {
    return errors::ValidationError("Request ARN is invalid: " + role_arn);
  }
  std::string name = arn->resource.substr(arn->resource.rfind('/') + 1);
  if (name.empty()) return errors::ValidationError("Request ARN is invalid: " + role_arn);
  return std::make_pair(arn->account, name);
}

StsService::StsService(const iam::ServiceContext& iam, oidc::IssuerKeys& issuer_keys,
                       const SessionTokenCodec& sessions, const authz::Authorizer& authorizer,
                       audit::AuditLog& audit, StsOptions options)
    : iam_(iam),
      issuer_keys_(issuer_keys),
      sessions_(sessions),
      authorizer_(authorizer),
      audit_(audit),
      options_(options),
      roles_(iam.store, kMaxCachedRoles),
      providers_(iam.store, kMaxCachedProviders) {}

Result<std::optional<std::shared_ptr<const StsService::CachedRole>>> StsService::LoadRole(
    const std::string& role_arn, const std::pair<std::string, std::string>& ref) {
  const auto& [account, name] = ref;
  std::string key;
  key.reserve(account.size() + 1 + name.size());
  key.append(account).append(1, '|').append(AsciiLower(name));
  int64_t ticket = 0;
  if (std::optional<std::shared_ptr<const CachedRole>> hit = roles_.Find(key, ticket)) {
    // A role ARN whose path differs from the stored role's does not name it.
    if ((*hit)->role.arn != role_arn) return std::nullopt;
    return hit;
  }
  Result<iam::RoleRecord> role = iam::GetRole(iam_, account, name);
  if (!role.ok()) {
    if (role.error().code() == "NoSuchEntity") return std::nullopt;
    return role.error();
  }
  auto cached = std::make_shared<CachedRole>();
  cached->role = std::move(*role);
  IRSA_TRY(cached->trust,
           policy::CompilePolicy(cached->role.assume_role_policy, policy::PolicyKind::kTrust,
                                 {.name = "trust:" + cached->role.arn}));
  std::shared_ptr<const CachedRole> result = std::move(cached);
  roles_.Insert(std::move(key), result, ticket);
  if (result->role.arn != role_arn) return std::nullopt;
  return std::optional(result);
}

Result<std::shared_ptr<const iam::OidcProviderRecord>> StsService::LoadProvider(
    const std::string& account, const std::string& issuer) {
  std::string key;
  key.reserve(account.size() + 1 + issuer.size());
  key.append(account).append(1, '|').append(issuer);
  return providers_.GetOrLoad(key, [&]() -> Result<std::shared_ptr<const iam::OidcProviderRecord>> {
    IRSA_TRY(std::optional<iam::OidcProviderRecord> found,
             iam::FindOidcProviderByUrl(iam_, account, issuer));
    if (!found) return std::shared_ptr<const iam::OidcProviderRecord>();
    return std::make_shared<const iam::OidcProviderRecord>(std::move(*found));
  });
}

Result<std::optional<int64_t>> StsService::CheckSessionLimits(
    const CachedRole& role, const std::string& account, int64_t duration,
    const SessionPolicyInput& input, const std::vector<authz::SessionTag>& tags) {
  if (duration > role.role.max_session_duration) {
    return errors::ValidationError(
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  return PackedPolicySize(account, input, tags);
}

Result<std::optional<int64_t>> StsService::PackedPolicySize(
    const std::string& account, const SessionPolicyInput& input,
    const std::vector<authz::SessionTag>& tags) {
  size_t tag_bytes = 0;
  for (const auto& tag : tags) tag_bytes += tag.key.size() + tag.value.size();
  if (!input.policy && input.policy_arns.empty() && tag_bytes == 0) return std::nullopt;
  size_t packed = tag_bytes;
  if (input.policy) {
    IRSA_TRY(policy::CompiledPolicyPtr compiled,
             policy::CompilePolicy(*input.policy, policy::PolicyKind::kSession));
    (void)compiled;
    packed += policy::PolicySize(*input.policy);
  }
  if (input.policy_arns.size() > 10) {
    return errors::ValidationError(
        "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: "
        "Member must have length less than or equal to 10");
  }
  for (const auto& arn : input.policy_arns) {
    Result<std::string> document = iam::GetPolicyDocument(iam_, account, arn);
    if (!document.ok()) {
      if (document.error().code() == "NoSuchEntity" || document.error().code() == "InvalidInput") {
        return errors::MalformedPolicyDocument("Policy " + arn +
                                               " does not exist or is not attachable.");
      }
      return document.error();
    }
    packed += arn.size();
  }
  const int64_t percent = static_cast<int64_t>(
      (packed * 100 + options_.packed_policy_limit_bytes - 1) / options_.packed_policy_limit_bytes);
  if (percent > 100) {
    return errors::PackedPolicyTooLarge("Packed policy consumes " + std::to_string(percent) +
                                        "% of allotted space, please use smaller policy.");
  }
  return percent;
}

// Otherwise what a chained session inherits would be ambiguous.
Status StsService::CheckSessionTags(const std::vector<authz::SessionTag>& tags,
                                    const std::vector<std::string>& transitive_tag_keys) {
  for (size_t i = 0; i < tags.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (EqualsIgnoreCase(tags[i].key, tags[j].key)) {
        return errors::InvalidParameterValue(
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
      }
    }
  }
  for (const auto& key : transitive_tag_keys) {
    bool tagged = false;
    for (const auto& tag : tags) tagged |= EqualsIgnoreCase(tag.key, key);
    if (!tagged) {
      return errors::InvalidParameterValue(
          "The specified transitive tag key must be included in the requested tags.");
    }
  }
  return OkStatus();
}

Result<IssuedCredentials> StsService::Audited(audit::AuditEvent& event,
                                              Result<IssuedCredentials> result) {
  event.allowed = result.ok();
  if (result.ok()) {
    event.access_key_id = result->access_key_id;
  } else {
    event.error = result.error().code();
    if (event.reason.empty()) event.reason = result.error().message();
  }
  audit_.Write(event);
  return result;
}

Error StsService::Denied(audit::AuditEvent& event, const authz::Denial& denial) const {
  const authz::DenialExplainer& explainer = authorizer_.explainer();
  if (denial.caller != nullptr) {
    event.reason = authz::DenialExplainer::FullMessage(denial);
    return errors::AccessDenied(explainer.Message(denial));
  }
  // Web identities: AWS's "Not authorized to perform sts:AssumeRoleWithWebIdentity".
  std::string full = "Not authorized to perform " + std::string(denial.action) + ": " +
                     std::string(denial.explanation);
  event.reason = full;
  switch (explainer.mode()) {
    case authz::ExplainDenials::kFull:
      return errors::AccessDenied(std::move(full));
    case authz::ExplainDenials::kNone:
      return errors::AccessDenied("Not authorized to perform " + std::string(denial.action));
    case authz::ExplainDenials::kEncoded:
      break;
  }
  std::string encoded = explainer.Message(denial);
  const size_t at = encoded.find("Encoded authorization failure message: ");
  std::string message = "Not authorized to perform " + std::string(denial.action);
  if (at != std::string::npos) message += ". " + encoded.substr(at);
  return errors::AccessDenied(std::move(message));
}

Error StsService::Revealing(audit::AuditEvent& event, Error full, std::string_view redacted) const {
  event.reason = full.message();
  if (authorizer_.explainer().mode() == authz::ExplainDenials::kFull) return full;
  return Error(full.code(), full.http_status(), std::string(redacted));
}

Result<IssuedCredentials> StsService::Seal(SessionRecord& record) {
  record.access_key_id =
      NewAccountAccessKeyId(id_prefix::kTemporaryAccessKey, record.account, iam_.random);
  record.secret_access_key = NewSecretAccessKey(iam_.random);
  IRSA_TRY(std::string token, sessions_.Seal(record));
  IssuedCredentials out;
  out.access_key_id = record.access_key_id;
  out.secret_access_key = record.secret_access_key;
  out.session_token = std::move(token);
  out.expiration = FromUnixSeconds(record.expires_at);
  return out;
}

Result<IssuedCredentials> StsService::Mint(const CachedRole& role, SessionRecord record) {
  record.role_name = role.role.name;
  record.role_id = role.role.id;
  record.role_arn = role.role.arn;
  IRSA_TRY(IssuedCredentials out, Seal(record));
  out.assumed_role_id = role.role.id + ":" + record.session_name;
  out.assumed_role_arn = "arn:aws:sts::" + record.account + ":assumed-role/" + role.role.name +
                         "/" + record.session_name;
  out.source_identity = record.source_identity;
  out.subject = record.subject;
  out.audience = record.audience;
  out.provider = record.federated_provider;
  return out;
}

}  // namespace irsa::sts
