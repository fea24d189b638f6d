// STS: AssumeRoleWithWebIdentity (unsigned; authenticated by its OIDC token) and AssumeRole
// (signed), issuing stateless session credentials (session_token.h).
//
// Every denial says why: which provider, audience, statement and condition did not match, with
// expected and actual values, in the error message (STS clients only read the code). Validation
// is deterministic and cheap, since SDKs retry InvalidIdentityToken/IDPCommunicationError.
//
// The hot path touches no disk and parses no policy JSON: roles with their compiled trust
// policies and OIDC providers are cached in memory (store::GenerationCache: never an entry read
// before a newer write) and reloaded when the store's generation changes; issuer keys come from
// oidc::IssuerKeys.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "authz/authorizer.h"
#include "authz/caller.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "oidc/issuer_keys.h"
#include "policy/decision.h"
#include "policy/policy.h"
#include "policy/trace.h"
#include "store/generation_cache.h"
#include "sts/session_token.h"

namespace irsa::sts {

struct StsOptions {
  int64_t clock_skew_seconds = 300;  // leeway on exp / nbf / iat
  // exp - iat above this is "Token too old"; a token without iat may expire at most this long
  // (plus the skew) after now.
  int64_t max_token_lifetime_seconds = 86400;
  int64_t packed_policy_limit_bytes = 2048;  // PackedPolicySize = 100% at this size
};

struct SessionPolicyInput {
  std::optional<std::string> policy;     // inline session policy
  std::vector<std::string> policy_arns;  // managed session policies
};

struct WebIdentityRequest {
  std::string request_id;
  std::string role_arn;
  std::string role_session_name;
  std::string web_identity_token;
  std::optional<int64_t> duration_seconds;
  SessionPolicyInput session_policies;
  std::string source_ip;
  bool secure_transport = false;
};

// AssumeRoleWithSAML (unsigned; authenticated by its assertion): sts/saml_assume.cc.
struct SamlAssumeRequest {
  std::string request_id;
  std::string role_arn;
  std::string principal_arn;   // the IAM SAML provider
  std::string saml_assertion;  // base64 SAMLResponse
  std::optional<int64_t> duration_seconds;
  SessionPolicyInput session_policies;
  std::string source_ip;
  bool secure_transport = false;
};

struct AssumeRoleRequest {
  std::string request_id;
  std::string role_arn;
  std::string role_session_name;
  std::optional<int64_t> duration_seconds;
  SessionPolicyInput session_policies;
  std::vector<authz::SessionTag> tags;
  std::vector<std::string> transitive_tag_keys;
  std::optional<std::string> external_id;
  std::optional<std::string> source_identity;
  // MFA: both or neither; checked against the calling IAM user's enabled device.
  std::optional<std::string> serial_number;
  std::optional<std::string> token_code;
};

struct SessionTokenRequest {
  std::string request_id;
  std::optional<int64_t> duration_seconds;
  // MFA: both or neither; checked against the calling IAM user's enabled device.
  std::optional<std::string> serial_number;
  std::optional<std::string> token_code;
};

struct FederationTokenRequest {
  std::string request_id;
  std::string name;  // the federated user's name
  std::optional<int64_t> duration_seconds;
  SessionPolicyInput session_policies;
  std::vector<authz::SessionTag> tags;
};

struct IssuedCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  SystemTime expiration{};
  std::string assumed_role_id;   // <RoleId>:<session>; GetFederationToken: <acct>:<name>
  std::string assumed_role_arn;  // arn:aws:sts::<acct>:assumed-role/<name>/<session>;
                                 // GetFederationToken: arn:aws:sts::<acct>:federated-user/<name>
  std::optional<int64_t> packed_policy_size;  // percent; only with session policies or tags
  std::string source_identity;
  // Web identity only.
  std::string subject;
  std::string audience;
  std::string provider;  // the IAM OIDC provider ARN
  // SAML only (audience: the SubjectConfirmationData Recipient).
  std::string subject_type;
  std::string issuer;
  std::string name_qualifier;
};

class StsService {
 public:
  StsService(const iam::ServiceContext& iam, oidc::IssuerKeys& issuer_keys,
             const SessionTokenCodec& sessions, const authz::Authorizer& authorizer,
             audit::AuditLog& audit, StsOptions options = {});

  Result<IssuedCredentials> AssumeRoleWithWebIdentity(const WebIdentityRequest& request);
  Result<IssuedCredentials> AssumeRole(const authz::Caller& caller,
                                       const authz::RequestFacts& facts,
                                       const AssumeRoleRequest& request);
  // The assertion verified against the IAM SAML provider PrincipalArn (sts/saml_assume.cc,
  // docs/sts.md "AssumeRoleWithSAML"); the trust policy decided with the saml:* keys. Audited.
  Result<IssuedCredentials> AssumeRoleWithSAML(const SamlAssumeRequest& request);
  // GetSessionToken: session credentials of the calling IAM user or root, with the caller's
  // permissions. AccessDenied ("Cannot call GetSessionToken with session credentials") for any
  // session. With SerialNumber + TokenCode the code is checked against the caller's enabled
  // virtual MFA device (iam::VerifyMfaCode: one step of skew, each code accepted once;
  // AccessDenied otherwise) and the session carries aws:MultiFactorAuthPresent/Age.
  // Lasts DurationSeconds (default 43200); the root's at most 3600 (default 3600; a longer
  // request gets 3600, as on AWS). Audited.
  Result<IssuedCredentials> GetSessionToken(const authz::Caller& caller,
                                            const authz::RequestFacts& facts,
                                            const SessionTokenRequest& request);
  // GetFederationToken: a federated-user session (arn:aws:sts::A:federated-user/NAME) of the
  // calling IAM user or root, whose permissions are the caller's policies intersected with the
  // session policies (none passed: no permissions). sts:GetFederationToken was authorized by the
  // operation table; passing tags also needs sts:TagSession (AccessDenied). AccessDenied
  // ("Cannot call GetFederationToken with session credentials") for any session. Duration as
  // GetSessionToken's. Audited.
  Result<IssuedCredentials> GetFederationToken(const authz::Caller& caller,
                                               const authz::RequestFacts& facts,
                                               const FederationTokenRequest& request);
  // The account that owns `access_key_id`: a long-term key (AKIA…) irsa stores, active or not,
  // or a session key (ASIA…) whose id names one of the accounts irsa serves (session key ids
  // encode their account, NewAccountAccessKeyId). InvalidParameterValue for any other id:
  // unlike AWS, irsa does not answer for keys it did not issue. Audited.
  Result<std::string> GetAccessKeyInfo(const authz::Caller& caller,
                                       const authz::RequestFacts& facts,
                                       const std::string& access_key_id);

