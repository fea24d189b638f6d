#include "policy/trace.h"

#include <boost/json.hpp>

#include "base/encoding.h"

namespace irsa::policy {
namespace {

std::string Quoted(std::string_view text) {
  std::string out = "\"";
  AppendJsonEscaped(out, text);
  out += "\"";
  return out;
}

std::string QuotedList(const std::vector<std::string>& values) {
  if (values.size() == 1) return Quoted(values.front());
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += Quoted(values[i]);
  }
  return out + "]";
}

std::string_view MismatchName(StatementMismatch mismatch) {
  switch (mismatch) {
    case StatementMismatch::kNone:
      return "none";
    case StatementMismatch::kAction:
      return "action";
    case StatementMismatch::kResource:
      return "resource";
    case StatementMismatch::kPrincipal:
      return "principal";
    case StatementMismatch::kCondition:
      return "condition";
  }
  return "none";
}

std::string_view PrincipalMatchName(PrincipalMatch match) {
  switch (match) {
    case PrincipalMatch::kNone:
      return "none";
    case PrincipalMatch::kAccount:
      return "account";
    case PrincipalMatch::kRole:
      return "role";
    case PrincipalMatch::kDirect:
      return "direct";
  }
  return "none";
}

std::string_view OutcomeName(PolicyOutcome outcome) {
  switch (outcome) {
    case PolicyOutcome::kNotApplicable:
      return "NotApplicable";
    case PolicyOutcome::kAllow:
      return "Allow";
    case PolicyOutcome::kDeny:
      return "Deny";
  }
  return "NotApplicable";
}

std::string StatementLabel(const StatementTrace& statement) {
  std::string out = "statement " + std::to_string(statement.index);
  if (!statement.sid.empty()) out += " (Sid " + Quoted(statement.sid) + ")";
  return out;
}

std::string ExplainCondition(const ConditionTrace& condition) {
  std::string out = "condition " + condition.op + " on " + Quoted(condition.key) + " expected ";
  if (condition.expected.size() > 1) out += "one of ";
  out += condition.expected.empty() ? std::string("[]") : QuotedList(condition.expected);
  out += ", got ";
  if (!condition.key_present) {
    out += "no value (key absent)";
  } else if (condition.multi_valued) {
    std::string list = "[";
    for (size_t i = 0; i < condition.actual.size(); ++i) {
      if (i > 0) list += ", ";
      list += Quoted(condition.actual[i]);
    }
    out += list + "] (multi-valued)";
  } else if (!condition.actual.empty()) {
    out += Quoted(condition.actual.front());
  }
  return out;
}

// "condition ArnEquals on "iam:PolicyARN" matched "arn:…"" for a condition that held.
std::string ExplainMatchedCondition(const ConditionTrace& condition) {
  std::string out = "condition " + condition.op + " on " + Quoted(condition.key) + " matched ";
  if (!condition.key_present) return out + "(key absent)";
  if (condition.actual.size() == 1) return out + Quoted(condition.actual.front());
  std::string list = "[";
  for (size_t i = 0; i < condition.actual.size(); ++i) {
    if (i > 0) list += ", ";
    list += Quoted(condition.actual[i]);
  }
  return out + list + "]";
}

std::string ExplainStatement(const StatementTrace& statement) {
  std::string label = StatementLabel(statement);
  switch (statement.mismatch) {
    case StatementMismatch::kNone: {
      std::string out =
          label + ": " + (statement.effect == Effect::kDeny ? "denies" : "allows") + " the request";
      // A Deny that bit because of its conditions says which values made it bite.
      if (statement.effect == Effect::kDeny && !statement.conditions.empty()) {
        out += " (";
        for (size_t i = 0; i < statement.conditions.size(); ++i) {
          if (i > 0) out += "; ";
          out += ExplainMatchedCondition(statement.conditions[i]);
        }
        out += ")";
      }
      return out;
    }
    case StatementMismatch::kAction:
      return label + ": action does not match";
    case StatementMismatch::kResource:
      return label + ": resource does not match";
    case StatementMismatch::kPrincipal:
      return label + ": principal does not match";
    case StatementMismatch::kCondition:
      for (const ConditionTrace& condition : statement.conditions) {
        if (!condition.result) return label + ": " + ExplainCondition(condition);
      }
      return label + ": conditions not met";
  }
  return label;
}

int Progress(const StatementTrace& statement) {
  switch (statement.mismatch) {
    case StatementMismatch::kAction:
      return 0;
    case StatementMismatch::kResource:
      return 1;
    case StatementMismatch::kPrincipal:
      return 2;
    case StatementMismatch::kCondition:
      return 3;
    case StatementMismatch::kNone:
      return 4;
  }
  return 0;
}

boost::json::value ToJson(const PolicyTrace& policy) {
  boost::json::array statements;
  for (const StatementTrace& statement : policy.statements) {
    boost::json::array conditions;
    for (const ConditionTrace& condition : statement.conditions) {
      boost::json::array expected(condition.expected.begin(), condition.expected.end());
      boost::json::object c{{"operator", condition.op},
                            {"key", condition.key},
                            {"expected", std::move(expected)},
                            {"key_present", condition.key_present},
                            {"result", condition.result}};
      if (condition.key_present) {
        boost::json::array actual(condition.actual.begin(), condition.actual.end());
        c["actual"] = std::move(actual);
        c["multi_valued"] = condition.multi_valued;
      }
      conditions.push_back(std::move(c));
    }
    statements.push_back(
        boost::json::object{{"index", statement.index},
                            {"sid", statement.sid},
                            {"effect", statement.effect == Effect::kAllow ? "Allow" : "Deny"},
                            {"applies", statement.applies},
                            {"mismatch", MismatchName(statement.mismatch)},
                            {"principal_match", PrincipalMatchName(statement.principal_match)},
                            {"conditions", std::move(conditions)},
                            {"explanation", ExplainStatement(statement)}});
  }
  return boost::json::object{{"kind", PolicyKindName(policy.kind)},
                             {"name", policy.name},
                             {"outcome", OutcomeName(policy.outcome)},
                             {"statements", std::move(statements)}};
}

// The policy trace that best explains the decision.
const PolicyTrace* DecidingPolicy(const DecisionTrace& trace) {
  if (!trace.has_decider) return nullptr;
  const PolicyTrace* best = nullptr;
  int best_progress = -1;
  for (const PolicyTrace& policy : trace.policies) {
    if (policy.kind != trace.decided_by) continue;
    if (trace.decision == Decision::kExplicitDeny) {
      if (policy.outcome == PolicyOutcome::kDeny) return &policy;
      continue;
    }
    if (trace.decision == Decision::kAllowed && policy.outcome == PolicyOutcome::kAllow) {
      return &policy;
    }
    for (const StatementTrace& statement : policy.statements) {
      if (statement.effect == Effect::kAllow && Progress(statement) > best_progress) {
        best_progress = Progress(statement);
        best = &policy;
      }
    }
    if (best == nullptr) best = &policy;
  }
  return best;
}

}  // namespace

