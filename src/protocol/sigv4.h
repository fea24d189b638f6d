// AWS Signature Version 4 verification, header form (`Authorization: AWS4-HMAC-SHA256
// Credential=..., SignedHeaders=..., Signature=...`) and presigned query form (X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature,
// X-Amz-Security-Token). Any region and service are accepted; the caller routes by `service`.
//
// Two steps:
//   IRSA_TRY(auto sig, ParseSigV4(request));        // no secret needed
//   secret = LookUpSecret(sig.access_key_id);       // caller: unknown key -> InvalidClientTokenId
//   IRSA_RETURN_IF_ERROR(VerifySigV4(sig, secret, request, clock));
//
// The signature covers the request: the payload hash in the canonical request is always computed
// from the bytes received (SigV4Options::payload says when the caller streams the body and
// verifies it itself), and a client-supplied `x-amz-content-sha256` that differs is refused.
//
// Error codes and messages follow AWS: MissingAuthenticationToken (no auth at all),
// IncompleteSignature (malformed/missing parts), SignatureDoesNotMatch "Signature expired: …"
// (request time more than 5 min off; S3 style: RequestTimeTooSkewed, 15 min), AccessDenied
// "Request has expired" (presigned URL past X-Amz-Expires), SignatureDoesNotMatch (bad scope or
// signature, or a payload that does not match its declared hash; S3 style:
// XAmzContentSHA256Mismatch). Messages never contain the signature, the secret or the token.
//
// Thread-safety: free functions are reentrant; SigningKeyCache is internally synchronised.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/http_types.h"
#include "base/result.h"

namespace irsa::protocol {

// The authentication facts of a signed request, before the signature is checked.
struct SigV4Request {
  enum class Form { kHeader, kPresigned };
  Form form = Form::kHeader;
  std::string access_key_id;
  std::string date;                         // credential scope date, YYYYMMDD
  std::string region;                       // credential scope region
  std::string service;                      // credential scope service ("iam", "sts", "eks", ...)
  std::vector<std::string> signed_headers;  // lower-case, in SignedHeaders order
  std::string amz_date;                     // request time, YYYYMMDDTHHMMSSZ
  SystemTime request_time;
  int64_t expires_seconds = 0;                // presigned only: X-Amz-Expires (1..604800)
  std::optional<std::string> security_token;  // X-Amz-Security-Token (header or query)
  std::string signature;  // lower-case hex as sent; secret-ish: never log or echo it

  std::string CredentialScope() const;  // "<date>/<region>/<service>/aws4_request"
};

// Step 1: finds and parses the signature of `request` (header form if an Authorization header
// is present, else presigned form if any X-Amz-Algorithm/-Credential/-Signature query parameter
// is present; both at once is IncompleteSignature). Checks shapes only: algorithm, the five
// credential parts and `aws4_request` terminator, signed headers (lower-case, sorted, including
// `host`), request date (X-Amz-Date, else the Date header) and that the scope date matches it.
Result<SigV4Request> ParseSigV4(const HttpRequest& request);

// A bounded, thread-safe cache of derived signing keys keyed by (SHA-256 of the secret, date,
// region, service). Full shards are evicted wholesale; keys are recomputed on demand (4 HMACs).
class SigningKeyCache {
 public:
  explicit SigningKeyCache(size_t capacity = 4096);
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // The 32-byte signing key for the scope.
  std::array<uint8_t, 32> Get(std::string_view secret, std::string_view date,
                              std::string_view region, std::string_view service);
  size_t size() const;
  uint64_t hits() const;
  uint64_t misses() const;

  // The process-wide cache used by VerifySigV4 when none is given.
  static SigningKeyCache& Default();

 private:
  struct Key {
    std::array<uint8_t, 32> id;  // SHA-256(len(secret) || secret || date \0 region \0 service)
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<Key, std::array<uint8_t, 32>, KeyHash> map;
    uint64_t hits = 0;
    uint64_t misses = 0;
  };
  size_t per_shard_capacity_;
  std::unique_ptr<Shard[]> shards_;
};

// The payload hashes that stand for something other than the body's SHA-256.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingPayloadTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer =
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

struct SigV4Options {
  // Allowed |request time - now| (header form; presigned: how far in the future X-Amz-Date may
  // be). AWS: 5 minutes for IAM, STS and EKS; S3 allows 15.
  std::chrono::seconds max_skew{5 * 60};
  enum class Payload {
    // The whole body is in `request.body`: its SHA-256 is the payload hash. A supplied
    // x-amz-content-sha256 must equal it (or be UNSIGNED-PAYLOAD where allowed).
    kBody,
    // The caller streams the body (S3 uploads): the canonical request uses the declared
    // x-amz-content-sha256 (required), and the caller must verify the bytes against it (or decode
    // an aws-chunked body with protocol/sigv4_chunked.h, which verifies chunk signatures and
    // trailers) before acting on them. Declared values accepted: a lower-hex SHA-256,
    // STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, and where
    // unsigned payloads are allowed UNSIGNED-PAYLOAD and STREAMING-UNSIGNED-PAYLOAD-TRAILER.
    kDeclared,
  };
  Payload payload = Payload::kBody;
  // Accept x-amz-content-sha256: UNSIGNED-PAYLOAD (AWS: S3 over TLS). Presigned S3 URLs sign
  // UNSIGNED-PAYLOAD without the header; `presigned_unsigned_payload` selects that.
  bool allow_unsigned_payload = false;
  bool presigned_unsigned_payload = false;
  // S3's error vocabulary (RequestTimeTooSkewed, XAmzContentSHA256Mismatch) instead of the Query
  // services' (SignatureDoesNotMatch).
  bool s3_errors = false;
  // Presigned: valid this long after X-Amz-Date whatever X-Amz-Expires says. EKS tokens: 15
  // minutes, as aws-iam-authenticator and EKS accept them (`aws eks get-token` signs
  // X-Amz-Expires=60 but kubectl caches the token for 14 minutes).
  std::optional<std::chrono::seconds> presigned_lifetime;
};

// Step 2: checks the request time against `clock` (header form: |skew| <= max_skew; presigned:
// not expired and not more than max_skew in the future), checks the declared payload hash against
// the body (SigV4Options::payload), recomputes the signature with `secret` and compares it in
// constant time.
Status VerifySigV4(const SigV4Request& parsed, std::string_view secret, const HttpRequest& request,
                   const Clock& clock, SigningKeyCache& cache = SigningKeyCache::Default(),
                   const SigV4Options& options = {});

// The payload hash the canonical request of `request` uses under `options`, or the error a
// declared x-amz-content-sha256 earns (SignatureDoesNotMatch / XAmzContentSHA256Mismatch, or
// InvalidRequest for UNSIGNED-PAYLOAD where it is not allowed).
Result<std::string> SigV4PayloadHash(const SigV4Request& parsed, const HttpRequest& request,
                                     const SigV4Options& options = {});

// The canonical request / string to sign that VerifySigV4 computes (diagnostics and tests;
// contains no secret). `payload_hash` as SigV4PayloadHash returns it.
std::string SigV4CanonicalRequest(const SigV4Request& parsed, const HttpRequest& request,
                                  std::string_view payload_hash);
std::string SigV4StringToSign(const SigV4Request& parsed, const HttpRequest& request,
                              std::string_view payload_hash);

}  // namespace irsa::protocol
