// The sessions of IAM users and of the account root: GetSessionToken.
#include <algorithm>

#include "sts/sts_service.h"

namespace irsa::sts {
namespace {

constexpr int64_t kUserDefaultSeconds = 43200;
constexpr int64_t kRootMaxSeconds = 3600;

// Sessions are minted only from long-term credentials.
bool IsSession(const authz::Caller& caller) {
  return caller.type == authz::CallerType::kAssumedRole || caller.session_token_credentials;
}

// DurationSeconds as AWS applies it to `caller`: the root's sessions last at most an hour, a
// longer request gets an hour.
int64_t SessionDuration(const authz::Caller& caller, std::optional<int64_t> requested) {
  if (caller.is_root()) return std::min(requested.value_or(kRootMaxSeconds), kRootMaxSeconds);
  return requested.value_or(kUserDefaultSeconds);
}

}  // namespace

Result<IssuedCredentials> StsService::GetSessionToken(const authz::Caller& caller,
                                                      const authz::RequestFacts& facts,
                                                      const SessionTokenRequest& request) {
  audit::AuditEvent event;
  event.request_id = request.request_id;
  event.event = "GetSessionToken";
  event.principal = caller.arn;
  event.source_ip = facts.source_ip;
  auto issue = [&]() -> Result<IssuedCredentials> {
    if (IsSession(caller)) {
      return errors::AccessDenied("Cannot call GetSessionToken with session credentials");
    }
    if (caller.type != authz::CallerType::kUser && !caller.is_root()) {
      return errors::AccessDenied(
          "GetSessionToken needs the long-term credentials of an IAM "
          "user or of the account root");
    }
    if (request.serial_number || request.token_code) {
      return errors::InvalidParameterValue(
          "MFA is not supported yet: irsa has no MFA devices, so it cannot verify SerialNumber "
          "and TokenCode. Call GetSessionToken without them.");
    }
    const int64_t now = iam_.clock.NowUnixSeconds();
    SessionRecord record;
    record.account = caller.account;
    record.kind = SessionKind::kUser;
    record.role_name = caller.is_root() ? "" : caller.user_name;
    record.role_id = caller.user_id;
    record.role_arn = caller.arn;
    record.issued_at = now;
    record.expires_at = now + SessionDuration(caller, request.duration_seconds);
    return Seal(record);
  };
  return Audited(event, issue());
}

}  // namespace irsa::sts
