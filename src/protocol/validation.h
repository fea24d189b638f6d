// Model-constraint validation producing AWS's ValidationError message shape exactly:
//
//   1 validation error detected: Value 'x!' at 'roleName' failed to satisfy constraint: Member
//   must satisfy regular expression pattern: [\w+=,.@-]+
//
// several violations joined with "; " after "N validation errors detected: ". Member names are
// the lowerCamel model member names (see LowerCamel in query_params.h).
//
// Patterns are not regular expressions: each ModelPattern is a named, hand-written predicate for
// one character-class pattern of the IAM/STS models, evaluated over UTF-8 code points (invalid
// UTF-8 never matches), and carries the model's pattern text for the message.
//
// Lengths count Unicode code points of the UTF-8 value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace irsa::protocol {

struct ModelPattern {
  std::string_view text;              // the model's pattern, printed in messages
  bool (*matches)(std::string_view);  // the predicate
};

namespace patterns {
// [\w+=,.@-]+ : roleNameType, userNameType, policyNameType, roleSessionNameType (STS), ...
extern const ModelPattern kNameChars;
// [\w+=,.@-]* : sourceIdentityType, ...
extern const ModelPattern kNameCharsOptional;
// [\w+=,.@:\/-]* : e.g. STS externalIdType.
extern const ModelPattern kNameColonSlashOptional;
// [\w+=,.@:-]* and [\w+=,.@\:-]*
extern const ModelPattern kNameColonOptional;
extern const ModelPattern kNameEscapedColonOptional;
// [\w+=/:,.@-]+ / [\w+=/:,.@-]*
extern const ModelPattern kNameSlashColon;
extern const ModelPattern kNameSlashColonOptional;
// (\u002F)|(\u002F[\u0021-\u007E]+\u002F) : pathType ("/" or "/.../").
extern const ModelPattern kPath;
// \u002F[\u0021-\u007F]* : pathPrefixType.
extern const ModelPattern kPathPrefix;
// [\u0009\u000A\u000D\u0020-\u00FF]+ : policyDocumentType (IAM), ...
extern const ModelPattern kPolicyDocument;
// [\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+ : STS
// sessionPolicyDocumentType.
extern const ModelPattern kSessionPolicyDocument;
// [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]* : roleDescriptionType, policyDescriptionType.
extern const ModelPattern kDescription;
// [\u0020-\u00FF]+ : ...
extern const ModelPattern kLatin1Printable;
// [\p{L}\p{Z}\p{N}_.:/=+\-@]+ / * : tagKeyType / tagValueType. \p{L}, \p{Z}, \p{N} are
// approximated: ASCII and Latin-1 exactly; code points >= U+0100 count as letters/numbers
// except known space, punctuation/symbol, control, surrogate, private-use and emoji blocks.
extern const ModelPattern kTagKey;
extern const ModelPattern kTagValue;
// [\w]+ , [\w]* , [\w-]+ , [\w-]* , [\w._-]+ , [:\w]+ , [\d]+ , [\d]* , \d{12} , [A-Z0-9]+ ,
// [ -~]+
extern const ModelPattern kWord;
extern const ModelPattern kWordOptional;
extern const ModelPattern kWordDash;
extern const ModelPattern kWordDashOptional;
extern const ModelPattern kWordDotUnderscoreDash;
extern const ModelPattern kColonWord;
extern const ModelPattern kDigits;
extern const ModelPattern kDigitsOptional;
extern const ModelPattern kAccountId;
extern const ModelPattern kUpperAlnum;
extern const ModelPattern kPrintableAscii;
}  // namespace patterns

// Counts code points of valid UTF-8; nullopt for invalid UTF-8.
std::optional<size_t> Utf8Length(std::string_view text);

// Accumulates violations in call order.
class Validator {
 public:
  // Values of sensitive members (tokens, secrets) are printed as
  // '*** Sensitive Data Redacted ***', as AWS does.
  enum class Echo { kValue, kRedact };

  // "Value null at 'm' ... Member must not be null" when `present` is false.
  Validator& NotNull(std::string_view member, bool present);
  // Length bounds in code points; invalid UTF-8 counts its bytes.
  Validator& MinLength(std::string_view member, std::string_view value, size_t min,
                       Echo echo = Echo::kValue);
  Validator& MaxLength(std::string_view member, std::string_view value, size_t max,
                       Echo echo = Echo::kValue);
  Validator& Length(std::string_view member, std::string_view value, size_t min, size_t max,
                    Echo echo = Echo::kValue);
  Validator& Pattern(std::string_view member, std::string_view value, const ModelPattern& pattern,
                     Echo echo = Echo::kValue);
  Validator& Range(std::string_view member, int64_t value, int64_t min, int64_t max);
  // Optional-member conveniences (std::optional of a string type or integer): no check when
  // absent. Templates so that plain strings never match them (no overload ambiguity).
  template <typename T>
  Validator& Length(std::string_view member, const std::optional<T>& value, size_t min, size_t max,
                    Echo echo = Echo::kValue) {
    if (value) Length(member, std::string_view(*value), min, max, echo);
    return *this;
  }
  template <typename T>
  Validator& Pattern(std::string_view member, const std::optional<T>& value,
                     const ModelPattern& pattern, Echo echo = Echo::kValue) {
    if (value) Pattern(member, std::string_view(*value), pattern, echo);
    return *this;
  }
  template <typename T>
  Validator& Range(std::string_view member, const std::optional<T>& value, int64_t min,
                   int64_t max) {
    if (value) Range(member, static_cast<int64_t>(*value), min, max);
    return *this;
  }
  // A violation with a custom constraint text.
  Validator& Add(std::string_view member, std::optional<std::string_view> value,
                 std::string_view constraint, Echo echo = Echo::kValue);

  bool ok() const { return violations_.empty(); }
  size_t count() const { return violations_.size(); }
  const std::vector<std::string>& violations() const { return violations_; }
  // The full message ("1 validation error detected: ..."); empty if ok().
  std::string Message() const;
  // OkStatus() or errors::ValidationError(Message()).
  Status ToStatus() const;

 private:
  std::vector<std::string> violations_;
};

}  // namespace irsa::protocol
