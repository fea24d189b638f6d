// Small vocabulary types shared by the policy engine's headers.
#pragma once

#include <string_view>

namespace irsa::policy {

// The kind of a policy document; decides which elements it must/may contain (spec §1.7) and, in
// a decision, the role it plays.
enum class PolicyKind {
  kIdentity,  // user/group/role inline or managed policy
  kResource,  // resource-based policy (Principal required)
  kTrust,     // role trust policy (Principal required, no Resource, no NotPrincipal)
  kSession,   // session policy passed to AssumeRole*/GetFederationToken
  kBoundary,  // permissions boundary
};
std::string_view PolicyKindName(PolicyKind kind);  // "identity", "resource", "trust", ...

enum class Effect { kAllow, kDeny };

enum class PolicyVersion { k2008_10_17, k2012_10_17 };

// One policy's verdict for one request.
enum class PolicyOutcome { kNotApplicable, kAllow, kDeny };

// How strongly an allowing statement's Principal named the caller (spec §2.4, §5.2).
enum class PrincipalMatch {
  kNone,
  kAccount,  // the caller's account (delegation: the caller's identity policy must also allow)
  kRole,     // the caller's role (for a session) or source IAM user (for a federated user)
  kDirect,   // the caller itself, "*", its Federated IdP or Service name
};

enum class Decision { kAllowed, kExplicitDeny, kImplicitDeny };
std::string_view DecisionName(Decision decision);  // "Allowed", "ExplicitDeny", "ImplicitDeny"

}  // namespace irsa::policy
