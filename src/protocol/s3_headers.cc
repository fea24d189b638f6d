#include "protocol/s3_headers.h"

#include "base/encoding.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "protocol/sigv4_chunked.h"
#include "s3/errors.h"
#include "s3/multipart.h"
#include "s3/text.h"

namespace irsa::protocol {
namespace {

namespace s3e = s3::errors;

constexpr s3::ChecksumAlgorithm kAlgorithms[] = {
    s3::ChecksumAlgorithm::kCrc32, s3::ChecksumAlgorithm::kCrc32c, s3::ChecksumAlgorithm::kSha1,
    s3::ChecksumAlgorithm::kSha256};

std::optional<std::string> OptionalHeader(const HttpRequest& request, std::string_view name) {
  if (!request.HasHeader(name)) return std::nullopt;
  return std::string(request.Header(name));
}

// Content-Encoding without the aws-chunked coding ("aws-chunked,gzip" -> "gzip").
std::string StoredContentEncoding(std::string_view header) {
  std::string out;
  for (std::string_view coding : Split(header, ',')) {
    coding = TrimWhitespace(coding);
    if (coding.empty() || EqualsIgnoreCase(coding, "aws-chunked")) continue;
    if (!out.empty()) out += ',';
    out += coding;
  }
  return out;
}

Result<s3::Directive> ParseDirective(const HttpRequest& request, std::string_view name) {
  if (!request.HasHeader(name)) return s3::Directive::kCopy;
  std::string_view value = TrimWhitespace(request.Header(name));
  if (value == "COPY") return s3::Directive::kCopy;
  if (value == "REPLACE") return s3::Directive::kReplace;
  return s3e::InvalidArgument("Unknown " + std::string(name) + " value: " + s3::XmlSafeText(value));
}

Result<s3::TagSet> ParseTaggingHeaderOf(const HttpRequest& request) {
  if (!request.HasHeader("x-amz-tagging")) return s3::TagSet{};
  return s3::ParseTaggingHeader(request.Header("x-amz-tagging"));
}

void Add(Headers& headers, std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
}

void AddChecksum(Headers& headers, const std::optional<s3::Checksum>& checksum) {
  if (!checksum) return;
  Add(headers, std::string(s3::ChecksumHeaderName(checksum->algorithm)), checksum->value);
  Add(headers, "x-amz-checksum-type", std::string(s3::ChecksumTypeName(checksum->type)));
}

}  // namespace

Result<s3::ObjectMetadata> ParseObjectMetadata(const HttpRequest& request) {
  s3::ObjectMetadata m;
  for (const auto& [name, value] : request.headers) {
    if (name == "content-type") m.content_type = value;
    if (name == "cache-control") m.cache_control = value;
    if (name == "content-disposition") m.content_disposition = value;
    if (name == "content-encoding") m.content_encoding = StoredContentEncoding(value);
    if (name == "content-language") m.content_language = value;
    if (name == "expires") m.expires = value;
    if (name.size() > s3::kUserMetadataPrefix.size() &&
        name.compare(0, s3::kUserMetadataPrefix.size(), s3::kUserMetadataPrefix) == 0) {
      IRSA_RETURN_IF_ERROR(s3::AddUserMetadata(
          m.user, std::string_view(name).substr(s3::kUserMetadataPrefix.size()), value));
    }
  }
  IRSA_RETURN_IF_ERROR(s3::ValidateUserMetadata(m.user));
  return m;
}

Result<s3::DeclaredDigests> ParseDeclaredDigests(const HttpRequest& request) {
  s3::DeclaredDigests d;
  if (request.HasHeader("content-md5")) {
    IRSA_TRY(d.content_md5, s3::ParseContentMd5(request.Header("content-md5")));
  }
  for (s3::ChecksumAlgorithm algorithm : kAlgorithms) {
    std::string_view header = s3::ChecksumHeaderName(algorithm);
    if (!request.HasHeader(header)) continue;
    if (d.checksum) {
      return s3e::InvalidRequest(
          "Expecting a single x-amz-checksum- header. Multiple checksum "
          "Types are not allowed.");
    }
    IRSA_TRY(d.checksum, s3::ParseChecksumValue(algorithm, request.Header(header)));
    d.checksum_algorithm = algorithm;
  }
  std::optional<s3::ChecksumAlgorithm> declared;
  if (request.HasHeader("x-amz-sdk-checksum-algorithm")) {
    declared =
        s3::ParseChecksumAlgorithm(TrimWhitespace(request.Header("x-amz-sdk-checksum-algorithm")));
    if (!declared) {
      return s3e::InvalidRequest(
          "Checksum algorithm provided is unsupported. Please try again "
          "with any of the valid types: [CRC32, CRC32C, SHA1, SHA256]");
    }
  }
  IRSA_TRY(std::optional<s3::ChecksumAlgorithm> trailer, S3TrailerChecksum(request));
  for (const std::optional<s3::ChecksumAlgorithm>& other : {declared, trailer}) {
    if (!other) continue;
    if (d.checksum_algorithm && *d.checksum_algorithm != *other) {
      return s3e::InvalidRequest(
          "Value for x-amz-sdk-checksum-algorithm header is invalid: it names another checksum "
          "than the one sent.");
    }
    d.checksum_algorithm = other;
  }
  if (trailer && d.checksum) {
    return s3e::InvalidRequest("A checksum cannot be both a header and a trailer.");
  }
  return d;
}

s3::ReadConditions ParseReadConditions(const HttpRequest& request) {
  return s3::ReadConditions{
      OptionalHeader(request, "if-match"), OptionalHeader(request, "if-none-match"),
      OptionalHeader(request, "if-modified-since"), OptionalHeader(request, "if-unmodified-since")};
}

s3::ReadConditions ParseCopySourceConditions(const HttpRequest& request) {
  return s3::ReadConditions{OptionalHeader(request, "x-amz-copy-source-if-match"),
                            OptionalHeader(request, "x-amz-copy-source-if-none-match"),
                            OptionalHeader(request, "x-amz-copy-source-if-modified-since"),
                            OptionalHeader(request, "x-amz-copy-source-if-unmodified-since")};
}

s3::WriteConditions ParseWriteConditions(const HttpRequest& request) {
  return s3::WriteConditions{OptionalHeader(request, "if-match"),
                             OptionalHeader(request, "if-none-match")};
}

Result<CopySource> ParseCopySource(std::string_view header) {
  std::string_view text = TrimWhitespace(header);
  std::string_view query;
  size_t q = text.find('?');
  if (q != std::string_view::npos) {
    query = text.substr(q + 1);
    text = text.substr(0, q);
  }
  if (!query.empty()) {
    std::optional<std::string> version;
    if (query.substr(0, 10) == "versionId=") version = PercentDecode(query.substr(10), false);
    if (!version || *version != "null") {
      return s3e::InvalidArgument(
          "Invalid version id specified: versioning is not enabled on any bucket");
    }
  }
  std::optional<std::string> decoded = PercentDecode(text, /*plus_as_space=*/false);
  if (!decoded) return s3e::InvalidArgument("Invalid copy source encoding");
  std::string_view path = *decoded;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size()) {
    return s3e::InvalidArgument(
        "Copy Source must mention the source bucket and key: "
        "sourcebucket/sourcekey");
  }
  return CopySource{std::string(path.substr(0, slash)), std::string(path.substr(slash + 1))};
}

