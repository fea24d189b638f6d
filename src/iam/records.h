// IAM entities as stored. Each record maps to one store::Row (see store/store.h):
//
//   kind              parent            key                   ref          path
//   account           ""                account id            ""           ""
//   user              ""                lower(name)           ""           path
//   access_key        lower(user)|""    access key id         ""           ""      (""=root key)
//   role              ""                lower(name)           ""           path
//   policy            ""                lower(name)           arn          path    (see below)
//   policy_version    lower(policy)     "v<N>"                ""           ""
//   role_attachment   lower(role)       policy arn            policy arn   ""
//   user_attachment   lower(user)       policy arn            policy arn   ""
//   role_policy       lower(role)       policy name           ""           ""      (inline)
//   user_policy       lower(user)       policy name           ""           ""      (inline)
//   oidc_provider     ""                url sans https://     ""           ""
//   role_boundary     lower(role)       policy arn            policy arn   ""      (boundary use)
//   user_boundary     lower(user)       policy arn            policy arn   ""      (boundary use)
//   group             ""                lower(name)           ""           path
//   group_member      lower(group)      lower(user)           lower(user)  ""
//   group_attachment  lower(group)      policy arn            policy arn   ""
//   group_policy      lower(group)      policy name           ""           ""      (inline)
//
// The other IAM families (login profiles, MFA devices, instance profiles, certificates, …) keep
// their records next to their operations (e.g. iam/instance_profiles.h) and list their rows there.
//
// AWS-managed policies and their versions live under account "aws" (kAwsManagedAccount).
// role_boundary/user_boundary rows (body: AttachmentRecord) mirror the entity's permissions
// boundary so that a policy's PermissionsBoundaryUsageCount is a Count by ref.
//
// Bodies are JSON produced by ToBody/FromBody below; unknown fields are ignored on read so that
// later versions can add fields. Names keep their original case in the body; keys are lower-cased
// so uniqueness is case-insensitive as in IAM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

