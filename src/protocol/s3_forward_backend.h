// The forwarding object backend: object bytes live in an existing S3-compatible store (MinIO,
// Ceph RGW, AWS S3, another irsa node), bucket records and policies stay in irsa's Store. Every
// ObjectBackend call (s3/object_backend.h) becomes one or a few path-style S3 requests to
// `endpoint`, signed with SigV4 for `region` with the upstream's own credentials:
//
//   PutObject / UploadPart   PUT, the client's body streamed through (it was authenticated and
//                            is verified by irsa's decoder as it passes; the last piece is sent
//                            only after it verified, so a body that fails verification never
//                            completes upstream), UNSIGNED-PAYLOAD (the upstream must be HTTPS
//                            unless it accepts unsigned payloads over HTTP), then a HEAD for the
//                            stored object's facts
//   GetObject / HeadObject   GET / HEAD with Range, partNumber, conditions and checksum mode; the
//                            upstream's response body is the ObjectRead body (streamed)
//   everything else          the S3 call of the same name (DeleteObject after a HEAD, CopyObject
//                            and UploadPartCopy with x-amz-copy-source, ListObjectsV2, tagging,
//                            multipart), bucket creation and deletion included
//
// Bucket names are the same upstream (`bucket_prefix` + name). Upstream errors keep their S3
// code, status and message, except refusals of irsa's own credentials (AccessDenied,
// SignatureDoesNotMatch, InvalidAccessKeyId, ...), which are InternalError naming the upstream:
// the client did nothing wrong. Transport failures are ServiceUnavailable (503). Credentials are
// never logged or put in error messages.
//
// Memory: a fixed buffer per transfer (the stream client's); documents (listings, XML results)
// are read up to 16 MiB.
//
// Thread-safety: safe for concurrent use; the client, store and clock must outlive it.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/http_stream_client.h"
#include "protocol/sigv4_signer.h"
#include "s3/object_backend.h"
#include "store/store.h"

namespace irsa::protocol {

struct S3ForwardOptions {
  std::string endpoint;  // http(s)://host[:port], no path
  std::string region = "us-east-1";
  SigV4Credentials credentials;
  std::string bucket_prefix;  // prepended to bucket names upstream
  std::chrono::milliseconds io_timeout{60000};
};

class S3ForwardBackend final : public s3::ObjectBackend {
 public:
  // InvalidParameterValue for an endpoint that is not http(s)://host[:port] or missing
  // credentials.
  static Result<std::unique_ptr<S3ForwardBackend>> Create(store::Store& store,
                                                          HttpStreamClient& client,
                                                          const Clock& clock,
                                                          S3ForwardOptions options);

  Status OnBucketCreated(const s3::BucketRecord& record) override;
  Status DeleteBucket(std::string_view bucket) override;
  Result<s3::ObjectInfo> PutObject(const s3::PutObjectRequest& request, ByteSource& body) override;
  Result<s3::ObjectRead> GetObject(const s3::GetObjectRequest& request, bool head_only) override;
  Result<bool> DeleteObject(std::string_view bucket, std::string_view key) override;
  Result<s3::ObjectInfo> CopyObject(const s3::CopyObjectRequest& request) override;
  Result<s3::ListObjectsResult> ListObjects(const s3::ListObjectsRequest& request) override;
  Result<s3::TagSet> GetObjectTagging(std::string_view bucket, std::string_view key) override;
  Status PutObjectTagging(std::string_view bucket, std::string_view key,
                          const s3::TagSet& tags) override;
  Result<s3::MultipartUploadInfo> CreateMultipartUpload(
      const s3::CreateMultipartUploadRequest& request) override;
  Result<s3::PartInfo> UploadPart(const s3::UploadPartRequest& request, ByteSource& body) override;
  Result<s3::PartInfo> UploadPartCopy(const s3::UploadPartCopyRequest& request) override;
  Result<s3::ObjectInfo> CompleteMultipartUpload(
      const s3::CompleteMultipartUploadRequest& request) override;
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id) override;
  Result<s3::ListPartsResult> ListParts(const s3::ListPartsRequest& request) override;
  Result<s3::ListMultipartUploadsResult> ListMultipartUploads(
      const s3::ListMultipartUploadsRequest& request) override;

  struct Call;  // one upstream request (internal)

 private:
  S3ForwardBackend(store::Store& store, HttpStreamClient& client, const Clock& clock,
                   S3ForwardOptions options, std::string host);

  Result<std::unique_ptr<StreamResponse>> Send(const Call& call) const;
  // Send, then the whole (small) body; an error status becomes the upstream's S3 error.
  Result<std::string> SendForDocument(const Call& call) const;
  Result<s3::ObjectInfo> Head(std::string_view bucket, std::string_view key) const;
  std::string Path(std::string_view bucket, std::string_view key = {}) const;

  store::Store& store_;
  HttpStreamClient& client_;
  const Clock& clock_;
  S3ForwardOptions options_;
  std::string host_;  // Host header of the endpoint
};

}  // namespace irsa::protocol
