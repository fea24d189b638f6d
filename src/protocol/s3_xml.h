// S3's REST-XML response bodies and its error envelope (s3.service-2.json, namespace
// http://s3.amazonaws.com/doc/2006-03-01/). Pure functions of the typed results of s3::S3Service;
// the router picks one per operation.
//
// Text safety: every string is XML-escaped, and bytes that are not valid UTF-8 or not XML 1.0
// characters are replaced by U+FFFD (s3::XmlSafeText), so nothing a client sent is ever echoed raw
// into a document. With encoding-type=url, keys, prefixes, delimiters and markers are
// percent-encoded (RFC 3986 unreserved characters and '/' kept) as S3 does; botocore decodes them.
// Timestamps are ISO 8601 UTC with milliseconds ("2026-11-28T10:54:42.000Z").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/http_types.h"
#include "s3/service.h"
#include "s3/types.h"

namespace irsa::protocol {

inline constexpr std::string_view kS3XmlNamespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// ---- Errors ----

// What the error envelope says about the request besides the error itself.
struct S3ErrorContext {
  std::string resource;    // the request path as received, e.g. "/bucket/key"
  std::string request_id;  // also the x-amz-request-id header
  std::string bucket;      // <BucketName> for the bucket-level codes (NoSuchBucket, ...)
  std::string key;         // <Key> for NoSuchKey
  std::string upload_id;   // <UploadId> for NoSuchUpload
  // Further elements after the standard ones, in order (e.g. AWSAccessKeyId and StringToSign for
  // SignatureDoesNotMatch, RangeRequested for InvalidRange). Names must be XML names.
  std::vector<std::pair<std::string, std::string>> extra;
  bool head = false;  // a HEAD request: the status and headers, no body (as S3 answers)
};

// <Error><Code/><Message/>[<BucketName/>|<Key/>|<UploadId/>][extra]<Resource/><RequestId/>
// </Error>. The code-specific element is added when the context has it: BucketName for
// NoSuchBucket, BucketNotEmpty, BucketAlreadyExists, BucketAlreadyOwnedByYou, InvalidBucketName,
// NoSuchBucketPolicy, NoSuchTagSet; Key for NoSuchKey; UploadId for NoSuchUpload.
std::string S3ErrorBody(const Error& error, const S3ErrorContext& context);
// The complete response: the error's status, Content-Type application/xml, x-amz-request-id;
// no body for HEAD requests and for 304 Not Modified.
HttpResponse RenderS3Error(const Error& error, const S3ErrorContext& context);

// An XML success response: 200 unless told, Content-Type application/xml, x-amz-request-id.
HttpResponse S3XmlResponse(std::string body, std::string_view request_id, int status = 200);

// ---- Buckets ----

std::string ListBucketsBody(const s3::ListBucketsResult& result, std::string_view owner_id,
                            std::string_view prefix);
// <LocationConstraint xmlns=...>region</LocationConstraint>, empty for us-east-1.
std::string LocationConstraintBody(std::string_view location);
std::string PolicyStatusBody(bool is_public);
std::string TaggingBody(const s3::TagSet& tags);
// Versioning is never enabled: an empty VersioningConfiguration.
std::string VersioningConfigurationBody();

// ---- Objects ----

std::string ListObjectsV2Body(const s3::ListObjectsV2Result& result);
std::string ListObjectsV1Body(const s3::ListObjectsV1Result& result);
std::string CopyObjectResultBody(const s3::ObjectInfo& info);
std::string CopyPartResultBody(const s3::PartInfo& part);
// `quiet`: only the errors, as Delete's <Quiet>true</Quiet> asks.
std::string DeleteResultBody(const std::vector<s3::DeleteObjectsEntryResult>& results, bool quiet);

// ---- Multipart uploads ----

std::string InitiateMultipartUploadBody(const s3::MultipartUploadInfo& upload);
// `location`: the object's URL as the client addressed it ("https://host/bucket/key").
std::string CompleteMultipartUploadBody(const s3::ObjectInfo& object, std::string_view location);
std::string ListPartsBody(const s3::ListPartsResult& result, const s3::ListPartsRequest& request);
std::string ListMultipartUploadsBody(const s3::ListMultipartUploadsResult& result,
                                     const s3::ListMultipartUploadsRequest& request,
                                     s3::EncodingType encoding);

// S3's encoding-type=url form of a key or prefix.
std::string S3UrlEncode(std::string_view text);

}  // namespace irsa::protocol