Status RejectUnsupportedObjectHeaders(const HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (name.rfind("x-amz-server-side-encryption-customer-", 0) == 0 ||
        name.rfind("x-amz-copy-source-server-side-encryption-customer-", 0) == 0 ||
        name.rfind("x-amz-object-lock-", 0) == 0 || name == "x-amz-website-redirect-location" ||
        name.rfind("x-amz-grant-", 0) == 0 || name == "x-amz-write-offset-bytes") {
      return s3e::NotImplemented(
          "A header you provided implies functionality that is not "
          "implemented: " +
          name);
    }
    if (name == "x-amz-storage-class" && TrimWhitespace(value) != s3::kStorageClass) {
      return s3e::InvalidStorageClass("irsa stores every object in the STANDARD storage class");
    }
    if (name == "x-amz-acl") {
      std::string_view acl = TrimWhitespace(value);
      if (acl != "private" && acl != "bucket-owner-full-control") {
        return s3e::NotImplemented(
            "ACLs are not served: every object belongs to the bucket "
            "owner (x-amz-acl: private only)");
      }
    }
  }
  return OkStatus();
}

Result<s3::PutObjectRequest> ParsePutObject(const HttpRequest& request, std::string_view bucket,
                                            std::string_view key) {
  IRSA_RETURN_IF_ERROR(RejectUnsupportedObjectHeaders(request));
  s3::PutObjectRequest r;
  r.bucket = std::string(bucket);
  r.key = std::string(key);
  IRSA_TRY(r.metadata, ParseObjectMetadata(request));
  IRSA_TRY(r.tags, ParseTaggingHeaderOf(request));
  IRSA_TRY(r.content_length, S3DecodedContentLength(request));
  IRSA_TRY(r.digests, ParseDeclaredDigests(request));
  r.conditions = ParseWriteConditions(request);
  return r;
}

