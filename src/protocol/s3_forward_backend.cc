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
using s3_forward::InfoFromHeaders;
using s3_forward::IsoTime;
using s3_forward::kAfterEverything;
using s3_forward::kMaxDocument;
using s3_forward::QueryParam;
using s3_forward::RangeHeader;
using s3_forward::ReadAll;
using s3_forward::ToInt;
using s3_forward::UpstreamError;
using s3_forward::XmlEscaped;

Result<std::unique_ptr<S3ForwardBackend>> S3ForwardBackend::Create(store::Store& store,
                                                                   HttpStreamClient& client,
                                                                   const Clock& clock,
                                                                   S3ForwardOptions options) {
  std::string_view endpoint = options.endpoint;
  while (endpoint.ends_with('/')) endpoint.remove_suffix(1);
  std::string_view rest = endpoint;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return errors::InvalidParameterValue("--s3-forward-endpoint must be http(s)://host[:port]");
  }
  if (rest.empty() || rest.find_first_of("/?#@") != std::string_view::npos) {
    return errors::InvalidParameterValue("--s3-forward-endpoint must be http(s)://host[:port]");
  }
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty()) {
    return errors::InvalidParameterValue("the forward store's credentials are missing");
  }
  if (options.region.empty()) return errors::InvalidParameterValue("--s3-forward-region is empty");
  options.endpoint = std::string(endpoint);
  std::string host(rest);
  return std::unique_ptr<S3ForwardBackend>(
      new S3ForwardBackend(store, client, clock, std::move(options), std::move(host)));
}

S3ForwardBackend::S3ForwardBackend(store::Store& store, HttpStreamClient& client,
                                   const Clock& clock, S3ForwardOptions options, std::string host)
    : store_(store),
      client_(client),
      clock_(clock),
      options_(std::move(options)),
      host_(std::move(host)) {}

std::string S3ForwardBackend::Path(std::string_view bucket, std::string_view key) const {
  std::string path = "/" + PercentEncode(options_.bucket_prefix + std::string(bucket));
  if (!key.empty()) path += "/" + PercentEncodePath(key);
  return path;
}

Result<std::unique_ptr<StreamResponse>> S3ForwardBackend::Send(const Call& call) const {
  SigV4SigningInput input;
  input.method = call.method;
  input.host = host_;
  input.path = call.bucket.empty() ? "/" : Path(call.bucket, call.key);
  input.query = call.query;
  input.headers = call.headers;
  input.body = call.document;
  SigV4SigningParams params;
  params.credentials = options_.credentials;
  params.region = options_.region;
  params.service = "s3";
  params.time = clock_.Now();
  params.add_content_sha256_header = true;
  if (call.body != nullptr) params.payload_hash_override = "UNSIGNED-PAYLOAD";
  HttpRequest signed_request = SignSigV4Header(input, params);

  StreamRequest request;
  request.method = call.method;
  request.url = options_.endpoint + signed_request.target;
  request.headers = std::move(signed_request.headers);  // with the signed Host
  request.io_timeout = options_.io_timeout;
  StringSource document(call.document);
  if (call.body != nullptr) {
    request.body = call.body;
    request.content_length = call.content_length;
  } else if (call.has_document || !call.document.empty()) {
    request.body = &document;
    request.content_length = call.document.size();
  }
  return client_.Send(request);
}

Result<std::string> S3ForwardBackend::SendForDocument(const Call& call) const {
  IRSA_TRY(std::unique_ptr<StreamResponse> response, Send(call));
  IRSA_TRY(std::string body, ReadAll(*response, kMaxDocument));
  if (response->status() < 200 || response->status() > 299) {
    return UpstreamError(response->status(), body, call.not_found);
  }
  return body;
}

Result<s3::ObjectInfo> S3ForwardBackend::Head(std::string_view bucket, std::string_view key) const {
  Call call;
  call.method = "HEAD";
  call.bucket = std::string(bucket);
  call.key = std::string(key);
  call.headers.emplace_back("x-amz-checksum-mode", "ENABLED");
  IRSA_TRY(std::unique_ptr<StreamResponse> response, Send(call));
  if (response->status() != 200) return UpstreamError(response->status(), "", call.not_found);
  return InfoFromHeaders(*response, bucket, key, nullptr);
}

// ---- Buckets ----

