#include "policy/principal.h"

#include <array>

#include "base/arn.h"
#include "policy/values.h"

namespace irsa::policy {
namespace {

bool IsUniqueId(std::string_view text) {
  if (text.size() < 16 || text.size() > 128) return false;
  for (char c : text) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return text.starts_with("AIDA") || text.starts_with("AROA") || text.starts_with("AIPA") ||
         text.starts_with("AGPA") || text.starts_with("ANPA");
}

// For fields of "arn:p:sts::A:assumed-role/Name/session" returns "Name".
std::string_view SessionRoleName(const std::array<std::string_view, 6>& fields) {
  std::string_view resource = fields[5];
  constexpr std::string_view kPrefix = "assumed-role/";
  if (fields[2] != "sts" || !resource.starts_with(kPrefix)) return {};
  resource.remove_prefix(kPrefix.size());
  size_t slash = resource.find('/');
  return slash == std::string_view::npos ? std::string_view{} : resource.substr(0, slash);
}

bool IsAwsIdentity(PrincipalType type) {
  return type == PrincipalType::kAccount || type == PrincipalType::kUser ||
         type == PrincipalType::kAssumedRole || type == PrincipalType::kFederatedUser;
}

}  // namespace

uint8_t IdentitiesOf(const RequestPrincipal& principal) {
  switch (principal.type) {
    case PrincipalType::kAccount:
      return kAccountIdentity;
    case PrincipalType::kUser:
    case PrincipalType::kFederatedUser:
      return kAccountIdentity | kEntityIdentity;
    case PrincipalType::kAssumedRole:
      return kAccountIdentity | kEntityIdentity | kSessionIdentity;
    case PrincipalType::kAnonymous:
    case PrincipalType::kWebIdentity:
    case PrincipalType::kService:
      break;
  }
  return kEntityIdentity;
}

uint8_t PrincipalPattern::NamedIdentities(const RequestPrincipal& principal) const {
  switch (kind_) {
    case Kind::kEveryone:
      return kAccountIdentity | kEntityIdentity | kSessionIdentity;
    case Kind::kAccount:
      return IsAwsIdentity(principal.type) && principal.account == account_ ? kAccountIdentity : 0;
    case Kind::kArn:
      if (!IsAwsIdentity(principal.type)) return 0;
      if (principal.type == PrincipalType::kAssumedRole) {
        if (principal.arn == value_) return kSessionIdentity;
        // The role, as Match() recognises it (exact ARN, or the session's role by name).
        return Match(principal) == PrincipalMatch::kRole ? kEntityIdentity : 0;
      }
      return principal.arn == value_ ? kEntityIdentity : 0;
    case Kind::kUniqueId:
      return IsAwsIdentity(principal.type) && principal.unique_id == value_ ? kEntityIdentity : 0;
    case Kind::kFederated:
    case Kind::kService:
      return Match(principal) == PrincipalMatch::kDirect ? kEntityIdentity : 0;
    case Kind::kCanonicalUser:
      return 0;
  }
  return 0;
}

bool NotPrincipalExempts(const std::vector<PrincipalPattern>& not_principals,
                         const RequestPrincipal& principal) {
  const uint8_t required = IdentitiesOf(principal);
  uint8_t named = 0;
  for (const PrincipalPattern& pattern : not_principals) {
    named |= pattern.NamedIdentities(principal);
    if ((named & required) == required) return true;
  }
  return false;
}

std::optional<PrincipalPattern> PrincipalPattern::Compile(std::string_view type_key,
                                                          std::string_view value) {
  PrincipalPattern pattern;
  pattern.type_key_ = std::string(type_key);
  pattern.value_ = std::string(value);
  bool has_wildcard = value.find_first_of("*?") != std::string_view::npos;
  if (has_wildcard && value != "*") return std::nullopt;
  if (value.empty()) return std::nullopt;
  if (type_key == "AWS") {
    if (value == "*") {
      pattern.kind_ = Kind::kEveryone;
      return pattern;
    }
    if (IsAccountId(value)) {
      pattern.kind_ = Kind::kAccount;
      pattern.account_ = std::string(value);
      return pattern;
    }
    if (IsUniqueId(value)) {
      pattern.kind_ = Kind::kUniqueId;
      return pattern;
    }
    auto arn = Arn::Parse(value);
    if (!arn || arn->partition.empty() || !IsAccountId(arn->account) ||
        (arn->service != "iam" && arn->service != "sts") || arn->resource.empty()) {
      return std::nullopt;
    }
    pattern.account_ = arn->account;
    pattern.partition_ = arn->partition;
    if (arn->service == "iam" && arn->resource == "root") {
      pattern.kind_ = Kind::kAccount;
      return pattern;
    }
    pattern.kind_ = Kind::kArn;
    std::string_view resource = arn->resource;
    if (arn->service == "iam" && resource.starts_with("role/")) {
      pattern.role_name_ = std::string(resource.substr(resource.rfind('/') + 1));
    }
    return pattern;
  }
  if (type_key == "Federated" && value.starts_with("arn:")) {
    // An IAM identity provider: arn:aws:iam::<account>:oidc-provider/… or saml-provider/…; an
    // empty or malformed account is an invalid principal, as on AWS.
    auto arn = Arn::Parse(value);
    if (!arn || arn->partition.empty() || arn->service != "iam" || !IsAccountId(arn->account) ||
        !(arn->resource.starts_with("oidc-provider/") ||
          arn->resource.starts_with("saml-provider/"))) {
      return std::nullopt;
    }
  }
  if (type_key == "Federated" || type_key == "Service") {
    pattern.kind_ = type_key == "Federated" ? Kind::kFederated : Kind::kService;
    pattern.any_of_type_ = value == "*";
    return pattern;
  }
  if (type_key == "CanonicalUser") {
    pattern.kind_ = Kind::kCanonicalUser;
    return pattern;
  }
  return std::nullopt;
}

PrincipalMatch PrincipalPattern::Match(const RequestPrincipal& principal) const {
  switch (kind_) {
    case Kind::kEveryone:
      return PrincipalMatch::kDirect;
    case Kind::kAccount: {
      bool authenticated = principal.type != PrincipalType::kAnonymous &&
                           principal.type != PrincipalType::kWebIdentity &&
                           principal.type != PrincipalType::kService;
      return authenticated && principal.account == account_ ? PrincipalMatch::kAccount
                                                            : PrincipalMatch::kNone;
    }
    case Kind::kArn: {
      if (principal.type == PrincipalType::kAnonymous ||
          principal.type == PrincipalType::kWebIdentity ||
          principal.type == PrincipalType::kService) {
        return PrincipalMatch::kNone;
      }
      if (principal.arn == value_) return PrincipalMatch::kDirect;
      if (principal.type == PrincipalType::kAssumedRole && !role_name_.empty()) {
        if (principal.role_arn == value_) return PrincipalMatch::kRole;
        std::array<std::string_view, 6> fields;
        if (SplitArnFields(principal.arn, fields) == 6 && fields[1] == partition_ &&
            fields[4] == account_ && SessionRoleName(fields) == role_name_) {
          return PrincipalMatch::kRole;
        }
      }
      if (principal.type == PrincipalType::kFederatedUser && principal.source_user_arn == value_) {
        return PrincipalMatch::kRole;
      }
      return PrincipalMatch::kNone;
    }
    case Kind::kUniqueId:
      if (principal.unique_id != value_) return PrincipalMatch::kNone;
      return principal.type == PrincipalType::kAssumedRole ? PrincipalMatch::kRole
                                                           : PrincipalMatch::kDirect;
    case Kind::kFederated:
      return principal.type == PrincipalType::kWebIdentity &&
                     (any_of_type_ || principal.arn == value_)
                 ? PrincipalMatch::kDirect
                 : PrincipalMatch::kNone;
    case Kind::kService:
      return principal.type == PrincipalType::kService && (any_of_type_ || principal.arn == value_)
                 ? PrincipalMatch::kDirect
                 : PrincipalMatch::kNone;
    case Kind::kCanonicalUser:
      return PrincipalMatch::kNone;
  }
  return PrincipalMatch::kNone;
}

}  // namespace irsa::policy
