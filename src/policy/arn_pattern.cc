#include "policy/arn_pattern.h"

#include "policy/values.h"

namespace irsa::policy {

ArnPattern ArnPattern::Compile(std::string_view pattern, bool variables_enabled,
                               ShortArnMode mode) {
  ArnPattern result;
  result.text_ = std::string(pattern);
  if (pattern == "*") {
    result.matches_everything_ = true;
    return result;
  }
  std::array<std::string_view, 6> fields;
  int count = SplitArnFields(pattern, fields);
  if (count < 6) {
    bool has_wildcard = pattern.find_first_of("*?") != std::string_view::npos;
    if (mode == ShortArnMode::kPadIfWildcard && !has_wildcard) {
      result.never_matches_ = true;
      return result;
    }
    for (int i = count; i < 6; ++i) fields[i] = "*";
  }
  for (int i = 0; i < 5; ++i) result.prefix_fields_[i] = Glob::FromPattern(fields[i]);
  result.resource_template_ = Template::Parse(fields[5], variables_enabled);
  if (!result.resource_template_.has_variables()) {
    std::vector<GlobToken> tokens;
    result.resource_template_.AppendTokens(RequestContext(), true, tokens);
    result.resource_glob_ = Glob::FromTokens(std::move(tokens));
  }
  return result;
}

bool ArnPattern::Matches(const std::array<std::string_view, 6>& fields, int field_count,
                         const RequestContext& context) const {
  if (matches_everything_) return true;
  if (never_matches_ || field_count < 6) return false;
  for (int i = 0; i < 5; ++i) {
    if (!prefix_fields_[i].Matches(fields[i])) return false;
  }
  if (!resource_template_.has_variables()) return resource_glob_.Matches(fields[5]);
  thread_local std::vector<GlobToken> scratch;
  scratch.clear();
  if (!resource_template_.AppendTokens(context, true, scratch)) return false;
  return MatchGlobTokens(scratch, fields[5], false);
}

bool ArnPattern::Matches(std::string_view value, const RequestContext& context) const {
  if (matches_everything_) return true;
  std::array<std::string_view, 6> fields;
  int count = SplitArnFields(value, fields);
  return Matches(fields, count, context);
}

}  // namespace irsa::policy
