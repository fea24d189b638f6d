#include "iam/validation.h"

#include <cctype>

namespace irsa::iam {
namespace {

bool IsNameChar(unsigned char c) {
  return std::isalnum(c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' ||
         c == '-';
}

bool IsPolicyPathChar(unsigned char c) {
  return std::isalnum(c) || c == '.' || c == ',' || c == '+' || c == '@' || c == '=' || c == '_' ||
         c == '-';
}

Status CheckLength(std::string_view value, std::string_view field, size_t min, size_t max) {
  size_t n = Utf8Length(value);
  if (n < min) {
    return ConstraintError(
        value, field, "Member must have length greater than or equal to " + std::to_string(min));
  }
  if (n > max) {
    return ConstraintError(value, field,
                           "Member must have length less than or equal to " + std::to_string(max));
  }
  return OkStatus();
}

// Decodes one UTF-8 code point at text[i]; advances i. Invalid bytes decode as themselves.
uint32_t NextCodePoint(std::string_view text, size_t& i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  if (extra == 0 || i + extra >= text.size()) {
    ++i;
    return c;
  }
  uint32_t cp = c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    unsigned char cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return c;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += extra + 1;
  return cp;
}

}  // namespace

Error ConstraintError(std::string_view value, std::string_view field, std::string_view constraint) {
  return errors::ValidationError("1 validation error detected: Value '" + std::string(value) +
                                 "' at '" + std::string(field) +
                                 "' failed to satisfy constraint: " + std::string(constraint));
}

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (size_t i = 0; i < text.size();) {
    NextCodePoint(text, i);
    ++n;
  }
  return n;
}

Status ValidateName(std::string_view value, std::string_view field, size_t max_len) {
  IRSA_RETURN_IF_ERROR(CheckLength(value, field, 1, max_len));
  for (unsigned char c : value) {
    if (!IsNameChar(c)) {
      return ConstraintError(value, field,
                             "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
    }
  }
  return OkStatus();
}

Status ValidatePath(std::string_view value, std::string_view field) {
  IRSA_RETURN_IF_ERROR(CheckLength(value, field, 1, 512));
  bool ok = value.front() == '/' && value.back() == '/';
  for (unsigned char c : value) ok = ok && c >= 0x21 && c <= 0x7E;
  if (!ok) {
    return ConstraintError(
        value, field,
        "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+"
        "\\u002F)");
  }
  return OkStatus();
}

Status ValidatePolicyPath(std::string_view value, std::string_view field) {
  IRSA_RETURN_IF_ERROR(CheckLength(value, field, 1, 512));
  bool ok = value.front() == '/' && value.back() == '/';
  for (size_t i = 0; ok && i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '/') {
      ok = i == 0 || value[i - 1] != '/';  // no empty segments
    } else {
      ok = IsPolicyPathChar(c);
    }
  }
  if (!ok) {
    return ConstraintError(
        value, field,
        "Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/");
  }
  return OkStatus();
}

Status ValidatePathPrefix(std::string_view value, std::string_view field) {
  IRSA_RETURN_IF_ERROR(CheckLength(value, field, 1, 512));
  bool ok = value.front() == '/';
  for (unsigned char c : value) ok = ok && c >= 0x21 && c <= 0x7F;
  if (!ok) {
    return ConstraintError(value, field,
                           "Member must satisfy regular expression pattern: "
                           "\\u002F[\\u0021-\\u007F]*");
  }
  return OkStatus();
}

Status ValidateDescription(std::string_view value, std::string_view field, bool role_charset) {
  IRSA_RETURN_IF_ERROR(CheckLength(value, field, 0, 1000));
  if (!role_charset) return OkStatus();
  for (size_t i = 0; i < value.size();) {
    uint32_t cp = NextCodePoint(value, i);
    bool ok = cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp <= 0x7E) ||
              (cp >= 0xA1 && cp <= 0xFF);
    if (!ok) {
      return ConstraintError(value, field,
                             "Member must satisfy regular expression pattern: "
                             "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*");
    }
  }
  return OkStatus();
}

Status ValidateDocumentCharset(std::string_view value, std::string_view field) {
  if (value.empty()) {
    return ConstraintError(value, field, "Member must have length greater than or equal to 1");
  }
  if (Utf8Length(value) > 131072) {
    return ConstraintError(value.substr(0, 64), field,
                           "Member must have length less than or equal to 131072");
  }
  for (size_t i = 0; i < value.size();) {
    uint32_t cp = NextCodePoint(value, i);
    bool ok = cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp <= 0xFF);
    if (!ok) {
      return errors::MalformedPolicyDocument("Syntax errors in policy.");
    }
  }
  return OkStatus();
}

Result<int> EffectiveMaxItems(int max_items) {
  if (max_items == 0) return 100;
  if (max_items < 0 || max_items > 1000) {
    return ConstraintError(std::to_string(max_items), "maxItems",
                           max_items < 0 ? "Member must have value greater than or equal to 1"
                                         : "Member must have value less than or equal to 1000");
  }
  return max_items;
}

Status ValidateRange(int64_t value, std::string_view field, int64_t min, int64_t max) {
  if (value < min) {
    return ConstraintError(
        std::to_string(value), field,
        "Member must have value greater than or equal to " + std::to_string(min));
  }
  if (value > max) {
    return ConstraintError(std::to_string(value), field,
                           "Member must have value less than or equal to " + std::to_string(max));
  }
  return OkStatus();
}

}  // namespace irsa::iam