Status S3ForwardBackend::OnBucketCreated(const s3::BucketRecord& record) {
  Call call;
  call.method = "PUT";
  call.bucket = record.name;
  call.not_found = "NoSuchBucket";
  if (options_.region != "us-east-1") {
    call.document = "<CreateBucketConfiguration xmlns=\"" + std::string(kS3XmlNamespace) +
                    "\"><LocationConstraint>" + XmlEscaped(options_.region) +
                    "</LocationConstraint></CreateBucketConfiguration>";
  }
  call.has_document = true;
  Result<std::string> created = SendForDocument(call);
  if (!created.ok() && created.error().code() != "BucketAlreadyOwnedByYou") {
    return created.error();
  }
  return OkStatus();
}

Status S3ForwardBackend::DeleteBucket(std::string_view bucket) {
  // In-progress uploads end with the bucket, as in the local backend.
  while (true) {
    s3::ListMultipartUploadsRequest list;
    list.bucket = std::string(bucket);
    IRSA_TRY(s3::ListMultipartUploadsResult uploads, ListMultipartUploads(list));
    for (const s3::MultipartUploadInfo& upload : uploads.uploads) {
      Status aborted = AbortMultipartUpload(bucket, upload.key, upload.upload_id);
      if (!aborted.ok() && aborted.error().code() != "NoSuchUpload") return aborted.error();
    }
    if (!uploads.truncated) break;
  }
  Call call;
  call.method = "DELETE";
  call.bucket = std::string(bucket);
  call.not_found = "NoSuchBucket";
  Result<std::string> deleted = SendForDocument(call);
  if (!deleted.ok() && deleted.error().code() != "NoSuchBucket") return deleted.error();
  return store_.Write([&](store::StoreTx& tx) { return s3::DeleteBucketRecord(tx, bucket); });
}

// ---- Objects ----

Result<s3::ObjectInfo> S3ForwardBackend::PutObject(const s3::PutObjectRequest& request,
                                                   ByteSource& body) {
  if (!request.content_length) return s3e::MissingContentLength();
  Call call;
  call.method = "PUT";
  call.bucket = request.bucket;
  call.key = request.key;
  call.not_found = "NoSuchBucket";
  AddMetadata(call.headers, request.metadata);
  AddTags(call.headers, request.tags);
  AddDigests(call.headers, request.digests);
  AddWriteConditions(call.headers, request.conditions);
  call.body = &body;
  call.content_length = static_cast<uint64_t>(*request.content_length);
  IRSA_TRY(std::string answer, SendForDocument(call));
  (void)answer;
  return Head(request.bucket, request.key);
}

Result<s3::ObjectRead> S3ForwardBackend::GetObject(const s3::GetObjectRequest& request,
                                                   bool head_only) {
  Call call;
  call.method = head_only ? "HEAD" : "GET";
  call.bucket = request.bucket;
  call.key = request.key;
  if (request.range) call.headers.emplace_back("range", RangeHeader(*request.range));
  if (request.part_number)
    call.query = QueryParam("partNumber", std::to_string(*request.part_number));
  AddReadConditions(call.headers, request.conditions, "");
  call.headers.emplace_back("x-amz-checksum-mode", "ENABLED");
  IRSA_TRY(std::unique_ptr<StreamResponse> response, Send(call));
  const int status = response->status();
  if (status != 200 && status != 206) {
    std::string body;
    if (!head_only) {
      Result<std::string> read = ReadAll(*response, kMaxDocument);
      if (read.ok()) body = std::move(*read);
    }
    return UpstreamError(status, body, call.not_found);
  }
  s3::ObjectRead read;
  std::optional<s3::ByteRange> range;
  read.info = InfoFromHeaders(*response, request.bucket, request.key, &range);
  if (status == 206) read.range = range;
  if (!head_only) read.body = std::move(response);
  return read;
}

Result<bool> S3ForwardBackend::DeleteObject(std::string_view bucket, std::string_view key) {
  Result<s3::ObjectInfo> existing = Head(bucket, key);
  if (!existing.ok() && existing.error().code() != "NoSuchKey") return existing.error();
  Call call;
  call.method = "DELETE";
  call.bucket = std::string(bucket);
  call.key = std::string(key);
  IRSA_TRY(std::string answer, SendForDocument(call));
  (void)answer;
  return existing.ok();
}

