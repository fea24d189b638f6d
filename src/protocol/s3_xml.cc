#include "protocol/s3_xml.h"

#include <cassert>

#include "base/encoding.h"
#include "base/time_format.h"
#include "s3/text.h"

namespace irsa::protocol {
namespace {

using s3::EncodingType;

// A minimal builder: element names are trusted (model names); text is made XML-safe.
class Doc {
 public:
  explicit Doc(std::string_view root, bool with_namespace = true) {
    out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out_ += '<';
    out_ += root;
    if (with_namespace) {
      out_ += " xmlns=\"";
      out_ += kS3XmlNamespace;
      out_ += '"';
    }
    out_ += '>';
    open_.emplace_back(root);
  }
  Doc& Text(std::string_view name, std::string_view text) {
    Tag(name);
    AppendXmlEscaped(out_, s3::IsXmlSafeText(text) ? std::string(text) : s3::XmlSafeText(text));
    End(name);
    return *this;
  }
  Doc& Int(std::string_view name, int64_t value) { return Text(name, std::to_string(value)); }
  Doc& Bool(std::string_view name, bool value) { return Text(name, value ? "true" : "false"); }
  Doc& Time(std::string_view name, SystemTime t) { return Text(name, FormatIso8601Millis(t)); }
  Doc& Key(std::string_view name, std::string_view text, EncodingType encoding) {
    return Text(name, encoding == EncodingType::kUrl ? S3UrlEncode(text) : std::string(text));
  }
  Doc& Open(std::string_view name) {
    Tag(name);
    open_.emplace_back(name);
    return *this;
  }
  Doc& Close() {
    assert(open_.size() > 1);
    End(open_.back());
    open_.pop_back();
    return *this;
  }
  std::string Finish() {
    while (!open_.empty()) {
      End(open_.back());
      open_.pop_back();
    }
    return std::move(out_);
  }

