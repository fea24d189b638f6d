#include "protocol/s3_forward_backend.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "base/encoding.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "protocol/s3_xml.h"
#include "protocol/s3_xml_parse.h"
#include "s3/buckets.h"
#include "s3/errors.h"

namespace irsa::protocol {

namespace s3e = s3::errors;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct S3ForwardBackend::Call {
  std::string method = "GET";
  std::string bucket;
  std::string key;             // empty: a bucket-level call
  std::string query;           // encoded, without '?'
  Headers headers;             // sent and signed
  std::string document;        // a small body, signed by its SHA-256
  ByteSource* body = nullptr;  // a streamed body (UNSIGNED-PAYLOAD)
  std::optional<uint64_t> content_length;
  bool has_document = false;            // send `document` (even empty) with a Content-Length
  std::string not_found = "NoSuchKey";  // what a 404 without an S3 error body means
};

namespace {

constexpr size_t kMaxDocument = 16 << 20;
// Greater than any UTF-8 key continuing a prefix: listing after a common prefix skips its keys.
constexpr std::string_view kAfterEverything = "\xF4\x8F\xBF\xBF";

bool IsCredentialRefusal(std::string_view code) {
  for (std::string_view c :
       {"AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken",
        "InvalidToken", "RequestTimeTooSkewed", "AuthorizationHeaderMalformed",
        "XAmzContentSHA256Mismatch", "InvalidRequest"}) {
    if (code == c) return true;
  }
  return false;
}

Error UpstreamError(int status, std::string_view body, const std::string& not_found) {
  std::string code;
  std::string message;
  if (!body.empty()) {
    Result<XmlElement> tree = ParseXmlTree(body, kMaxDocument);
    if (tree.ok() && tree->name == "Error") {
      code = tree->ChildText("Code");
      message = tree->ChildText("Message");
    }
  }
  if (status == 304) return s3e::NotModified();
  if (code.empty()) {
    switch (status) {
      case 404:
        code = not_found;
        break;
      case 412:
        return s3e::PreconditionFailed("If-Match");
      case 416:
        return s3e::InvalidRange();
      case 403:
        code = "AccessDenied";
        break;
      default:
        return s3e::InternalError("The forward store answered HTTP " + std::to_string(status) +
                                  ".");
    }
  }
  if (IsCredentialRefusal(code)) {
    return s3e::InternalError("The forward store refused irsa's request (" + code +
                              "): check --s3-forward-* credentials and region.");
  }
  if (code == "NoSuchKey") return s3e::NoSuchKey();
  if (code == "NoSuchBucket") return s3e::NoSuchBucket();
  if (code == "NoSuchUpload") return s3e::NoSuchUpload();
  if (code == "PreconditionFailed") return s3e::PreconditionFailed("If-Match");
  if (code == "InvalidRange") return s3e::InvalidRange();
  if (message.empty()) message = code;
  return Error(code, status >= 200 && status < 300 ? 500 : status, message);
}

Result<std::string> ReadAll(StreamResponse& response, size_t limit) {
  std::string out;
  char buffer[16 * 1024];
  while (true) {
    IRSA_TRY(size_t n, response.Read(buffer, sizeof buffer));
    if (n == 0) return out;
    if (out.size() + n > limit)
      return s3e::InternalError("The forward store's answer is too long.");
    out.append(buffer, n);
  }
}

void AddMetadata(Headers& h, const s3::ObjectMetadata& m) {
  auto add = [&h](std::string_view name, const std::string& value) {
    if (!value.empty()) h.emplace_back(std::string(name), value);
  };
  add("content-type", m.content_type);
  add("cache-control", m.cache_control);
  add("content-disposition", m.content_disposition);
  add("content-encoding", m.content_encoding);
  add("content-language", m.content_language);
  add("expires", m.expires);
  for (const auto& [name, value] : m.user) {
    h.emplace_back(std::string(s3::kUserMetadataPrefix) + name, value);
  }
}

void AddTags(Headers& h, const s3::TagSet& tags) {
  if (!tags.empty()) h.emplace_back("x-amz-tagging", s3::FormatTaggingHeader(tags));
}

void AddDigests(Headers& h, const s3::DeclaredDigests& d) {
  if (d.content_md5) h.emplace_back("content-md5", Base64Encode(*d.content_md5));
  if (d.checksum_algorithm && d.checksum) {
    h.emplace_back(std::string(s3::ChecksumHeaderName(*d.checksum_algorithm)),
                   Base64Encode(*d.checksum));
  }
}

void AddWriteConditions(Headers& h, const s3::WriteConditions& c) {
  if (c.if_match) h.emplace_back("if-match", *c.if_match);
  if (c.if_none_match) h.emplace_back("if-none-match", *c.if_none_match);
}

void AddReadConditions(Headers& h, const s3::ReadConditions& c, std::string_view prefix) {
  const std::string p(prefix);
  if (c.if_match) h.emplace_back(p + "if-match", *c.if_match);
  if (c.if_none_match) h.emplace_back(p + "if-none-match", *c.if_none_match);
  if (c.if_modified_since) h.emplace_back(p + "if-modified-since", *c.if_modified_since);
  if (c.if_unmodified_since) h.emplace_back(p + "if-unmodified-since", *c.if_unmodified_since);
}

std::string QueryParam(std::string_view name, std::string_view value) {
  return std::string(name) + "=" + PercentEncode(value);
}

void Append(std::string& query, const std::string& param) {
  if (!query.empty()) query += '&';
  query += param;
}

int64_t ToInt(std::string_view text) {
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return value;
    value = value * 10 + (c - '0');
  }
  return value;
}

SystemTime IsoTime(const std::string& text) { return ParseIso8601(text).value_or(SystemTime{}); }

std::optional<s3::Checksum> ChecksumFrom(const std::function<std::string(std::string_view)>& get,
                                         std::string_view type) {
  for (s3::ChecksumAlgorithm algorithm :
       {s3::ChecksumAlgorithm::kCrc32, s3::ChecksumAlgorithm::kCrc32c, s3::ChecksumAlgorithm::kSha1,
        s3::ChecksumAlgorithm::kSha256}) {
    std::string value = get(s3::ChecksumHeaderName(algorithm));
    if (value.empty()) continue;
    s3::Checksum checksum;
    checksum.algorithm = algorithm;
    checksum.type = type == "COMPOSITE" || value.find('-') != std::string::npos
                        ? s3::ChecksumType::kComposite
                        : s3::ChecksumType::kFullObject;
    checksum.value = std::move(value);
    return checksum;
  }
  return std::nullopt;
}

// An XML element's checksum children (ChecksumCRC32, ...).
std::optional<s3::Checksum> ChecksumOfElement(const XmlElement& e) {
  return ChecksumFrom(
      [&e](std::string_view header) {
        // x-amz-checksum-crc32 -> ChecksumCRC32
        std::string name =
            "Checksum" + AsciiUpper(header.substr(std::string_view("x-amz-checksum-").size()));
        return e.ChildText(name);
      },
      e.ChildText("ChecksumType"));
}

// ObjectInfo from a GET/HEAD response's headers; `range` gets the Content-Range, if any.
s3::ObjectInfo InfoFromHeaders(const StreamResponse& r, std::string_view bucket,
                               std::string_view key, std::optional<s3::ByteRange>* range) {
  s3::ObjectInfo info;
  info.bucket = std::string(bucket);
  info.key = std::string(key);
  info.etag = r.Header("etag");
  info.size = ToInt(r.Header("content-length"));
  const std::string content_range = r.Header("content-range");
  if (content_range.starts_with("bytes ")) {
    size_t dash = content_range.find('-');
    size_t slash = content_range.find('/');
    if (dash != std::string::npos && slash != std::string::npos && dash < slash) {
      s3::ByteRange selected{ToInt(std::string_view(content_range).substr(6)),
                             ToInt(std::string_view(content_range).substr(dash + 1))};
      info.size = ToInt(std::string_view(content_range).substr(slash + 1));
      if (range != nullptr) *range = selected;
    }
  }
  info.last_modified = ParseHttpDate(r.Header("last-modified")).value_or(SystemTime{});
  s3::ObjectMetadata& m = info.metadata;
  m.content_type = r.Header("content-type");
  m.cache_control = r.Header("cache-control");
  m.content_disposition = r.Header("content-disposition");
  m.content_encoding = r.Header("content-encoding");
  m.content_language = r.Header("content-language");
  m.expires = r.Header("expires");
  for (const auto& [name, value] : r.headers()) {
    if (name.starts_with(s3::kUserMetadataPrefix)) {
      (void)s3::AddUserMetadata(m.user, name.substr(s3::kUserMetadataPrefix.size()), value);
    }
  }
  info.tag_count = static_cast<size_t>(ToInt(r.Header("x-amz-tagging-count")));
  info.parts_count = static_cast<int>(ToInt(r.Header("x-amz-mp-parts-count")));
  info.checksum = ChecksumFrom([&r](std::string_view h) { return r.Header(h); },
                               r.Header("x-amz-checksum-type"));
  return info;
}

std::string RangeHeader(const s3::RangeSpec& spec) {
  if (!spec.first) return "bytes=-" + std::to_string(spec.suffix_length);
  std::string out = "bytes=" + std::to_string(*spec.first) + "-";
  if (spec.last) out += std::to_string(*spec.last);
  return out;
}

std::string XmlEscaped(std::string_view text) {
  std::string out;
  AppendXmlEscaped(out, text);
  return out;
}

}  // namespace

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

// ---- Multipart uploads ----

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
