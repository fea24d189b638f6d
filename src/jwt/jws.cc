#include "jwt/jws.h"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include <exception>

#include "base/encoding.h"
#include "base/error.h"

namespace irsa::jwt {
namespace {

Error Malformed(std::string message) {
  return errors::InvalidIdentityToken("malformed token: " + std::move(message));
}

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

Result<std::string> DecodeSegment(std::string_view segment, std::string_view what) {
  if (segment.empty()) return Malformed(std::string(what) + " segment is empty");
  std::optional<std::string> bytes = Base64UrlDecode(segment);
  if (bytes) return std::move(*bytes);
  // The decoder rejects padding and foreign characters; say which it was.
  for (char c : segment) {
    if (c == '=') return Malformed(std::string(what) + " segment has base64 padding");
    if (!IsBase64UrlChar(c)) return Malformed(std::string(what) + " segment is not base64url");
  }
  return Malformed(std::string(what) + " segment is not valid base64url");
}

Result<std::optional<std::string>> OptionalString(const boost::json::object& header,
                                                  std::string_view name) {
  const boost::json::value* v = header.if_contains(name);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return Malformed("header \"" + std::string(name) + "\" is not a string");
  return std::optional<std::string>(std::string(v->get_string()));
}

}  // namespace

std::string Printable(std::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (text.size() > max) out += "...";
  return out;
}

Result<boost::json::object> ParseJsonObject(std::string_view text, size_t max_depth,
                                            std::string_view what) {
  try {
    boost::json::parse_options options;
    options.max_depth = max_depth;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec, {}, options);
    if (ec) {
      if (ec == boost::json::error::too_deep) {
        return errors::InvalidIdentityToken(std::string(what) + " JSON is nested deeper than " +
                                            std::to_string(max_depth) + " levels");
      }
      return errors::InvalidIdentityToken(std::string(what) + " is not valid JSON (" +
                                          ec.message() + ")");
    }
    if (!v.is_object())
      return errors::InvalidIdentityToken(std::string(what) + " is not a JSON object");
    return std::move(v.get_object());
  } catch (const std::exception&) {
    return errors::InvalidIdentityToken(std::string(what) + " could not be parsed");
  }
}

Result<Jws> ParseJws(std::string_view token, const ParseLimits& limits) {
  if (token.empty()) return Malformed("token is empty");
  if (token.size() > limits.max_token_size) {
    return Malformed("token is " + std::to_string(token.size()) + " characters; the limit is " +
                     std::to_string(limits.max_token_size));
  }
  size_t dots = 0;
  for (char c : token) dots += (c == '.');
  if (dots == 4) return Malformed("JWE (encrypted) tokens are not supported; expected a JWS");
  if (dots != 2) {
    return Malformed("expected 3 dot-separated segments, got " + std::to_string(dots + 1));
  }
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  std::string_view header_b64 = token.substr(0, first);
  std::string_view payload_b64 = token.substr(first + 1, second - first - 1);
  std::string_view signature_b64 = token.substr(second + 1);

  // Reject oversized segments before decoding (base64 expands 3 bytes to 4 chars).
  if (header_b64.size() > limits.max_header_bytes * 4 / 3 + 4) {
    return Malformed("header is larger than " + std::to_string(limits.max_header_bytes) + " bytes");
  }
  if (payload_b64.size() > limits.max_payload_bytes * 4 / 3 + 4) {
    return Malformed("payload is larger than " + std::to_string(limits.max_payload_bytes) +
                     " bytes");
  }
  IRSA_TRY(std::string header_json, DecodeSegment(header_b64, "header"));
  IRSA_TRY(std::string payload_json, DecodeSegment(payload_b64, "payload"));
  if (signature_b64.empty()) return Malformed("signature segment is empty (unsigned token)");
  IRSA_TRY(std::string signature, DecodeSegment(signature_b64, "signature"));
  if (header_json.size() > limits.max_header_bytes) {
    return Malformed("header is larger than " + std::to_string(limits.max_header_bytes) + " bytes");
  }
  if (payload_json.size() > limits.max_payload_bytes) {
    return Malformed("payload is larger than " + std::to_string(limits.max_payload_bytes) +
                     " bytes");
  }

  Jws jws;
  Result<boost::json::object> header =
      ParseJsonObject(header_json, limits.max_header_depth, "header");
  if (!header) return header.error().WithContext("malformed token: ");
  Result<boost::json::object> claims =
      ParseJsonObject(payload_json, limits.max_payload_depth, "payload");
  if (!claims) return claims.error().WithContext("malformed token: ");
  jws.header.raw = std::move(*header);
  jws.claims = std::move(*claims);
  const boost::json::value* alg = jws.header.raw.if_contains("alg");
  if (alg == nullptr) return Malformed("header has no \"alg\"");
  if (!alg->is_string()) return Malformed("header \"alg\" is not a string");
  jws.header.alg = std::string(alg->get_string());
  IRSA_TRY(jws.header.kid, OptionalString(jws.header.raw, "kid"));
  IRSA_TRY(jws.header.typ, OptionalString(jws.header.raw, "typ"));
  if (jws.header.raw.contains("crit")) {
    return Malformed("header \"crit\" extensions are not supported");
  }
  if (jws.header.raw.contains("zip") || jws.header.raw.contains("enc")) {
    return Malformed("JWE header members (enc/zip) are not supported");
  }
  jws.signing_input = std::string(token.substr(0, second));
  jws.signature = std::move(signature);
  return jws;
}

}  // namespace irsa::jwt