 private:
  void Tag(std::string_view name) {
    out_ += '<';
    out_ += name;
    out_ += '>';
  }
  void End(std::string_view name) {
    out_ += "</";
    out_ += name;
    out_ += '>';
  }
  std::string out_;
  std::vector<std::string> open_;
};

void Owner(Doc& doc, std::string_view element, std::string_view account) {
  doc.Open(element).Text("ID", account).Text("DisplayName", account).Close();
}

void Checksums(Doc& doc, const std::optional<s3::Checksum>& checksum) {
  if (!checksum) return;
  std::string name = "Checksum" + std::string(s3::ChecksumAlgorithmName(checksum->algorithm));
  doc.Text(name, checksum->value);
  doc.Text("ChecksumType", s3::ChecksumTypeName(checksum->type));
}

void Contents(Doc& doc, const s3::ObjectSummary& object, EncodingType encoding,
              const std::string* owner) {
  doc.Open("Contents");
  doc.Key("Key", object.key, encoding);
  doc.Time("LastModified", object.last_modified);
  doc.Text("ETag", object.etag);
  if (object.checksum_algorithm) {
    doc.Text("ChecksumAlgorithm", s3::ChecksumAlgorithmName(*object.checksum_algorithm));
  }
  if (object.checksum_type) doc.Text("ChecksumType", s3::ChecksumTypeName(*object.checksum_type));
  doc.Int("Size", object.size);
  if (owner != nullptr) Owner(doc, "Owner", *owner);
  doc.Text("StorageClass", s3::kStorageClass);
  doc.Close();
}

void CommonPrefixes(Doc& doc, const std::vector<std::string>& prefixes, EncodingType encoding) {
  for (const std::string& prefix : prefixes) {
    doc.Open("CommonPrefixes").Key("Prefix", prefix, encoding).Close();
  }
}

bool NamesBucket(std::string_view code) {
  return code == "NoSuchBucket" || code == "BucketNotEmpty" || code == "BucketAlreadyExists" ||
         code == "BucketAlreadyOwnedByYou" || code == "InvalidBucketName" ||
         code == "NoSuchBucketPolicy" || code == "NoSuchTagSet";
}

void AddRequestId(HttpResponse& r, std::string_view request_id) {
  if (request_id.empty()) return;
  r.headers.emplace_back("x-amz-request-id", std::string(request_id));
  r.headers.emplace_back("x-amz-id-2", std::string(request_id));
}

}  // namespace

std::string S3UrlEncode(std::string_view text) { return PercentEncodePath(text); }

std::string S3ErrorBody(const Error& error, const S3ErrorContext& context) {
  Doc doc("Error", /*with_namespace=*/false);
  doc.Text("Code", error.code());
  doc.Text("Message", error.message());
  if (NamesBucket(error.code()) && !context.bucket.empty()) doc.Text("BucketName", context.bucket);
  if (error.code() == "NoSuchKey" && !context.key.empty()) doc.Text("Key", context.key);
  if (error.code() == "NoSuchUpload" && !context.upload_id.empty()) {
    doc.Text("UploadId", context.upload_id);
  }
  for (const auto& [name, value] : context.extra) doc.Text(name, value);
  if (!context.resource.empty()) doc.Text("Resource", context.resource);
  doc.Text("RequestId", context.request_id);
  doc.Text("HostId", context.request_id);
  return doc.Finish();
}

HttpResponse RenderS3Error(const Error& error, const S3ErrorContext& context) {
  HttpResponse r;
  r.status = error.http_status();
  r.labels.service = "s3";
  r.labels.error_code = error.code();
  AddRequestId(r, context.request_id);
  if (context.head || error.http_status() == 304) return r;
  r.headers.emplace_back("Content-Type", "application/xml");
  r.body = S3ErrorBody(error, context);
  return r;
}

HttpResponse S3XmlResponse(std::string body, std::string_view request_id, int status) {
  HttpResponse r;
  r.status = status;
  r.labels.service = "s3";
  r.headers.emplace_back("Content-Type", "application/xml");
  AddRequestId(r, request_id);
  r.body = std::move(body);
  return r;
}

std::string ListBucketsBody(const s3::ListBucketsResult& result, std::string_view owner_id,
                            std::string_view prefix) {
  Doc doc("ListAllMyBucketsResult");
  Owner(doc, "Owner", owner_id);
  doc.Open("Buckets");
  for (const s3::BucketRecord& bucket : result.buckets) {
    doc.Open("Bucket")
        .Text("Name", bucket.name)
        .Time("CreationDate", bucket.created)
        .Text("BucketRegion", bucket.region)
        .Close();
  }
  doc.Close();
  if (!result.continuation_token.empty()) doc.Text("ContinuationToken", result.continuation_token);
  if (!prefix.empty()) doc.Text("Prefix", prefix);
  return doc.Finish();
}

std::string LocationConstraintBody(std::string_view location) {
  Doc doc("LocationConstraint");
  std::string out = doc.Finish();
  if (location.empty()) return out;
  // Text directly inside the root element.
  size_t close = out.rfind("</LocationConstraint>");
  std::string text;
  AppendXmlEscaped(text, s3::XmlSafeText(location));
  out.insert(close, text);
  return out;
}

std::string PolicyStatusBody(bool is_public) {
  return Doc("PolicyStatus").Bool("IsPublic", is_public).Finish();
}

std::string TaggingBody(const s3::TagSet& tags) {
  Doc doc("Tagging");
  doc.Open("TagSet");
  for (const s3::Tag& tag : tags)
    doc.Open("Tag").Text("Key", tag.key).Text("Value", tag.value).Close();
  return doc.Finish();
}

std::string VersioningConfigurationBody() { return Doc("VersioningConfiguration").Finish(); }

std::string ListObjectsV2Body(const s3::ListObjectsV2Result& result) {
  const s3::ListObjectsV2Request& request = result.request;
  EncodingType encoding = request.encoding;
  Doc doc("ListBucketResult");
  doc.Text("Name", request.bucket);
  doc.Key("Prefix", request.prefix, encoding);
  if (!request.delimiter.empty()) doc.Key("Delimiter", request.delimiter, encoding);
  doc.Int("MaxKeys", request.max_keys);
  if (encoding == EncodingType::kUrl) doc.Text("EncodingType", "url");
  doc.Int("KeyCount", result.key_count);
  doc.Bool("IsTruncated", result.truncated);
  if (request.continuation_token) doc.Text("ContinuationToken", *request.continuation_token);
  if (!result.next_continuation_token.empty()) {
    doc.Text("NextContinuationToken", result.next_continuation_token);
  }
  if (!request.start_after.empty()) doc.Key("StartAfter", request.start_after, encoding);
  for (const s3::ObjectSummary& object : result.objects) {
    Contents(doc, object, encoding, request.fetch_owner ? &result.owner : nullptr);
  }
  CommonPrefixes(doc, result.common_prefixes, encoding);
  return doc.Finish();
}

std::string ListObjectsV1Body(const s3::ListObjectsV1Result& result) {
  const s3::ListObjectsV1Request& request = result.request;
  EncodingType encoding = request.encoding;
  Doc doc("ListBucketResult");
  doc.Text("Name", request.bucket);
  doc.Key("Prefix", request.prefix, encoding);
  doc.Key("Marker", request.marker, encoding);
  if (!result.next_marker.empty()) doc.Key("NextMarker", result.next_marker, encoding);
  doc.Int("MaxKeys", request.max_keys);
  if (!request.delimiter.empty()) doc.Key("Delimiter", request.delimiter, encoding);
  doc.Bool("IsTruncated", result.truncated);
  if (encoding == EncodingType::kUrl) doc.Text("EncodingType", "url");
  for (const s3::ObjectSummary& object : result.objects) {
    Contents(doc, object, encoding, &result.owner);
  }
  CommonPrefixes(doc, result.common_prefixes, encoding);
  return doc.Finish();
}

std::string CopyObjectResultBody(const s3::ObjectInfo& info) {
  Doc doc("CopyObjectResult");
  doc.Time("LastModified", info.last_modified);
  doc.Text("ETag", info.etag);
  Checksums(doc, info.checksum);
  return doc.Finish();
}

std::string CopyPartResultBody(const s3::PartInfo& part) {
  Doc doc("CopyPartResult");
  doc.Time("LastModified", part.last_modified);
  doc.Text("ETag", part.etag);
  if (part.checksum) {
    doc.Text("Checksum" + std::string(s3::ChecksumAlgorithmName(part.checksum->algorithm)),
             part.checksum->value);
  }
  return doc.Finish();
}

std::string DeleteResultBody(const std::vector<s3::DeleteObjectsEntryResult>& results, bool quiet) {
  Doc doc("DeleteResult");
  for (const s3::DeleteObjectsEntryResult& entry : results) {
    if (entry.error) {
      doc.Open("Error")
          .Text("Key", entry.key)
          .Text("Code", entry.error->code())
          .Text("Message", entry.error->message())
          .Close();
    } else if (!quiet) {
      doc.Open("Deleted").Text("Key", entry.key).Close();
    }
  }
  return doc.Finish();
}

std::string InitiateMultipartUploadBody(const s3::MultipartUploadInfo& upload) {
  return Doc("InitiateMultipartUploadResult")
      .Text("Bucket", upload.bucket)
      .Text("Key", upload.key)
      .Text("UploadId", upload.upload_id)
      .Finish();
}

std::string CompleteMultipartUploadBody(const s3::ObjectInfo& object, std::string_view location) {
  Doc doc("CompleteMultipartUploadResult");
  doc.Text("Location", location);
  doc.Text("Bucket", object.bucket);
  doc.Text("Key", object.key);
  doc.Text("ETag", object.etag);
  Checksums(doc, object.checksum);
  return doc.Finish();
}

std::string ListPartsBody(const s3::ListPartsResult& result, const s3::ListPartsRequest& request) {
  Doc doc("ListPartsResult");
  doc.Text("Bucket", result.upload.bucket);
  doc.Text("Key", result.upload.key);
  doc.Text("UploadId", result.upload.upload_id);
  doc.Int("PartNumberMarker", request.part_number_marker);
  doc.Int("NextPartNumberMarker", result.next_part_number_marker);
  doc.Int("MaxParts", request.max_parts);
  doc.Bool("IsTruncated", result.truncated);
  for (const s3::PartInfo& part : result.parts) {
    doc.Open("Part");
    doc.Int("PartNumber", part.part_number);
    doc.Time("LastModified", part.last_modified);
    doc.Text("ETag", part.etag);
    doc.Int("Size", part.size);
    if (part.checksum) {
      doc.Text("Checksum" + std::string(s3::ChecksumAlgorithmName(part.checksum->algorithm)),
               part.checksum->value);
    }
    doc.Close();
  }
  Owner(doc, "Initiator", result.upload.owner);
  Owner(doc, "Owner", result.upload.owner);
  doc.Text("StorageClass", s3::kStorageClass);
  if (result.upload.checksum_algorithm) {
    doc.Text("ChecksumAlgorithm", s3::ChecksumAlgorithmName(*result.upload.checksum_algorithm));
    doc.Text("ChecksumType", "COMPOSITE");
  }
  return doc.Finish();
}

std::string ListMultipartUploadsBody(const s3::ListMultipartUploadsResult& result,
                                     const s3::ListMultipartUploadsRequest& request,
                                     EncodingType encoding) {
  Doc doc("ListMultipartUploadsResult");
  doc.Text("Bucket", request.bucket);
  doc.Key("KeyMarker", request.key_marker, encoding);
  doc.Text("UploadIdMarker", request.upload_id_marker);
  doc.Key("NextKeyMarker", result.next_key_marker, encoding);
  doc.Text("NextUploadIdMarker", result.next_upload_id_marker);
  if (!request.prefix.empty()) doc.Key("Prefix", request.prefix, encoding);
  if (!request.delimiter.empty()) doc.Key("Delimiter", request.delimiter, encoding);
  doc.Int("MaxUploads", request.max_uploads);
  if (encoding == EncodingType::kUrl) doc.Text("EncodingType", "url");
  doc.Bool("IsTruncated", result.truncated);
  for (const s3::MultipartUploadInfo& upload : result.uploads) {
    doc.Open("Upload");
    doc.Key("Key", upload.key, encoding);
    doc.Text("UploadId", upload.upload_id);
    Owner(doc, "Initiator", upload.owner);
    Owner(doc, "Owner", upload.owner);
    doc.Text("StorageClass", s3::kStorageClass);
    doc.Time("Initiated", upload.initiated);
    if (upload.checksum_algorithm) {
      doc.Text("ChecksumAlgorithm", s3::ChecksumAlgorithmName(*upload.checksum_algorithm));
    }
    doc.Close();
  }
  CommonPrefixes(doc, result.common_prefixes, encoding);
  return doc.Finish();
}

}  // namespace irsa::protocol
