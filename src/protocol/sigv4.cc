#include "protocol/sigv4.h"

#include <algorithm>
#include <cstring>

#include "base/encoding.h"
#include "base/error.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "protocol/sigv4_canonical.h"
#include "protocol/sigv4_hash.h"

namespace irsa::protocol {
namespace {

constexpr size_t kMaxEcho = 512;
constexpr int64_t kMaxPresignExpires = 604800;  // one week
constexpr std::string_view kMissingAuth = "Request is missing Authentication Token";
constexpr std::string_view kSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

std::string Truncated(std::string_view text, size_t max = 64) {
  if (text.size() <= max) return std::string(text);
  std::string out(text.substr(0, max));
  out += "...";
  return out;
}

bool IsScopeToken(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool IsAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsHeaderNameToken(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' ||
              c == '*' || c == '+' || c == '^' || c == '`' || c == '|' || c == '~';
    if (!ok) return false;
  }
  return true;
}

// Parses "AKID/date/region/service/aws4_request" into `out`.
Status ParseCredential(std::string_view credential, std::string_view where, SigV4Request& out) {
  std::vector<std::string_view> parts = Split(credential, '/');
  if (parts.size() != 5) {
    return errors::IncompleteSignature(
        "Credential must have exactly 5 slash-separated parts "
        "(<AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request) in " +
        std::string(where) + ", not " + std::to_string(parts.size()) + ".");
  }
  if (parts[0].empty() || parts[0].size() > 128) {
    return errors::IncompleteSignature("Credential has an empty or oversized access key id in " +
                                       std::string(where) + ".");
  }
  if (parts[1].size() != 8 || !IsAllDigits(parts[1])) {
    return errors::IncompleteSignature(
        "Credential should be scoped to a valid date (YYYYMMDD), not '" + Truncated(parts[1]) +
        "'.");
  }
  if (!IsScopeToken(parts[2])) {
    return errors::IncompleteSignature("Credential should be scoped to a valid region, not '" +
                                       Truncated(parts[2]) + "'.");
  }
  if (!IsScopeToken(parts[3])) {
    return errors::IncompleteSignature("Credential should be scoped to a valid service, not '" +
                                       Truncated(parts[3]) + "'.");
  }
  if (parts[4] != sigv4::kTerminator) {
    return errors::IncompleteSignature(
        "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
        Truncated(parts[4]) + "'.");
  }
  out.access_key_id = std::string(parts[0]);
  out.date = std::string(parts[1]);
  out.region = std::string(parts[2]);
  out.service = std::string(parts[3]);
  return OkStatus();
}

Status ParseSignedHeaders(std::string_view list, SigV4Request& out) {
  bool has_host = false;
  for (std::string_view name : Split(list, ';')) {
    if (!IsHeaderNameToken(name)) {
      return errors::IncompleteSignature(
          "SignedHeaders must be a ';'-separated list of lower-case header names, got '" +
          Truncated(list, 256) + "'.");
    }
    if (name == "host" || name == ":authority") has_host = true;
    out.signed_headers.emplace_back(name);
  }
  if (!has_host) {
    return errors::IncompleteSignature(
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return OkStatus();
}

Status CheckScopeDate(const SigV4Request& out) {
  if (out.amz_date.compare(0, 8, out.date) != 0) {
    return errors::SignatureDoesNotMatch(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '" +
        out.date + "' != '" + out.amz_date.substr(0, 8) + "', from '" + out.amz_date + "'.");
  }
  return OkStatus();
}

// The Authorization header with the signature value replaced, bounded in length.
std::string RedactedAuthorization(std::string_view header) {
  std::string out;
  size_t pos = 0;
  while (pos < header.size()) {
    size_t sig = header.find("Signature", pos);
    // Skip "SignedHeaders=" style matches: Signature= must start a parameter.
    while (sig != std::string_view::npos && sig > 0 && header[sig - 1] != ' ' &&
           header[sig - 1] != ',') {
      sig = header.find("Signature", sig + 1);
    }
    if (sig == std::string_view::npos) {
      out.append(header.substr(pos));
      break;
    }
    out.append(header.substr(pos, sig + 9 - pos));
    out += "=<redacted>";
    size_t end = header.find(',', sig);
    pos = end == std::string_view::npos ? header.size() : end;
  }
  return Truncated(out, kMaxEcho);
}

std::string_view TrimSpaces(std::string_view s) { return TrimWhitespace(s); }

Result<SigV4Request> ParseHeaderForm(const HttpRequest& request, std::string_view auth) {
  SigV4Request out;
  out.form = SigV4Request::Form::kHeader;
  std::string_view text = TrimSpaces(auth);
  size_t space = text.find_first_of(" \t");
  std::string_view algorithm = text.substr(0, space);
  if (algorithm != sigv4::kAlgorithm) {
    return errors::IncompleteSignature("Unsupported AWS 'algorithm': '" + Truncated(algorithm, 32) +
                                       "'. Only 'AWS4-HMAC-SHA256' is supported.");
  }
  std::string_view rest = space == std::string_view::npos ? std::string_view() : text.substr(space);
  std::optional<std::string_view> credential, signed_headers, signature;
  for (std::string_view piece : Split(rest, ',')) {
    piece = TrimSpaces(piece);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      std::string shown =
          StartsWithIgnoreCase(piece, "Signature") ? "Signature<redacted>" : Truncated(piece);
      return errors::IncompleteSignature("'" + shown +
                                         "' not a valid key=value pair (missing equal-sign) in "
                                         "Authorization header: '" +
                                         RedactedAuthorization(text) + "'.");
    }
    std::string_view key = piece.substr(0, eq), value = piece.substr(eq + 1);
    std::optional<std::string_view>* slot = nullptr;
    if (key == "Credential") slot = &credential;
    if (key == "SignedHeaders") slot = &signed_headers;
    if (key == "Signature") slot = &signature;
    if (slot == nullptr) continue;  // unknown parameters are ignored, as AWS does
    if (slot->has_value()) {
      return errors::IncompleteSignature(
          "Authorization header has a duplicate '" + std::string(key) +
          "' parameter. Authorization=" + RedactedAuthorization(text));
    }
    *slot = value;
  }
  std::string_view amz_date = request.Header("x-amz-date");
  bool has_amz_date = request.HasHeader("x-amz-date");
  bool has_date = request.HasHeader("date");
  std::string missing;
  if (!credential || credential->empty()) {
    missing += "Authorization header requires 'Credential' parameter. ";
  }
  if (!signature || signature->empty()) {
    missing += "Authorization header requires 'Signature' parameter. ";
  }
  if (!signed_headers || signed_headers->empty()) {
    missing += "Authorization header requires 'SignedHeaders' parameter. ";
  }
  if (!has_amz_date && !has_date) {
    missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!missing.empty()) {
    return errors::IncompleteSignature(missing + "Authorization=" + RedactedAuthorization(text));
  }
  IRSA_RETURN_IF_ERROR(ParseCredential(*credential, "Authorization header", out));
  IRSA_RETURN_IF_ERROR(ParseSignedHeaders(*signed_headers, out));
  out.signature = std::string(*signature);
  if (has_amz_date) {
    std::optional<SystemTime> t = ParseAmzDate(amz_date);
    if (!t) {
      return errors::IncompleteSignature("Date must be in ISO-8601 'basic format'. Got '" +
                                         Truncated(amz_date) +
                                         "'. See http://en.wikipedia.org/wiki/ISO_8601");
    }
    out.request_time = *t;
    out.amz_date = std::string(amz_date);
  } else {
    std::string_view date = request.Header("date");
    std::optional<SystemTime> t = ParseHttpDate(date);
    if (!t) {
      return errors::IncompleteSignature("Date header must be an RFC 1123 date, got '" +
                                         Truncated(date) + "'.");
    }
    out.request_time = *t;
    out.amz_date = FormatAmzDate(*t);
  }
  IRSA_RETURN_IF_ERROR(CheckScopeDate(out));
  if (request.HasHeader("x-amz-security-token")) {
    out.security_token = std::string(request.Header("x-amz-security-token"));
  }
  return out;
}

struct PresignParams {
  std::optional<std::string> algorithm, credential, date, expires, signed_headers, signature, token;
};

bool IsPresignKey(std::string_view key) {
  return key == "X-Amz-Algorithm" || key == "X-Amz-Credential" || key == "X-Amz-Signature";
}

// Decoded X-Amz-* parameters of the raw query; duplicates are an error.
Result<PresignParams> ExtractPresignParams(std::string_view query, bool& any_auth) {
  PresignParams p;
  any_auth = false;
  for (std::string_view part : Split(query, '&')) {
    if (part.size() < 6 || part.substr(0, 6) != "X-Amz-") {
      // Fast path: only X-Amz-* matter; also catch percent-encoded spellings below.
      if (part.find('%') == std::string_view::npos || part.find('=') == 0) continue;
    }
    size_t eq = part.find('=');
    std::optional<std::string> key = PercentDecode(part.substr(0, eq), false);
    if (!key || key->size() < 6 || key->compare(0, 6, "X-Amz-") != 0) continue;
    std::optional<std::string>* slot = nullptr;
    if (*key == "X-Amz-Algorithm") slot = &p.algorithm;
    if (*key == "X-Amz-Credential") slot = &p.credential;
    if (*key == "X-Amz-Date") slot = &p.date;
    if (*key == "X-Amz-Expires") slot = &p.expires;
    if (*key == "X-Amz-SignedHeaders") slot = &p.signed_headers;
    if (*key == "X-Amz-Signature") slot = &p.signature;
    if (*key == "X-Amz-Security-Token") slot = &p.token;
    if (slot == nullptr) continue;
    if (IsPresignKey(*key)) any_auth = true;
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    std::optional<std::string> value = PercentDecode(raw_value, false);
    if (!value) {
      return errors::IncompleteSignature("Query-string parameter '" + *key +
                                         "' has an invalid percent-encoding.");
    }
    if (slot->has_value()) {
      return errors::IncompleteSignature("Query-string parameter '" + *key +
                                         "' is specified more than once.");
    }
    *slot = std::move(*value);
  }
  return p;
}

Result<SigV4Request> ParsePresignedForm(const HttpRequest& request, PresignParams p) {
  SigV4Request out;
  out.form = SigV4Request::Form::kPresigned;
  if (!p.algorithm || !p.credential || !p.signature || !p.date || !p.signed_headers) {
    return errors::IncompleteSignature(
        "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
        "'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string "
        "parameters.");
  }
  if (*p.algorithm != sigv4::kAlgorithm) {
    return errors::IncompleteSignature("X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256', not '" +
                                       Truncated(*p.algorithm, 32) + "'.");
  }
  IRSA_RETURN_IF_ERROR(ParseCredential(*p.credential, "X-Amz-Credential", out));
  IRSA_RETURN_IF_ERROR(ParseSignedHeaders(*p.signed_headers, out));
  if (p.signature->empty()) {
    return errors::IncompleteSignature("X-Amz-Signature must not be empty.");
  }
  out.signature = std::move(*p.signature);
  std::optional<SystemTime> t = ParseAmzDate(*p.date);
  if (!t) {
    return errors::IncompleteSignature(
        "X-Amz-Date must be in the ISO8601 Long Format "
        "\"yyyyMMdd'T'HHmmss'Z'\", got '" +
        Truncated(*p.date) + "'.");
  }
  out.request_time = *t;
  out.amz_date = std::move(*p.date);
  IRSA_RETURN_IF_ERROR(CheckScopeDate(out));
  if (p.expires) {
    if (!IsAllDigits(*p.expires) || p.expires->size() > 7) {
      return errors::IncompleteSignature("X-Amz-Expires should be a number, got '" +
                                         Truncated(*p.expires) + "'.");
    }
    int64_t expires = std::stoll(*p.expires);
    if (expires > kMaxPresignExpires) {
      return errors::IncompleteSignature(
          "X-Amz-Expires must be less than a week (in seconds) that is 604800");
    }
    if (expires < 1) {
      return errors::IncompleteSignature("X-Amz-Expires must be at least 1 second.");
    }
    out.expires_seconds = expires;
  }
  if (p.token) {
    out.security_token = std::move(*p.token);
  } else if (request.HasHeader("x-amz-security-token")) {
    out.security_token = std::string(request.Header("x-amz-security-token"));
  }
  return out;
}

std::string FormatSeconds(SystemTime t) {
  return FormatAmzDate(std::chrono::time_point_cast<std::chrono::seconds>(t));
}

Status CheckTime(const SigV4Request& parsed, const Clock& clock, const SigV4Options& options) {
  SystemTime now = clock.Now();
  SystemTime earliest = now - options.max_skew;
  SystemTime latest = now + options.max_skew;
  std::string minutes = std::to_string(options.max_skew.count() / 60);
  auto skewed = [&](std::string message) {
    if (options.s3_errors) {
      return errors::RequestTimeTooSkewed(
          "The difference between the request time and the current time is too large.");
    }
    return errors::SignatureDoesNotMatch(std::move(message));
  };
  if (parsed.request_time > latest) {
    return skewed("Signature not yet current: " + parsed.amz_date + " is still later than " +
                  FormatSeconds(latest) + " (" + FormatSeconds(now) + " + " + minutes + " min.)");
  }
  if (parsed.form == SigV4Request::Form::kPresigned &&
      (options.presigned_lifetime || parsed.expires_seconds > 0)) {
    const std::chrono::seconds lifetime =
        options.presigned_lifetime.value_or(std::chrono::seconds(parsed.expires_seconds));
    if (now > parsed.request_time + lifetime) {
      return errors::AccessDenied("Request has expired");
    }
    return OkStatus();
  }
  if (parsed.request_time < earliest) {
    return skewed("Signature expired: " + parsed.amz_date + " is now earlier than " +
                  FormatSeconds(earliest) + " (" + FormatSeconds(now) + " - " + minutes + " min.)");
  }
  return OkStatus();
}

bool IsLowerHexDigest(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Error PayloadMismatch(const SigV4Options& options) {
  if (options.s3_errors) {
    return Error("XAmzContentSHA256Mismatch", 400,
                 "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return errors::SignatureDoesNotMatch(
      "The provided 'x-amz-content-sha256' header does not match the SHA-256 of the request "
      "body: the signature must cover the payload received.");
}

}  // namespace

std::string SigV4Request::CredentialScope() const {
  return sigv4::CredentialScope(date, region, service);
}

Result<SigV4Request> ParseSigV4(const HttpRequest& request) {
  bool has_header = request.HasHeader("authorization");
  bool any_query_auth = false;
  PresignParams params;
  if (!request.query.empty()) {
    IRSA_TRY(params, ExtractPresignParams(request.query, any_query_auth));
  }
  if (has_header && any_query_auth) {
    return errors::IncompleteSignature(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
        "query string parameter or the Authorization header should be specified");
  }
  if (has_header) return ParseHeaderForm(request, request.Header("authorization"));
  if (any_query_auth) return ParsePresignedForm(request, std::move(params));
  return errors::MissingAuthenticationToken(std::string(kMissingAuth));
}

Result<std::string> SigV4PayloadHash(const SigV4Request& parsed, const HttpRequest& request,
                                     const SigV4Options& options) {
  const bool presigned = parsed.form == SigV4Request::Form::kPresigned;
  const bool declared_present = request.HasHeader("x-amz-content-sha256");
  const std::string_view declared = request.Header("x-amz-content-sha256");
  const bool unsigned_allowed =
      options.allow_unsigned_payload || (presigned && options.presigned_unsigned_payload);
  if (presigned && options.presigned_unsigned_payload && !declared_present) {
    return std::string(kUnsignedPayload);
  }
  if (declared_present && declared == kUnsignedPayload) {
    if (!unsigned_allowed) {
      return Error("InvalidRequest", 400,
                   "x-amz-content-sha256: UNSIGNED-PAYLOAD is accepted only by S3 over TLS; "
                   "sign the payload.");
    }
    return std::string(kUnsignedPayload);
  }
  if (options.payload == SigV4Options::Payload::kDeclared) {
    if (!declared_present) {
      return Error("InvalidRequest", 400,
                   "Missing required header for this request: x-amz-content-sha256");
    }
    if (declared == kStreamingUnsignedPayloadTrailer && !unsigned_allowed) {
      return Error("InvalidRequest", 400,
                   "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER is accepted only by "
                   "S3 over TLS; sign the payload.");
    }
    if (declared != kStreamingPayload && declared != kStreamingPayloadTrailer &&
        declared != kStreamingUnsignedPayloadTrailer && !IsLowerHexDigest(declared)) {
      return Error("InvalidArgument", 400,
                   "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                   "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                   "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.");
    }
    return std::string(declared);
  }
  std::string computed = request.body.empty() ? std::string(sigv4::kEmptyPayloadHash)
                                              : internal::DigestHex(internal::Sha256(request.body));
  if (declared_present && declared != computed) return PayloadMismatch(options);
  return computed;
}

std::string SigV4CanonicalRequest(const SigV4Request& parsed, const HttpRequest& request,
                                  std::string_view payload_hash) {
  std::string storage;
  std::string_view raw_path = sigv4::RawPath(request, storage);
  std::string uri =
      parsed.service == "s3" ? sigv4::S3CanonicalUri(raw_path) : sigv4::CanonicalUri(raw_path);
  std::string query =
      sigv4::CanonicalQuery(request.query, parsed.form == SigV4Request::Form::kPresigned);
  return sigv4::CanonicalRequest(request.method, uri, query, request, parsed.signed_headers,
                                 payload_hash);
}

std::string SigV4StringToSign(const SigV4Request& parsed, const HttpRequest& request,
                              std::string_view payload_hash) {
  return sigv4::StringToSign(parsed.amz_date, parsed.CredentialScope(),
                             SigV4CanonicalRequest(parsed, request, payload_hash));
}

Status VerifySigV4(const SigV4Request& parsed, std::string_view secret, const HttpRequest& request,
                   const Clock& clock, SigningKeyCache& cache, const SigV4Options& options) {
  IRSA_RETURN_IF_ERROR(CheckTime(parsed, clock, options));
  IRSA_TRY(std::string payload_hash, SigV4PayloadHash(parsed, request, options));
  std::string string_to_sign = SigV4StringToSign(parsed, request, payload_hash);
  internal::Digest key = cache.Get(secret, parsed.date, parsed.region, parsed.service);
  std::string expected = sigv4::ComputeSignature(key, string_to_sign);
  if (!ConstantTimeEquals(expected, parsed.signature)) {
    return errors::SignatureDoesNotMatch(std::string(kSignatureMismatch));
  }
  return OkStatus();
}

// ---- SigningKeyCache ----

SigningKeyCache::SigningKeyCache(size_t capacity)
    : per_shard_capacity_(std::max<size_t>(1, capacity / kShards)), shards_(new Shard[kShards]) {}

size_t SigningKeyCache::KeyHash::operator()(const Key& k) const {
  size_t h;
  std::memcpy(&h, k.id.data(), sizeof(h));
  return h;
}

std::array<uint8_t, 32> SigningKeyCache::Get(std::string_view secret, std::string_view date,
                                             std::string_view region, std::string_view service) {
  std::string material;
  material.reserve(secret.size() + date.size() + region.size() + service.size() + 24);
  material += std::to_string(secret.size());
  material += ':';
  material += secret;
  material += '\0';
  material += date;
  material += '\0';
  material += region;
  material += '\0';
  material += service;
  Key key{internal::Sha256(material)};
  std::fill(material.begin(), material.end(), '\0');
  Shard& shard = shards_[key.id[8] % kShards];
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.map.find(key);
    if (it != shard.map.end()) {
      ++shard.hits;
      return it->second;
    }
    ++shard.misses;
  }
  internal::Digest derived = sigv4::DeriveSigningKey(secret, date, region, service);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.map.size() >= per_shard_capacity_) shard.map.clear();
  shard.map.emplace(key, derived);
  return derived;
}

size_t SigningKeyCache::size() const {
  size_t n = 0;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    n += shards_[i].map.size();
  }
  return n;
}

uint64_t SigningKeyCache::hits() const {
  uint64_t n = 0;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    n += shards_[i].hits;
  }
  return n;
}

uint64_t SigningKeyCache::misses() const {
  uint64_t n = 0;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    n += shards_[i].misses;
  }
  return n;
}

SigningKeyCache& SigningKeyCache::Default() {
  static SigningKeyCache* cache = new SigningKeyCache();
  return *cache;
}

}  // namespace irsa::protocol
