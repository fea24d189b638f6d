#include "protocol/s3_access.h"

#include <algorithm>
#include <array>

#include "base/encoding.h"
#include "s3/errors.h"

namespace irsa::protocol {
namespace {

namespace s3e = s3::errors;

std::string AsciiLowerCopy(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The host without its port ("[::1]:80" -> "[::1]", "a.s3.localhost:8080" -> "a.s3.localhost").
std::string_view HostName(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    return close == std::string_view::npos ? host : host.substr(0, close + 1);
  }
  size_t colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

// The SigV4 credential-scope service of `request` ("" when unsigned or malformed), read without
// verifying anything: routing only.
bool ScopeIsS3(const HttpRequest& request) {
  std::string_view authorization = request.Header("authorization");
  if (!authorization.empty()) {
    size_t at = authorization.find("Credential=");
    if (at == std::string_view::npos) return false;
    std::string_view credential = authorization.substr(at + 11);
    credential = credential.substr(0, credential.find_first_of(", "));
    return AsciiLowerCopy(credential).ends_with("/s3/aws4_request");
  }
  std::string lower = AsciiLowerCopy(request.query);
  size_t at = lower.find("x-amz-credential=");
  if (at == std::string::npos || (at > 0 && lower[at - 1] != '&')) return false;
  std::string_view credential = std::string_view(lower).substr(at + 17);
  credential = credential.substr(0, credential.find('&'));
  return credential.ends_with("%2fs3%2faws4_request") || credential.ends_with("/s3/aws4_request");
}

// Subresources of S3's API that irsa does not serve: refused, never mistaken for another call.
constexpr std::array<std::string_view, 27> kUnservedSubresources = {
    "acl",
    "accelerate",
    "analytics",
    "attributes",
    "cors",
    "encryption",
    "intelligent-tiering",
    "inventory",
    "legal-hold",
    "lifecycle",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "ownershipControls",
    "publicAccessBlock",
    "replication",
    "requestPayment",
    "restore",
    "retention",
    "select",
    "torrent",
    "versions",
    "website",
    "renameObject",
    "session",
    "metadataTable",
};

Error MethodNotAllowed(std::string_view method) {
  return Error("MethodNotAllowed", 405,
               "The specified method is not allowed against this resource: " +
                   std::string(method.substr(0, 16)) + ".");
}

constexpr S3Keys kNone = S3Keys::kNone;

}  // namespace

std::string VirtualHostedBucket(std::string_view host) {
  std::string name = AsciiLowerCopy(HostName(host));
  size_t at = name.rfind(".s3.");
  if (at == std::string::npos || at == 0) return "";
  return name.substr(0, at);
}

S3Address S3AddressOf(const HttpRequest& request) {
  S3Address address;
  std::string_view path = request.path;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  address.bucket = VirtualHostedBucket(request.Header("host"));
  if (!address.bucket.empty()) {
    address.virtual_hosted = true;
    address.key = std::string(path);
    return address;
  }
  size_t slash = path.find('/');
  address.bucket = std::string(path.substr(0, slash));
  if (slash != std::string_view::npos) address.key = std::string(path.substr(slash + 1));
  return address;
}

bool IsS3Request(const HttpRequest& request) {
  std::string host = AsciiLowerCopy(HostName(request.Header("host")));
  if (host.starts_with("s3.") || !VirtualHostedBucket(host).empty()) return true;
  return ScopeIsS3(request);
}

const std::vector<S3Operation>& S3Operations() {
  using K = S3Keys;
  using L = S3Level;
  static const auto* table = new std::vector<S3Operation>{
      {"ListBuckets", "s3:ListAllMyBuckets", L::kService, kNone},
      {"CreateBucket", "s3:CreateBucket", L::kBucket, K::kLocation | K::kWriteHeaders},
      {"DeleteBucket", "s3:DeleteBucket", L::kBucket, kNone},
      {"HeadBucket", "s3:ListBucket", L::kBucket, kNone},
      {"ListObjects", "s3:ListBucket", L::kBucket, K::kListing},
      {"ListObjectsV2", "s3:ListBucket", L::kBucket, K::kListing},
      {"GetBucketLocation", "s3:GetBucketLocation", L::kBucket, kNone},
      {"PutBucketPolicy", "s3:PutBucketPolicy", L::kBucket, kNone},
      {"GetBucketPolicy", "s3:GetBucketPolicy", L::kBucket, kNone},
      {"DeleteBucketPolicy", "s3:DeleteBucketPolicy", L::kBucket, kNone},
      {"GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", L::kBucket, kNone},
      {"PutBucketTagging", "s3:PutBucketTagging", L::kBucket, kNone},
      {"GetBucketTagging", "s3:GetBucketTagging", L::kBucket, kNone},
      // S3 authorizes DeleteBucketTagging as s3:PutBucketTagging.
      {"DeleteBucketTagging", "s3:PutBucketTagging", L::kBucket, kNone},
      {"GetBucketVersioning", "s3:GetBucketVersioning", L::kBucket, kNone},
      {"ListMultipartUploads", "s3:ListBucketMultipartUploads", L::kBucket, kNone},
      {"DeleteObjects", "s3:DeleteObject", L::kObject, kNone, false, /*per_key=*/true},
      {"GetObject", "s3:GetObject", L::kObject, K::kExistingObjectTags},
      {"HeadObject", "s3:GetObject", L::kObject, K::kExistingObjectTags},
      {"PutObject", "s3:PutObject", L::kObject, K::kRequestObjectTags | K::kWriteHeaders},
      {"CopyObject", "s3:PutObject", L::kObject,
       K::kRequestObjectTags | K::kWriteHeaders | K::kCopySource, /*reads_copy_source=*/true},
      {"DeleteObject", "s3:DeleteObject", L::kObject, kNone},
      {"GetObjectTagging", "s3:GetObjectTagging", L::kObject, K::kExistingObjectTags},
      {"PutObjectTagging", "s3:PutObjectTagging", L::kObject,
       K::kExistingObjectTags | K::kRequestObjectTags},
      {"DeleteObjectTagging", "s3:DeleteObjectTagging", L::kObject, K::kExistingObjectTags},
      {"CreateMultipartUpload", "s3:PutObject", L::kObject,
       K::kRequestObjectTags | K::kWriteHeaders},
      {"UploadPart", "s3:PutObject", L::kObject, kNone},
      {"UploadPartCopy", "s3:PutObject", L::kObject, K::kCopySource, /*reads_copy_source=*/true},
      {"CompleteMultipartUpload", "s3:PutObject", L::kObject, kNone},
      {"AbortMultipartUpload", "s3:AbortMultipartUpload", L::kObject, kNone},
      {"ListParts", "s3:ListMultipartUploadParts", L::kObject, kNone},
  };
  return *table;
}

const S3Operation* FindS3Operation(std::string_view name) {
  for (const S3Operation& op : S3Operations()) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

Result<const S3Operation*> IdentifyS3Operation(const HttpRequest& request, const S3Address& address,
                                               const QueryParams& query) {
  for (std::string_view sub : kUnservedSubresources) {
    if (query.Has(sub)) {
      return s3e::NotImplemented("irsa does not serve the S3 subresource ?" + std::string(sub) +
                                 " (see docs/s3.md).");
    }
  }
  const std::string& m = request.method;
  auto op = [](std::string_view name) -> Result<const S3Operation*> {
    return FindS3Operation(name);
  };
  if (address.bucket.empty()) {
    if (m == "GET") return op("ListBuckets");
    return MethodNotAllowed(m);
  }
  if (address.key.empty()) {
    if (m == "GET") {
      if (query.Has("location")) return op("GetBucketLocation");
      if (query.Has("policy")) return op("GetBucketPolicy");
      if (query.Has("policyStatus")) return op("GetBucketPolicyStatus");
      if (query.Has("tagging")) return op("GetBucketTagging");
      if (query.Has("versioning")) return op("GetBucketVersioning");
      if (query.Has("uploads")) return op("ListMultipartUploads");
      if (query.Get("list-type") == "2") return op("ListObjectsV2");
      return op("ListObjects");
    }
    if (m == "HEAD") return op("HeadBucket");
    if (m == "PUT") {
      if (query.Has("policy")) return op("PutBucketPolicy");
      if (query.Has("tagging")) return op("PutBucketTagging");
      if (query.Has("versioning")) {
        return s3e::NotImplemented("Versioning is never enabled by irsa (see docs/s3.md).");
      }
      return op("CreateBucket");
    }
    if (m == "DELETE") {
      if (query.Has("policy")) return op("DeleteBucketPolicy");
      if (query.Has("tagging")) return op("DeleteBucketTagging");
      return op("DeleteBucket");
    }
    if (m == "POST" && query.Has("delete")) return op("DeleteObjects");
    return MethodNotAllowed(m);
  }
  const bool copy = request.HasHeader("x-amz-copy-source");
  if (m == "GET") {
    if (query.Has("uploadId")) return op("ListParts");
    if (query.Has("tagging")) return op("GetObjectTagging");
    return op("GetObject");
  }
  if (m == "HEAD") return op("HeadObject");
  if (m == "PUT") {
    if (query.Has("partNumber") || query.Has("uploadId")) {
      return op(copy ? "UploadPartCopy" : "UploadPart");
    }
    if (query.Has("tagging")) return op("PutObjectTagging");
    return op(copy ? "CopyObject" : "PutObject");
  }
  if (m == "DELETE") {
    if (query.Has("uploadId")) return op("AbortMultipartUpload");
    if (query.Has("tagging")) return op("DeleteObjectTagging");
    return op("DeleteObject");
  }
  if (m == "POST") {
    if (query.Has("uploads")) return op("CreateMultipartUpload");
    if (query.Has("uploadId")) return op("CompleteMultipartUpload");
  }
  return MethodNotAllowed(m);
}

authz::AccessRequest BuildS3Access(const S3Operation& op, const S3AccessInput& input) {
  authz::AccessRequest access;
  access.action = std::string(op.action);
  switch (op.level) {
    case S3Level::kService:
      access.resource = "*";
      break;
    case S3Level::kBucket:
      access.resource = "arn:aws:s3:::" + input.bucket;
      break;
    case S3Level::kObject:
      access.resource = "arn:aws:s3:::" + input.bucket + "/" + input.key;
      break;
  }
  access.resource_account = input.resource_account;
  policy::RequestContext& context = access.context;
  context.Set("s3:ResourceAccount", input.resource_account);
  if (input.signature != nullptr) {
    context.Set("s3:authType", input.signature->form == SigV4Request::Form::kPresigned
                                   ? "REST-QUERY-STRING"
                                   : "REST-HEADER");
    context.Set("s3:signatureversion", "AWS4-HMAC-SHA256");
  }
  if (input.http.HasHeader("x-amz-content-sha256")) {
    context.Set("s3:x-amz-content-sha256", std::string(input.http.Header("x-amz-content-sha256")));
  }
  if (Has(op.keys, S3Keys::kListing)) {
    // Absent parameters are absent keys, as in S3 (a Null condition tells them apart).
    for (std::string_view name : {"prefix", "delimiter", "max-keys"}) {
      if (std::optional<std::string_view> value = input.query.Get(name)) {
        context.Set("s3:" + std::string(name), std::string(*value));
      }
    }
  }
  if (Has(op.keys, S3Keys::kExistingObjectTags) && input.existing_tags != nullptr) {
    for (const s3::Tag& tag : *input.existing_tags) {
      context.Set("s3:ExistingObjectTag/" + tag.key, tag.value);
    }
  }
  if (Has(op.keys, S3Keys::kRequestObjectTags) && input.request_tags != nullptr) {
    std::vector<std::string> keys;
    for (const s3::Tag& tag : *input.request_tags) {
      context.Set("s3:RequestObjectTag/" + tag.key, tag.value);
      keys.push_back(tag.key);
    }
    context.SetMulti("s3:RequestObjectTagKeys", std::move(keys));
  }
  if (Has(op.keys, S3Keys::kWriteHeaders)) {
    for (std::string_view header : {"x-amz-storage-class", "x-amz-acl"}) {
      if (input.http.HasHeader(header)) {
        context.Set("s3:" + std::string(header), std::string(input.http.Header(header)));
      }
    }
  }
  if (Has(op.keys, S3Keys::kCopySource)) {
    for (std::string_view header : {"x-amz-copy-source", "x-amz-metadata-directive"}) {
      if (input.http.HasHeader(header)) {
        context.Set("s3:" + std::string(header), std::string(input.http.Header(header)));
      }
    }
  }
  if (Has(op.keys, S3Keys::kLocation) && !input.location_constraint.empty()) {
    context.Set("s3:LocationConstraint", input.location_constraint);
  }
  return access;
}

std::vector<std::string> S3OperationKeys(const S3Operation& op) {
  std::vector<std::string> keys = {"s3:ResourceAccount", "s3:authType", "s3:signatureversion",
                                   "s3:x-amz-content-sha256"};
  if (Has(op.keys, S3Keys::kListing)) {
    keys.insert(keys.end(), {"s3:prefix", "s3:delimiter", "s3:max-keys"});
  }
  if (Has(op.keys, S3Keys::kExistingObjectTags)) keys.push_back("s3:ExistingObjectTag/${TagKey}");
  if (Has(op.keys, S3Keys::kRequestObjectTags)) {
    keys.insert(keys.end(), {"s3:RequestObjectTag/${TagKey}", "s3:RequestObjectTagKeys"});
  }
  if (Has(op.keys, S3Keys::kWriteHeaders)) {
    keys.insert(keys.end(), {"s3:x-amz-storage-class", "s3:x-amz-acl"});
  }
  if (Has(op.keys, S3Keys::kCopySource)) {
    keys.insert(keys.end(), {"s3:x-amz-copy-source", "s3:x-amz-metadata-directive"});
  }
  if (Has(op.keys, S3Keys::kLocation)) keys.push_back("s3:LocationConstraint");
  return keys;
}

std::vector<OperationDoc> DocumentS3Table() {
  std::vector<OperationDoc> out;
  for (const S3Operation& op : S3Operations()) {
    OperationDoc doc;
    doc.service = "s3";
    doc.operation = std::string(op.name);
    doc.action = std::string(op.action);
    doc.resource = op.level == S3Level::kService  ? "*"
                   : op.level == S3Level::kBucket ? "bucket"
                                                  : "object";
    for (const std::string& key : S3OperationKeys(op)) {
      std::string source;
      if (key == "s3:ResourceAccount") {
        source = "the bucket owner";
      } else if (key == "s3:authType" || key == "s3:signatureversion") {
        source = "the signature";
      } else if (key.starts_with("s3:ExistingObjectTag")) {
        source = "the object's tags";
      } else if (key.starts_with("s3:RequestObjectTag")) {
        source = op.name == "PutObjectTagging" ? "the Tagging body" : "x-amz-tagging";
      } else if (key == "s3:LocationConstraint") {
        source = "CreateBucketConfiguration";
      } else if (key == "s3:prefix" || key == "s3:delimiter" || key == "s3:max-keys") {
        source = "query parameter";
      } else {
        source = "header";
      }
      doc.keys.push_back("`" + key + "` (" + source + ")");
    }
    doc.authorization =
        "identity policies, permissions boundary, session policies and the bucket policy";
    if (op.reads_copy_source) doc.authorization += "; also s3:GetObject on the copy source";
    if (op.per_key) doc.authorization += "; decided for each key (object resource)";
    if (op.name == "ListBuckets") doc.authorization = "identity policies (the caller's buckets)";
    if (op.name == "CreateBucket") {
      doc.authorization = "identity policies, permissions boundary, session policies";
    }
    out.push_back(std::move(doc));
  }
  std::sort(out.begin(), out.end(),
            [](const OperationDoc& a, const OperationDoc& b) { return a.operation < b.operation; });
  return out;
}

}  // namespace irsa::protocol
