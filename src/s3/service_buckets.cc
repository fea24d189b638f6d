// S3Service: bucket operations (see service.h).
#include <algorithm>

#include "base/strings.h"
#include "policy/policy.h"
#include "s3/errors.h"
#include "s3/names.h"
#include "s3/service.h"
#include "s3/text.h"

namespace irsa::s3 {
namespace {

constexpr std::string_view kS3ArnPrefix = "arn:aws:s3:::";

// Glob with '*' and '?' over the whole of `text`.
bool GlobMatches(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// A bucket policy may name only this bucket and its objects (S3: "Policy has invalid
// resource"). The bucket part of the resource may be a glob that matches this bucket.
bool ResourceInBucket(std::string_view resource, std::string_view bucket) {
  if (resource.substr(0, kS3ArnPrefix.size()) != kS3ArnPrefix) return false;
  std::string_view rest = resource.substr(kS3ArnPrefix.size());
  size_t slash = rest.find('/');
  std::string_view bucket_part = rest.substr(0, slash);
  if (bucket_part == bucket) return true;
  if (bucket_part.find_first_of("*?") != std::string_view::npos) {
    return GlobMatches(bucket_part, bucket) ||
           (slash == std::string_view::npos && GlobMatches(bucket_part, std::string(bucket) + "/"));
  }
  return false;
}

}  // namespace

Result<EncodingType> ParseEncodingType(std::string_view text) {
  if (text == "url") return EncodingType::kUrl;
  return errors::InvalidArgument("Invalid Encoding Method specified in Request");
}

Result<int> ParseMaxKeys(std::string_view text, std::string_view name) {
  int64_t value = 0;
  bool ok = !text.empty() && text.size() <= 10;
  for (char c : text) {
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    value = value * 10 + (c - '0');
  }
  if (!ok || value > 2147483647) {
    return errors::InvalidArgument("Provided " + std::string(name) +
                                   " not an integer or within integer range");
  }
  return static_cast<int>(std::min<int64_t>(value, kMaxListKeys));
}

S3Service::S3Service(store::Store& store, ObjectBackend& backend, const Clock& clock,
                     S3ServiceConfig config)
    : store_(store),
      backend_(backend),
      clock_(clock),
      config_(std::move(config)),
      tokens_(config_.listing_token_key) {}

Result<BucketRecord> S3Service::Bucket(std::string_view bucket) {
  IRSA_RETURN_IF_ERROR(ValidateBucketName(bucket));
  BucketRecord record;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(record, RequireBucket(tx, bucket));
    return OkStatus();
  }));
  return record;
}

Status S3Service::ModifyBucket(std::string_view bucket,
                               const std::function<Status(BucketRecord&)>& edit) {
  IRSA_RETURN_IF_ERROR(ValidateBucketName(bucket));
  return store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(BucketRecord record, RequireBucket(tx, bucket));
    IRSA_RETURN_IF_ERROR(edit(record));
    return UpdateBucket(tx, record);
  });
}

Result<BucketRecord> S3Service::CreateBucket(const CreateBucketRequest& request) {
  IRSA_RETURN_IF_ERROR(ValidateBucketName(request.bucket));
  const std::string& location = request.location_constraint;
  bool location_ok = location.empty() ? config_.region == "us-east-1" : location == config_.region;
  if (!location_ok) {
    return errors::IllegalLocationConstraintException(
        "The " + (location.empty() ? std::string("unspecified") : XmlSafeText(location)) +
        " location constraint is incompatible for the region specific endpoint this request was "
        "sent to.");
  }
  BucketRecord record;
  record.name = request.bucket;
  record.owner = request.owner;
  record.region = config_.region;
  record.created =
      SystemTime(std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()));
  std::optional<BucketRecord> existing;
  IRSA_RETURN_IF_ERROR(store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(existing, ReadBucket(tx, request.bucket));
    if (existing) {
      if (existing->owner != request.owner) return errors::BucketAlreadyExists();
      if (config_.region == "us-east-1") return OkStatus();  // S3's legacy 200 in us-east-1
      return errors::BucketAlreadyOwnedByYou();
    }
    IRSA_TRY(int64_t owned, CountOwnedBuckets(tx, request.owner));
    if (owned >= config_.max_buckets_per_account) return errors::TooManyBuckets();
    return InsertBucket(tx, record);
  }));
  if (existing) return std::move(*existing);
  Status prepared = backend_.OnBucketCreated(record);
  if (!prepared.ok()) {
    (void)store_.Write([&](store::StoreTx& tx) { return DeleteBucketRecord(tx, record.name); });
    return prepared.error();
  }
  return record;
}

