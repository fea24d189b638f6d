// The full authorization decision over every policy that applies to a request (spec §5):
// explicit deny wins; then resource/trust grants by principal-match class, identity policies,
// the permissions boundary and session policies combine as AWS does.
//
// Decide() is thread-safe (policies are immutable, the request is only read), does not allocate
// without a trace, and never fails: every input yields Allowed, ExplicitDeny or ImplicitDeny.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/context.h"
#include "policy/policy.h"
#include "policy/trace.h"
#include "policy/types.h"

namespace irsa::policy {

// The policies that bear on one request. Pointers must be non-null; lists may be empty.
struct PolicySet {
  // The caller's identity policies (user/group/role inline and managed).
  std::vector<CompiledPolicyPtr> identity;
  // A resource-based policy, or the role trust policy for sts:AssumeRole* (kind kTrust).
  CompiledPolicyPtr resource;
  // The account owning the resource; empty = the account field of the request's resource ARN.
  std::string resource_account;
  // The caller's permissions boundary, if one is set.
  CompiledPolicyPtr boundary;
  // Session policies (inline Policy + PolicyArns) of the caller's session, treated as one set.
  std::vector<CompiledPolicyPtr> session;
  // True for sessions that must be limited by session policies even when `session` is empty
  // (GetFederationToken sessions created without a policy have no permissions).
  bool session_policies_required = false;
};

struct DecisionResult {
  Decision decision = Decision::kImplicitDeny;
  bool has_decider = false;  // false only for unconditional allows (sts:GetCallerIdentity)
  PolicyKind decided_by = PolicyKind::kIdentity;
  std::string_view reason;  // static text, e.g. "no identity-based policy allows the action"

  bool allowed() const { return decision == Decision::kAllowed; }
};

DecisionResult Decide(const PolicySet& policies, const Request& request,
                      DecisionTrace* trace = nullptr);

// Spec §5.6: may the Federated `provider` (OIDC provider ARN or well-known IdP name) perform
// `request.action` (normally sts:AssumeRoleWithWebIdentity) on the role, given only the role's
// trust policy? `request.principal` must be a kWebIdentity principal.
DecisionResult DecideWebIdentityTrust(const CompiledPolicy& trust, const Request& request,
                                      DecisionTrace* trace = nullptr);

// Convenience: a web-identity request for `role_arn` with the given claim/context keys.
Request MakeWebIdentityRequest(std::string provider, std::string role_arn, RequestContext context,
                               std::string action = "sts:AssumeRoleWithWebIdentity");

}  // namespace irsa::policy
