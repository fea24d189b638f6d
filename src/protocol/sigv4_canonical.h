// SigV4 canonicalisation shared by the verifier (sigv4.h) and the signer (sigv4_signer.h):
// the canonical request and string to sign exactly as AWS defines them for non-S3 services
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html), byte-compatible
// with botocore's SigV4Auth / SigV4QueryAuth.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/http_types.h"
#include "protocol/sigv4_hash.h"

namespace irsa::protocol::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";
// hex(SHA-256("")).
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The raw (still percent-encoded, as sent on the wire) path of `request`: `target` up to '?',
// without a scheme/authority for absolute-form targets; "/" if empty. Falls back to re-encoding
// `request.path` when `target` is empty.
std::string_view RawPath(const HttpRequest& request, std::string& storage);

// Canonical URI: dot segments removed, empty segments collapsed (botocore's
// remove_dot_segments), then every character outside A-Z a-z 0-9 - _ . ~ / percent-encoded — so
// an already-encoded wire path is encoded a second time, as AWS requires for non-S3 services.
std::string CanonicalUri(std::string_view raw_path);
// S3's canonical URI (service "s3"): the path is neither normalized nor encoded twice; each
// segment of the raw path is percent-decoded and URI-encoded once, empty and dot segments kept.
std::string S3CanonicalUri(std::string_view raw_path);

// Canonical query string from a raw query string: pairs split on '&' and the first '=', each
// key and value percent-decoded (a '+' stays a '+') and re-encoded strictly (RFC 3986), sorted by
// encoded key then encoded value, joined "k=v&k=v". Components with invalid escapes are used
// verbatim. With `exclude_signature`, X-Amz-Signature pairs are dropped (presigned form).
std::string CanonicalQuery(std::string_view raw_query, bool exclude_signature);

// Canonical value of header `lower_name` in `request`: every occurrence's value trimmed, runs of
// spaces collapsed to one, occurrences joined with ','. Empty if absent.
void AppendCanonicalHeaderValue(std::string& out, const HttpRequest& request,
                                std::string_view lower_name);

// The full canonical request. `signed_headers` are lower-case names in the order they are signed
// (as listed in SignedHeaders).
std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, const HttpRequest& request,
                             const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash);

// "<date>/<region>/<service>/aws4_request".
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\nhex(SHA-256(canonical_request))".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
internal::Digest DeriveSigningKey(std::string_view secret, std::string_view date,
                                  std::string_view region, std::string_view service);

// Lower-case hex HMAC-SHA256(signing_key, string_to_sign).
std::string ComputeSignature(const internal::Digest& signing_key, std::string_view string_to_sign);

}  // namespace irsa::protocol::sigv4
