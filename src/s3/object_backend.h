// Where object bytes live. The S3 service (s3/service.h) validates requests, checks buckets and
// calls one ObjectBackend; two implementations:
//   - LocalBackend (s3/local_backend.h): bytes in files under DATA/s3/, the object index in the
//     Store; crash-safe.
//   - S3ForwardBackend (protocol/s3_forward_backend.h, where the SigV4 signer lives): re-signs
//     each call for an existing S3-compatible store and streams bodies both ways. Every method
//     below maps onto one or a few S3 calls (PutObject, GetObject with Range and conditions,
//     CopyObject, ListObjectsV2, the multipart calls), and bodies only ever cross this interface
//     as ByteSource streams, so the forwarder needs no buffering either.
//
// Contract for every implementation:
//  - Requests arrive validated by the service: bucket names, keys, metadata, tags, part numbers
//    and upload-id shapes are well-formed, and the bucket record existed when the call began.
//    A bucket deleted meanwhile is NoSuchBucket; an unknown upload id NoSuchUpload; an absent key
//    NoSuchKey.
//  - Atomic writes: a write either takes full effect or none. A body is consumed to its end
//    before anything becomes visible; any error from the source (a bad chunk signature, a short
//    body), a length that differs from content_length (IncompleteBody), or a digest that differs
//    from the declared one (BadDigest) leaves the previous state untouched. An acknowledged
//    write (ok returned) survives a crash of the process at any later point.
//  - Bounded memory: bodies move through a fixed-size buffer (kTransferBufferSize); memory per
//    transfer does not grow with the object size.
//  - Reads: ObjectRead::body streams exactly the selected bytes of the object version that was
//    current when GetObject looked it up, even if it is overwritten or deleted while streaming.
//    The body borrows the backend: destroy it before the backend.
//  - Errors are S3 errors (s3/errors.h); storage failures are InternalError (500) with a message
//    naming the operation, never file paths or data.
//
// Thread-safety: implementations are safe to call from many threads at once; one ObjectRead body
// is used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_stream.h"
#include "base/result.h"
#include "s3/buckets.h"
#include "s3/types.h"

namespace irsa::s3 {

class ObjectBackend {
 public:
  virtual ~ObjectBackend() = default;

  // ---- Buckets ----
  // The service has inserted `record`; prepare storage for it (the forwarder creates or adopts
  // the remote bucket). On error the service removes the record again.
  virtual Status OnBucketCreated(const BucketRecord& record) = 0;
  // Deletes `bucket`: BucketNotEmpty while it holds an object; otherwise aborts its in-progress
  // multipart uploads and removes the bucket record (DeleteBucketRecord) such that no object
  // write can commit into the bucket after the emptiness check.
  virtual Status DeleteBucket(std::string_view bucket) = 0;

  // ---- Objects ----
  // Stores `body` under request.key, replacing any object there, with request.metadata and tags.
  // Computes the MD5 (ETag) and, when request.digests.checksum_algorithm is set, that checksum;
  // verifies Content-MD5 and the declared checksum (BadDigest); checks the write conditions
  // against the object it replaces, atomically with the replacement.
  virtual Result<ObjectInfo> PutObject(const PutObjectRequest& request, ByteSource& body) = 0;
  // Looks the object up, evaluates the read conditions (NotModified / PreconditionFailed),
  // resolves the range or part (InvalidRange), and opens the selected bytes unless `head_only`.
  virtual Result<ObjectRead> GetObject(const GetObjectRequest& request, bool head_only) = 0;
  // Removes the object; an absent key is not an error. Returns whether an object was removed.
  virtual Result<bool> DeleteObject(std::string_view bucket, std::string_view key) = 0;
  // Copies source to destination (which may be the same key) with the directives applied.
  virtual Result<ObjectInfo> CopyObject(const CopyObjectRequest& request) = 0;
  virtual Result<ListObjectsResult> ListObjects(const ListObjectsRequest& request) = 0;

  virtual Result<TagSet> GetObjectTagging(std::string_view bucket, std::string_view key) = 0;
  // Replaces the object's tag set (an empty set removes the tags).
  virtual Status PutObjectTagging(std::string_view bucket, std::string_view key,
                                  const TagSet& tags) = 0;

  // ---- Multipart uploads ----
  virtual Result<MultipartUploadInfo> CreateMultipartUpload(
      const CreateMultipartUploadRequest& request) = 0;
  // Stores one part (replacing an earlier upload of the same number). Digests as PutObject.
  virtual Result<PartInfo> UploadPart(const UploadPartRequest& request, ByteSource& body) = 0;
  virtual Result<PartInfo> UploadPartCopy(const UploadPartCopyRequest& request) = 0;
  // Checks the part list (s3/multipart.h SelectCompletedParts) and makes the object visible
  // atomically; parts left out are discarded; the upload ends.
  virtual Result<ObjectInfo> CompleteMultipartUpload(
      const CompleteMultipartUploadRequest& request) = 0;
  virtual Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) = 0;
  virtual Result<ListPartsResult> ListParts(const ListPartsRequest& request) = 0;
  virtual Result<ListMultipartUploadsResult> ListMultipartUploads(
      const ListMultipartUploadsRequest& request) = 0;
};

}  // namespace irsa::s3
