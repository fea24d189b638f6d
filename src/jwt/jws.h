// JWS compact serialization (RFC 7515 §7.1) parsing, with hard limits for untrusted input.
//
// ParseJws checks structure only — it never verifies a signature (see jwt/verify.h). It enforces:
// total length <= max_token_size (20000, the STS WebIdentityToken limit); exactly 3 segments (5
// is reported as an unsupported JWE); strict unpadded base64url in every segment; header and
// payload are JSON objects of bounded size and nesting depth; header "alg" is a string; "kid" and
// "typ", if present, are strings; "crit" and "zip" are rejected. The signature segment must be
// non-empty (unsigned tokens are never accepted). A JSON member that appears twice keeps its
// lexically last value (the RFC 7515 §5.2 option; Boost.JSON's behaviour).
//
// Failures are InvalidIdentityToken errors whose message starts with "malformed token: " and never
// contains the token. Boost.JSON is used with error codes and any exception is caught: input can
// never crash the process. Jws is an immutable value, safe to share after construction.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace irsa::jwt {

struct ParseLimits {
  size_t max_token_size = 20000;
  size_t max_header_bytes = 2048;    // decoded header JSON
  size_t max_payload_bytes = 16384;  // decoded payload JSON
  size_t max_header_depth = 4;
  size_t max_payload_depth = 16;
};

struct JwsHeader {
  std::string alg;                 // as written; checked against the allow-list by Verify
  std::optional<std::string> kid;  // absent vs. present-but-empty are distinguished
  std::optional<std::string> typ;
  boost::json::object raw;  // every header member
};

struct Jws {
  JwsHeader header;
  boost::json::object claims;
  std::string signing_input;  // "<header b64>.<payload b64>", the bytes that were signed
  std::string signature;      // decoded signature bytes
};

Result<Jws> ParseJws(std::string_view token, const ParseLimits& limits = {});

// Parses untrusted JSON text into an object with a depth limit; errors are InvalidIdentityToken
// "<what> is not valid JSON (...)" etc. (callers re-code or prefix them). Never throws.
Result<boost::json::object> ParseJsonObject(std::string_view text, size_t max_depth,
                                            std::string_view what);

// Truncates and sanitises untrusted text for inclusion in an error message (printable ASCII,
// at most `max` chars, "..." appended when cut).
std::string Printable(std::string_view text, size_t max = 64);

}  // namespace irsa::jwt
