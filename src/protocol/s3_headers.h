// S3 request headers into the typed requests of s3::S3Service, and typed results into response
// headers (s3.service-2.json "location": "header"/"headers"). Query parameters are the router's
// (protocol/query_params.h); they are passed in where a request needs them.
//
// Every parser takes untrusted headers and fails with S3's errors: InvalidArgument (a malformed
// value), InvalidDigest (Content-MD5), InvalidRequest (a checksum value or algorithm),
// NotImplemented (an SSE-C or object-lock header irsa does not serve).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/http_types.h"
#include "base/result.h"
#include "s3/types.h"

namespace irsa::protocol {

// Content-Type, Cache-Control, Content-Disposition, Content-Encoding (without the aws-chunked
// coding a streaming upload adds), Content-Language, Expires, and every x-amz-meta-* header.
Result<s3::ObjectMetadata> ParseObjectMetadata(const HttpRequest& request);

// Content-MD5; at most one x-amz-checksum-<algorithm> value; the algorithm to compute from
// x-amz-sdk-checksum-algorithm, the value's header or x-amz-trailer (which must agree).
Result<s3::DeclaredDigests> ParseDeclaredDigests(const HttpRequest& request);

s3::ReadConditions ParseReadConditions(const HttpRequest& request);        // If-*
s3::ReadConditions ParseCopySourceConditions(const HttpRequest& request);  // x-amz-copy-source-if-*
s3::WriteConditions ParseWriteConditions(const HttpRequest& request);      // If-Match/-None-Match

// x-amz-copy-source: "[/]bucket/key[?versionId=null]", percent-encoded. InvalidArgument when it
// names no key, or names a version other than "null" (versioning is never enabled).
struct CopySource {
  std::string bucket;
  std::string key;
};
Result<CopySource> ParseCopySource(std::string_view header);

// Refuses what irsa does not serve rather than ignoring it silently: server-side encryption with
// customer keys, object lock, website redirects, storage classes other than STANDARD, ACLs other
// than "private"/"bucket-owner-full-control". NotImplemented / InvalidStorageClass.
Status RejectUnsupportedObjectHeaders(const HttpRequest& request);

// The typed requests of the object operations. `bucket` and `key` come from the route.
Result<s3::PutObjectRequest> ParsePutObject(const HttpRequest& request, std::string_view bucket,
                                            std::string_view key);
// `part_number`: the partNumber query parameter, if present.
Result<s3::GetObjectRequest> ParseGetObject(const HttpRequest& request, std::string_view bucket,
                                            std::string_view key,
                                            std::optional<std::string_view> part_number);
Result<s3::CopyObjectRequest> ParseCopyObject(const HttpRequest& request, std::string_view bucket,
                                              std::string_view key);
Result<s3::CreateMultipartUploadRequest> ParseCreateMultipartUpload(const HttpRequest& request,
                                                                    std::string_view bucket,
                                                                    std::string_view key);
Result<s3::UploadPartRequest> ParseUploadPart(const HttpRequest& request, std::string_view bucket,
                                              std::string_view key, std::string_view upload_id,
                                              std::string_view part_number);
Result<s3::UploadPartCopyRequest> ParseUploadPartCopy(const HttpRequest& request,
                                                      std::string_view bucket, std::string_view key,
                                                      std::string_view upload_id,
                                                      std::string_view part_number);

// ---- Response headers ----

using Headers = std::vector<std::pair<std::string, std::string>>;

// GetObject/HeadObject: Last-Modified, ETag, Content-Length (of the range), Content-Range (206),
// Accept-Ranges, Content-Type (binary/octet-stream by default) and the other stored system
// headers, x-amz-meta-*, x-amz-tagging-count, x-amz-mp-parts-count, and x-amz-checksum-* /
// x-amz-checksum-type when `checksum_mode` (x-amz-checksum-mode: ENABLED) and the whole object is
// returned. `overrides`: the response-content-type, response-cache-control, ... query
// parameters (name without "response-", value), applied last.
Headers ObjectResponseHeaders(const s3::ObjectRead& read, bool checksum_mode,
                              const std::vector<std::pair<std::string, std::string>>& overrides);
// 206 when a range was served, else 200.
int ObjectResponseStatus(const s3::ObjectRead& read);
// PutObject / CompleteMultipartUpload / CopyObject: ETag and the checksum headers.
Headers PutObjectResponseHeaders(const s3::ObjectInfo& info);
// UploadPart: ETag and the part's checksum header (s3transfer copies it into Complete).
Headers UploadPartResponseHeaders(const s3::PartInfo& part);
// CreateMultipartUpload: x-amz-checksum-algorithm and x-amz-checksum-type when the upload has one.
Headers CreateMultipartUploadResponseHeaders(const s3::MultipartUploadInfo& upload);

}  // namespace irsa::protocol