std::string ExplainPolicy(const PolicyTrace& trace) {
  const StatementTrace* best = nullptr;
  for (const StatementTrace& statement : trace.statements) {
    if (trace.outcome == PolicyOutcome::kDeny) {
      if (statement.applies && statement.effect == Effect::kDeny)
        return ExplainStatement(statement);
      continue;
    }
    if (trace.outcome == PolicyOutcome::kAllow) {
      if (statement.applies && statement.effect == Effect::kAllow) {
        return ExplainStatement(statement);
      }
      continue;
    }
    if (statement.effect != Effect::kAllow) continue;
    if (best == nullptr || Progress(statement) > Progress(*best)) best = &statement;
  }
  if (best == nullptr) return "no Allow statement in the policy";
  return ExplainStatement(*best);
}

std::string ExplainDecision(const DecisionTrace& trace) {
  std::string out = trace.reason;
  const PolicyTrace* policy = DecidingPolicy(trace);
  if (policy != nullptr) {
    if (!policy->name.empty()) out += " (" + policy->name + ")";
    out += ": " + ExplainPolicy(*policy);
  }
  return out;
}

std::string RenderTraceText(const DecisionTrace& trace) {
  std::string out = "decision: " + std::string(DecisionName(trace.decision));
  if (trace.has_decider) out += " (by " + std::string(PolicyKindName(trace.decided_by)) + ")";
  out += "\nreason: " + ExplainDecision(trace) + "\n";
  out += "request: action=" + Quoted(trace.action) + " resource=" + Quoted(trace.resource) +
         " principal=" + Quoted(trace.principal) + "\n";
  for (const PolicyTrace& policy : trace.policies) {
    out += "policy " + std::string(PolicyKindName(policy.kind));
    if (!policy.name.empty()) out += " " + Quoted(policy.name);
    out += ": " + std::string(OutcomeName(policy.outcome)) + "\n";
    for (const StatementTrace& statement : policy.statements) {
      out += "  " + ExplainStatement(statement) + "\n";
      for (const ConditionTrace& condition : statement.conditions) {
        out += std::string("    [") + (condition.result ? "true " : "false") + "] " +
               ExplainCondition(condition) + "\n";
      }
    }
  }
  return out;
}

std::string RenderTraceJson(const DecisionTrace& trace) {
  boost::json::array policies;
  for (const PolicyTrace& policy : trace.policies) policies.push_back(ToJson(policy));
  boost::json::object root{{"decision", DecisionName(trace.decision)},
                           {"reason", trace.reason},
                           {"explanation", ExplainDecision(trace)},
                           {"action", trace.action},
                           {"resource", trace.resource},
                           {"principal", trace.principal},
                           {"policies", std::move(policies)}};
  if (trace.has_decider) root["decided_by"] = PolicyKindName(trace.decided_by);
  return boost::json::serialize(root);
}

}  // namespace irsa::policy
