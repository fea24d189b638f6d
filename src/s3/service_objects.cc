// S3Service: object and multipart operations (see service.h).
#include <utility>

#include "s3/errors.h"
#include "s3/multipart.h"
#include "s3/names.h"
#include "s3/service.h"
#include "s3/text.h"

namespace irsa::s3 {
namespace {

// Listing parameters are echoed in XML responses: they must be text XML can carry.
Status ValidateListText(std::string_view value, std::string_view name) {
  if (value.size() > kMaxKeyBytes || !IsXmlSafeText(value)) {
    return errors::InvalidArgument("The " + std::string(name) +
                                   " parameter must be at most 1024 bytes of valid UTF-8 without "
                                   "control characters.");
  }
  return OkStatus();
}

Status ValidateObjectAttributes(const ObjectMetadata& metadata, const TagSet& tags) {
  IRSA_RETURN_IF_ERROR(ValidateUserMetadata(metadata.user));
  return ValidateTagSet(tags, TagTarget::kObject);
}

Status ValidateDigests(const DeclaredDigests& digests) {
  if (digests.checksum && !digests.checksum_algorithm) {
    return errors::InvalidRequest("A checksum value needs its algorithm.");
  }
  if (digests.checksum &&
      digests.checksum->size() != ChecksumDigestSize(*digests.checksum_algorithm)) {
    return errors::InvalidRequest("Value for " +
                                  std::string(ChecksumHeaderName(*digests.checksum_algorithm)) +
                                  " header is invalid.");
  }
  if (digests.content_md5 && digests.content_md5->size() != 16) return errors::InvalidDigest();
  return OkStatus();
}

}  // namespace

Result<BucketRecord> S3Service::ObjectTarget(std::string_view bucket, std::string_view key) {
  IRSA_TRY(BucketRecord record, Bucket(bucket));
  IRSA_RETURN_IF_ERROR(ValidateObjectKey(key));
  return record;
}

Result<BucketRecord> S3Service::UploadTarget(std::string_view bucket, std::string_view key,
                                             std::string_view upload_id) {
  IRSA_TRY(BucketRecord record, ObjectTarget(bucket, key));
  if (!IsWellFormedUploadId(upload_id)) return errors::NoSuchUpload();
  return record;
}

Result<ObjectInfo> S3Service::PutObject(const PutObjectRequest& request, ByteSource& body) {
  IRSA_TRY(BucketRecord bucket, ObjectTarget(request.bucket, request.key));
  IRSA_RETURN_IF_ERROR(ValidateObjectAttributes(request.metadata, request.tags));
  IRSA_RETURN_IF_ERROR(ValidateDigests(request.digests));
  IRSA_RETURN_IF_ERROR(ValidateWriteConditions(request.conditions));
  if (request.content_length && *request.content_length > kMaxPutObjectSize) {
    return errors::EntityTooLarge();
  }
  IRSA_TRY(ObjectInfo info, backend_.PutObject(request, body));
  info.owner = bucket.owner;
  return info;
}

Result<ObjectRead> S3Service::GetObject(const GetObjectRequest& request) {
  IRSA_TRY(BucketRecord bucket, ObjectTarget(request.bucket, request.key));
  if (request.part_number) IRSA_RETURN_IF_ERROR(ValidatePartNumber(*request.part_number));
  IRSA_TRY(ObjectRead read, backend_.GetObject(request, /*head_only=*/false));
  read.info.owner = bucket.owner;
  return read;
}

Result<ObjectRead> S3Service::HeadObject(const GetObjectRequest& request) {
  IRSA_TRY(BucketRecord bucket, ObjectTarget(request.bucket, request.key));
  if (request.part_number) IRSA_RETURN_IF_ERROR(ValidatePartNumber(*request.part_number));
  IRSA_TRY(ObjectRead read, backend_.GetObject(request, /*head_only=*/true));
  read.info.owner = bucket.owner;
  return read;
}

Status S3Service::DeleteObject(std::string_view bucket, std::string_view key) {
  IRSA_TRY(BucketRecord record, ObjectTarget(bucket, key));
  (void)record;
  IRSA_TRY(bool removed, backend_.DeleteObject(bucket, key));
  (void)removed;
  return OkStatus();
}

Result<std::vector<DeleteObjectsEntryResult>> S3Service::DeleteObjects(
    std::string_view bucket, const std::vector<std::string>& keys) {
  IRSA_TRY(BucketRecord record, Bucket(bucket));
  (void)record;
  if (keys.empty() || keys.size() > static_cast<size_t>(kMaxDeleteObjects)) {
    return errors::MalformedXML();
  }
  std::vector<DeleteObjectsEntryResult> results;
  results.reserve(keys.size());
  for (const std::string& key : keys) {
    DeleteObjectsEntryResult entry;
    entry.key = key;
    Status valid = ValidateObjectKey(key);
    if (!valid.ok()) {
      entry.error = valid.error();
    } else {
      Result<bool> removed = backend_.DeleteObject(bucket, key);
      if (!removed.ok()) entry.error = removed.error();
    }
    results.push_back(std::move(entry));
  }
  return results;
}

Result<ObjectInfo> S3Service::CopyObject(const CopyObjectRequest& request) {
  IRSA_TRY(BucketRecord bucket, ObjectTarget(request.bucket, request.key));
  IRSA_TRY(BucketRecord source_bucket, ObjectTarget(request.source_bucket, request.source_key));
  (void)source_bucket;
  if (request.metadata_directive == Directive::kReplace) {
    IRSA_RETURN_IF_ERROR(ValidateUserMetadata(request.metadata.user));
  }
  if (request.tagging_directive == Directive::kReplace) {
    IRSA_RETURN_IF_ERROR(ValidateTagSet(request.tags, TagTarget::kObject));
  }
  IRSA_RETURN_IF_ERROR(ValidateWriteConditions(request.conditions));
  if (request.bucket == request.source_bucket && request.key == request.source_key &&
      request.metadata_directive == Directive::kCopy && !request.checksum_algorithm) {
    return errors::InvalidRequest(
        "This copy request is illegal because it is trying to copy an object to itself without "
        "changing the object's metadata, storage class, website redirect location or encryption "
        "attributes.");
  }
  IRSA_TRY(ObjectInfo info, backend_.CopyObject(request));
  info.owner = bucket.owner;
  return info;
}

Result<ListObjectsV2Result> S3Service::ListObjectsV2(const ListObjectsV2Request& request) {
  IRSA_TRY(BucketRecord bucket, Bucket(request.bucket));
  IRSA_RETURN_IF_ERROR(ValidateListText(request.prefix, "prefix"));
  IRSA_RETURN_IF_ERROR(ValidateListText(request.delimiter, "delimiter"));
  IRSA_RETURN_IF_ERROR(ValidateListText(request.start_after, "start-after"));
  if (request.max_keys < 0 || request.max_keys > kMaxListKeys) {
    return errors::InvalidArgument("max-keys must be between 0 and 1000");
  }
  ListObjectsRequest list;
  list.bucket = request.bucket;
  list.prefix = request.prefix;
  list.delimiter = request.delimiter;
  list.max_keys = request.max_keys;
  if (request.continuation_token) {
    IRSA_TRY(list.after, tokens_.Decode("objects:" + request.bucket, *request.continuation_token));
  } else {
    list.after = request.start_after;
  }
  IRSA_TRY(ListObjectsResult page, backend_.ListObjects(list));
  ListObjectsV2Result out;
  out.request = request;
  out.key_count = static_cast<int>(page.objects.size() + page.common_prefixes.size());
  out.objects = std::move(page.objects);
  out.common_prefixes = std::move(page.common_prefixes);
  out.truncated = page.truncated;
  if (page.truncated) {
    out.next_continuation_token = tokens_.Encode("objects:" + request.bucket, page.last);
  }
  out.owner = bucket.owner;
  return out;
}

Result<ListObjectsV1Result> S3Service::ListObjects(const ListObjectsV1Request& request) {
  IRSA_TRY(BucketRecord bucket, Bucket(request.bucket));
  IRSA_RETURN_IF_ERROR(ValidateListText(request.prefix, "prefix"));
  IRSA_RETURN_IF_ERROR(ValidateListText(request.delimiter, "delimiter"));
  IRSA_RETURN_IF_ERROR(ValidateListText(request.marker, "marker"));
  if (request.max_keys < 0 || request.max_keys > kMaxListKeys) {
    return errors::InvalidArgument("max-keys must be between 0 and 1000");
  }
  ListObjectsRequest list;
  list.bucket = request.bucket;
  list.prefix = request.prefix;
  list.delimiter = request.delimiter;
  list.max_keys = request.max_keys;
  list.after = request.marker;
  IRSA_TRY(ListObjectsResult page, backend_.ListObjects(list));
  ListObjectsV1Result out;
  out.request = request;
  out.objects = std::move(page.objects);
  out.common_prefixes = std::move(page.common_prefixes);
  out.truncated = page.truncated;
  if (page.truncated && !request.delimiter.empty()) out.next_marker = page.last;
  out.owner = bucket.owner;
  return out;
}

Result<TagSet> S3Service::GetObjectTagging(std::string_view bucket, std::string_view key) {
  IRSA_TRY(BucketRecord record, ObjectTarget(bucket, key));
  (void)record;
  return backend_.GetObjectTagging(bucket, key);
}

Status S3Service::PutObjectTagging(std::string_view bucket, std::string_view key,
                                   const TagSet& tags) {
  IRSA_TRY(BucketRecord record, ObjectTarget(bucket, key));
  (void)record;
  IRSA_RETURN_IF_ERROR(ValidateTagSet(tags, TagTarget::kObject));
  return backend_.PutObjectTagging(bucket, key, tags);
}

Status S3Service::DeleteObjectTagging(std::string_view bucket, std::string_view key) {
  IRSA_TRY(BucketRecord record, ObjectTarget(bucket, key));
  (void)record;
  return backend_.PutObjectTagging(bucket, key, TagSet{});
}

Result<MultipartUploadInfo> S3Service::CreateMultipartUpload(
    const CreateMultipartUploadRequest& request) {
  IRSA_TRY(BucketRecord bucket, ObjectTarget(request.bucket, request.key));
  IRSA_RETURN_IF_ERROR(ValidateObjectAttributes(request.metadata, request.tags));
  IRSA_TRY(MultipartUploadInfo info, backend_.CreateMultipartUpload(request));
  info.owner = bucket.owner;
  return info;
}

Result<PartInfo> S3Service::UploadPart(const UploadPartRequest& request, ByteSource& body) {
  IRSA_TRY(BucketRecord bucket, UploadTarget(request.bucket, request.key, request.upload_id));
  (void)bucket;
  IRSA_RETURN_IF_ERROR(ValidatePartNumber(request.part_number));
  IRSA_RETURN_IF_ERROR(ValidateDigests(request.digests));
  if (request.content_length && *request.content_length > kMaxPartSize) {
    return errors::EntityTooLarge();
  }
  return backend_.UploadPart(request, body);
}

Result<PartInfo> S3Service::UploadPartCopy(const UploadPartCopyRequest& request) {
  IRSA_TRY(BucketRecord bucket, UploadTarget(request.bucket, request.key, request.upload_id));
  (void)bucket;
  IRSA_TRY(BucketRecord source, ObjectTarget(request.source_bucket, request.source_key));
  (void)source;
  IRSA_RETURN_IF_ERROR(ValidatePartNumber(request.part_number));
  return backend_.UploadPartCopy(request);
}

Result<ObjectInfo> S3Service::CompleteMultipartUpload(
    const CompleteMultipartUploadRequest& request) {
  IRSA_TRY(BucketRecord bucket, UploadTarget(request.bucket, request.key, request.upload_id));
  for (const CompletedPart& part : request.parts) {
    IRSA_RETURN_IF_ERROR(ValidatePartNumber(part.part_number));
  }
  IRSA_RETURN_IF_ERROR(ValidateWriteConditions(request.conditions));
  IRSA_TRY(ObjectInfo info, backend_.CompleteMultipartUpload(request));
  info.owner = bucket.owner;
  return info;
}

Status S3Service::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                       std::string_view upload_id) {
  IRSA_TRY(BucketRecord record, UploadTarget(bucket, key, upload_id));
  (void)record;
  return backend_.AbortMultipartUpload(bucket, key, upload_id);
}

