// Condition operators (spec §3): operator-name parsing and typed, pre-compiled condition
// evaluators. A CompiledCondition is one (operator, key) pair of a statement's Condition block;
// the statement's conditions are the AND of all of them.
//
// Evaluation is total: unparsable request values or unresolvable variables make that comparison
// false (so a negated operator's NOR over it is true). Immutable and thread-safe once compiled;
// evaluation without a trace does not allocate (except BinaryEquals and variable-bearing values,
// which use thread-local scratch).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/arn_pattern.h"
#include "policy/context.h"
#include "policy/glob.h"
#include "policy/trace.h"
#include "policy/values.h"
#include "policy/variables.h"

namespace irsa::policy {

enum class BaseOperator {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

enum class SetQualifier { kNone, kForAllValues, kForAnyValue };

struct OperatorSpec {
  BaseOperator base = BaseOperator::kStringEquals;
  SetQualifier set = SetQualifier::kNone;
  bool if_exists = false;
  bool exact_case = true;  // false if the name only matched case-insensitively (lint)
};

// Parses "ForAnyValue:StringLikeIfExists" etc. Names match case-insensitively; nullopt for
// unknown operators (including "Null…IfExists" and a doubled "::").
std::optional<OperatorSpec> ParseOperatorName(std::string_view name);
bool IsNegated(BaseOperator op);
bool IsDateOperator(BaseOperator op);
bool SupportsVariables(BaseOperator op);  // String*, Arn*, Bool

class CompiledCondition {
 public:
  // `values` are the policy values' lexemes (strings, numbers, booleans as written).
  static CompiledCondition Compile(std::string op_text, const OperatorSpec& spec, std::string key,
                                   std::vector<std::string> values, bool variables_enabled);

  // Evaluates against the request context; fills `trace` if non-null.
  bool Evaluate(const RequestContext& context, ConditionTrace* trace) const;

  const std::string& op_text() const { return op_text_; }
  const std::string& key() const { return key_; }
  const OperatorSpec& spec() const { return spec_; }
  const std::vector<std::string>& lexemes() const { return lexemes_; }
  // Lexemes that failed to parse for the operator's type (never match; reported by lint).
  const std::vector<std::string>& invalid_values() const { return invalid_values_; }

 private:
  struct Value {
    bool valid = false;
    Template text_template;  // String*/Arn*/Bool with variables
    bool dynamic = false;
    std::string text;  // static text (lower-cased for IgnoreCase operators)
    Glob glob;         // StringLike
    ArnPattern arn;
    bool negative = false;  // Numeric: sign, integer and fraction digits
    std::string integer;
    std::string fraction;
    Instant instant;
    IpNetwork network;
    std::string bytes;  // BinaryEquals: decoded
    bool boolean = false;
  };
  bool EvaluateValues(const RequestContext& context, const ContextEntry* entry) const;
  bool AnyValueMatches(const RequestContext& context, std::string_view request_value) const;
  bool ValueMatches(const RequestContext& context, const Value& value,
                    std::string_view request_value) const;

  std::string op_text_;
  OperatorSpec spec_;
  std::string key_;
  std::vector<std::string> lexemes_;
  std::vector<std::string> invalid_values_;
  std::vector<Value> values_;
};

}  // namespace irsa::policy
