// Principal / NotPrincipal entries of resource and trust policies (spec §1.4, §2.4), compiled
// into exact-match patterns. No partial wildcards exist in principals; "*" is the only wildcard.
// Immutable and thread-safe once compiled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/context.h"
#include "policy/types.h"

namespace irsa::policy {

// The identities a caller is evaluated as against a NotPrincipal list. The IAM NotPrincipal page
// (reference_policies_elements_notprincipal): "AWS might validate the account first and then the
// user. If an assumed-role user (someone who is using a role) is being evaluated, AWS might
// validate the account first, then the role, and then the assumed-role user."
enum PrincipalIdentity : uint8_t {
  kAccountIdentity = 1,  // the caller's account (root ARN or 12-digit id)
  kEntityIdentity = 2,   // the IAM user, the role of a session, a federated user, IdP or service
  kSessionIdentity = 4,  // the assumed-role session
};
// Every identity of `principal` (a set of PrincipalIdentity bits): the account alone for the
// account root; account and user for a user; account, role and session for a role session;
// account and federated user; the IdP, service or anonymous caller itself otherwise.
uint8_t IdentitiesOf(const RequestPrincipal& principal);

class PrincipalPattern {
 public:
  enum class Kind {
    kEveryone,       // "*" or {"AWS": "*"}
    kAccount,        // 12-digit id or arn:<p>:iam::<acct>:root
    kArn,            // user, role, assumed-role session, federated user (exact)
    kUniqueId,       // AIDA…/AROA…
    kFederated,      // IdP: OIDC/SAML provider ARN or well-known name
    kService,        // service principal name
    kCanonicalUser,  // S3 only; never matches in irsa
  };

  // `type_key` is the map key ("AWS", "Federated", "Service", "CanonicalUser"); nullopt if the
  // value is not a valid principal of that type (partial wildcard, malformed ARN, ...).
  static std::optional<PrincipalPattern> Compile(std::string_view type_key, std::string_view value);

  PrincipalMatch Match(const RequestPrincipal& principal) const;
  // Which identities of `principal` (PrincipalIdentity bits) this entry names: "*" names all;
  // an account names the account; a user ARN or id the user; a role ARN or id a session's role;
  // a session ARN the session; a Federated/Service entry that IdP or service.
  uint8_t NamedIdentities(const RequestPrincipal& principal) const;
  Kind kind() const { return kind_; }
  const std::string& type_key() const { return type_key_; }
  const std::string& value() const { return value_; }

 private:
  Kind kind_ = Kind::kEveryone;
  std::string type_key_;
  std::string value_;         // as written
  std::string account_;       // kAccount, kArn
  std::string partition_;     // kArn
  std::string role_name_;     // kArn naming an IAM role: its name without path
  bool any_of_type_ = false;  // Federated/Service "*": any caller of that type
};

// NotPrincipal with Deny exempts a caller only when every identity of it (IdentitiesOf) is named
// by some entry: listing a user and its account's root exempts that user, not every principal of
// the account; a role session needs its account, its role and its session listed.
bool NotPrincipalExempts(const std::vector<PrincipalPattern>& not_principals,
                         const RequestPrincipal& principal);

}  // namespace irsa::policy
