// Evaluation of one compiled policy against one request (spec §5.1).
#include <array>

#include "policy/policy.h"
#include "policy/values.h"

namespace irsa::policy {
namespace {

inline bool EqualsLowerFolded(std::string_view lower, std::string_view text) {
  if (lower.size() != text.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (c != lower[i]) return false;
  }
  return true;
}

bool ActionMatches(const CompiledStatement& statement, const PreparedRequest& request) {
  bool matched = false;
  for (const ActionPattern& pattern : statement.actions) {
    if (pattern.matches_all ||
        (request.action_has_service && EqualsLowerFolded(pattern.service, request.service) &&
         pattern.name.Matches(request.action_name))) {
      matched = true;
      break;
    }
  }
  return matched != statement.not_action;
}

bool ResourceMatches(const CompiledStatement& statement, const PreparedRequest& prepared,
                     const Request& request) {
  if (!statement.has_resource) return true;
  bool matched = false;
  for (const ArnPattern& pattern : statement.resources) {
    if (pattern.Matches(prepared.resource_fields, prepared.resource_field_count, request.context)) {
      matched = true;
      break;
    }
  }
  return matched != statement.not_resource;
}

PrincipalMatch PrincipalMatches(const CompiledStatement& statement, const PreparedRequest& prepared,
                                const Request& request) {
  if (!statement.has_principal) return PrincipalMatch::kDirect;
  if (statement.not_principal && statement.effect == Effect::kDeny) {
    // IAM User Guide, "AWS JSON policy elements: NotPrincipal": "The NotPrincipal element with a
    // Deny effect will always deny any IAM principal that has a permissions boundary policy
    // attached, regardless of the values specified in the NotPrincipal element."
    if (prepared.principal_has_boundary) return PrincipalMatch::kDirect;
    // Otherwise the caller is exempt only if its account, its user or role and its session are
    // all listed (NotPrincipalExempts).
    return NotPrincipalExempts(statement.principals, request.principal) ? PrincipalMatch::kNone
                                                                        : PrincipalMatch::kDirect;
  }
  PrincipalMatch best = PrincipalMatch::kNone;
  for (const PrincipalPattern& pattern : statement.principals) {
    PrincipalMatch match = pattern.Match(request.principal);
    if (match > best) best = match;
    if (best == PrincipalMatch::kDirect) break;
  }
  if (statement.not_principal) {
    // Allow with NotPrincipal (AWS does not support it; kept as written): applies to a caller
    // that no entry names.
    return best == PrincipalMatch::kNone ? PrincipalMatch::kDirect : PrincipalMatch::kNone;
  }
  return best;
}

// Fills `trace` if non-null (then every condition is evaluated, for the explanation).
bool StatementApplies(const CompiledStatement& statement, const PreparedRequest& prepared,
                      const Request& request, PrincipalMatch& principal_match,
                      StatementTrace* trace) {
  auto fail = [&](StatementMismatch mismatch) {
    if (trace != nullptr) trace->mismatch = mismatch;
    return false;
  };
  if (!ActionMatches(statement, prepared)) return fail(StatementMismatch::kAction);
  if (!ResourceMatches(statement, prepared, request)) return fail(StatementMismatch::kResource);
  principal_match = PrincipalMatches(statement, prepared, request);
  if (trace != nullptr) trace->principal_match = principal_match;
  if (principal_match == PrincipalMatch::kNone) return fail(StatementMismatch::kPrincipal);
  bool conditions_hold = true;
  for (const CompiledCondition& condition : statement.conditions) {
    if (trace == nullptr) {
      if (!condition.Evaluate(request.context, nullptr)) return false;
      continue;
    }
    ConditionTrace& condition_trace = trace->conditions.emplace_back();
    if (!condition.Evaluate(request.context, &condition_trace)) conditions_hold = false;
  }
  if (!conditions_hold) return fail(StatementMismatch::kCondition);
  return true;
}

}  // namespace

PreparedRequest PrepareRequest(const Request& request) {
  PreparedRequest prepared;
  std::string_view action = request.action;
  size_t colon = action.find(':');
  if (colon != std::string_view::npos) {
    prepared.action_has_service = true;
    prepared.service = action.substr(0, colon);
    prepared.action_name = action.substr(colon + 1);
  }
  prepared.resource_field_count = SplitArnFields(request.resource, prepared.resource_fields);
  return prepared;
}

PolicyEvaluation CompiledPolicy::Evaluate(const Request& request, PolicyTrace* trace) const {
  return Evaluate(request, PrepareRequest(request), trace);
}

PolicyEvaluation CompiledPolicy::Evaluate(const Request& request, const PreparedRequest& prepared,
                                          PolicyTrace* trace) const {
  PolicyEvaluation result;
  bool denied = false;
  auto record = [&](const CompiledStatement& statement, PrincipalMatch match) {
    if (statement.effect == Effect::kDeny) {
      if (!denied) {
        denied = true;
        result.outcome = PolicyOutcome::kDeny;
        result.allow_match = PrincipalMatch::kNone;
        result.statement = static_cast<int>(statement.index);
      }
      return;
    }
    if (denied) return;
    if (result.outcome != PolicyOutcome::kAllow || match > result.allow_match) {
      if (result.outcome != PolicyOutcome::kAllow) {
        result.statement = static_cast<int>(statement.index);
      }
      result.outcome = PolicyOutcome::kAllow;
      result.allow_match = match;
    }
  };

  if (trace != nullptr) {
    trace->kind = kind_;
    trace->name = name_;
    trace->statements.clear();
    for (const CompiledStatement& statement : statements_) {
      StatementTrace& statement_trace = trace->statements.emplace_back();
      statement_trace.index = statement.index;
      statement_trace.sid = statement.sid;
      statement_trace.effect = statement.effect;
      PrincipalMatch match = PrincipalMatch::kNone;
      statement_trace.applies =
          StatementApplies(statement, prepared, request, match, &statement_trace);
      if (statement_trace.applies) record(statement, match);
    }
    trace->outcome = result.outcome;
    return result;
  }

  auto consider = [&](uint32_t index) {
    const CompiledStatement& statement = statements_[index];
    PrincipalMatch match = PrincipalMatch::kNone;
    if (StatementApplies(statement, prepared, request, match, nullptr)) record(statement, match);
    return denied;
  };
  if (prepared.action_has_service) {
    for (const ServiceIndex& service : by_service_) {
      if (!EqualsLowerFolded(service.service, prepared.service)) continue;
      for (uint32_t index : service.statements) {
        if (consider(index)) return result;
      }
    }
  }
  for (uint32_t index : any_service_) {
    if (consider(index)) return result;
  }
  return result;
}

}  // namespace irsa::policy