Result<s3::ObjectInfo> S3ForwardBackend::CopyObject(const s3::CopyObjectRequest& request) {
  Call call;
  call.method = "PUT";
  call.bucket = request.bucket;
  call.key = request.key;
  call.headers.emplace_back("x-amz-copy-source", Path(request.source_bucket, request.source_key));
  AddReadConditions(call.headers, request.source_conditions, "x-amz-copy-source-");
  if (request.metadata_directive == s3::Directive::kReplace) {
    call.headers.emplace_back("x-amz-metadata-directive", "REPLACE");
    AddMetadata(call.headers, request.metadata);
  }
  if (request.tagging_directive == s3::Directive::kReplace) {
    call.headers.emplace_back("x-amz-tagging-directive", "REPLACE");
    AddTags(call.headers, request.tags);
  }
  if (request.checksum_algorithm) {
    call.headers.emplace_back("x-amz-checksum-algorithm",
                              std::string(s3::ChecksumAlgorithmName(*request.checksum_algorithm)));
  }
  AddWriteConditions(call.headers, request.conditions);
  IRSA_TRY(std::string body, SendForDocument(call));
  // S3 may report a failed copy inside a 200.
  IRSA_TRY(XmlElement result, ParseXmlTree(body, kMaxDocument));
  if (result.name == "Error") return UpstreamError(500, body, call.not_found);
  return Head(request.bucket, request.key);
}

Result<s3::ListObjectsResult> S3ForwardBackend::ListObjects(const s3::ListObjectsRequest& request) {
  Call call;
  call.bucket = request.bucket;
  call.not_found = "NoSuchBucket";
  Append(call.query, QueryParam("list-type", "2"));
  Append(call.query, QueryParam("encoding-type", "url"));
  Append(call.query, QueryParam("max-keys", std::to_string(request.max_keys)));
  if (!request.prefix.empty()) Append(call.query, QueryParam("prefix", request.prefix));
  if (!request.delimiter.empty()) Append(call.query, QueryParam("delimiter", request.delimiter));
  if (!request.after.empty()) {
    std::string after = request.after;
    if (!request.delimiter.empty() && after.ends_with(request.delimiter)) {
      after += kAfterEverything;
    }
    Append(call.query, QueryParam("start-after", after));
  }
  IRSA_TRY(std::string body, SendForDocument(call));
  IRSA_TRY(XmlElement tree, ParseXmlTree(body, kMaxDocument));
  auto decode = [](const std::string& text) { return PercentDecode(text, true).value_or(text); };
  s3::ListObjectsResult result;
  for (const XmlElement& e : tree.children) {
    if (e.name == "Contents") {
      s3::ObjectSummary o;
      o.key = decode(e.ChildText("Key"));
      o.size = ToInt(e.ChildText("Size"));
      o.etag = e.ChildText("ETag");
      o.last_modified = IsoTime(e.ChildText("LastModified"));
      o.checksum_algorithm = s3::ParseChecksumAlgorithm(e.ChildText("ChecksumAlgorithm"));
      if (o.checksum_algorithm) {
        o.checksum_type = e.ChildText("ChecksumType") == "COMPOSITE"
                              ? s3::ChecksumType::kComposite
                              : s3::ChecksumType::kFullObject;
      }
      result.last = std::max(result.last, o.key);
      result.objects.push_back(std::move(o));
    } else if (e.name == "CommonPrefixes") {
      std::string prefix = decode(e.ChildText("Prefix"));
      result.last = std::max(result.last, prefix);
      result.common_prefixes.push_back(std::move(prefix));
    }
  }
  result.truncated = tree.ChildText("IsTruncated") == "true";
  return result;
}

Result<s3::TagSet> S3ForwardBackend::GetObjectTagging(std::string_view bucket,
                                                      std::string_view key) {
  Call call;
  call.bucket = std::string(bucket);
  call.key = std::string(key);
  call.query = "tagging=";
  IRSA_TRY(std::string body, SendForDocument(call));
  return ParseTagging(body);
}

Status S3ForwardBackend::PutObjectTagging(std::string_view bucket, std::string_view key,
                                          const s3::TagSet& tags) {
  Call call;
  call.bucket = std::string(bucket);
  call.key = std::string(key);
  call.query = "tagging=";
  if (tags.empty()) {
    call.method = "DELETE";
  } else {
    call.method = "PUT";
    call.document = TaggingBody(tags);
    call.headers.emplace_back("content-md5", Base64Encode(s3::Md5(call.document)));
  }
  IRSA_TRY(std::string answer, SendForDocument(call));
  (void)answer;
  return OkStatus();
}

}  // namespace irsa::protocol
