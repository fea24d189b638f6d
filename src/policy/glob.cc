#include "policy/glob.h"

namespace irsa::policy {
namespace {

inline unsigned char FoldByte(unsigned char c, bool fold) {
  return (fold && c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

bool EqualsFolded(std::string_view text, std::string_view lower_literal, bool fold) {
  if (text.size() != lower_literal.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (FoldByte(static_cast<unsigned char>(text[i]), fold) !=
        static_cast<unsigned char>(lower_literal[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

void AppendGlobTokens(std::vector<GlobToken>& out, std::string_view text, bool wildcards) {
  for (char c : text) {
    if (wildcards && c == '*') {
      out.push_back(kGlobStar);
    } else if (wildcards && c == '?') {
      out.push_back(kGlobQuestion);
    } else {
      out.push_back(static_cast<unsigned char>(c));
    }
  }
}

bool MatchGlobTokens(std::span<const GlobToken> pattern, std::string_view text, bool fold_case) {
  size_t p = 0;
  size_t t = 0;
  size_t star_p = std::string_view::npos;  // position after the last '*' seen
  size_t star_t = 0;                       // text position that '*' is currently absorbing to
  while (t < text.size()) {
    if (p < pattern.size()) {
      GlobToken token = pattern[p];
      if (token == kGlobStar) {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (token == kGlobQuestion ||
          token == FoldByte(static_cast<unsigned char>(text[t]), fold_case)) {
        ++p;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == kGlobStar) ++p;
  return p == pattern.size();
}

Glob Glob::FromPattern(std::string_view pattern, bool fold_case) {
  std::vector<GlobToken> tokens;
  tokens.reserve(pattern.size());
  for (char c : pattern) {
    if (c == '*') {
      tokens.push_back(kGlobStar);
    } else if (c == '?') {
      tokens.push_back(kGlobQuestion);
    } else {
      tokens.push_back(FoldByte(static_cast<unsigned char>(c), fold_case));
    }
  }
  return FromTokens(std::move(tokens), fold_case);
}

Glob Glob::FromTokens(std::vector<GlobToken> tokens, bool fold_case) {
  Glob glob;
  glob.fold_case_ = fold_case;
  if (fold_case) {
    for (GlobToken& token : tokens) {
      if (token >= 'A' && token <= 'Z') token = static_cast<GlobToken>(token + ('a' - 'A'));
    }
  }
  size_t wildcard_count = 0;
  size_t first_wildcard = tokens.size();
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] >= kGlobStar) {
      if (wildcard_count++ == 0) first_wildcard = i;
    }
  }
  auto literal_of = [&](size_t end) {
    std::string text;
    text.reserve(end);
    for (size_t i = 0; i < end; ++i) text.push_back(static_cast<char>(tokens[i]));
    return text;
  };
  if (wildcard_count == 0) {
    glob.kind_ = Kind::kExact;
    glob.literal_ = literal_of(tokens.size());
  } else if (tokens.size() == 1 && tokens[0] == kGlobStar) {
    glob.kind_ = Kind::kAny;
  } else if (wildcard_count == 1 && first_wildcard == tokens.size() - 1 &&
             tokens.back() == kGlobStar) {
    glob.kind_ = Kind::kPrefix;
    glob.literal_ = literal_of(first_wildcard);
  } else {
    glob.kind_ = Kind::kGeneral;
  }
  glob.tokens_ = std::move(tokens);
  return glob;
}

bool Glob::Matches(std::string_view text) const {
  switch (kind_) {
    case Kind::kAny:
      return true;
    case Kind::kExact:
      return EqualsFolded(text, literal_, fold_case_);
    case Kind::kPrefix:
      return text.size() >= literal_.size() &&
             EqualsFolded(text.substr(0, literal_.size()), literal_, fold_case_);
    case Kind::kGeneral:
      return MatchGlobTokens(tokens_, text, fold_case_);
  }
  return false;
}

}  // namespace irsa::policy
