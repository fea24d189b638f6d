// S3 over REST-XML: the dispatcher. For every S3 request (protocol/s3_access.h tells them apart
// from IAM/STS Query and EKS REST requests), in this order:
//
//  1. the address (virtual-hosted BUCKET.s3.<host> or path-style /bucket/key) and the operation
//     from the table (NotImplemented for subresources irsa does not serve);
//  2. authentication: SigV4 header or presigned URL with S3's rules (declared payload hashes,
//     UNSIGNED-PAYLOAD and STREAMING-UNSIGNED-PAYLOAD-TRAILER only over TLS — presigned URLs
//     sign UNSIGNED-PAYLOAD anywhere —, 15 minutes of clock skew, S3's error codes); an unsigned
//     request is anonymous;
//  3. the body limit (EntityTooLarge above S3HandlerOptions::max_body_bytes of object bytes);
//  4. authorization through the one Authorizer with the table's action, resource and keys, the
//     bucket policy as resource policy and the bucket owner as resource account (copies are also
//     authorized as s3:GetObject on their source, DeleteObjects key by key); anonymous callers
//     get only what a bucket policy grants "*";
//  5. the body decoded and verified (aws-chunked chunk signatures, trailers, SHA-256) as a
//     ByteSource handed to the S3Service, which acts on it only once it ended without error;
//  6. the result rendered as S3 does; every error in S3's XML envelope.
//
// Bodies: PUT and POST requests arrive streamed (Router::RoutesToS3 selects them for the HTTP
// server's StreamHandler): an object body flows from the connection through the aws-chunked
// decoder and the verifiers into the backend in fixed-size buffers, never whole in memory, and is
// capped at max_body_bytes of object bytes as it arrives (EntityTooLarge). Documents (XML,
// policies) are read whole up to max_document_bytes. GetObject responses are streamed from the
// backend through HttpResponse::body_writer (a fixed buffer per download, whatever the object's
// size); the server that serves the handler needs a worker pool for them.
//
// Thread-safety: the handler is safe to call concurrently.
#pragma once

#include <cstddef>
#include <string>

#include "authz/authorizer.h"
#include "protocol/authn.h"
#include "protocol/router.h"
#include "s3/service.h"

namespace irsa::protocol {

struct S3HandlerOptions {
  // Object bytes per request body (PutObject, UploadPart): S3's 5 GiB by default.
  size_t max_body_bytes = size_t{5} << 30;
  // Bytes of a request document (CreateBucketConfiguration, DeleteObjects, a bucket policy, a
  // CompleteMultipartUpload part list of 10,000 parts, ...).
  size_t max_document_bytes = 8 << 20;
};

// The HTTP body limit the server needs so that S3 bodies of `max_body_bytes` object bytes fit
// with their aws-chunked framing (chunk headers and signatures, trailers).
size_t S3WireBodyLimit(size_t max_body_bytes);

// All references must outlive the handler.
Router::S3Handler MakeS3Handler(const Authenticator& authn, const authz::Authorizer& authz,
                                s3::S3Service& service, S3HandlerOptions options);

// The S3 rendering of an error the HTTP server produces itself for a request of the S3 endpoint
// (http::ServerOptions::request_error_responder), in S3's <Error> envelope with S3's codes:
// 503 worker pool full -> SlowDown, 413 -> EntityTooLarge (400), 408 -> RequestTimeout (400),
// 431 -> RequestHeaderSectionTooLarge (400), 400 -> InvalidRequest or the error's own code,
// 500 -> InternalError, 501 -> NotImplemented. `request` may be partly parsed.
HttpResponse RenderS3ServerError(const Error& error, const HttpRequest& request);

}  // namespace irsa::protocol
