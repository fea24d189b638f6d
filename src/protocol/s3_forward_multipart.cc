// The forwarding backend's multipart uploads (S3ForwardBackend, s3_forward_backend.h).
#include "protocol/s3_forward_backend.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "base/encoding.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "protocol/s3_forward_wire.h"
#include "protocol/s3_xml.h"
#include "protocol/s3_xml_parse.h"
#include "s3/buckets.h"
#include "s3/errors.h"

namespace irsa::protocol {

namespace s3e = s3::errors;
using s3_forward::AddDigests;
using s3_forward::AddMetadata;
using s3_forward::AddReadConditions;
using s3_forward::AddTags;
using s3_forward::AddWriteConditions;
using s3_forward::Append;
using s3_forward::ChecksumFrom;
using s3_forward::ChecksumOfElement;
using s3_forward::IsoTime;
using s3_forward::kMaxDocument;
using s3_forward::QueryParam;
using s3_forward::ReadAll;
using s3_forward::ToInt;
using s3_forward::UpstreamError;
using s3_forward::XmlEscaped;

Result<s3::MultipartUploadInfo> S3ForwardBackend::CreateMultipartUpload(
    const s3::CreateMultipartUploadRequest& request) {
  Call call;
  call.method = "POST";
  call.bucket = request.bucket;
  call.key = request.key;
  call.query = "uploads=";
  call.not_found = "NoSuchBucket";
  call.has_document = true;
  AddMetadata(call.headers, request.metadata);
  AddTags(call.headers, request.tags);
  if (request.checksum_algorithm) {
    call.headers.emplace_back("x-amz-checksum-algorithm",
                              std::string(s3::ChecksumAlgorithmName(*request.checksum_algorithm)));
  }
  IRSA_TRY(std::string body, SendForDocument(call));
  IRSA_TRY(XmlElement tree, ParseXmlTree(body, kMaxDocument));
  s3::MultipartUploadInfo info;
  info.bucket = request.bucket;
  info.key = request.key;
  info.upload_id = tree.ChildText("UploadId");
  if (info.upload_id.empty()) return s3e::InternalError("The forward store sent no UploadId.");
  info.initiated = clock_.Now();
  info.checksum_algorithm = request.checksum_algorithm;
  return info;
}

Result<s3::PartInfo> S3ForwardBackend::UploadPart(const s3::UploadPartRequest& request,
                                                  ByteSource& body) {
  if (!request.content_length) return s3e::MissingContentLength();
  Call call;
  call.method = "PUT";
  call.bucket = request.bucket;
  call.key = request.key;
  call.not_found = "NoSuchUpload";
  call.query = QueryParam("partNumber", std::to_string(request.part_number)) + "&" +
               QueryParam("uploadId", request.upload_id);
  AddDigests(call.headers, request.digests);
  call.body = &body;
  call.content_length = static_cast<uint64_t>(*request.content_length);
  IRSA_TRY(std::unique_ptr<StreamResponse> response, Send(call));
  IRSA_TRY(std::string answer, ReadAll(*response, kMaxDocument));
  if (response->status() != 200) return UpstreamError(response->status(), answer, call.not_found);
  s3::PartInfo part;
  part.part_number = request.part_number;
  part.size = *request.content_length;
  part.etag = response->Header("etag");
  part.last_modified = clock_.Now();
  part.checksum =
      ChecksumFrom([&response](std::string_view h) { return response->Header(h); }, "FULL_OBJECT");
  return part;
}

Result<s3::PartInfo> S3ForwardBackend::UploadPartCopy(const s3::UploadPartCopyRequest& request) {
  Call call;
  call.method = "PUT";
  call.bucket = request.bucket;
  call.key = request.key;
  call.not_found = "NoSuchUpload";
  call.query = QueryParam("partNumber", std::to_string(request.part_number)) + "&" +
               QueryParam("uploadId", request.upload_id);
  call.headers.emplace_back("x-amz-copy-source", Path(request.source_bucket, request.source_key));
  if (request.source_range)
    call.headers.emplace_back("x-amz-copy-source-range", *request.source_range);
  AddReadConditions(call.headers, request.source_conditions, "x-amz-copy-source-");
  IRSA_TRY(std::string body, SendForDocument(call));
  IRSA_TRY(XmlElement tree, ParseXmlTree(body, kMaxDocument));
  if (tree.name == "Error") return UpstreamError(500, body, call.not_found);
  s3::PartInfo part;
  part.part_number = request.part_number;
  part.etag = tree.ChildText("ETag");
  part.last_modified = IsoTime(tree.ChildText("LastModified"));
  part.checksum = ChecksumOfElement(tree);
  if (request.source_range && request.source_range->starts_with("bytes=")) {
    std::string_view range = std::string_view(*request.source_range).substr(6);
    size_t dash = range.find('-');
    part.size = ToInt(range.substr(dash + 1)) - ToInt(range) + 1;
  } else {
    IRSA_TRY(s3::ObjectInfo source, Head(request.source_bucket, request.source_key));
    part.size = source.size;
  }
  return part;
}

Result<s3::ObjectInfo> S3ForwardBackend::CompleteMultipartUpload(
    const s3::CompleteMultipartUploadRequest& request) {
  Call call;
  call.method = "POST";
  call.bucket = request.bucket;
  call.key = request.key;
  call.not_found = "NoSuchUpload";
  call.query = QueryParam("uploadId", request.upload_id);
  std::string& d = call.document;
  d = "<CompleteMultipartUpload xmlns=\"" + std::string(kS3XmlNamespace) + "\">";
  for (const s3::CompletedPart& part : request.parts) {
    d += "<Part><PartNumber>" + std::to_string(part.part_number) + "</PartNumber><ETag>" +
         XmlEscaped(part.etag) + "</ETag></Part>";
  }
  d += "</CompleteMultipartUpload>";
  AddWriteConditions(call.headers, request.conditions);
  IRSA_TRY(std::string body, SendForDocument(call));
  IRSA_TRY(XmlElement tree, ParseXmlTree(body, kMaxDocument));
  if (tree.name == "Error") return UpstreamError(500, body, call.not_found);
  return Head(request.bucket, request.key);
}

Status S3ForwardBackend::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                              std::string_view upload_id) {
  Call call;
  call.method = "DELETE";
  call.bucket = std::string(bucket);
  call.key = std::string(key);
  call.not_found = "NoSuchUpload";
  call.query = QueryParam("uploadId", upload_id);
  IRSA_TRY(std::string answer, SendForDocument(call));
  (void)answer;
  return OkStatus();
}

