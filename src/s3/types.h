// The typed requests and results of S3 operations, shared by the service (s3/service.h) and the
// object backends (s3/object_backend.h). Plain values; no HTTP: the protocol layer fills the
// requests from headers, query and XML and renders the results.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/byte_stream.h"
#include "base/clock.h"
#include "s3/checksum.h"
#include "s3/conditional.h"
#include "s3/metadata.h"
#include "s3/range.h"
#include "s3/tags.h"

namespace irsa::s3 {

inline constexpr int64_t kMaxPutObjectSize = int64_t{5} << 30;        // 5 GiB
inline constexpr int64_t kMaxPartSize = int64_t{5} << 30;             // 5 GiB
inline constexpr int64_t kMaxMultipartObjectSize = int64_t{5} << 40;  // 5 TiB
inline constexpr int64_t kDefaultMinPartSize = int64_t{5} << 20;      // 5 MiB
inline constexpr int kMaxPartNumber = 10000;
inline constexpr int kMaxListKeys = 1000;
inline constexpr int kMaxDeleteObjects = 1000;
inline constexpr std::string_view kStorageClass = "STANDARD";
// The buffer every body transfer uses, in bytes: memory per transfer does not grow with the body.
inline constexpr size_t kTransferBufferSize = 64 * 1024;

// ---- Objects ----

// An object as stored: what HeadObject answers.
struct ObjectInfo {
  std::string bucket;
  std::string key;
  int64_t size = 0;
  std::string etag;  // quoted
  SystemTime last_modified{};
  ObjectMetadata metadata;
  size_t tag_count = 0;
  int parts_count = 0;  // 0: stored by one PUT/copy; N: completed from N parts
  std::optional<Checksum> checksum;
  std::string owner;  // account id of the bucket owner (ACLs are disabled: owner of everything)
};

// Integrity values a client declared for a body (Content-MD5, x-amz-checksum-*), to verify.
struct DeclaredDigests {
  std::optional<std::string> content_md5;               // raw 16 bytes (ParseContentMd5)
  std::optional<ChecksumAlgorithm> checksum_algorithm;  // to compute and store
  std::optional<std::string> checksum;  // raw (ParseChecksumValue); requires checksum_algorithm
};

struct PutObjectRequest {
  std::string bucket;
  std::string key;
  ObjectMetadata metadata;
  TagSet tags;
  // The decoded body length when the request declared it (Content-Length, or
  // x-amz-decoded-content-length for aws-chunked). A body of another length: IncompleteBody.
  std::optional<int64_t> content_length;
  DeclaredDigests digests;
  WriteConditions conditions;
};

struct GetObjectRequest {
  std::string bucket;
  std::string key;
  std::optional<RangeSpec> range;  // ParseRangeHeader; unset: whole object
  std::optional<int> part_number;  // partNumber query parameter (1..10000)
  ReadConditions conditions;
};

// GetObject/HeadObject answer: 200 with the whole object, or 206 with `range`.
struct ObjectRead {
  ObjectInfo info;
  std::optional<ByteRange> range;
  // The selected bytes; null for HeadObject. Borrows the backend: destroy it before the backend.
  std::unique_ptr<ByteSource> body;
};

enum class Directive { kCopy, kReplace };

struct CopyObjectRequest {
  std::string source_bucket;
  std::string source_key;
  ReadConditions source_conditions;  // x-amz-copy-source-if-*
  std::string bucket;
  std::string key;
  Directive metadata_directive = Directive::kCopy;
  ObjectMetadata metadata;  // used with kReplace
  Directive tagging_directive = Directive::kCopy;
  TagSet tags;                                          // used with kReplace
  std::optional<ChecksumAlgorithm> checksum_algorithm;  // unset: the source's, if any
  WriteConditions conditions;
};

struct CopyObjectResult {
  ObjectInfo info;  // the new object
};

struct DeleteObjectsEntryResult {
  std::string key;
  std::optional<Error> error;  // unset: deleted (or absent, which S3 reports as deleted)
};

// ---- Listing ----

struct ObjectSummary {
  std::string key;
  int64_t size = 0;
  std::string etag;
  SystemTime last_modified{};
  std::optional<ChecksumAlgorithm> checksum_algorithm;
  std::optional<ChecksumType> checksum_type;
};

// ListObjects (v1) and ListObjectsV2, in backend terms: keys > `after` (exclusive; already
// max(start-after, marker, decoded continuation token)) that start with `prefix`, grouped by
// `delimiter`.
struct ListObjectsRequest {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string after;
  int max_keys = kMaxListKeys;  // 0..1000
};

struct ListObjectsResult {
  std::vector<ObjectSummary> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  // The last key or common prefix returned (the next page starts after it); empty if none.
  std::string last;
};

// ---- Multipart uploads ----

struct CreateMultipartUploadRequest {
  std::string bucket;
  std::string key;
  ObjectMetadata metadata;
  TagSet tags;
  std::optional<ChecksumAlgorithm> checksum_algorithm;  // x-amz-checksum-algorithm
};

struct MultipartUploadInfo {
  std::string bucket;
  std::string key;
  std::string upload_id;
  SystemTime initiated{};
  std::optional<ChecksumAlgorithm> checksum_algorithm;
  std::string owner;
};

struct UploadPartRequest {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int part_number = 0;
  std::optional<int64_t> content_length;
  DeclaredDigests digests;
};

struct UploadPartCopyRequest {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int part_number = 0;
  std::string source_bucket;
  std::string source_key;
  std::optional<std::string> source_range;  // x-amz-copy-source-range as sent
  ReadConditions source_conditions;
};

struct PartInfo {
  int part_number = 0;
  int64_t size = 0;
  std::string etag;  // quoted
  SystemTime last_modified{};
  std::optional<Checksum> checksum;  // FULL_OBJECT checksum of the part
};

struct CompletedPart {
  int part_number = 0;
  std::string etag;
  std::optional<std::string> checksum;  // base64, as sent in the Complete request
};

struct CompleteMultipartUploadRequest {
  std::string bucket;
  std::string key;
  std::string upload_id;
  std::vector<CompletedPart> parts;
  WriteConditions conditions;
};

struct ListPartsRequest {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int part_number_marker = 0;
  int max_parts = 1000;
};

struct ListPartsResult {
  MultipartUploadInfo upload;
  std::vector<PartInfo> parts;
  bool truncated = false;
  int next_part_number_marker = 0;
};

struct ListMultipartUploadsRequest {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string key_marker;
  std::string upload_id_marker;
  int max_uploads = 1000;
};

struct ListMultipartUploadsResult {
  std::vector<MultipartUploadInfo> uploads;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

}  // namespace irsa::s3
