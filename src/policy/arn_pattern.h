// ARN patterns for Resource/NotResource and the Arn* condition operators. A pattern is split on
// its first five colons; fields 1-5 are globbed independently ('*' never crosses a colon there);
// field 6 (the resource, which may contain ':' and '/') may hold policy variables and its '*'
// spans anything. Matching is case-sensitive. Immutable and thread-safe once compiled.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "policy/context.h"
#include "policy/glob.h"
#include "policy/variables.h"

namespace irsa::policy {

// How a pattern with fewer than six fields (e.g. "arn:aws:s3:*") is treated.
enum class ShortArnMode {
  kPadWithWildcards,  // identity, boundary, session policies: missing fields become "*"
  kPadIfWildcard,     // resource/trust policies: pad only if the pattern contains a wildcard
};

class ArnPattern {
 public:
  static ArnPattern Compile(std::string_view pattern, bool variables_enabled, ShortArnMode mode);

  // `fields`/`field_count` come from SplitArnFields on the request value.
  bool Matches(const std::array<std::string_view, 6>& fields, int field_count,
               const RequestContext& context) const;
  // Convenience: splits `value` then matches. The literal "*" request resource only matches the
  // pattern "*".
  bool Matches(std::string_view value, const RequestContext& context) const;
  const std::string& text() const { return text_; }
  bool has_variables() const { return resource_template_.has_variables(); }

 private:
  std::string text_;
  bool matches_everything_ = false;
  bool never_matches_ = false;
  std::array<Glob, 5> prefix_fields_;
  Glob resource_glob_;          // used when the resource field has no variables
  Template resource_template_;  // used when it does
};

}  // namespace irsa::policy
