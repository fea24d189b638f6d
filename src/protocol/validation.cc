#include "protocol/validation.h"

#include "base/error.h"
#include "protocol/query_params.h"

namespace irsa::protocol {
namespace {

constexpr std::string_view kRedacted = "*** Sensitive Data Redacted ***";

// Decodes one code point at `i`; returns false on invalid UTF-8 (overlong, surrogate, > U+10FFFF).
bool NextCodePoint(std::string_view s, size_t& i, char32_t& cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    cp = c;
    ++i;
    return true;
  }
  size_t n;
  char32_t min;
  if ((c & 0xE0) == 0xC0) {
    n = 1, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3, cp = c & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (i + n >= s.size()) return false;
  for (size_t k = 1; k <= n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += n + 1;
  return true;
}

template <typename Pred>
bool AllCodePoints(std::string_view s, bool allow_empty, Pred pred) {
  if (s.empty()) return allow_empty;
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp;
    if (!NextCodePoint(s, i, cp) || !pred(cp)) return false;
  }
  return true;
}

bool IsWord(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool InSet(char32_t c, std::string_view set) {
  return c < 0x80 && set.find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsUnicodeSpace(char32_t c) {  // \p{Z}
  return c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool IsUnicodeLetterOrNumber(char32_t c) {  // \p{L} | \p{N}, approximated above Latin-1
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c);
  if (c < 0x100) {
    return c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA ||
           (c >= 0xBC && c <= 0xBE) || (c >= 0xC0 && c != 0xD7 && c != 0xF7);
  }
  if (IsUnicodeSpace(c)) return false;
  if (c >= 0x2000 && c <= 0x206F) return false;    // general punctuation
  if (c >= 0x20A0 && c <= 0x20CF) return false;    // currency symbols
  if (c >= 0x2190 && c <= 0x2BFF) return false;    // arrows, math, technical, shapes, dingbats
  if (c >= 0x3000 && c <= 0x3004) return false;    // CJK punctuation
  if (c >= 0x3008 && c <= 0x3020) return false;    // CJK brackets and marks
  if (c >= 0xD800 && c <= 0xF8FF) return false;    // surrogates, private use
  if (c >= 0xFE00 && c <= 0xFE0F) return false;    // variation selectors
  if (c >= 0xFE30 && c <= 0xFE4F) return false;    // CJK compatibility forms
  if (c >= 0xFFF0 && c <= 0xFFFF) return false;    // specials
  if (c >= 0x1F000 && c <= 0x1FAFF) return false;  // emoji and pictographs
  if (c >= 0xE0000) return false;                  // tags, supplementary private use
  return true;
}

bool NameChars(char32_t c) { return IsWord(c) || InSet(c, "+=,.@-"); }
bool NameColonSlash(char32_t c) { return IsWord(c) || InSet(c, "+=,.@:/-"); }
bool NameColon(char32_t c) { return IsWord(c) || InSet(c, "+=,.@:-"); }
bool NameSlashColon(char32_t c) { return IsWord(c) || InSet(c, "+=/:,.@-"); }
bool PolicyChar(char32_t c) {
  return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0xFF);
}
bool SessionPolicyChar(char32_t c) {
  return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
         (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}
bool DescriptionChar(char32_t c) {
  return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) ||
         (c >= 0xA1 && c <= 0xFF);
}
bool TagChar(char32_t c) {
  return IsUnicodeLetterOrNumber(c) || IsUnicodeSpace(c) || InSet(c, "_.:/=+-@");
}

bool MatchPath(std::string_view s) {
  if (s == "/") return true;
  if (s.size() < 3 || s.front() != '/' || s.back() != '/') return false;
  for (unsigned char c : s) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

bool MatchPathPrefix(std::string_view s) {
  if (s.empty() || s.front() != '/') return false;
  for (unsigned char c : s) {
    if (c < 0x21 || c > 0x7F) return false;
  }
  return true;
}

bool MatchAccountId(std::string_view s) {
  return s.size() == 12 && AllCodePoints(s, false, IsDigit);
}

std::string Violation(std::string_view member, std::optional<std::string_view> value,
                      std::string_view constraint, Validator::Echo echo) {
  std::string out = "Value ";
  if (!value) {
    out += "null";
  } else {
    out += '\'';
    out += echo == Validator::Echo::kRedact ? kRedacted : *value;
    out += '\'';
  }
  out += " at '";
  out += LowerCamel(member);  // model member names are given as on the wire
  out += "' failed to satisfy constraint: ";
  out += constraint;
  return out;
}

size_t LengthOf(std::string_view value) { return Utf8Length(value).value_or(value.size()); }

}  // namespace

namespace patterns {
#define IRSA_CLASS_PATTERN(name, text, allow_empty, pred) \
  const ModelPattern name{text,                           \
                          [](std::string_view s) { return AllCodePoints(s, allow_empty, pred); }};

IRSA_CLASS_PATTERN(kNameChars, R"([\w+=,.@-]+)", false, NameChars)
IRSA_CLASS_PATTERN(kNameCharsOptional, R"([\w+=,.@-]*)", true, NameChars)
IRSA_CLASS_PATTERN(kNameColonSlashOptional, R"([\w+=,.@:\/-]*)", true, NameColonSlash)
IRSA_CLASS_PATTERN(kNameColonOptional, R"([\w+=,.@:-]*)", true, NameColon)
IRSA_CLASS_PATTERN(kNameEscapedColonOptional, R"([\w+=,.@\:-]*)", true, NameColon)
IRSA_CLASS_PATTERN(kNameSlashColon, R"([\w+=/:,.@-]+)", false, NameSlashColon)
IRSA_CLASS_PATTERN(kNameSlashColonOptional, R"([\w+=/:,.@-]*)", true, NameSlashColon)
IRSA_CLASS_PATTERN(kPolicyDocument, R"([\u0009\u000A\u000D\u0020-\u00FF]+)", false, PolicyChar)
IRSA_CLASS_PATTERN(
    kSessionPolicyDocument,
    R"([\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+)", false,
    SessionPolicyChar)
IRSA_CLASS_PATTERN(kDescription, R"([\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*)", true,
                   DescriptionChar)
IRSA_CLASS_PATTERN(kLatin1Printable, R"([\u0020-\u00FF]+)", false,
                   [](char32_t c) { return c >= 0x20 && c <= 0xFF; })
IRSA_CLASS_PATTERN(kTagKey, R"([\p{L}\p{Z}\p{N}_.:/=+\-@]+)", false, TagChar)
IRSA_CLASS_PATTERN(kTagValue, R"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)", true, TagChar)
IRSA_CLASS_PATTERN(kWord, R"([\w]+)", false, IsWord)
IRSA_CLASS_PATTERN(kWordOptional, R"([\w]*)", true, IsWord)
IRSA_CLASS_PATTERN(kWordDash, R"([\w-]+)", false, [](char32_t c) { return IsWord(c) || c == '-'; })
IRSA_CLASS_PATTERN(kWordDashOptional, R"([\w-]*)", true,
                   [](char32_t c) { return IsWord(c) || c == '-'; })
IRSA_CLASS_PATTERN(kWordDotUnderscoreDash, R"([\w._-]+)", false,
                   [](char32_t c) { return IsWord(c) || c == '.' || c == '-'; })
IRSA_CLASS_PATTERN(kColonWord, R"([:\w]+)", false, [](char32_t c) { return IsWord(c) || c == ':'; })
IRSA_CLASS_PATTERN(kDigits, R"([\d]+)", false, IsDigit)
IRSA_CLASS_PATTERN(kDigitsOptional, R"([\d]*)", true, IsDigit)
IRSA_CLASS_PATTERN(kUpperAlnum, R"([A-Z0-9]+)", false,
                   [](char32_t c) { return (c >= 'A' && c <= 'Z') || IsDigit(c); })
IRSA_CLASS_PATTERN(kPrintableAscii, R"([ -~]+)", false,
                   [](char32_t c) { return c >= 0x20 && c <= 0x7E; })
#undef IRSA_CLASS_PATTERN

const ModelPattern kPath{R"((\u002F)|(\u002F[\u0021-\u007E]+\u002F))", MatchPath};
const ModelPattern kPathPrefix{R"(\u002F[\u0021-\u007F]*)", MatchPathPrefix};
const ModelPattern kAccountId{R"(\d{12})", MatchAccountId};
}  // namespace patterns

std::optional<size_t> Utf8Length(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;  // ASCII prefix
  size_t n = i;
  while (i < text.size()) {
    char32_t cp;
    if (!NextCodePoint(text, i, cp)) return std::nullopt;
    ++n;
  }
  return n;
}

Validator& Validator::Add(std::string_view member, std::optional<std::string_view> value,
                          std::string_view constraint, Echo echo) {
  violations_.push_back(Violation(member, value, constraint, echo));
  return *this;
}

Validator& Validator::NotNull(std::string_view member, bool present) {
  if (!present) Add(member, std::nullopt, "Member must not be null");
  return *this;
}

Validator& Validator::MinLength(std::string_view member, std::string_view value, size_t min,
                                Echo echo) {
  if (LengthOf(value) < min) {
    Add(member, value, "Member must have length greater than or equal to " + std::to_string(min),
        echo);
  }
  return *this;
}

Validator& Validator::MaxLength(std::string_view member, std::string_view value, size_t max,
                                Echo echo) {
  if (LengthOf(value) > max) {
    Add(member, value, "Member must have length less than or equal to " + std::to_string(max),
        echo);
  }
  return *this;
}

Validator& Validator::Length(std::string_view member, std::string_view value, size_t min,
                             size_t max, Echo echo) {
  // n bytes of UTF-8 hold between ceil(n / 4) and n code points (and invalid UTF-8 counts as n):
  // when those bounds settle the check, the value need not be decoded.
  if (value.size() <= max && (value.size() + 3) / 4 >= min) return *this;
  const size_t length = LengthOf(value);
  if (length < min) MinLength(member, value, min, echo);
  if (length > max) MaxLength(member, value, max, echo);
  return *this;
}

Validator& Validator::Pattern(std::string_view member, std::string_view value,
                              const ModelPattern& pattern, Echo echo) {
  if (!pattern.matches(value)) {
    Add(member, value,
        "Member must satisfy regular expression pattern: " + std::string(pattern.text), echo);
  }
  return *this;
}

Validator& Validator::Range(std::string_view member, int64_t value, int64_t min, int64_t max) {
  std::string text = std::to_string(value);
  if (value < min) {
    Add(member, text, "Member must have value greater than or equal to " + std::to_string(min));
  } else if (value > max) {
    Add(member, text, "Member must have value less than or equal to " + std::to_string(max));
  }
  return *this;
}

std::string Validator::Message() const {
  if (violations_.empty()) return {};
  std::string out = std::to_string(violations_.size());
  out += violations_.size() == 1 ? " validation error detected: " : " validation errors detected: ";
  for (size_t i = 0; i < violations_.size(); ++i) {
    if (i) out += "; ";
    out += violations_[i];
  }
  return out;
}

Status Validator::ToStatus() const {
  if (ok()) return OkStatus();
  return errors::ValidationError(Message());
}

}  // namespace irsa::protocol
