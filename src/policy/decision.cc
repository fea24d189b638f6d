#include "policy/decision.h"

#include <array>

#include "base/strings.h"
#include "policy/values.h"

namespace irsa::policy {
namespace {

DecisionResult Make(Decision decision, PolicyKind kind, std::string_view reason) {
  return DecisionResult{decision, true, kind, reason};
}

struct Outcomes {
  bool identity_allow = false;
  bool identity_deny = false;
  PolicyEvaluation resource;
  PolicyOutcome boundary = PolicyOutcome::kNotApplicable;
  bool session_allow = false;
  bool session_deny = false;
};

PolicyEvaluation EvaluateOne(const CompiledPolicy& policy, const Request& request,
                             const PreparedRequest& prepared, DecisionTrace* trace) {
  if (trace == nullptr) return policy.Evaluate(request, prepared, nullptr);
  return policy.Evaluate(request, prepared, &trace->policies.emplace_back());
}

DecisionResult Finish(DecisionResult result, DecisionTrace* trace) {
  if (trace != nullptr) {
    trace->decision = result.decision;
    trace->has_decider = result.has_decider;
    trace->decided_by = result.decided_by;
    trace->reason = std::string(result.reason);
  }
  return result;
}

bool IsAuthenticatedAwsPrincipal(PrincipalType type) {
  return type == PrincipalType::kAccount || type == PrincipalType::kUser ||
         type == PrincipalType::kAssumedRole || type == PrincipalType::kFederatedUser;
}

}  // namespace

DecisionResult Decide(const PolicySet& policies, const Request& request, DecisionTrace* trace) {
  if (trace != nullptr) {
    trace->action = request.action;
    trace->resource = request.resource;
    trace->principal = request.principal.arn;
    trace->policies.clear();
  }
  const RequestPrincipal& principal = request.principal;
  bool has_identity_side = IsAuthenticatedAwsPrincipal(principal.type);

  PreparedRequest prepared = PrepareRequest(request);
  prepared.principal_has_boundary = has_identity_side && policies.boundary != nullptr;
  Outcomes outcomes;
  if (has_identity_side) {
    for (const CompiledPolicyPtr& policy : policies.identity) {
      PolicyOutcome outcome = EvaluateOne(*policy, request, prepared, trace).outcome;
      outcomes.identity_allow |= outcome == PolicyOutcome::kAllow;
      outcomes.identity_deny |= outcome == PolicyOutcome::kDeny;
    }
  }
  if (policies.resource)
    outcomes.resource = EvaluateOne(*policies.resource, request, prepared, trace);
  if (has_identity_side && policies.boundary) {
    outcomes.boundary = EvaluateOne(*policies.boundary, request, prepared, trace).outcome;
  }
  if (has_identity_side) {
    for (const CompiledPolicyPtr& policy : policies.session) {
      PolicyOutcome outcome = EvaluateOne(*policy, request, prepared, trace).outcome;
      outcomes.session_allow |= outcome == PolicyOutcome::kAllow;
      outcomes.session_deny |= outcome == PolicyOutcome::kDeny;
    }
  }

  if (has_identity_side && EqualsIgnoreCase(request.action, "sts:GetCallerIdentity")) {
    return Finish(DecisionResult{Decision::kAllowed, false, PolicyKind::kIdentity,
                                 "sts:GetCallerIdentity is always allowed"},
                  trace);
  }

  PolicyKind resource_kind = policies.resource ? policies.resource->kind() : PolicyKind::kResource;
  if (outcomes.resource.outcome == PolicyOutcome::kDeny) {
    return Finish(
        Make(Decision::kExplicitDeny, resource_kind,
             resource_kind == PolicyKind::kTrust ? "explicit deny in the trust policy"
                                                 : "explicit deny in a resource-based policy"),
        trace);
  }
  if (outcomes.identity_deny) {
    return Finish(Make(Decision::kExplicitDeny, PolicyKind::kIdentity,
                       "explicit deny in an identity-based policy"),
                  trace);
  }
  if (outcomes.boundary == PolicyOutcome::kDeny) {
    return Finish(Make(Decision::kExplicitDeny, PolicyKind::kBoundary,
                       "explicit deny in the permissions boundary"),
                  trace);
  }
  if (outcomes.session_deny) {
    return Finish(
        Make(Decision::kExplicitDeny, PolicyKind::kSession, "explicit deny in a session policy"),
        trace);
  }

  bool resource_allow = outcomes.resource.outcome == PolicyOutcome::kAllow;
  if (!has_identity_side) {
    if (resource_allow) {
      return Finish(Make(Decision::kAllowed, resource_kind,
                         resource_kind == PolicyKind::kTrust ? "allowed by the trust policy"
                                                             : "allowed by the resource policy"),
                    trace);
    }
    return Finish(Make(Decision::kImplicitDeny, resource_kind,
                       resource_kind == PolicyKind::kTrust
                           ? "no statement of the trust policy allows the caller"
                           : "no resource-based policy allows the caller"),
                  trace);
  }

  auto limits_allow = [&](DecisionResult allowed) -> DecisionResult {
    if (policies.boundary && outcomes.boundary != PolicyOutcome::kAllow) {
      return Make(Decision::kImplicitDeny, PolicyKind::kBoundary,
                  "no permissions boundary allows the action");
    }
    if ((policies.session_policies_required || !policies.session.empty()) &&
        !outcomes.session_allow) {
      return Make(Decision::kImplicitDeny, PolicyKind::kSession,
                  "no session policy allows the action");
    }
    return allowed;
  };
  auto identity_path = [&](std::string_view allowed_reason) -> DecisionResult {
    if (!outcomes.identity_allow) {
      return Make(Decision::kImplicitDeny, PolicyKind::kIdentity,
                  "no identity-based policy allows the action");
    }
    return limits_allow(Make(Decision::kAllowed, PolicyKind::kIdentity, allowed_reason));
  };

  std::string_view resource_account = policies.resource_account;
  if (resource_account.empty() && prepared.resource_field_count == 6) {
    resource_account = prepared.resource_fields[4];
  }
  bool same_account = !principal.account.empty() && principal.account == resource_account;
  bool is_trust = resource_kind == PolicyKind::kTrust && policies.resource != nullptr;
  PrincipalMatch match = outcomes.resource.allow_match;

  DecisionResult result;
  if (resource_allow && same_account) {
    if (match == PrincipalMatch::kAccount) {
      result = identity_path(is_trust ? "trust policy trusts the account and an identity-based "
                                        "policy allows the action"
                                      : "allowed by an identity-based policy");
    } else if (is_trust) {
      result = limits_allow(
          Make(Decision::kAllowed, PolicyKind::kTrust, "the trust policy names the caller"));
    } else if (match == PrincipalMatch::kRole) {
      result = limits_allow(Make(Decision::kAllowed, PolicyKind::kResource,
                                 "the resource policy names the caller's role"));
    } else {
      result =
          Make(Decision::kAllowed, PolicyKind::kResource, "the resource policy names the caller");
    }
  } else if (resource_allow) {
    result = identity_path("allowed by both the resource policy and an identity-based policy");
  } else if (is_trust) {
    result = Make(Decision::kImplicitDeny, PolicyKind::kTrust,
                  "no statement of the trust policy allows the caller");
  } else if (policies.resource && !same_account) {
    result = Make(Decision::kImplicitDeny, PolicyKind::kResource,
                  "no resource-based policy allows the cross-account caller");
  } else {
    result = identity_path("allowed by an identity-based policy");
  }
  return Finish(result, trace);
}

DecisionResult DecideWebIdentityTrust(const CompiledPolicy& trust, const Request& request,
                                      DecisionTrace* trace) {
  if (trace != nullptr) {
    trace->action = request.action;
    trace->resource = request.resource;
    trace->principal = request.principal.arn;
    trace->policies.clear();
  }
  if (request.principal.type != PrincipalType::kWebIdentity) {
    return Finish(Make(Decision::kImplicitDeny, PolicyKind::kTrust,
                       "the caller is not a web-identity principal"),
                  trace);
  }
  PolicyEvaluation evaluation = EvaluateOne(trust, request, PrepareRequest(request), trace);
  if (evaluation.outcome == PolicyOutcome::kDeny) {
    return Finish(
        Make(Decision::kExplicitDeny, PolicyKind::kTrust, "explicit deny in the trust policy"),
        trace);
  }
  if (evaluation.outcome == PolicyOutcome::kAllow) {
    return Finish(Make(Decision::kAllowed, PolicyKind::kTrust, "allowed by the trust policy"),
                  trace);
  }
  return Finish(Make(Decision::kImplicitDeny, PolicyKind::kTrust,
                     "no statement of the trust policy allows the caller"),
                trace);
}

Request MakeWebIdentityRequest(std::string provider, std::string role_arn, RequestContext context,
                               std::string action) {
  Request request;
  request.action = std::move(action);
  request.resource = std::move(role_arn);
  request.principal = RequestPrincipal::WebIdentity(std::move(provider));
  request.context = std::move(context);
  return request;
}

}  // namespace irsa::policy
