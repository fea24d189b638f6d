// Policy variables (2012-10-17 only): `${key}`, `${key, 'default'}`, and the escapes `${*}`,
// `${?}`, `${$}`. A Template is the pre-split form of one policy string; resolving it against a
// request yields literal text (substituted values never act as wildcards).
//
// Resolution fails (returns false) when a variable's key is absent without a default or is
// multi-valued; callers then treat the value as "matches nothing". Immutable and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/context.h"
#include "policy/glob.h"

namespace irsa::policy {

class Template {
 public:
  // With `variables_enabled` false (2008-10-17 policies) the whole text is one literal segment.
  static Template Parse(std::string_view text, bool variables_enabled);

  bool has_variables() const { return has_variables_; }
  // Appends the resolved value as glob tokens; text segments keep their wildcards if
  // `wildcards` is true, escapes and substituted values are always literal.
  bool AppendTokens(const RequestContext& context, bool wildcards,
                    std::vector<GlobToken>& out) const;
  // Appends the resolved value as plain text (for equality operators).
  bool AppendText(const RequestContext& context, std::string& out) const;

 private:
  struct Segment {
    enum class Kind { kText, kEscape, kVariable };
    Kind kind = Kind::kText;
    std::string text;  // kText: raw text; kEscape: one char; kVariable: the key as written
    std::optional<std::string> default_value;
  };
  bool Lookup(const RequestContext& context, const Segment& segment, std::string_view& out) const;

  std::vector<Segment> segments_;
  bool has_variables_ = false;
};

}  // namespace irsa::policy
