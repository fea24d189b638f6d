#include "protocol/s3_rest.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "base/encoding.h"
#include "policy/policy.h"
#include "protocol/s3_access.h"
#include "protocol/s3_headers.h"
#include "protocol/s3_operations.h"
#include "protocol/s3_xml.h"
#include "protocol/s3_xml_parse.h"
#include "protocol/sigv4_chunked.h"
#include "s3/errors.h"

namespace irsa::protocol {
namespace {

namespace s3e = s3::errors;

// S3's names for the authentication failures the shared SigV4 code reports in the Query
// services' vocabulary.
Error S3AuthError(const Error& error) {
  if (error.code() == "InvalidClientTokenId") {
    return Error("InvalidAccessKeyId", 403,
                 "The AWS Access Key Id you provided does not exist in our records.");
  }
  if (error.code() == "IncompleteSignature") {
    return Error("AuthorizationHeaderMalformed", 400, error.message());
  }
  return error;
}

// Passes `source` through, failing with `too_large` once more than `limit` bytes arrived.
class LimitedSource final : public ByteSource {
 public:
  LimitedSource(ByteSource& source, size_t limit, Error too_large)
      : source_(source), left_(limit), too_large_(std::move(too_large)) {}
  Result<size_t> Read(char* out, size_t max) override {
    IRSA_TRY(size_t n, source_.Read(out, max));
    if (n > left_) return too_large_;
    left_ -= n;
    return n;
  }

 private:
  ByteSource& source_;
  size_t left_;
  Error too_large_;
};

SigV4Options S3SigV4Options(const HttpRequest& request) {
  SigV4Options options;
  options.max_skew = std::chrono::minutes(15);
  options.payload = SigV4Options::Payload::kDeclared;
  options.allow_unsigned_payload = request.secure;
  options.presigned_unsigned_payload = true;
  options.s3_errors = true;
  return options;
}

class S3Dispatcher {
 public:
  S3Dispatcher(const Authenticator& authn, const authz::Authorizer& authz, s3::S3Service& service,
               S3HandlerOptions options)
      : authn_(authn), authz_(authz), service_(service), options_(options) {}

  // `streamed`: the body as it arrives from the connection; null: the body is `request.body`.
  HttpResponse Handle(HttpRequest& request, ByteSource* streamed) const;

 private:
  // The bucket's record, or nullopt when there is no such bucket (or the name is invalid: the
  // operation reports it once authorized).
  Result<std::optional<s3::BucketRecord>> LookUpBucket(const std::string& bucket) const;
  Result<policy::CompiledPolicyPtr> BucketPolicy(const std::optional<s3::BucketRecord>& b) const;
  // Authorizes `op` on bucket/key as `caller`; `input_template` supplies the request facts.
  Status AuthorizeOn(const S3Operation& op, const authz::Caller& caller,
                     const std::optional<s3::BucketRecord>& bucket, S3AccessInput input,
                     const authz::RequestFacts& facts) const;

