// The S3 service: every operation irsa serves, on typed requests, returning Result<typed
// results>. It validates what the protocol layer parsed (names, keys, metadata, tags, part
// numbers, list parameters), owns bucket records (s3/buckets.h) and delegates object bytes to an
// ObjectBackend (s3/object_backend.h). It knows nothing of HTTP and does not authorize: the
// dispatcher authorizes before calling (HeadBucket/BucketForAuthorization give it the owner and
// the bucket policy; GetObjectTagging the s3:ExistingObjectTag values).
//
// Errors are S3's (s3/errors.h). Versioning is never enabled; ACLs are not served (every object
// belongs to the bucket owner, as with S3's default BucketOwnerEnforced ownership).
//
// Thread-safety: safe to call from many threads; `store`, `backend` and `clock` must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_stream.h"
#include "base/clock.h"
#include "base/result.h"
#include "s3/buckets.h"
#include "s3/listing.h"
#include "s3/object_backend.h"
#include "s3/types.h"
#include "store/store.h"

namespace irsa::s3 {

struct S3ServiceConfig {
  // The region this endpoint serves: where buckets are created and what GetBucketLocation says.
  std::string region = "us-east-1";
  // HMAC key of continuation tokens (ListObjectsV2, ListBuckets): >= 16 bytes, the same on every
  // node, e.g. derived from the key ring.
  std::string listing_token_key;
  int64_t max_buckets_per_account = 10000;
  // Bucket policies: at most this many bytes (S3: 20 KB).
  size_t max_policy_bytes = 20 * 1024;
};

// ---- Bucket requests and results ----

struct CreateBucketRequest {
  std::string bucket;
  std::string owner;                // the caller's account id
  std::string location_constraint;  // from CreateBucketConfiguration; empty if none
};

struct ListBucketsRequest {
  std::string owner;
  std::string prefix;
  std::string continuation_token;
  std::optional<int> max_buckets;  // 1..10000; unset: every bucket
};

struct ListBucketsResult {
  std::vector<BucketRecord> buckets;
  std::string continuation_token;  // next page; empty when complete
};

// ---- Listing requests and results ----

enum class EncodingType { kNone, kUrl };

// Parses the encoding-type query parameter: "url", else InvalidArgument.
Result<EncodingType> ParseEncodingType(std::string_view text);
// Parses max-keys / max-uploads / max-parts: a decimal >= 0 (InvalidArgument otherwise), capped at
// 1000.
Result<int> ParseMaxKeys(std::string_view text, std::string_view name = "max-keys");

struct ListObjectsV2Request {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  int max_keys = kMaxListKeys;
  std::optional<std::string> continuation_token;
  std::string start_after;
  bool fetch_owner = false;
  EncodingType encoding = EncodingType::kNone;
};

struct ListObjectsV2Result {
  ListObjectsV2Request request;  // echoed in the response
  std::vector<ObjectSummary> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  int key_count = 0;  // objects + common prefixes
  std::string next_continuation_token;
  std::string owner;  // bucket owner; rendered only with fetch-owner
};

struct ListObjectsV1Request {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string marker;
  int max_keys = kMaxListKeys;
  EncodingType encoding = EncodingType::kNone;
};

struct ListObjectsV1Result {
  ListObjectsV1Request request;
  std::vector<ObjectSummary> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_marker;  // only with a delimiter and when truncated (S3's rule)
  std::string owner;
};

class S3Service {
 public:
  S3Service(store::Store& store, ObjectBackend& backend, const Clock& clock,
            S3ServiceConfig config);

