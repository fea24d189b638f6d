// S3 over REST-XML: the operation table. Every S3 operation irsa serves is identified here from
// its method, address (bucket, key) and subresource, and declares its IAM action, the resource it
// names (arn:aws:s3:::bucket or arn:aws:s3:::bucket/key) and the S3 condition keys it supplies,
// as the Service Authorization Reference lists them. The dispatcher (protocol/s3_rest.h) builds
// the authz::AccessRequest from the declaration, with the bucket policy as the resource policy
// and the bucket owner as the resource account, and asks the one Authorizer before the operation
// runs.
//
// Condition keys every operation supplies: s3:authType (REST-HEADER | REST-QUERY-STRING),
// s3:signatureversion (AWS4-HMAC-SHA256), s3:x-amz-content-sha256 (as declared),
// s3:ResourceAccount (the bucket owner; the caller's account for CreateBucket and ListBuckets),
// plus the global keys the Authorizer adds (aws:SecureTransport, aws:SourceIp, aws:Principal*…).
// Operation keys: see the table in s3_access.cc and docs/authorization.md.
//
// Thread-safety: the table is immutable; functions are reentrant.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authz/access.h"
#include "base/http_types.h"
#include "base/result.h"
#include "protocol/authorization_doc.h"
#include "protocol/query_params.h"
#include "protocol/sigv4.h"
#include "s3/buckets.h"
#include "s3/tags.h"

namespace irsa::protocol {

// Where an S3 request points, from its Host (virtual-hosted style) or path (path style).
struct S3Address {
  std::string bucket;  // empty: the service (ListBuckets)
  std::string key;     // empty: the bucket
  bool virtual_hosted = false;
};

// The bucket of a virtual-hosted Host: "BUCKET.s3.<anything>" (e.g. my-bucket.s3.localhost:8080,
// my-bucket.s3.us-east-1.amazonaws.com); empty when the host is not of that form.
std::string VirtualHostedBucket(std::string_view host);
// The address of `request`: the Host's bucket and the whole path as key, or the path's first
// segment as bucket and the rest as key.
S3Address S3AddressOf(const HttpRequest& request);
// True when `request` is for S3: a virtual-hosted or "s3."-prefixed Host, or a SigV4 credential
// scope (Authorization header or X-Amz-Credential) naming the service "s3".
bool IsS3Request(const HttpRequest& request);

enum class S3Level { kService, kBucket, kObject };

// What an operation reads for its condition keys.
enum class S3Keys : unsigned {
  kNone = 0,
  kListing = 1 << 0,             // s3:prefix, s3:delimiter, s3:max-keys
  kExistingObjectTags = 1 << 1,  // s3:ExistingObjectTag/<key>
  kRequestObjectTags = 1 << 2,   // s3:RequestObjectTag/<key>, s3:RequestObjectTagKeys
  kWriteHeaders = 1 << 3,        // s3:x-amz-storage-class, s3:x-amz-acl (as sent)
  kCopySource = 1 << 4,          // s3:x-amz-copy-source, s3:x-amz-metadata-directive
  kLocation = 1 << 5,            // s3:LocationConstraint
};
constexpr S3Keys operator|(S3Keys a, S3Keys b) {
  return static_cast<S3Keys>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool Has(S3Keys set, S3Keys key) {
  return (static_cast<unsigned>(set) & static_cast<unsigned>(key)) != 0;
}

struct S3Operation {
  std::string_view name;    // "GetObject"
  std::string_view action;  // "s3:GetObject"
  S3Level level;
  S3Keys keys;
  // CopyObject, UploadPartCopy: also s3:GetObject on the source object.
  bool reads_copy_source = false;
  // DeleteObjects: s3:DeleteObject is decided for each key it names.
  bool per_key = false;
};

// Every operation of the table.
const std::vector<S3Operation>& S3Operations();
const S3Operation* FindS3Operation(std::string_view name);

// The operation `request` asks for. NotImplemented for a subresource irsa does not serve (acl,
// cors, lifecycle, …), MethodNotAllowed for a method the address does not take.
Result<const S3Operation*> IdentifyS3Operation(const HttpRequest& request, const S3Address& address,
                                               const QueryParams& query);

// What building the access of one request needs besides the table.
struct S3AccessInput {
  const HttpRequest& http;
  const QueryParams& query;
  std::string bucket;
  std::string key;
  std::string resource_account;     // the bucket owner, or the caller's account without one
  const SigV4Request* signature;    // null: anonymous
  const s3::TagSet* existing_tags;  // the object's tags, null when unknown or absent
  const s3::TagSet* request_tags;   // the tags the request sets, null when none
  std::string location_constraint;  // CreateBucket's CreateBucketConfiguration
};

// The AccessRequest of `op` (action, resource, keys); the caller adds the resource policy.
authz::AccessRequest BuildS3Access(const S3Operation& op, const S3AccessInput& input);

// The condition keys `op` claims, as docs/authorization.md lists them ("${TagKey}" stands for
// a tag key).
std::vector<std::string> S3OperationKeys(const S3Operation& op);

// The table's documentation (docs/authorization.md).
std::vector<OperationDoc> DocumentS3Table();

}  // namespace irsa::protocol