  const Authenticator& authn_;
  const authz::Authorizer& authz_;
  s3::S3Service& service_;
  S3HandlerOptions options_;
  // Bucket policies compiled once per text (DESIGN: untrusted documents are compiled once and
  // evaluated many times); emptied when it reaches kMaxCachedPolicies.
  static constexpr size_t kMaxCachedPolicies = 1024;
  mutable std::mutex policies_mu_;
  mutable std::unordered_map<std::string, policy::CompiledPolicyPtr> policies_;
};

Result<std::optional<s3::BucketRecord>> S3Dispatcher::LookUpBucket(
    const std::string& bucket) const {
  if (bucket.empty()) return std::optional<s3::BucketRecord>();
  Result<s3::BucketRecord> record = service_.HeadBucket(bucket);
  if (record.ok()) return std::optional<s3::BucketRecord>(std::move(*record));
  if (record.error().code() == "NoSuchBucket" || record.error().code() == "InvalidBucketName") {
    return std::optional<s3::BucketRecord>();
  }
  return record.error();
}

Result<policy::CompiledPolicyPtr> S3Dispatcher::BucketPolicy(
    const std::optional<s3::BucketRecord>& bucket) const {
  if (!bucket || bucket->policy.empty()) return policy::CompiledPolicyPtr();
  {
    std::lock_guard<std::mutex> lock(policies_mu_);
    if (auto it = policies_.find(bucket->policy); it != policies_.end()) return it->second;
  }
  Result<policy::CompiledPolicyPtr> compiled =
      policy::CompilePolicy(bucket->policy, policy::PolicyKind::kResource);
  // PutBucketPolicy validated it; a stored policy that no longer compiles decides nothing.
  if (!compiled.ok()) {
    return s3e::InternalError("The bucket policy of " + bucket->name + " cannot be evaluated.");
  }
  std::lock_guard<std::mutex> lock(policies_mu_);
  if (policies_.size() >= kMaxCachedPolicies) policies_.clear();
  policies_.emplace(bucket->policy, *compiled);
  return *compiled;
}

Status S3Dispatcher::AuthorizeOn(const S3Operation& op, const authz::Caller& caller,
                                 const std::optional<s3::BucketRecord>& bucket, S3AccessInput input,
                                 const authz::RequestFacts& facts) const {
  input.resource_account = bucket ? bucket->owner : caller.account;
  authz::AccessRequest access = BuildS3Access(op, input);
  IRSA_TRY(access.resource_policy, BucketPolicy(bucket));
  return authz_.Authorize(caller, access, facts);
}

HttpResponse S3Dispatcher::Handle(HttpRequest& request, ByteSource* streamed) const {
  const S3Address address = S3AddressOf(request);
  S3ErrorContext context;
  context.resource = ToValidUtf8(request.path.substr(0, 2048));
  context.request_id = request.request_id;
  context.bucket = address.bucket;
  context.key = address.key;
  context.head = request.method == "HEAD";
  std::string_view label = "Unknown";
  const authz::Caller* principal = nullptr;
  auto finish = [&](HttpResponse response) {
    response.labels.service = "s3";
    response.labels.action = std::string(label);
    if (principal != nullptr && principal->type != authz::CallerType::kAnonymous) {
      response.labels.principal = principal->arn;
    }
    return response;
  };
  auto fail = [&](const Error& error) { return finish(RenderS3Error(error, context)); };

  Result<QueryParams> query = QueryParams::Parse("", request.query);
  if (!query.ok()) return fail(s3e::InvalidArgument(query.error().message()));
  if (std::optional<std::string_view> upload_id = query->Get("uploadId")) {
    context.upload_id = std::string(*upload_id);
  }
  Result<const S3Operation*> identified = IdentifyS3Operation(request, address, *query);
  if (!identified.ok()) return fail(identified.error());
  const S3Operation& op = **identified;
  label = op.name;

  // Signature Version 2 (AWSAccessKeyId/Signature, "Authorization: AWS key:sig") is refused rather
  // than treated as anonymous: the client meant to sign.
  if (request.Header("authorization").starts_with("AWS ") || query->Has("AWSAccessKeyId")) {
    return fail(s3e::InvalidRequest(
        "The authorization mechanism you have provided is not supported. Please use "
        "AWS4-HMAC-SHA256."));
  }
  SignatureDetails signature;
  Result<AuthResult> auth = authn_.Authenticate(request, S3SigV4Options(request), &signature);
  if (!auth.ok()) return fail(S3AuthError(auth.error()));
  const authz::Caller& caller = auth->caller;
  principal = &caller;

  // Bodies: object bytes up to the limit (declared or received); documents up to theirs.
  const bool object_body = StreamsObjectBody(op.name);
  const size_t limit = object_body ? options_.max_body_bytes : options_.max_document_bytes;
  const Error too_large = s3e::EntityTooLarge(
      object_body ? "Your proposed upload exceeds the maximum allowed size of this irsa node "
                    "(--s3-max-body-bytes " +
                        std::to_string(options_.max_body_bytes) + "); use a multipart upload."
                  : "Your request body exceeds the maximum allowed size of " +
                        std::to_string(options_.max_document_bytes) + " bytes.");
  Result<std::optional<int64_t>> declared = S3DecodedContentLength(request);
  if (!declared.ok()) return fail(declared.error());
  if ((*declared && **declared > static_cast<int64_t>(limit)) ||
      request.body.size() > S3WireBodyLimit(limit)) {
    return fail(too_large);
  }
  StringSource whole(request.body);
  // Streamed: the wire bytes (framing included) and the decoded bytes are both capped while
  // they arrive, so a body without a declared length cannot run past the limit either.
  LimitedSource raw(streamed != nullptr ? *streamed : whole, S3WireBodyLimit(limit), too_large);
  S3RequestSigner signer;
  if (auth->signed_request) {
    signer.parsed = &signature.parsed;
    signer.secret = signature.secret;
  }
  Result<std::unique_ptr<ByteSource>> opened = OpenS3RequestBody(request, raw, signer);
  if (!opened.ok()) return fail(opened.error());
  LimitedSource decoded(**opened, limit, too_large);
  ByteSource* body = &decoded;

  Result<std::optional<s3::BucketRecord>> bucket = LookUpBucket(address.bucket);
  if (!bucket.ok()) return fail(bucket.error());

  S3Call call{request, *query, caller, service_, address, options_, {}, nullptr, {}};
  if (object_body) {
    call.object_body = body;
  } else {
    // Documents (XML, policies) are small: read and verified before they are looked at.
    Result<std::string> document = ReadWhole(*body, options_.max_document_bytes);
    if (!document.ok()) return fail(document.error());
    call.document = std::move(*document);
  }

  // ---- The one authorization layer ----
  authz::RequestFacts facts;
  facts.request_id = request.request_id;
  facts.source_ip = request.remote_address;
  facts.secure_transport = request.secure;
  facts.requested_region = auth->region.empty() ? service_.config().region : auth->region;
  facts.user_agent = std::string(request.Header("user-agent"));

  S3AccessInput input{request,     *query,  address.bucket,
                      address.key, "",      auth->signed_request ? &signature.parsed : nullptr,
                      nullptr,     nullptr, ""};
  std::optional<s3::TagSet> existing_tags;
  if (Has(op.keys, S3Keys::kExistingObjectTags) && *bucket) {
    Result<s3::TagSet> tags = service_.GetObjectTagging(address.bucket, address.key);
    if (tags.ok()) existing_tags = std::move(*tags);
  }
  input.existing_tags = existing_tags ? &*existing_tags : nullptr;
  std::optional<s3::TagSet> request_tags;
  if (Has(op.keys, S3Keys::kRequestObjectTags)) {
    Result<s3::TagSet> tags = op.name == "PutObjectTagging"
                                  ? ParseTagging(call.document)
                                  : s3::ParseTaggingHeader(request.Header("x-amz-tagging"));
    if (tags.ok() && (op.name == "PutObjectTagging" || request.HasHeader("x-amz-tagging"))) {
      request_tags = std::move(*tags);
    }
  }
  input.request_tags = request_tags ? &*request_tags : nullptr;
  if (Has(op.keys, S3Keys::kLocation)) {
    Result<std::string> location = ParseCreateBucketConfiguration(call.document);
    if (location.ok()) input.location_constraint = std::move(*location);
  }
  if (!op.per_key) {
    // CreateBucket creates in the caller's account: an existing bucket of another account is the
    // service's BucketAlreadyExists, not a cross-account decision.
    const std::optional<s3::BucketRecord> target =
        op.name == "CreateBucket" ? std::nullopt : *bucket;
    if (Status allowed = AuthorizeOn(op, caller, target, input, facts); !allowed.ok()) {
      return fail(allowed.error());
    }
  } else {
    const S3Operation& each = *FindS3Operation("DeleteObject");
    call.authorize_delete = [&, this](std::string_view key) -> Status {
      S3AccessInput per_key = input;
      per_key.key = std::string(key);
      return AuthorizeOn(each, caller, *bucket, per_key, facts);
    };
  }
  if (op.reads_copy_source) {
    Result<CopySource> source = ParseCopySource(request.Header("x-amz-copy-source"));
    if (!source.ok()) return fail(source.error());
    Result<std::optional<s3::BucketRecord>> source_bucket = LookUpBucket(source->bucket);
    if (!source_bucket.ok()) return fail(source_bucket.error());
    std::optional<s3::TagSet> source_tags;
    if (*source_bucket) {
      Result<s3::TagSet> tags = service_.GetObjectTagging(source->bucket, source->key);
      if (tags.ok()) source_tags = std::move(*tags);
    }
    S3AccessInput read{request,
                       *query,
                       source->bucket,
                       source->key,
                       "",
                       input.signature,
                       source_tags ? &*source_tags : nullptr,
                       nullptr,
                       ""};
    if (Status allowed =
            AuthorizeOn(*FindS3Operation("GetObject"), caller, *source_bucket, read, facts);
        !allowed.ok()) {
      return fail(allowed.error());
    }
  }

  Result<HttpResponse> response = RunS3Operation(op.name, call);
  if (!response.ok()) return fail(response.error());
  return finish(std::move(*response));
}

}  // namespace

size_t S3WireBodyLimit(size_t max_body_bytes) {
  // aws-chunked framing: at most ~90 bytes per chunk of at least 8 KiB (1.1%), plus trailers.
  return max_body_bytes + max_body_bytes / 64 + (64 << 10);
}

Router::S3Handler MakeS3Handler(const Authenticator& authn, const authz::Authorizer& authz,
                                s3::S3Service& service, S3HandlerOptions options) {
  auto dispatcher = std::make_shared<S3Dispatcher>(authn, authz, service, options);
  return [dispatcher](HttpRequest& request, ByteSource* body) {
    return dispatcher->Handle(request, body);
  };
}

HttpResponse RenderS3ServerError(const Error& error, const HttpRequest& request) {
  const S3Address address = S3AddressOf(request);
  S3ErrorContext context;
  context.resource = ToValidUtf8(request.path.substr(0, 2048));
  context.request_id = request.request_id;
  context.bucket = address.bucket;
  context.key = address.key;
  context.head = request.method == "HEAD";
  Error s3_error = [&] {
    switch (error.http_status()) {
      case 503:
        return Error("SlowDown", 503, "Please reduce your request rate.");
      case 413:
        return s3e::EntityTooLarge("Your proposed upload exceeds the maximum allowed size: " +
                                   error.message());
      case 408:
        return Error("RequestTimeout", 400,
                     "Your socket connection to the server was not read from or written to "
                     "within the timeout period.");
      case 431:
        return Error("RequestHeaderSectionTooLarge", 400,
                     "Your request header section exceeds the maximum allowed size.");
      case 400:
        return s3e::InvalidRequest(error.message());
      case 501:
        return s3e::NotImplemented(error.message());
      default:
        return error.http_status() >= 500 ? s3e::InternalError() : error;
    }
  }();
  HttpResponse response = RenderS3Error(s3_error, context);
  response.labels.service = "s3";
  return response;
}

}  // namespace irsa::protocol
