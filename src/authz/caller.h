// Who is calling: the authenticated principal of a request, resolved by authn (SigV4 against a
// long-term access key or a session token) before a service operation runs.
//
// A Caller is a plain value; it holds no secrets (the secret access key is used for signature
// verification only and never stored here).
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"

namespace irsa::authz {

enum class CallerType {
  kRoot,           // the account's root identity (arn:aws:iam::A:root), same credentials as kUser
  kUser,           // an IAM user (a long-term access key, or GetSessionToken credentials)
  kAssumedRole,    // a role session (AssumeRole / AssumeRoleWithWebIdentity credentials)
  kFederatedUser,  // a GetFederationToken session (arn:aws:sts::A:federated-user/NAME)
  kAnonymous,      // unsigned request (only AssumeRoleWithWebIdentity accepts these)
};

struct SessionTag {
  std::string key;
  std::string value;
};

struct Caller {
  CallerType type = CallerType::kAnonymous;
  std::string account;        // 12-digit account id
  std::string arn;            // root, user, assumed-role session or federated-user ARN
  std::string user_id;        // account id (root), AIDA… (user), AROA…:session (role session),
                              // A:NAME (federated user)
  std::string access_key_id;  // the key that signed the request, if any

  // kRoot/kUser: the request was signed with GetSessionToken credentials (ASIA… plus a session
  // token) rather than a long-term key. Such credentials call no IAM operation unless made with
  // MFA, and of STS only AssumeRole and GetCallerIdentity (Authorizer::CheckCredentialScope).
  bool session_token_credentials = false;

  // kUser: the IAM user; kFederatedUser: the IAM user that called GetFederationToken (empty
  // name: the root).
  std::string user_name;  // as created (original case)
  std::string user_path;

  // kFederatedUser: the ARN and unique id (AIDA…, or the account id for the root) of the IAM user
  // that called GetFederationToken.
  std::string source_user_arn;
  std::string source_user_id;

  // kAssumedRole: the role. kAssumedRole and kFederatedUser: the session (the federated user's
  // name is its session_name).
  std::string role_name;
  std::string role_arn;  // arn:aws:iam::A:role/path/name
  std::string role_id;   // AROA…
  std::string session_name;
  SystemTime token_issue_time{};
  SystemTime expiration{};
  std::vector<SessionTag> session_tags;
  std::vector<std::string>
      transitive_tag_keys;         // keys of session_tags that pass to chained sessions
  std::string federated_provider;  // provider ARN for web-identity sessions, else empty
  std::string web_identity_subject;
  std::string web_identity_audience;
  std::string source_identity;
  bool chained = false;  // obtained by AssumeRole with role-session credentials
  // The session was authenticated with an MFA code (GetSessionToken / AssumeRole with
  // SerialNumber + TokenCode) at `mfa_authenticated_at`: the request context carries
  // aws:MultiFactorAuthPresent=true and aws:MultiFactorAuthAge.
  bool mfa_authenticated = false;
  SystemTime mfa_authenticated_at{};
  std::string session_policy;                    // inline session policy text, if any
  std::vector<std::string> session_policy_arns;  // managed session policies, if any

  bool is_root() const { return type == CallerType::kRoot; }
};

}  // namespace irsa::authz
