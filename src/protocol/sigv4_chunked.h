// S3 request bodies as they arrive, turned into the object bytes they carry, verified on the way:
//
//  - x-amz-content-sha256: <hex SHA-256>  the body as is; its SHA-256 is checked when it ends
//    (XAmzContentSHA256Mismatch).
//  - UNSIGNED-PAYLOAD (or no header: anonymous and presigned requests)  the body as is.
//  - aws-chunked bodies (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
//    and sigv4-streaming-trailers.html):
//      STREAMING-AWS4-HMAC-SHA256-PAYLOAD          "<hex size>;chunk-signature=<sig>\r\n<data>\r\n"
//                                                  ... "0;chunk-signature=<sig>\r\n\r\n"; every
//                                                  signature verified in its chain, seeded by the
//                                                  request's signature, the final chunk included
//      STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER  the same, then trailer lines after the final
//                                                  chunk ending in x-amz-trailer-signature:<sig>
//      STREAMING-UNSIGNED-PAYLOAD-TRAILER          "<hex size>\r\n<data>\r\n" ... "0\r\n",
//                                                  trailer lines, "\r\n" (botocore's default over
//                                                  HTTPS)
//    x-amz-decoded-content-length, when sent (required for the signed forms), must equal the
//    decoded length; the checksum the trailer names (x-amz-trailer: x-amz-checksum-crc32,
//    -crc32c, -sha1, -sha256) is recomputed over the decoded bytes and compared.
//
// Errors use S3's vocabulary: SignatureDoesNotMatch (a chunk or trailer signature),
// IncompleteBody (a body that ends early, malformed framing, a length other than declared),
// InvalidChunkSizeError (a signed chunk under 8 KiB that is not the last), BadDigest (the trailer
// checksum), XAmzContentSHA256Mismatch, InvalidRequest (an unsupported trailer or payload mode),
// MissingContentLength (a signed aws-chunked body without x-amz-decoded-content-length).
//
// Verification is complete only at the end: the source returns bytes before the signature of
// their chunk (or the trailer, or the whole-body hash) has been checked, and reports any failure
// instead of the end of the stream. Consumers must therefore act on a body only after Read
// returned 0 — which every ObjectBackend does (s3/object_backend.h: a write becomes visible only
// once its body has ended without error). Memory is bounded: one 64 KiB framing buffer per body;
// chunk data is never buffered whole.
//
// Thread-safety: a decoder belongs to one thread, like any ByteSource.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/byte_stream.h"
#include "base/http_types.h"
#include "base/result.h"
#include "protocol/sigv4.h"
#include "s3/checksum.h"

namespace irsa::protocol {

enum class S3PayloadMode {
  kUnsigned,               // UNSIGNED-PAYLOAD, or no x-amz-content-sha256
  kSha256,                 // a hex SHA-256 of the whole body
  kSignedChunks,           // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  kSignedChunksTrailer,    // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  kUnsignedChunksTrailer,  // STREAMING-UNSIGNED-PAYLOAD-TRAILER
};

// The mode x-amz-content-sha256 selects (InvalidArgument for any other value, e.g.
// STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD: SigV4a is not supported).
Result<S3PayloadMode> S3PayloadModeOf(const HttpRequest& request);
bool IsAwsChunked(S3PayloadMode mode);

// The checksum algorithm x-amz-trailer names: nullopt when the header is absent; InvalidRequest
// for a value irsa cannot verify (S3: "The value specified in the x-amz-trailer header is not
// supported").
Result<std::optional<s3::ChecksumAlgorithm>> S3TrailerChecksum(const HttpRequest& request);

// The decoded body length: x-amz-decoded-content-length for aws-chunked bodies, Content-Length
// otherwise; nullopt when not declared. InvalidArgument for a value that is not a decimal.
Result<std::optional<int64_t>> S3DecodedContentLength(const HttpRequest& request);

// What signed chunks are verified against: the request's verified signature and its key.
struct ChunkSigning {
  std::array<uint8_t, 32> signing_key{};  // SigningKeyCache::Get for the request's scope
  std::string amz_date;                   // the request's X-Amz-Date
  std::string scope;                      // "<date>/<region>/<service>/aws4_request"
  std::string seed_signature;             // the request's signature (lower-case hex)
};

struct AwsChunkedOptions {
  S3PayloadMode mode = S3PayloadMode::kUnsignedChunksTrailer;  // one of the aws-chunked modes
  std::optional<ChunkSigning> signing;                         // required for the signed modes
  std::optional<int64_t> decoded_length;                       // x-amz-decoded-content-length
  std::optional<s3::ChecksumAlgorithm> trailer_checksum;       // from x-amz-trailer
};

// Decodes an aws-chunked body read from `raw` (which must outlive the decoder). InvalidRequest
// when a signed mode has no `signing`.
Result<std::unique_ptr<ByteSource>> DecodeAwsChunked(ByteSource& raw, AwsChunkedOptions options);

// A body whose whole SHA-256 must equal `expected_hex` (XAmzContentSHA256Mismatch at the end).
std::unique_ptr<ByteSource> VerifySha256(ByteSource& raw, std::string expected_hex);

// The signer of an S3 request whose header (or presigned) signature VerifySigV4 accepted.
struct S3RequestSigner {
  const SigV4Request* parsed = nullptr;  // null: an anonymous request
  std::string_view secret;               // the caller's secret access key
  SigningKeyCache* cache = nullptr;      // null: SigningKeyCache::Default()
};

// The object bytes of an S3 request body, for whichever mode the request declared (see above).
// `raw` is the body as received (the HTTP layer has already removed Transfer-Encoding: chunked
// and bounded it by Content-Length); it must outlive the result. An aws-chunked or hex-SHA-256
// body needs the request to be signed unless it is STREAMING-UNSIGNED-PAYLOAD-TRAILER or a hash.
Result<std::unique_ptr<ByteSource>> OpenS3RequestBody(const HttpRequest& request, ByteSource& raw,
                                                      const S3RequestSigner& signer);

}  // namespace irsa::protocol