  // ---- Buckets ----
  // BucketAlreadyOwnedByYou when the caller owns it (except in us-east-1, where S3 answers 200
  // and this returns the existing record), BucketAlreadyExists when another account does,
  // InvalidLocationConstraint / IllegalLocationConstraintException for a location other than
  // the configured region, TooManyBuckets past the quota.
  Result<BucketRecord> CreateBucket(const CreateBucketRequest& request);
  // NoSuchBucket, BucketNotEmpty.
  Status DeleteBucket(std::string_view bucket);
  // The record (owner, region, policy, tags) or NoSuchBucket. Also what authorization reads.
  Result<BucketRecord> HeadBucket(std::string_view bucket);
  Result<ListBucketsResult> ListBuckets(const ListBucketsRequest& request);
  // The LocationConstraint: empty for us-east-1 (S3 answers an empty element), else the region.
  Result<std::string> GetBucketLocation(std::string_view bucket);

  // MalformedPolicy when the document is not a valid resource policy, is larger than the limit,
  // or names a resource outside this bucket.
  Status PutBucketPolicy(std::string_view bucket, std::string_view policy);
  // NoSuchBucketPolicy when none.
  Result<std::string> GetBucketPolicy(std::string_view bucket);
  Status DeleteBucketPolicy(std::string_view bucket);
  // PolicyStatus.IsPublic: an Allow statement for Principal "*" without conditions.
  // NoSuchBucketPolicy when there is no policy.
  Result<bool> GetBucketPolicyStatus(std::string_view bucket);

  // InvalidTag (at most 50 tags, S3's charset and lengths).
  Status PutBucketTagging(std::string_view bucket, const TagSet& tags);
  // NoSuchTagSet when none.
  Result<TagSet> GetBucketTagging(std::string_view bucket);
  Status DeleteBucketTagging(std::string_view bucket);

  // ---- Objects ----
  Result<ObjectInfo> PutObject(const PutObjectRequest& request, ByteSource& body);
  Result<ObjectRead> GetObject(const GetObjectRequest& request);
  Result<ObjectRead> HeadObject(const GetObjectRequest& request);
  // Deleting an absent key succeeds (204), as in S3.
  Status DeleteObject(std::string_view bucket, std::string_view key);
  // At most 1000 keys (MalformedXML otherwise); one result per key, in order.
  Result<std::vector<DeleteObjectsEntryResult>> DeleteObjects(std::string_view bucket,
                                                              const std::vector<std::string>& keys);
  // InvalidRequest when copying an object onto itself with the COPY metadata directive and no
  // other change.
  Result<ObjectInfo> CopyObject(const CopyObjectRequest& request);
  Result<ListObjectsV2Result> ListObjectsV2(const ListObjectsV2Request& request);
  Result<ListObjectsV1Result> ListObjects(const ListObjectsV1Request& request);

  Result<TagSet> GetObjectTagging(std::string_view bucket, std::string_view key);
  Status PutObjectTagging(std::string_view bucket, std::string_view key, const TagSet& tags);
  Status DeleteObjectTagging(std::string_view bucket, std::string_view key);

  // ---- Multipart uploads ----
  Result<MultipartUploadInfo> CreateMultipartUpload(const CreateMultipartUploadRequest& request);
  Result<PartInfo> UploadPart(const UploadPartRequest& request, ByteSource& body);
  Result<PartInfo> UploadPartCopy(const UploadPartCopyRequest& request);
  Result<ObjectInfo> CompleteMultipartUpload(const CompleteMultipartUploadRequest& request);
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id);
  Result<ListPartsResult> ListParts(const ListPartsRequest& request);
  Result<ListMultipartUploadsResult> ListMultipartUploads(
      const ListMultipartUploadsRequest& request);

  const S3ServiceConfig& config() const { return config_; }

 private:
  // Validates the names and returns the bucket record (NoSuchBucket).
  Result<BucketRecord> Bucket(std::string_view bucket);
  Result<BucketRecord> ObjectTarget(std::string_view bucket, std::string_view key);
  Result<BucketRecord> UploadTarget(std::string_view bucket, std::string_view key,
                                    std::string_view upload_id);
  Status ModifyBucket(std::string_view bucket, const std::function<Status(BucketRecord&)>& edit);

  store::Store& store_;
  ObjectBackend& backend_;
  const Clock& clock_;
  S3ServiceConfig config_;
  ListingTokenCodec tokens_;
};

}  // namespace irsa::s3
