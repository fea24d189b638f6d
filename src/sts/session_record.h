// The content of a stateless session token: everything needed to authenticate later requests
// signed with temporary credentials (ASIA…) and to authorize them, without any storage.
// The record is serialised (SerializeSessionRecord) and then AEAD-sealed with the node's key ring
// (session_token.h); only its sealed form leaves the process. Format: docs/session-token.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "authz/caller.h"
#include "base/result.h"

namespace irsa::sts {

// Whose session a record is.
enum class SessionKind : uint8_t {
  kRole = 0,           // AssumeRole / AssumeRoleWithWebIdentity: a role session
  kUser = 1,           // GetSessionToken: an IAM user's or the account root's own session
  kFederatedUser = 2,  // GetFederationToken: a federated user of an IAM user or of the root
};

struct SessionRecord {
  std::string access_key_id;      // ASIA…
  std::string secret_access_key;  // 40 characters
  std::string account;
  SessionKind kind = SessionKind::kRole;
  // The principal: kRole the role; kUser and kFederatedUser the IAM user that called (name,
  // AIDA… id, ARN), or for the root an empty name, the account id and the root ARN.
  std::string role_name;
  std::string role_id;
  std::string role_arn;
  std::string session_name;    // kRole: the session name; kFederatedUser: the federated user's name
  int64_t issued_at = 0;       // Unix seconds
  int64_t expires_at = 0;      // Unix seconds
  std::string session_policy;  // inline session policy, as sent ("" if none)
  std::vector<std::string> session_policy_arns;  // managed session policies
  std::vector<authz::SessionTag> tags;
  std::vector<std::string> transitive_tag_keys;
  std::string source_identity;
  std::string federated_provider;  // provider ARN (web identity), "" otherwise
  std::string subject;             // token `sub` (web identity)
  std::string audience;            // matched `aud` (web identity)
  std::string pod_name;            // kubernetes.io.pod.name from the token, if any
  std::string pod_uid;
  bool chained = false;  // created by AssumeRole from role-session credentials
  bool mfa = false;      // authenticated with an MFA code at issued_at (SerialNumber + TokenCode)

  // The authenticated caller these credentials stand for.
  authz::Caller ToCaller() const;
};

// "arn:aws:sts::<account>:federated-user/<name>".
std::string FederatedUserArn(const std::string& account, const std::string& name);

std::string SerializeSessionRecord(const SessionRecord& record);
// InvalidClientTokenId on anything that is not a record this version (format 2) or an earlier one
// (format 1, JSON) wrote.
Result<SessionRecord> ParseSessionRecord(std::string_view bytes);

}  // namespace irsa::sts
