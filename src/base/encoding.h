// Byte/text encodings used on the wire. Decoders take untrusted input and return nullopt on any
// malformed input; they never throw or crash.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace irsa {

std::string Base64Encode(std::string_view bytes);                   // standard, padded
std::optional<std::string> Base64Decode(std::string_view text);     // padding optional
std::string Base64UrlEncode(std::string_view bytes);                // no padding
std::optional<std::string> Base64UrlDecode(std::string_view text);  // rejects padding

std::string HexEncode(std::string_view bytes);  // lower case
std::optional<std::string> HexDecode(std::string_view text);

// RFC 3986 strict: only A-Z a-z 0-9 - _ . ~ stay; everything else becomes %XX (upper hex).
// This is the encoding of policy documents in IAM responses and of SigV4 canonical URIs/queries.
std::string PercentEncode(std::string_view text);
// Like PercentEncode but leaves '/' unescaped (SigV4 canonical URI path segments).
std::string PercentEncodePath(std::string_view text);
// Decodes %XX escapes; with `plus_as_space` (application/x-www-form-urlencoded) '+' is a space.
// Returns nullopt on a truncated or non-hex escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space);

// XML character data / attribute text: & < > " ' and CR as entities; C0 controls XML 1.0 cannot
// carry and invalid UTF-8 become U+FFFD, so a client's bytes are never echoed raw.
std::string XmlEscape(std::string_view text);
void AppendXmlEscaped(std::string& out, std::string_view text);
// RFC 3629 validity; ToValidUtf8 replaces every invalid byte with U+FFFD.
bool IsValidUtf8(std::string_view text);
std::string ToValidUtf8(std::string_view text);

// JSON string escaping (without the surrounding quotes), for hand-written JSON log lines.
void AppendJsonEscaped(std::string& out, std::string_view text);

}  // namespace irsa
