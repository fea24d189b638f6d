#include "policy/condition.h"

#include <array>

#include "base/encoding.h"
#include "base/strings.h"

namespace irsa::policy {
namespace {

struct OperatorName {
  std::string_view name;
  BaseOperator op;
};

constexpr std::array<OperatorName, 27> kOperators{{
    {"StringEquals", BaseOperator::kStringEquals},
    {"StringNotEquals", BaseOperator::kStringNotEquals},
    {"StringEqualsIgnoreCase", BaseOperator::kStringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", BaseOperator::kStringNotEqualsIgnoreCase},
    {"StringLike", BaseOperator::kStringLike},
    {"StringNotLike", BaseOperator::kStringNotLike},
    {"NumericEquals", BaseOperator::kNumericEquals},
    {"NumericNotEquals", BaseOperator::kNumericNotEquals},
    {"NumericLessThan", BaseOperator::kNumericLessThan},
    {"NumericLessThanEquals", BaseOperator::kNumericLessThanEquals},
    {"NumericGreaterThan", BaseOperator::kNumericGreaterThan},
    {"NumericGreaterThanEquals", BaseOperator::kNumericGreaterThanEquals},
    {"DateEquals", BaseOperator::kDateEquals},
    {"DateNotEquals", BaseOperator::kDateNotEquals},
    {"DateLessThan", BaseOperator::kDateLessThan},
    {"DateLessThanEquals", BaseOperator::kDateLessThanEquals},
    {"DateGreaterThan", BaseOperator::kDateGreaterThan},
    {"DateGreaterThanEquals", BaseOperator::kDateGreaterThanEquals},
    {"Bool", BaseOperator::kBool},
    {"BinaryEquals", BaseOperator::kBinaryEquals},
    {"IpAddress", BaseOperator::kIpAddress},
    {"NotIpAddress", BaseOperator::kNotIpAddress},
    {"ArnEquals", BaseOperator::kArnEquals},
    {"ArnLike", BaseOperator::kArnLike},
    {"ArnNotEquals", BaseOperator::kArnNotEquals},
    {"ArnNotLike", BaseOperator::kArnNotLike},
    {"Null", BaseOperator::kNull},
}};

// Strips `prefix` case-insensitively; records whether the case was exact.
bool StripPrefix(std::string_view& text, std::string_view prefix, bool& exact) {
  if (!StartsWithIgnoreCase(text, prefix)) return false;
  if (!text.starts_with(prefix)) exact = false;
  text.remove_prefix(prefix.size());
  return true;
}

enum class Family {
  kString,
  kStringIgnoreCase,
  kStringLike,
  kNumeric,
  kDate,
  kBool,
  kBinary,
  kIp,
  kArn,
  kNull
};

Family FamilyOf(BaseOperator op) {
  switch (op) {
    case BaseOperator::kStringEquals:
    case BaseOperator::kStringNotEquals:
      return Family::kString;
    case BaseOperator::kStringEqualsIgnoreCase:
    case BaseOperator::kStringNotEqualsIgnoreCase:
      return Family::kStringIgnoreCase;
    case BaseOperator::kStringLike:
    case BaseOperator::kStringNotLike:
      return Family::kStringLike;
    case BaseOperator::kNumericEquals:
    case BaseOperator::kNumericNotEquals:
    case BaseOperator::kNumericLessThan:
    case BaseOperator::kNumericLessThanEquals:
    case BaseOperator::kNumericGreaterThan:
    case BaseOperator::kNumericGreaterThanEquals:
      return Family::kNumeric;
    case BaseOperator::kDateEquals:
    case BaseOperator::kDateNotEquals:
    case BaseOperator::kDateLessThan:
    case BaseOperator::kDateLessThanEquals:
    case BaseOperator::kDateGreaterThan:
    case BaseOperator::kDateGreaterThanEquals:
      return Family::kDate;
    case BaseOperator::kBool:
      return Family::kBool;
    case BaseOperator::kBinaryEquals:
      return Family::kBinary;
    case BaseOperator::kIpAddress:
    case BaseOperator::kNotIpAddress:
      return Family::kIp;
    case BaseOperator::kArnEquals:
    case BaseOperator::kArnLike:
    case BaseOperator::kArnNotEquals:
    case BaseOperator::kArnNotLike:
      return Family::kArn;
    case BaseOperator::kNull:
      return Family::kNull;
  }
  return Family::kString;
}

// Applies an ordering operator to a three-way comparison result `cmp` (request vs policy).
bool Ordered(BaseOperator op, int cmp) {
  switch (op) {
    case BaseOperator::kNumericEquals:
    case BaseOperator::kNumericNotEquals:  // the negation is applied by the NOR
    case BaseOperator::kDateEquals:
    case BaseOperator::kDateNotEquals:
      return cmp == 0;
    case BaseOperator::kNumericLessThan:
    case BaseOperator::kDateLessThan:
      return cmp < 0;
    case BaseOperator::kNumericLessThanEquals:
    case BaseOperator::kDateLessThanEquals:
      return cmp <= 0;
    case BaseOperator::kNumericGreaterThan:
    case BaseOperator::kDateGreaterThan:
      return cmp > 0;
    case BaseOperator::kNumericGreaterThanEquals:
    case BaseOperator::kDateGreaterThanEquals:
      return cmp >= 0;
    default:
      return false;
  }
}

std::optional<bool> ParseBool(std::string_view text) {
  if (EqualsIgnoreCase(text, "true")) return true;
  if (EqualsIgnoreCase(text, "false")) return false;
  return std::nullopt;
}

bool EqualsAsciiFolded(std::string_view request, std::string_view lower) {
  if (request.size() != lower.size()) return false;
  for (size_t i = 0; i < request.size(); ++i) {
    char c = request[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<OperatorSpec> ParseOperatorName(std::string_view name) {
  OperatorSpec spec;
  bool exact = true;
  if (StripPrefix(name, "ForAllValues:", exact)) {
    spec.set = SetQualifier::kForAllValues;
  } else if (StripPrefix(name, "ForAnyValue:", exact)) {
    spec.set = SetQualifier::kForAnyValue;
  }
  constexpr std::string_view kIfExists = "IfExists";
  if (name.size() > kIfExists.size() &&
      EqualsIgnoreCase(name.substr(name.size() - kIfExists.size()), kIfExists)) {
    if (!name.ends_with(kIfExists)) exact = false;
    spec.if_exists = true;
    name.remove_suffix(kIfExists.size());
  }
  for (const OperatorName& candidate : kOperators) {
    if (EqualsIgnoreCase(name, candidate.name)) {
      if (name != candidate.name) exact = false;
      if (candidate.op == BaseOperator::kNull && spec.if_exists) return std::nullopt;
      spec.base = candidate.op;
      spec.exact_case = exact;
      return spec;
    }
  }
  return std::nullopt;
}

bool IsNegated(BaseOperator op) {
  switch (op) {
    case BaseOperator::kStringNotEquals:
    case BaseOperator::kStringNotEqualsIgnoreCase:
    case BaseOperator::kStringNotLike:
    case BaseOperator::kNumericNotEquals:
    case BaseOperator::kDateNotEquals:
    case BaseOperator::kNotIpAddress:
    case BaseOperator::kArnNotEquals:
    case BaseOperator::kArnNotLike:
      return true;
    default:
      return false;
  }
}

bool IsDateOperator(BaseOperator op) { return FamilyOf(op) == Family::kDate; }

bool SupportsVariables(BaseOperator op) {
  Family family = FamilyOf(op);
  return family == Family::kString || family == Family::kStringIgnoreCase ||
         family == Family::kStringLike || family == Family::kArn || family == Family::kBool;
}

CompiledCondition CompiledCondition::Compile(std::string op_text, const OperatorSpec& spec,
                                             std::string key, std::vector<std::string> values,
                                             bool variables_enabled) {
  CompiledCondition condition;
  condition.op_text_ = std::move(op_text);
  condition.spec_ = spec;
  condition.key_ = std::move(key);
  bool variables = variables_enabled && SupportsVariables(spec.base);
  Family family = FamilyOf(spec.base);
  for (const std::string& lexeme : values) {
    Value value;
    value.valid = true;
    value.text_template = Template::Parse(lexeme, variables);
    value.dynamic = value.text_template.has_variables();
    switch (family) {
      case Family::kString:
      case Family::kStringIgnoreCase:
        if (!value.dynamic) {
          value.text_template.AppendText(RequestContext(), value.text);
          if (family == Family::kStringIgnoreCase) value.text = AsciiLower(value.text);
        }
        break;
      case Family::kStringLike:
        if (!value.dynamic) {
          std::vector<GlobToken> tokens;
          value.text_template.AppendTokens(RequestContext(), true, tokens);
          value.glob = Glob::FromTokens(std::move(tokens));
        }
        break;
      case Family::kNumeric: {
        auto number = Decimal::Parse(lexeme);
        value.valid = number.has_value();
        if (number) {
          value.negative = number->negative;
          value.integer = std::string(number->integer);
          value.fraction = std::string(number->fraction);
        }
        break;
      }
      case Family::kDate: {
        auto instant = ParseInstant(lexeme);
        value.valid = instant.has_value();
        if (instant) value.instant = *instant;
        break;
      }
      case Family::kBool:
        if (!value.dynamic) {
          auto parsed = ParseBool(lexeme);
          value.valid = parsed.has_value();
          value.boolean = parsed.value_or(false);
        }
        break;
      case Family::kBinary: {
        auto bytes = Base64Decode(lexeme);
        value.valid = bytes.has_value();
        if (bytes) value.bytes = std::move(*bytes);
        break;
      }
      case Family::kIp: {
        auto network = IpNetwork::Parse(lexeme);
        value.valid = network.has_value();
        if (network) value.network = *network;
        break;
      }
      case Family::kArn:
        value.arn = ArnPattern::Compile(lexeme, variables, ShortArnMode::kPadWithWildcards);
        break;
      case Family::kNull: {
        auto parsed = ParseBool(lexeme);
        value.valid = parsed.has_value();
        value.boolean = parsed.value_or(false);
        break;
      }
    }
    if (!value.valid) condition.invalid_values_.push_back(lexeme);
    condition.values_.push_back(std::move(value));
  }
  condition.lexemes_ = std::move(values);
  return condition;
}

bool CompiledCondition::ValueMatches(const RequestContext& context, const Value& value,
                                     std::string_view request_value) const {
  if (!value.valid) return false;
  switch (FamilyOf(spec_.base)) {
    case Family::kString:
    case Family::kStringIgnoreCase: {
      bool fold = FamilyOf(spec_.base) == Family::kStringIgnoreCase;
      if (!value.dynamic) {
        return fold ? EqualsAsciiFolded(request_value, value.text) : request_value == value.text;
      }
      thread_local std::string scratch;
      scratch.clear();
      if (!value.text_template.AppendText(context, scratch)) return false;
      return fold ? EqualsIgnoreCase(request_value, scratch) : request_value == scratch;
    }
    case Family::kStringLike: {
      if (!value.dynamic) return value.glob.Matches(request_value);
      thread_local std::vector<GlobToken> scratch;
      scratch.clear();
      if (!value.text_template.AppendTokens(context, true, scratch)) return false;
      return MatchGlobTokens(scratch, request_value, false);
    }
    case Family::kNumeric: {
      auto request_number = Decimal::Parse(request_value);
      if (!request_number) return false;
      Decimal policy_number{value.negative, value.integer, value.fraction};
      return Ordered(spec_.base, CompareDecimal(*request_number, policy_number));
    }
    case Family::kDate: {
      auto instant = ParseInstant(request_value);
      if (!instant) return false;
      int cmp = *instant < value.instant ? -1 : (*instant == value.instant ? 0 : 1);
      return Ordered(spec_.base, cmp);
    }
    case Family::kBool: {
      auto request_bool = ParseBool(request_value);
      if (!request_bool) return false;
      if (!value.dynamic) return *request_bool == value.boolean;
      thread_local std::string scratch;
      scratch.clear();
      if (!value.text_template.AppendText(context, scratch)) return false;
      auto policy_bool = ParseBool(scratch);
      return policy_bool && *policy_bool == *request_bool;
    }
    case Family::kBinary: {
      auto bytes = Base64Decode(request_value);
      return bytes ? *bytes == value.bytes : request_value == value.bytes;
    }
    case Family::kIp: {
      auto address = IpNetwork::Parse(request_value);
      if (!address || address->prefix != (address->v6 ? 128 : 32)) return false;
      return value.network.Contains(*address);
    }
    case Family::kArn:
      return value.arn.Matches(request_value, context);
    case Family::kNull:
      return false;
  }
  return false;
}

bool CompiledCondition::AnyValueMatches(const RequestContext& context,
                                        std::string_view request_value) const {
  // Typed request values are parsed once, not once per policy value.
  switch (FamilyOf(spec_.base)) {
    case Family::kNumeric: {
      auto request_number = Decimal::Parse(request_value);
      if (!request_number) return false;
      for (const Value& value : values_) {
        Decimal policy_number{value.negative, value.integer, value.fraction};
        if (value.valid && Ordered(spec_.base, CompareDecimal(*request_number, policy_number))) {
          return true;
        }
      }
      return false;
    }
    case Family::kDate: {
      auto instant = ParseInstant(request_value);
      if (!instant) return false;
      for (const Value& value : values_) {
        int cmp = *instant < value.instant ? -1 : (*instant == value.instant ? 0 : 1);
        if (value.valid && Ordered(spec_.base, cmp)) return true;
      }
      return false;
    }
    case Family::kIp: {
      auto address = IpNetwork::Parse(request_value);
      if (!address || address->prefix != (address->v6 ? 128 : 32)) return false;
      for (const Value& value : values_) {
        if (value.valid && value.network.Contains(*address)) return true;
      }
      return false;
    }
    default:
      for (const Value& value : values_) {
        if (ValueMatches(context, value, request_value)) return true;
      }
      return false;
  }
}

bool CompiledCondition::EvaluateValues(const RequestContext& context,
                                       const ContextEntry* entry) const {
  if (spec_.base == BaseOperator::kNull) {
    bool absent = entry == nullptr;
    for (const Value& value : values_) {
      if (value.valid && value.boolean == absent) return true;
    }
    return false;
  }
  bool negated = IsNegated(spec_.base);
  if (entry == nullptr) {
    if (spec_.if_exists) return true;
    if (spec_.set == SetQualifier::kForAllValues) return true;
    if (spec_.set == SetQualifier::kForAnyValue) return false;
    return negated;
  }
  // A request value satisfies the operator: OR over policy values, NOR for negated operators.
  auto satisfies = [&](std::string_view request_value) {
    return AnyValueMatches(context, request_value) != negated;
  };
  switch (spec_.set) {
    case SetQualifier::kNone:
      if (entry->multi_valued || entry->values.size() != 1) return false;
      return satisfies(entry->values.front());
    case SetQualifier::kForAllValues:
      for (const std::string& v : entry->values) {
        if (!satisfies(v)) return false;
      }
      return true;
    case SetQualifier::kForAnyValue:
      for (const std::string& v : entry->values) {
        if (satisfies(v)) return true;
      }
      return false;
  }
  return false;
}

bool CompiledCondition::Evaluate(const RequestContext& context, ConditionTrace* trace) const {
  const ContextEntry* entry = context.Find(key_);
  bool result = EvaluateValues(context, entry);
  if (trace != nullptr) {
    trace->op = op_text_;
    trace->key = key_;
    trace->expected = lexemes_;
    trace->key_present = entry != nullptr;
    trace->multi_valued = entry != nullptr && entry->multi_valued;
    if (entry != nullptr) trace->actual = entry->values;
    trace->result = result;
  }
  return result;
}

}  // namespace irsa::policy
