// The explanation of an evaluation. Every evaluation entry point takes an optional trace pointer:
// nullptr costs nothing; otherwise the evaluator records each policy, each statement and each
// condition it looked at. Traces are plain data owned by the caller; not thread-safe to fill
// concurrently.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "policy/types.h"

namespace irsa::policy {

struct ConditionTrace {
  std::string op;                     // as written, e.g. "ForAnyValue:StringLike"
  std::string key;                    // as written in the policy
  std::vector<std::string> expected;  // policy values (lexemes)
  bool key_present = false;
  bool multi_valued = false;
  std::vector<std::string> actual;  // request values
  bool result = false;
};

// The first element of a statement that did not match, in evaluation order.
enum class StatementMismatch { kNone, kAction, kResource, kPrincipal, kCondition };

struct StatementTrace {
  size_t index = 0;
  std::string sid;
  Effect effect = Effect::kAllow;
  bool applies = false;
  StatementMismatch mismatch = StatementMismatch::kNone;
  PrincipalMatch principal_match = PrincipalMatch::kNone;
  std::vector<ConditionTrace> conditions;  // only when action/resource/principal matched
};

struct PolicyTrace {
  PolicyKind kind = PolicyKind::kIdentity;
  std::string name;
  PolicyOutcome outcome = PolicyOutcome::kNotApplicable;
  std::vector<StatementTrace> statements;
};

struct DecisionTrace {
  std::string action;
  std::string resource;
  std::string principal;
  std::vector<PolicyTrace> policies;
  Decision decision = Decision::kImplicitDeny;
  bool has_decider = false;
  PolicyKind decided_by = PolicyKind::kIdentity;  // meaningful if has_decider
  std::string reason;                             // one sentence from the decision logic
};

// One line for an AWS error message, e.g.
//   statement 0 (Sid "x"): condition StringEquals on "oidc.example/id/A:sub" expected
//   "system:serviceaccount:a:b", got "system:serviceaccount:a:c"
// For a policy: the statement that got furthest (or the denying one); for a decision: the
// deciding policy's explanation prefixed by the decision reason.
std::string ExplainPolicy(const PolicyTrace& trace);
std::string ExplainDecision(const DecisionTrace& trace);
// Multi-line human rendering and a JSON rendering of the whole trace.
std::string RenderTraceText(const DecisionTrace& trace);
std::string RenderTraceJson(const DecisionTrace& trace);

}  // namespace irsa::policy