namespace irsa::iam {

namespace kind {
inline constexpr const char* kAccount = "account";
inline constexpr const char* kUser = "user";
inline constexpr const char* kAccessKey = "access_key";
inline constexpr const char* kRole = "role";
inline constexpr const char* kPolicy = "policy";
inline constexpr const char* kPolicyVersion = "policy_version";
inline constexpr const char* kRoleAttachment = "role_attachment";
inline constexpr const char* kUserAttachment = "user_attachment";
inline constexpr const char* kRolePolicy = "role_policy";
inline constexpr const char* kUserPolicy = "user_policy";
inline constexpr const char* kOidcProvider = "oidc_provider";
inline constexpr const char* kRoleBoundary = "role_boundary";
inline constexpr const char* kUserBoundary = "user_boundary";
inline constexpr const char* kGroup = "group";
inline constexpr const char* kGroupMember = "group_member";
inline constexpr const char* kGroupAttachment = "group_attachment";
inline constexpr const char* kGroupPolicy = "group_policy";
// Per-user credentials (parent = lower(user); bodies name the user in a "user" field).
inline constexpr const char* kLoginProfile = "login_profile";            // key "login"
inline constexpr const char* kMfaAssignment = "mfa_assignment";          // key = serial number
inline constexpr const char* kSshPublicKey = "ssh_public_key";           // key = APKA… id
inline constexpr const char* kSigningCertificate = "signing_cert";       // key = certificate id
inline constexpr const char* kServiceCredential = "service_credential";  // key = ACCA… id
// Virtual MFA devices (parent "", key lower(name), ref serial; iam/mfa.h) and the account's
// password policy (parent "", key "policy"; iam/login_profiles.h).
inline constexpr const char* kMfaDevice = "mfa_device";
inline constexpr const char* kPasswordPolicy = "password_policy";
}  // namespace kind

// The pseudo-account owning AWS-managed policies (arn:aws:iam::aws:policy/...).
inline constexpr const char* kAwsManagedAccount = "aws";

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

struct AccountRecord {
  std::string id;
  SystemTime created{};
};

struct UserRecord {
  std::string name;
  std::string id;  // AIDA…
  std::string path = "/";
  std::string arn;
  SystemTime created{};
  std::string permissions_boundary_arn;
  std::vector<Tag> tags;
};

enum class AccessKeyStatus { kActive, kInactive };

struct GroupRecord {
  std::string name;
  std::string id;  // AGPA…
  std::string path = "/";
  std::string arn;
  SystemTime created{};
};

struct AccessKeyRecord {
  std::string id;         // AKIA…
  std::string user_name;  // empty for the root user's keys
  AccessKeyStatus status = AccessKeyStatus::kActive;
  SystemTime created{};
  // Stored in the row's sealed `secret` column, never in the body.
  std::string secret;
  // The last use as flushed to the store by iam::AccessKeyUsage (iam/access_key_usage.h; the
  // serving node may know a later one): GetAccessKeyLastUsed merges both.
  std::optional<SystemTime> last_used;
  std::string last_used_service;
  std::string last_used_region;
};

struct RoleRecord {
  std::string name;
  std::string id;  // AROA…
  std::string path = "/";
  std::string arn;
  SystemTime created{};
  std::string assume_role_policy;  // trust policy, exactly as sent
  std::string description;
  int64_t max_session_duration = 3600;
  std::string permissions_boundary_arn;
  std::vector<Tag> tags;
  std::optional<SystemTime> last_used;
  std::string last_used_region;
};

struct PolicyRecord {
  std::string name;
  std::string id;  // ANPA…
  std::string path = "/";
  std::string arn;
  std::string description;
  SystemTime created{};
  SystemTime updated{};
  std::string default_version_id = "v1";
  int64_t next_version_number = 2;  // version numbers are never reused
  std::vector<Tag> tags;
};

struct PolicyVersionRecord {
  std::string version_id;  // "v1", …
  std::string document;    // exactly as sent
  SystemTime created{};
};

struct AttachmentRecord {
  std::string policy_arn;
  std::string policy_name;
};

struct InlinePolicyRecord {
  std::string name;
  std::string document;  // exactly as sent
};

struct OidcProviderRecord {
  std::string url;  // without "https://", e.g. "oidc.example.com/id/ABC"
  std::string arn;
  std::vector<std::string> client_ids;
  std::vector<std::string> thumbprints;
  SystemTime created{};
  std::vector<Tag> tags;
};

// Serialisation of record bodies. FromBody fails with ServiceFailure on a corrupt body.
std::string ToBody(const AccountRecord& r);
std::string ToBody(const UserRecord& r);
std::string ToBody(const AccessKeyRecord& r);  // without the secret
std::string ToBody(const RoleRecord& r);
std::string ToBody(const PolicyRecord& r);
std::string ToBody(const PolicyVersionRecord& r);
std::string ToBody(const AttachmentRecord& r);
std::string ToBody(const InlinePolicyRecord& r);
std::string ToBody(const OidcProviderRecord& r);
std::string ToBody(const GroupRecord& r);

Result<AccountRecord> AccountFromBody(const std::string& body);
Result<UserRecord> UserFromBody(const std::string& body);
Result<AccessKeyRecord> AccessKeyFromBody(const std::string& body);
Result<RoleRecord> RoleFromBody(const std::string& body);
Result<PolicyRecord> PolicyFromBody(const std::string& body);
Result<PolicyVersionRecord> PolicyVersionFromBody(const std::string& body);
Result<AttachmentRecord> AttachmentFromBody(const std::string& body);
Result<InlinePolicyRecord> InlinePolicyFromBody(const std::string& body);
Result<OidcProviderRecord> OidcProviderFromBody(const std::string& body);
Result<GroupRecord> GroupFromBody(const std::string& body);

}  // namespace irsa::iam
