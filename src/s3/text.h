// UTF-8 and XML text checks shared by the S3 rules and the S3 wire renderer. Total functions over
// untrusted bytes: they never fail or read out of bounds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace irsa::s3 {

// Decodes the code point starting at text[pos] and advances `pos` past it. Returns nullopt (and
// advances by one byte) on an ill-formed sequence: overlong forms, surrogates, values above
// U+10FFFF and truncated sequences are all ill-formed (RFC 3629).
std::optional<char32_t> NextCodePoint(std::string_view text, size_t& pos);

bool IsValidUtf8(std::string_view text);

// An XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
bool IsXmlChar(char32_t c);

// Valid UTF-8 whose every code point is an XML 1.0 Char: text that can appear in an XML document.
bool IsXmlSafeText(std::string_view text);

// `text` with every ill-formed byte and every non-XML code point replaced by U+FFFD, so that
// untrusted input can be echoed inside an XML document (error messages, resources).
std::string XmlSafeText(std::string_view text);

}  // namespace irsa::s3