Result<ListPartsResult> S3Service::ListParts(const ListPartsRequest& request) {
  IRSA_TRY(BucketRecord bucket, UploadTarget(request.bucket, request.key, request.upload_id));
  if (request.max_parts < 0 || request.part_number_marker < 0) {
    return errors::InvalidArgument("max-parts and part-number-marker must not be negative");
  }
  IRSA_TRY(ListPartsResult out, backend_.ListParts(request));
  out.upload.owner = bucket.owner;
  return out;
}

Result<ListMultipartUploadsResult> S3Service::ListMultipartUploads(
    const ListMultipartUploadsRequest& request) {
  IRSA_TRY(BucketRecord bucket, Bucket(request.bucket));
  IRSA_RETURN_IF_ERROR(ValidateListText(request.prefix, "prefix"));
  IRSA_RETURN_IF_ERROR(ValidateListText(request.delimiter, "delimiter"));
  IRSA_RETURN_IF_ERROR(ValidateListText(request.key_marker, "key-marker"));
  if (!request.upload_id_marker.empty() && !IsWellFormedUploadId(request.upload_id_marker)) {
    return errors::InvalidArgument("Invalid uploadId marker");
  }
  if (request.max_uploads < 0 || request.max_uploads > kMaxListKeys) {
    return errors::InvalidArgument("max-uploads must be between 0 and 1000");
  }
  IRSA_TRY(ListMultipartUploadsResult out, backend_.ListMultipartUploads(request));
  for (MultipartUploadInfo& upload : out.uploads) upload.owner = bucket.owner;
  return out;
}

}  // namespace irsa::s3