 private:
  struct CachedRole {
    iam::RoleRecord role;
    policy::CompiledPolicyPtr trust;
  };
  // The role (with compiled trust policy) named by `role_arn`, or nullopt if it does not exist.
  // `ref` is ParseRoleArn(role_arn).
  Result<std::optional<std::shared_ptr<const CachedRole>>> LoadRole(
      const std::string& role_arn, const std::pair<std::string, std::string>& ref);
  // The account's IAM OIDC provider for `issuer`, or nullptr if there is none. Cached records are
  // immutable and shared with the caller.
  Result<std::shared_ptr<const iam::OidcProviderRecord>> LoadProvider(const std::string& account,
                                                                      const std::string& issuer);
  // The limits every assumption checks once the trust policy allowed it: ValidationError when
  // `duration` exceeds the role's MaxSessionDuration; then the session policies and tags against
  // the packed-policy limit. Returns PackedPolicySize (percent), nullopt without policies or tags.
  Result<std::optional<int64_t>> CheckSessionLimits(const CachedRole& role,
                                                    const std::string& account, int64_t duration,
                                                    const SessionPolicyInput& input,
                                                    const std::vector<authz::SessionTag>& tags);
  // The session policies (each must compile, each ARN name a policy of `account` or AWS's) and
  // tags against the packed-policy limit: PackedPolicySize (percent), nullopt without policies
  // or tags; MalformedPolicyDocument, PackedPolicyTooLarge, ValidationError otherwise.
  Result<std::optional<int64_t>> PackedPolicySize(const std::string& account,
                                                  const SessionPolicyInput& input,
                                                  const std::vector<authz::SessionTag>& tags);
  // Session tags name each key once (case-insensitively, as AWS compares tag keys) and a
  // transitive key must name one of them (InvalidParameterValue otherwise).
  static Status CheckSessionTags(const std::vector<authz::SessionTag>& tags,
                                 const std::vector<std::string>& transitive_tag_keys);
  // Gives `record` a new access key id (naming its account) and secret and seals it: the
  // credentials, without the principal's identifiers.
  Result<IssuedCredentials> Seal(SessionRecord& record);
  Result<IssuedCredentials> Mint(const CachedRole& role, SessionRecord record);
  // Completes `event` with the outcome (decision, issued key or error), writes it to the audit
  // log and passes `result` through.
  Result<IssuedCredentials> Audited(audit::AuditEvent& event, Result<IssuedCredentials> result);
  Result<IssuedCredentials> WebIdentity(const WebIdentityRequest& request,
                                        audit::AuditEvent& event);
  Result<IssuedCredentials> Saml(const SamlAssumeRequest& request, audit::AuditEvent& event);
  // AccessDenied for `denial`, rendered per the deployment's --explain-denials (a web identity
  // is named by "Not authorized to perform <action>"); `event` keeps the full explanation.
  Error Denied(audit::AuditEvent& event, const authz::Denial& denial) const;
  // An error whose message reveals configuration (a provider's client ids): the caller gets
  // `redacted` unless denials are explained in full; `event` keeps the full message.
  Error Revealing(audit::AuditEvent& event, Error full, std::string_view redacted) const;
  Result<IssuedCredentials> Assume(const authz::Caller& caller, const authz::RequestFacts& facts,
                                   const AssumeRoleRequest& request, audit::AuditEvent& event);
  // SerialNumber + TokenCode of GetSessionToken/AssumeRole (user_sessions.cc): Ok(false)
  // without them; Ok(true) when the code verifies for the calling IAM user's device;
  // AccessDenied for a wrong or reused code, a device not the caller's, or a caller that is not
  // an IAM user; InvalidParameterValue when only one of the two is given.
  Result<bool> CheckMfa(const authz::Caller& caller, const std::optional<std::string>& serial,
                        const std::optional<std::string>& code);

  const iam::ServiceContext& iam_;
  oidc::IssuerKeys& issuer_keys_;
  const SessionTokenCodec& sessions_;
  const authz::Authorizer& authorizer_;
  audit::AuditLog& audit_;
  StsOptions options_;

  // Key "<account>|<lower-case role name>"; only existing roles are cached.
  store::GenerationCache<std::string, std::shared_ptr<const CachedRole>> roles_;
  // Key "<account>|<issuer>"; nullptr: the account has no provider for that issuer.
  store::GenerationCache<std::string, std::shared_ptr<const iam::OidcProviderRecord>> providers_;
};

// "arn:aws:iam::<12 digits>:role/<path/name>" → (account, role name without path).
Result<std::pair<std::string, std::string>> ParseRoleArn(const std::string& role_arn);

}  // namespace irsa::sts