Result<s3::ListPartsResult> S3ForwardBackend::ListParts(const s3::ListPartsRequest& request) {
  Call call;
  call.bucket = request.bucket;
  call.key = request.key;
  call.not_found = "NoSuchUpload";
  call.query = QueryParam("max-parts", std::to_string(request.max_parts)) + "&" +
               QueryParam("part-number-marker", std::to_string(request.part_number_marker)) + "&" +
               QueryParam("uploadId", request.upload_id);
  IRSA_TRY(std::string body, SendForDocument(call));
  IRSA_TRY(XmlElement tree, ParseXmlTree(body, kMaxDocument));
  s3::ListPartsResult result;
  result.upload.bucket = request.bucket;
  result.upload.key = request.key;
  result.upload.upload_id = request.upload_id;
  result.upload.checksum_algorithm =
      s3::ParseChecksumAlgorithm(tree.ChildText("ChecksumAlgorithm"));
  for (const XmlElement& e : tree.children) {
    if (e.name != "Part") continue;
    s3::PartInfo part;
    part.part_number = static_cast<int>(ToInt(e.ChildText("PartNumber")));
    part.size = ToInt(e.ChildText("Size"));
    part.etag = e.ChildText("ETag");
    part.last_modified = IsoTime(e.ChildText("LastModified"));
    part.checksum = ChecksumOfElement(e);
    result.parts.push_back(std::move(part));
  }
  result.truncated = tree.ChildText("IsTruncated") == "true";
  result.next_part_number_marker = static_cast<int>(ToInt(tree.ChildText("NextPartNumberMarker")));
  return result;
}

Result<s3::ListMultipartUploadsResult> S3ForwardBackend::ListMultipartUploads(
    const s3::ListMultipartUploadsRequest& request) {
  Call call;
  call.bucket = request.bucket;
  call.not_found = "NoSuchBucket";
  Append(call.query, QueryParam("encoding-type", "url"));
  Append(call.query, QueryParam("max-uploads", std::to_string(request.max_uploads)));
  if (!request.prefix.empty()) Append(call.query, QueryParam("prefix", request.prefix));
  if (!request.delimiter.empty()) Append(call.query, QueryParam("delimiter", request.delimiter));
  if (!request.key_marker.empty()) Append(call.query, QueryParam("key-marker", request.key_marker));
  if (!request.upload_id_marker.empty()) {
    Append(call.query, QueryParam("upload-id-marker", request.upload_id_marker));
  }
  Append(call.query, "uploads=");
  IRSA_TRY(std::string body, SendForDocument(call));
  IRSA_TRY(XmlElement tree, ParseXmlTree(body, kMaxDocument));
  auto decode = [](const std::string& text) { return PercentDecode(text, true).value_or(text); };
  s3::ListMultipartUploadsResult result;
  for (const XmlElement& e : tree.children) {
    if (e.name == "Upload") {
      s3::MultipartUploadInfo upload;
      upload.bucket = request.bucket;
      upload.key = decode(e.ChildText("Key"));
      upload.upload_id = e.ChildText("UploadId");
      upload.initiated = IsoTime(e.ChildText("Initiated"));
      upload.checksum_algorithm = s3::ParseChecksumAlgorithm(e.ChildText("ChecksumAlgorithm"));
      result.uploads.push_back(std::move(upload));
    } else if (e.name == "CommonPrefixes") {
      result.common_prefixes.push_back(decode(e.ChildText("Prefix")));
    }
  }
  result.truncated = tree.ChildText("IsTruncated") == "true";
  result.next_key_marker = decode(tree.ChildText("NextKeyMarker"));
  result.next_upload_id_marker = tree.ChildText("NextUploadIdMarker");
  return result;
}

}  // namespace irsa::protocol
