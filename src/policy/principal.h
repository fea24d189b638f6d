// Principal / NotPrincipal entries of resource and trust policies (spec §1.4, §2.4), compiled
// into exact-match patterns. No partial wildcards exist in principals; "*" is the only wildcard.
// Immutable and thread-safe once compiled.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "policy/context.h"
#include "policy/types.h"

namespace irsa::policy {

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

}  // namespace irsa::policy