Result<s3::GetObjectRequest> ParseGetObject(const HttpRequest& request, std::string_view bucket,
                                            std::string_view key,
                                            std::optional<std::string_view> part_number) {
  IRSA_RETURN_IF_ERROR(RejectUnsupportedObjectHeaders(request));
  s3::GetObjectRequest r;
  r.bucket = std::string(bucket);
  r.key = std::string(key);
  if (request.HasHeader("range")) r.range = s3::ParseRangeHeader(request.Header("range"));
  if (part_number) {
    IRSA_TRY(int n, s3::ParsePartNumber(*part_number));
    r.part_number = n;
  }
  r.conditions = ParseReadConditions(request);
  return r;
}

Result<s3::CopyObjectRequest> ParseCopyObject(const HttpRequest& request, std::string_view bucket,
                                              std::string_view key) {
  IRSA_RETURN_IF_ERROR(RejectUnsupportedObjectHeaders(request));
  s3::CopyObjectRequest r;
  IRSA_TRY(CopySource source, ParseCopySource(request.Header("x-amz-copy-source")));
  r.source_bucket = std::move(source.bucket);
  r.source_key = std::move(source.key);
  r.source_conditions = ParseCopySourceConditions(request);
  r.bucket = std::string(bucket);
  r.key = std::string(key);
  IRSA_TRY(r.metadata_directive, ParseDirective(request, "x-amz-metadata-directive"));
  IRSA_TRY(r.tagging_directive, ParseDirective(request, "x-amz-tagging-directive"));
  if (r.metadata_directive == s3::Directive::kReplace) {
    IRSA_TRY(r.metadata, ParseObjectMetadata(request));
  }
  if (r.tagging_directive == s3::Directive::kReplace) {
    IRSA_TRY(r.tags, ParseTaggingHeaderOf(request));
  }
  if (request.HasHeader("x-amz-checksum-algorithm")) {
    r.checksum_algorithm = s3::ParseChecksumAlgorithm(request.Header("x-amz-checksum-algorithm"));
    if (!r.checksum_algorithm)
      return s3e::InvalidRequest("Checksum algorithm provided is unsupported.");
  }
  r.conditions = ParseWriteConditions(request);
  return r;
}

Result<s3::CreateMultipartUploadRequest> ParseCreateMultipartUpload(const HttpRequest& request,
                                                                    std::string_view bucket,
                                                                    std::string_view key) {
  IRSA_RETURN_IF_ERROR(RejectUnsupportedObjectHeaders(request));
  s3::CreateMultipartUploadRequest r;
  r.bucket = std::string(bucket);
  r.key = std::string(key);
  IRSA_TRY(r.metadata, ParseObjectMetadata(request));
  IRSA_TRY(r.tags, ParseTaggingHeaderOf(request));
  if (request.HasHeader("x-amz-checksum-algorithm")) {
    r.checksum_algorithm = s3::ParseChecksumAlgorithm(request.Header("x-amz-checksum-algorithm"));
    if (!r.checksum_algorithm)
      return s3e::InvalidRequest("Checksum algorithm provided is unsupported.");
  }
  if (request.HasHeader("x-amz-checksum-type") &&
      TrimWhitespace(request.Header("x-amz-checksum-type")) != "COMPOSITE") {
    return s3e::NotImplemented("Only COMPOSITE checksums of multipart uploads are served.");
  }
  return r;
}

