// The sessions of IAM users and of the account root: GetSessionToken and GetFederationToken.
#include <algorithm>

#include "iam/mfa.h"
#include "sts/sts_service.h"

namespace irsa::sts {
namespace {

constexpr int64_t kUserDefaultSeconds = 43200;
constexpr int64_t kRootMaxSeconds = 3600;

// DurationSeconds as AWS applies it to `caller`: the root's sessions last at most an hour, a
// longer request gets an hour.
int64_t SessionDuration(const authz::Caller& caller, std::optional<int64_t> requested) {
  if (caller.is_root()) return std::min(requested.value_or(kRootMaxSeconds), kRootMaxSeconds);
  return requested.value_or(kUserDefaultSeconds);
}

// Sessions are minted only from the long-term credentials of an IAM user or of the root:
// AccessDenied otherwise.
Status CheckLongTermCaller(const authz::Caller& caller, std::string_view operation) {
  if (caller.type == authz::CallerType::kAssumedRole ||
      caller.type == authz::CallerType::kFederatedUser || caller.session_token_credentials) {
    return errors::AccessDenied("Cannot call " + std::string(operation) +
                                " with session credentials");
  }
  if (caller.type != authz::CallerType::kUser && !caller.is_root()) {
    return errors::AccessDenied(std::string(operation) +
                                " needs the long-term credentials of an IAM user or of the "
                                "account root");
  }
  return OkStatus();
}

// The record of a session of `caller` (an IAM user or the root) of `kind`, from now on.
SessionRecord CallerSession(const authz::Caller& caller, SessionKind kind, int64_t now,
                            std::optional<int64_t> requested_duration) {
  SessionRecord record;
  record.account = caller.account;
  record.kind = kind;
  record.role_name = caller.is_root() ? "" : caller.user_name;
  record.role_id = caller.user_id;
  record.role_arn = caller.arn;
  record.issued_at = now;
  record.expires_at = now + SessionDuration(caller, requested_duration);
  return record;
}

audit::AuditEvent Event(std::string_view operation, const std::string& request_id,
                        const authz::Caller& caller, const authz::RequestFacts& facts) {
  audit::AuditEvent event;
  event.request_id = request_id;
  event.event = std::string(operation);
  event.principal = caller.arn;
  event.source_ip = facts.source_ip;
  return event;
}

}  // namespace

Result<IssuedCredentials> StsService::GetSessionToken(const authz::Caller& caller,
                                                      const authz::RequestFacts& facts,
                                                      const SessionTokenRequest& request) {
  audit::AuditEvent event = Event("GetSessionToken", request.request_id, caller, facts);
  auto issue = [&]() -> Result<IssuedCredentials> {
    IRSA_RETURN_IF_ERROR(CheckLongTermCaller(caller, "GetSessionToken"));
    IRSA_TRY(bool mfa, CheckMfa(caller, request.serial_number, request.token_code));
    SessionRecord record = CallerSession(caller, SessionKind::kUser, iam_.clock.NowUnixSeconds(),
                                         request.duration_seconds);
    record.mfa = mfa;
    return Seal(record);
  };
  return Audited(event, issue());
}

Result<bool> StsService::CheckMfa(const authz::Caller& caller,
                                  const std::optional<std::string>& serial,
                                  const std::optional<std::string>& code) {
  if (!serial && !code) return false;
  if (!serial || !code) {
    return errors::InvalidParameterValue(
        "SerialNumber and TokenCode must be given together to authenticate with MFA.");
  }
  // Only IAM users have MFA devices in irsa (the root's hardware or virtual device is AWS's).
  const std::string user =
      caller.type == authz::CallerType::kUser ? caller.user_name : std::string();
  if (user.empty()) {
    return errors::AccessDenied(
        "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA "
        "serial number is valid and associated with this user.");
  }
  IRSA_RETURN_IF_ERROR(iam::VerifyMfaCode(iam_, caller.account, user, *serial, *code));
  return true;
}

Result<IssuedCredentials> StsService::GetFederationToken(const authz::Caller& caller,
                                                         const authz::RequestFacts& facts,
                                                         const FederationTokenRequest& request) {
  audit::AuditEvent event = Event("GetFederationToken", request.request_id, caller, facts);
  event.session = request.name;
  auto issue = [&]() -> Result<IssuedCredentials> {
    IRSA_RETURN_IF_ERROR(CheckLongTermCaller(caller, "GetFederationToken"));
    IRSA_RETURN_IF_ERROR(CheckSessionTags(request.tags, {}));
    const std::string arn = FederatedUserArn(caller.account, request.name);
    if (!request.tags.empty()) {
      authz::AccessRequest tagging;
      tagging.action = "sts:TagSession";
      tagging.resource = arn;
      std::vector<std::pair<std::string, std::string>> pairs;
      for (const auto& tag : request.tags) pairs.emplace_back(tag.key, tag.value);
      tagging.AddRequestTags(pairs);
      IRSA_RETURN_IF_ERROR(authorizer_.Authorize(caller, tagging, facts));
    }
    IRSA_TRY(std::optional<int64_t> packed,
             PackedPolicySize(caller.account, request.session_policies, request.tags));
    SessionRecord record = CallerSession(caller, SessionKind::kFederatedUser,
                                         iam_.clock.NowUnixSeconds(), request.duration_seconds);
    record.session_name = request.name;
    record.session_policy = request.session_policies.policy.value_or("");
    record.session_policy_arns = request.session_policies.policy_arns;
    record.tags = request.tags;
    IRSA_TRY(IssuedCredentials out, Seal(record));
    out.assumed_role_id = caller.account + ":" + request.name;
    out.assumed_role_arn = arn;
    out.packed_policy_size = packed;
    return out;
  };
  return Audited(event, issue());
}

}  // namespace irsa::sts