Status S3Service::DeleteBucket(std::string_view bucket) {
  IRSA_TRY(BucketRecord record, Bucket(bucket));
  (void)record;
  return backend_.DeleteBucket(bucket);
}

Result<BucketRecord> S3Service::HeadBucket(std::string_view bucket) { return Bucket(bucket); }

Result<ListBucketsResult> S3Service::ListBuckets(const ListBucketsRequest& request) {
  if (request.max_buckets && (*request.max_buckets < 1 || *request.max_buckets > 10000)) {
    return errors::InvalidArgument("max-buckets must be between 1 and 10000");
  }
  std::string after;
  if (!request.continuation_token.empty()) {
    IRSA_TRY(after, tokens_.Decode("buckets:" + request.owner, request.continuation_token));
  }
  size_t limit = request.max_buckets ? static_cast<size_t>(*request.max_buckets)
                                     : static_cast<size_t>(config_.max_buckets_per_account);
  ListBucketsResult out;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(BucketPage page, ListOwnedBuckets(tx, request.owner, request.prefix, after, limit));
    out.buckets = std::move(page.buckets);
    if (page.truncated && !out.buckets.empty()) {
      out.continuation_token = tokens_.Encode("buckets:" + request.owner, out.buckets.back().name);
    }
    return OkStatus();
  }));
  return out;
}

Result<std::string> S3Service::GetBucketLocation(std::string_view bucket) {
  IRSA_TRY(BucketRecord record, Bucket(bucket));
  if (record.region == "us-east-1") return std::string();
  return record.region;
}

Status S3Service::PutBucketPolicy(std::string_view bucket, std::string_view policy) {
  IRSA_TRY(BucketRecord existing, Bucket(bucket));
  (void)existing;
  if (policy.size() > config_.max_policy_bytes) {
    return errors::MalformedPolicy("Policy exceeds the maximum allowed document size.");
  }
  Result<policy::CompiledPolicyPtr> compiled =
      policy::CompilePolicy(policy, policy::PolicyKind::kResource);
  if (!compiled.ok()) return errors::MalformedPolicy(compiled.error().message());
  for (const policy::CompiledStatement& statement : (*compiled)->statements()) {
    if (statement.not_resource) continue;
    for (const policy::ArnPattern& resource : statement.resources) {
      if (!ResourceInBucket(resource.text(), bucket)) {
        return errors::MalformedPolicy("Policy has invalid resource");
      }
    }
  }
  return ModifyBucket(bucket, [&](BucketRecord& record) {
    record.policy = std::string(policy);
    return OkStatus();
  });
}

Result<std::string> S3Service::GetBucketPolicy(std::string_view bucket) {
  IRSA_TRY(BucketRecord record, Bucket(bucket));
  if (record.policy.empty()) return errors::NoSuchBucketPolicy();
  return record.policy;
}

Status S3Service::DeleteBucketPolicy(std::string_view bucket) {
  return ModifyBucket(bucket, [](BucketRecord& record) {
    record.policy.clear();
    return OkStatus();
  });
}

Result<bool> S3Service::GetBucketPolicyStatus(std::string_view bucket) {
  IRSA_TRY(std::string text, GetBucketPolicy(bucket));
  Result<policy::CompiledPolicyPtr> compiled =
      policy::CompilePolicy(text, policy::PolicyKind::kResource);
  if (!compiled.ok()) return false;
  for (const policy::CompiledStatement& statement : (*compiled)->statements()) {
    if (statement.effect != policy::Effect::kAllow || statement.not_principal ||
        !statement.conditions.empty()) {
      continue;
    }
    for (const policy::PrincipalPattern& principal : statement.principals) {
      if (principal.kind() == policy::PrincipalPattern::Kind::kEveryone) return true;
    }
  }
  return false;
}

Status S3Service::PutBucketTagging(std::string_view bucket, const TagSet& tags) {
  IRSA_RETURN_IF_ERROR(ValidateTagSet(tags, TagTarget::kBucket));
  return ModifyBucket(bucket, [&](BucketRecord& record) {
    record.tags = tags;
    return OkStatus();
  });
}

Result<TagSet> S3Service::GetBucketTagging(std::string_view bucket) {
  IRSA_TRY(BucketRecord record, Bucket(bucket));
  if (record.tags.empty()) return errors::NoSuchTagSet();
  return record.tags;
}

Status S3Service::DeleteBucketTagging(std::string_view bucket) {
  return ModifyBucket(bucket, [](BucketRecord& record) {
    record.tags.clear();
    return OkStatus();
  });
}

}  // namespace irsa::s3
