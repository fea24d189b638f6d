// The IAM wildcard matcher: `*` matches any run of characters (including empty, '/' and ':'),
// `?` exactly one byte; nothing else is special ('[', ']', '\' are literal). Matching is a real
// glob (star backtracking), worst case O(|pattern|·|text|), never exponential, no allocation.
//
// Patterns are sequences of GlobTokens so that literal '*' and '?' (from `${*}` escapes or
// substituted policy variables) can coexist with wildcards. Glob objects are immutable after
// construction and safe to share between threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace irsa::policy {

// 0..255: a literal byte; kGlobStar / kGlobQuestion: wildcards.
using GlobToken = uint16_t;
inline constexpr GlobToken kGlobStar = 256;
inline constexpr GlobToken kGlobQuestion = 257;

// Appends `text` as tokens; if `wildcards` is true '*' and '?' become wildcards.
void AppendGlobTokens(std::vector<GlobToken>& out, std::string_view text, bool wildcards);

// Matches `text` against the whole token pattern. With `fold_case`, ASCII letters of `text` are
// compared lower-cased (the pattern must already be lower case).
bool MatchGlobTokens(std::span<const GlobToken> pattern, std::string_view text, bool fold_case);

class Glob {
 public:
  Glob() = default;
  // `pattern` with `*`/`?` as wildcards; `fold_case` lower-cases the pattern and folds the text.
  static Glob FromPattern(std::string_view pattern, bool fold_case = false);
  static Glob FromTokens(std::vector<GlobToken> tokens, bool fold_case = false);

  bool Matches(std::string_view text) const;
  bool matches_everything() const { return kind_ == Kind::kAny; }
  bool has_wildcards() const { return kind_ != Kind::kExact; }

 private:
  enum class Kind { kExact, kAny, kPrefix, kGeneral };
  Kind kind_ = Kind::kExact;
  bool fold_case_ = false;
  std::string literal_;  // kExact: whole text; kPrefix: text before the trailing '*'
  std::vector<GlobToken> tokens_;
};

}  // namespace irsa::policy
