#include "protocol/s3_operations.h"

#include <map>
#include <memory>

#include "protocol/s3_headers.h"
#include "protocol/s3_xml.h"
#include "protocol/s3_xml_parse.h"
#include "s3/errors.h"
#include "s3/multipart.h"

namespace irsa::protocol {
namespace {

namespace s3e = s3::errors;

using Handler = Result<HttpResponse> (*)(S3Call&);

HttpResponse NoBody(int status, const S3Call& call) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("x-amz-request-id", call.http.request_id);
  return r;
}

HttpResponse Xml(std::string body, const S3Call& call, int status = 200) {
  return S3XmlResponse(std::move(body), call.http.request_id, status);
}

std::string Param(const S3Call& call, std::string_view name) {
  return std::string(call.query.Get(name).value_or(""));
}

Result<std::optional<int>> IntParam(const S3Call& call, std::string_view name) {
  std::optional<std::string_view> text = call.query.Get(name);
  if (!text) return std::optional<int>();
  IRSA_TRY(int value, s3::ParseMaxKeys(*text, name));
  return std::optional<int>(value);
}

Result<s3::EncodingType> Encoding(const S3Call& call) {
  std::optional<std::string_view> text = call.query.Get("encoding-type");
  if (!text) return s3::EncodingType::kNone;
  return s3::ParseEncodingType(*text);
}

const std::string& Bucket(const S3Call& call) { return call.address.bucket; }
const std::string& Key(const S3Call& call) { return call.address.key; }

// ---- Buckets ----

Result<HttpResponse> ListBuckets(S3Call& call) {
  s3::ListBucketsRequest request;
  request.owner = call.caller.account;
  request.prefix = Param(call, "prefix");
  request.continuation_token = Param(call, "continuation-token");
  if (std::optional<std::string_view> max = call.query.Get("max-buckets")) {
    IRSA_TRY(int n, s3::ParseMaxKeys(*max, "max-buckets"));
    if (n < 1) return s3e::InvalidArgument("max-buckets must be between 1 and 10000.");
    request.max_buckets = n;
  }
  IRSA_TRY(s3::ListBucketsResult result, call.service.ListBuckets(request));
  return Xml(ListBucketsBody(result, call.caller.account, request.prefix), call);
}

Result<HttpResponse> CreateBucket(S3Call& call) {
  s3::CreateBucketRequest request;
  request.bucket = Bucket(call);
  request.owner = call.caller.account;
  IRSA_TRY(request.location_constraint, ParseCreateBucketConfiguration(call.document));
  IRSA_TRY(s3::BucketRecord record, call.service.CreateBucket(request));
  HttpResponse r = NoBody(200, call);
  r.headers.emplace_back("Location", "/" + record.name);
  return r;
}

Result<HttpResponse> DeleteBucket(S3Call& call) {
  IRSA_RETURN_IF_ERROR(call.service.DeleteBucket(Bucket(call)));
  return NoBody(204, call);
}

Result<HttpResponse> HeadBucket(S3Call& call) {
  IRSA_TRY(s3::BucketRecord record, call.service.HeadBucket(Bucket(call)));
  HttpResponse r = NoBody(200, call);
  r.headers.emplace_back("x-amz-bucket-region", record.region);
  return r;
}

Result<HttpResponse> ListObjectsV2(S3Call& call) {
  s3::ListObjectsV2Request request;
  request.bucket = Bucket(call);
  request.prefix = Param(call, "prefix");
  request.delimiter = Param(call, "delimiter");
  IRSA_TRY(std::optional<int> max, IntParam(call, "max-keys"));
  if (max) request.max_keys = *max;
  if (std::optional<std::string_view> token = call.query.Get("continuation-token")) {
    request.continuation_token = std::string(*token);
  }
  request.start_after = Param(call, "start-after");
  request.fetch_owner = call.query.Get("fetch-owner") == "true";
  IRSA_TRY(request.encoding, Encoding(call));
  IRSA_TRY(s3::ListObjectsV2Result result, call.service.ListObjectsV2(request));
  return Xml(ListObjectsV2Body(result), call);
}

Result<HttpResponse> ListObjects(S3Call& call) {
  s3::ListObjectsV1Request request;
  request.bucket = Bucket(call);
  request.prefix = Param(call, "prefix");
  request.delimiter = Param(call, "delimiter");
  request.marker = Param(call, "marker");
  IRSA_TRY(std::optional<int> max, IntParam(call, "max-keys"));
  if (max) request.max_keys = *max;
  IRSA_TRY(request.encoding, Encoding(call));
  IRSA_TRY(s3::ListObjectsV1Result result, call.service.ListObjects(request));
  return Xml(ListObjectsV1Body(result), call);
}

Result<HttpResponse> GetBucketLocation(S3Call& call) {
  IRSA_TRY(std::string location, call.service.GetBucketLocation(Bucket(call)));
  return Xml(LocationConstraintBody(location), call);
}

Result<HttpResponse> PutBucketPolicy(S3Call& call) {
  IRSA_RETURN_IF_ERROR(call.service.PutBucketPolicy(Bucket(call), call.document));
  return NoBody(204, call);
}

Result<HttpResponse> GetBucketPolicy(S3Call& call) {
  IRSA_TRY(std::string policy, call.service.GetBucketPolicy(Bucket(call)));
  HttpResponse r = NoBody(200, call);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(policy);
  return r;
}

Result<HttpResponse> DeleteBucketPolicy(S3Call& call) {
  IRSA_RETURN_IF_ERROR(call.service.DeleteBucketPolicy(Bucket(call)));
  return NoBody(204, call);
}

Result<HttpResponse> GetBucketPolicyStatus(S3Call& call) {
  IRSA_TRY(bool is_public, call.service.GetBucketPolicyStatus(Bucket(call)));
  return Xml(PolicyStatusBody(is_public), call);
}

Result<HttpResponse> PutBucketTagging(S3Call& call) {
  IRSA_TRY(s3::TagSet tags, ParseTagging(call.document));
  IRSA_RETURN_IF_ERROR(call.service.PutBucketTagging(Bucket(call), tags));
  return NoBody(204, call);
}

Result<HttpResponse> GetBucketTagging(S3Call& call) {
  IRSA_TRY(s3::TagSet tags, call.service.GetBucketTagging(Bucket(call)));
  return Xml(TaggingBody(tags), call);
}

Result<HttpResponse> DeleteBucketTagging(S3Call& call) {
  IRSA_RETURN_IF_ERROR(call.service.DeleteBucketTagging(Bucket(call)));
  return NoBody(204, call);
}

Result<HttpResponse> GetBucketVersioning(S3Call& call) {
  IRSA_TRY(s3::BucketRecord record, call.service.HeadBucket(Bucket(call)));
  return Xml(VersioningConfigurationBody(), call);
}

Result<HttpResponse> ListMultipartUploads(S3Call& call) {
  s3::ListMultipartUploadsRequest request;
  request.bucket = Bucket(call);
  request.prefix = Param(call, "prefix");
  request.delimiter = Param(call, "delimiter");
  request.key_marker = Param(call, "key-marker");
  request.upload_id_marker = Param(call, "upload-id-marker");
  IRSA_TRY(std::optional<int> max, IntParam(call, "max-uploads"));
  if (max) request.max_uploads = *max;
  IRSA_TRY(s3::EncodingType encoding, Encoding(call));
  IRSA_TRY(s3::ListMultipartUploadsResult result, call.service.ListMultipartUploads(request));
  return Xml(ListMultipartUploadsBody(result, request, encoding), call);
}

// Deletes the keys the caller may delete; the others are reported as AccessDenied, in order.
Result<HttpResponse> DeleteObjects(S3Call& call) {
  IRSA_TRY(DeleteObjectsInput input, ParseDeleteObjects(call.document));
  std::vector<s3::DeleteObjectsEntryResult> results(input.objects.size());
  std::vector<std::string> allowed;
  std::vector<size_t> allowed_at;
  for (size_t i = 0; i < input.objects.size(); ++i) {
    const DeleteObjectsInput::Entry& entry = input.objects[i];
    results[i].key = entry.key;
    if (entry.version_id && *entry.version_id != "null") {
      results[i].error = s3e::NoSuchKey("Versioning is never enabled: no such version.");
      continue;
    }
    if (Status may = call.authorize_delete(entry.key); !may.ok()) {
      results[i].error = may.error();
      continue;
    }
    allowed.push_back(entry.key);
    allowed_at.push_back(i);
  }
  if (!allowed.empty()) {
    IRSA_TRY(std::vector<s3::DeleteObjectsEntryResult> deleted,
             call.service.DeleteObjects(Bucket(call), allowed));
    for (size_t j = 0; j < deleted.size() && j < allowed_at.size(); ++j) {
      results[allowed_at[j]] = std::move(deleted[j]);
    }
  }
  return Xml(DeleteResultBody(results, input.quiet), call);
}

// ---- Objects ----

std::vector<std::pair<std::string, std::string>> ResponseOverrides(const S3Call& call) {
  std::vector<std::pair<std::string, std::string>> overrides;
  for (std::string_view name : {"content-type", "content-language", "expires", "cache-control",
                                "content-disposition", "content-encoding"}) {
    if (std::optional<std::string_view> value = call.query.Get("response-" + std::string(name))) {
      overrides.emplace_back(std::string(name), std::string(*value));
    }
  }
  return overrides;
}

Result<HttpResponse> ReadObject(S3Call& call, bool head) {
  IRSA_TRY(s3::GetObjectRequest request,
           ParseGetObject(call.http, Bucket(call), Key(call), call.query.Get("partNumber")));
  IRSA_TRY(s3::ObjectRead read,
           head ? call.service.HeadObject(request) : call.service.GetObject(request));
  HttpResponse r;
  r.status = ObjectResponseStatus(read);
  r.headers = ObjectResponseHeaders(read, call.http.Header("x-amz-checksum-mode") == "ENABLED",
                                    ResponseOverrides(call));
  r.headers.emplace_back("x-amz-request-id", call.http.request_id);
  const int64_t length = read.range ? read.range->length() : read.info.size;
  // HEAD: the Content-Length a GET would have (the HTTP server sends no body).
  if (head && (r.status == 200 || r.status == 206)) r.content_length = length;
  if (!head && read.body) {
    // Streamed from the backend while it is sent, through one fixed buffer: memory does not grow
    // with the object. An error while streaming (a storage failure) truncates the response (the
    // server closes the connection), which the client sees as a short body.
    std::shared_ptr<ByteSource> source(std::move(read.body));
    r.content_length = static_cast<uint64_t>(length);
    r.body_writer = [source](ByteSink& sink) -> Status {
      std::unique_ptr<char[]> buffer(new char[s3::kTransferBufferSize]);
      while (true) {
        IRSA_TRY(size_t n, source->Read(buffer.get(), s3::kTransferBufferSize));
        if (n == 0) return OkStatus();
        IRSA_RETURN_IF_ERROR(sink.Write(std::string_view(buffer.get(), n)));
      }
    };
  }
  return r;
}

Result<HttpResponse> GetObject(S3Call& call) { return ReadObject(call, false); }
Result<HttpResponse> HeadObject(S3Call& call) { return ReadObject(call, true); }

Result<HttpResponse> PutObject(S3Call& call) {
  IRSA_TRY(s3::PutObjectRequest request, ParsePutObject(call.http, Bucket(call), Key(call)));
  IRSA_TRY(s3::ObjectInfo info, call.service.PutObject(request, *call.object_body));
  HttpResponse r = NoBody(200, call);
  for (auto& header : PutObjectResponseHeaders(info)) r.headers.push_back(std::move(header));
  return r;
}

Result<HttpResponse> CopyObject(S3Call& call) {
  IRSA_TRY(s3::CopyObjectRequest request, ParseCopyObject(call.http, Bucket(call), Key(call)));
  IRSA_TRY(s3::ObjectInfo info, call.service.CopyObject(request));
  HttpResponse r = Xml(CopyObjectResultBody(info), call);
  for (auto& header : PutObjectResponseHeaders(info)) {
    if (header.first != "ETag") r.headers.push_back(std::move(header));
  }
  return r;
}

Result<HttpResponse> DeleteObject(S3Call& call) {
  IRSA_RETURN_IF_ERROR(call.service.DeleteObject(Bucket(call), Key(call)));
  return NoBody(204, call);
}

Result<HttpResponse> GetObjectTagging(S3Call& call) {
  IRSA_TRY(s3::TagSet tags, call.service.GetObjectTagging(Bucket(call), Key(call)));
  return Xml(TaggingBody(tags), call);
}

Result<HttpResponse> PutObjectTagging(S3Call& call) {
  IRSA_TRY(s3::TagSet tags, ParseTagging(call.document));
  IRSA_RETURN_IF_ERROR(call.service.PutObjectTagging(Bucket(call), Key(call), tags));
  return NoBody(200, call);
}

Result<HttpResponse> DeleteObjectTagging(S3Call& call) {
  IRSA_RETURN_IF_ERROR(call.service.DeleteObjectTagging(Bucket(call), Key(call)));
  return NoBody(204, call);
}

// ---- Multipart uploads ----

Result<HttpResponse> CreateMultipartUpload(S3Call& call) {
  IRSA_TRY(s3::CreateMultipartUploadRequest request,
           ParseCreateMultipartUpload(call.http, Bucket(call), Key(call)));
  IRSA_TRY(s3::MultipartUploadInfo upload, call.service.CreateMultipartUpload(request));
  HttpResponse r = Xml(InitiateMultipartUploadBody(upload), call);
  for (auto& header : CreateMultipartUploadResponseHeaders(upload)) {
    r.headers.push_back(std::move(header));
  }
  return r;
}

Result<std::string_view> UploadIdParam(const S3Call& call) {
  std::optional<std::string_view> id = call.query.Get("uploadId");
  if (!id || id->empty()) return s3e::InvalidArgument("uploadId is required.");
  return *id;
}

Result<HttpResponse> UploadPart(S3Call& call) {
  IRSA_TRY(std::string_view upload_id, UploadIdParam(call));
  IRSA_TRY(s3::UploadPartRequest request,
           ParseUploadPart(call.http, Bucket(call), Key(call), upload_id,
                           call.query.Get("partNumber").value_or("")));
  IRSA_TRY(s3::PartInfo part, call.service.UploadPart(request, *call.object_body));
  HttpResponse r = NoBody(200, call);
  for (auto& header : UploadPartResponseHeaders(part)) r.headers.push_back(std::move(header));
  return r;
}

Result<HttpResponse> UploadPartCopy(S3Call& call) {
  IRSA_TRY(std::string_view upload_id, UploadIdParam(call));
  IRSA_TRY(s3::UploadPartCopyRequest request,
           ParseUploadPartCopy(call.http, Bucket(call), Key(call), upload_id,
                               call.query.Get("partNumber").value_or("")));
  IRSA_TRY(s3::PartInfo part, call.service.UploadPartCopy(request));
  return Xml(CopyPartResultBody(part), call);
}

Result<HttpResponse> CompleteMultipartUpload(S3Call& call) {
  IRSA_TRY(std::string_view upload_id, UploadIdParam(call));
  s3::CompleteMultipartUploadRequest request;
  request.bucket = Bucket(call);
  request.key = Key(call);
  request.upload_id = std::string(upload_id);
  IRSA_TRY(request.parts, ParseCompleteMultipartUpload(call.document));
  request.conditions = ParseWriteConditions(call.http);
  IRSA_TRY(s3::ObjectInfo info, call.service.CompleteMultipartUpload(request));
  const std::string scheme = call.http.secure ? "https://" : "http://";
  const std::string host(call.http.Header("host"));
  const std::string location =
      call.address.virtual_hosted
          ? scheme + host + "/" + S3UrlEncode(Key(call))
          : scheme + host + "/" + Bucket(call) + "/" + S3UrlEncode(Key(call));
  HttpResponse r = Xml(CompleteMultipartUploadBody(info, location), call);
  for (auto& header : PutObjectResponseHeaders(info)) {
    if (header.first != "ETag") r.headers.push_back(std::move(header));
  }
  return r;
}

Result<HttpResponse> AbortMultipartUpload(S3Call& call) {
  IRSA_TRY(std::string_view upload_id, UploadIdParam(call));
  IRSA_RETURN_IF_ERROR(call.service.AbortMultipartUpload(Bucket(call), Key(call), upload_id));
  return NoBody(204, call);
}

Result<HttpResponse> ListParts(S3Call& call) {
  IRSA_TRY(std::string_view upload_id, UploadIdParam(call));
  s3::ListPartsRequest request;
  request.bucket = Bucket(call);
  request.key = Key(call);
  request.upload_id = std::string(upload_id);
  if (std::optional<std::string_view> marker = call.query.Get("part-number-marker")) {
    IRSA_TRY(int n, s3::ParseMaxKeys(*marker, "part-number-marker"));
    request.part_number_marker = n;
  }
  IRSA_TRY(std::optional<int> max, IntParam(call, "max-parts"));
  if (max) request.max_parts = *max;
  IRSA_TRY(s3::ListPartsResult result, call.service.ListParts(request));
  return Xml(ListPartsBody(result, request), call);
}

const std::map<std::string_view, Handler>& Handlers() {
  static const auto* handlers = new std::map<std::string_view, Handler>{
      {"ListBuckets", ListBuckets},
      {"CreateBucket", CreateBucket},
      {"DeleteBucket", DeleteBucket},
      {"HeadBucket", HeadBucket},
      {"ListObjects", ListObjects},
      {"ListObjectsV2", ListObjectsV2},
      {"GetBucketLocation", GetBucketLocation},
      {"PutBucketPolicy", PutBucketPolicy},
      {"GetBucketPolicy", GetBucketPolicy},
      {"DeleteBucketPolicy", DeleteBucketPolicy},
      {"GetBucketPolicyStatus", GetBucketPolicyStatus},
      {"PutBucketTagging", PutBucketTagging},
      {"GetBucketTagging", GetBucketTagging},
      {"DeleteBucketTagging", DeleteBucketTagging},
      {"GetBucketVersioning", GetBucketVersioning},
      {"ListMultipartUploads", ListMultipartUploads},
      {"DeleteObjects", DeleteObjects},
      {"GetObject", GetObject},
      {"HeadObject", HeadObject},
      {"PutObject", PutObject},
      {"CopyObject", CopyObject},
      {"DeleteObject", DeleteObject},
      {"GetObjectTagging", GetObjectTagging},
      {"PutObjectTagging", PutObjectTagging},
      {"DeleteObjectTagging", DeleteObjectTagging},
      {"CreateMultipartUpload", CreateMultipartUpload},
      {"UploadPart", UploadPart},
      {"UploadPartCopy", UploadPartCopy},
      {"CompleteMultipartUpload", CompleteMultipartUpload},
      {"AbortMultipartUpload", AbortMultipartUpload},
      {"ListParts", ListParts},
  };
  return *handlers;
}

}  // namespace

bool StreamsObjectBody(std::string_view operation) {
  return operation == "PutObject" || operation == "UploadPart";
}

Result<HttpResponse> RunS3Operation(std::string_view operation, S3Call& call) {
  auto it = Handlers().find(operation);
  // Every operation of the table has a handler (s3_rest_test checks it).
  if (it == Handlers().end()) return s3e::NotImplemented(std::string(operation));
  return it->second(call);
}

Result<std::string> ReadWhole(ByteSource& source, size_t limit) {
  std::string out;
  char buffer[16 * 1024];
  while (true) {
    IRSA_TRY(size_t n, source.Read(buffer, sizeof buffer));
    if (n == 0) return out;
    if (out.size() + n > limit) return s3e::EntityTooLarge();
    out.append(buffer, n);
  }
}

}  // namespace irsa::protocol
