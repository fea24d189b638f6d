// AWS Signature Version 4 signer (header or presigned form), for tests and for irsa's own
// outbound AWS calls. Produces requests that VerifySigV4 and AWS accept; byte-compatible with
// botocore's SigV4Auth / SigV4QueryAuth for the same inputs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/http_types.h"

namespace irsa::protocol {

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: long-term credentials
};

// What to sign. `path` and `query` are as they go on the wire (already percent-encoded).
struct SigV4SigningInput {
  std::string method = "GET";
  std::string host;        // Host header value, e.g. "iam.amazonaws.com" or "127.0.0.1:8443"
  std::string path = "/";  // raw path
  std::string query;       // raw query string without '?'
  // Extra headers to send and sign (any case; names are lower-cased). Do not include host,
  // x-amz-date, x-amz-security-token or authorization: the signer sets them.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct SigV4SigningParams {
  SigV4Credentials credentials;
  std::string region = "us-east-1";
  std::string service;  // "s3": S3's canonical URI (the path as given, not normalized)
  SystemTime time;
  // Header form: also send x-amz-content-sha256 (signed). Presigned: unused.
  bool add_content_sha256_header = false;
  // The payload hash to sign instead of the body's SHA-256 (UNSIGNED-PAYLOAD,
  // STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a precomputed hash of a streamed body); also the
  // x-amz-content-sha256 value when add_content_sha256_header is set.
  std::string payload_hash_override;
};

// Header form: returns the request with lower-cased headers host, x-amz-date,
// [x-amz-security-token], the input headers and authorization; every header except
// authorization is signed. `target`, `path` (decoded) and `query` are filled in.
HttpRequest SignSigV4Header(const SigV4SigningInput& input, const SigV4SigningParams& params);

// Presigned form: appends X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, [X-Amz-Security-Token] and X-Amz-Signature to the query (as botocore's
// SigV4QueryAuth does). Signed headers are host plus the input headers.
HttpRequest PresignSigV4(const SigV4SigningInput& input, const SigV4SigningParams& params,
                         int64_t expires_seconds);

}  // namespace irsa::protocol