Result<s3::UploadPartRequest> ParseUploadPart(const HttpRequest& request, std::string_view bucket,
                                              std::string_view key, std::string_view upload_id,
                                              std::string_view part_number) {
  IRSA_RETURN_IF_ERROR(RejectUnsupportedObjectHeaders(request));
  s3::UploadPartRequest r;
  r.bucket = std::string(bucket);
  r.key = std::string(key);
  r.upload_id = std::string(upload_id);
  IRSA_TRY(r.part_number, s3::ParsePartNumber(part_number));
  IRSA_TRY(r.content_length, S3DecodedContentLength(request));
  IRSA_TRY(r.digests, ParseDeclaredDigests(request));
  return r;
}

Result<s3::UploadPartCopyRequest> ParseUploadPartCopy(const HttpRequest& request,
                                                      std::string_view bucket, std::string_view key,
                                                      std::string_view upload_id,
                                                      std::string_view part_number) {
  IRSA_RETURN_IF_ERROR(RejectUnsupportedObjectHeaders(request));
  s3::UploadPartCopyRequest r;
  r.bucket = std::string(bucket);
  r.key = std::string(key);
  r.upload_id = std::string(upload_id);
  IRSA_TRY(r.part_number, s3::ParsePartNumber(part_number));
  IRSA_TRY(CopySource source, ParseCopySource(request.Header("x-amz-copy-source")));
  r.source_bucket = std::move(source.bucket);
  r.source_key = std::move(source.key);
  r.source_range = OptionalHeader(request, "x-amz-copy-source-range");
  r.source_conditions = ParseCopySourceConditions(request);
  return r;
}

Headers ObjectResponseHeaders(const s3::ObjectRead& read, bool checksum_mode,
                              const std::vector<std::pair<std::string, std::string>>& overrides) {
  const s3::ObjectInfo& info = read.info;
  const s3::ObjectMetadata& m = info.metadata;
  Headers h;
  Add(h, "Last-Modified", FormatHttpDate(info.last_modified));
  Add(h, "ETag", info.etag);
  Add(h, "Accept-Ranges", "bytes");
  int64_t length = read.range ? read.range->length() : info.size;
  Add(h, "Content-Length", std::to_string(length));
  if (read.range) Add(h, "Content-Range", s3::ContentRangeHeader(*read.range, info.size));
  std::vector<std::pair<std::string_view, std::string>> system = {
      {"Content-Type",
       m.content_type.empty() ? std::string(s3::kDefaultContentType) : m.content_type},
      {"Cache-Control", m.cache_control},
      {"Content-Disposition", m.content_disposition},
      {"Content-Encoding", m.content_encoding},
      {"Content-Language", m.content_language},
      {"Expires", m.expires}};
  for (auto& [name, value] : system) {
    for (const auto& [override_name, override_value] : overrides) {
      if (EqualsIgnoreCase(override_name, name)) value = override_value;
    }
    if (!value.empty()) Add(h, std::string(name), value);
  }
  for (const auto& [name, value] : m.user) Add(h, "x-amz-meta-" + name, value);
  if (info.tag_count > 0) Add(h, "x-amz-tagging-count", std::to_string(info.tag_count));
  if (info.parts_count > 0) Add(h, "x-amz-mp-parts-count", std::to_string(info.parts_count));
  if (checksum_mode && !read.range) AddChecksum(h, info.checksum);
  return h;
}

int ObjectResponseStatus(const s3::ObjectRead& read) { return read.range ? 206 : 200; }

Headers PutObjectResponseHeaders(const s3::ObjectInfo& info) {
  Headers h;
  Add(h, "ETag", info.etag);
  AddChecksum(h, info.checksum);
  return h;
}

Headers UploadPartResponseHeaders(const s3::PartInfo& part) {
  Headers h;
  Add(h, "ETag", part.etag);
  if (part.checksum) {
    Add(h, std::string(s3::ChecksumHeaderName(part.checksum->algorithm)), part.checksum->value);
  }
  return h;
}

Headers CreateMultipartUploadResponseHeaders(const s3::MultipartUploadInfo& upload) {
  Headers h;
  if (upload.checksum_algorithm) {
    Add(h, "x-amz-checksum-algorithm",
        std::string(s3::ChecksumAlgorithmName(*upload.checksum_algorithm)));
    Add(h, "x-amz-checksum-type", "COMPOSITE");
  }
  return h;
}

}  // namespace irsa::protocol
