// Bucket records in the Store (store/store.h), so that every engine (SQLite, PostgreSQL) holds
// them with the rest of irsa's state:
//
//   kind        account  parent  key            ref              body
//   s3_bucket   ""       ""      bucket name    owner account    BucketRecord JSON
//
// Bucket names are global (one namespace for every account, as in S3), hence account "".
// Records are read and written inside the caller's transaction (StoreTx), so an object backend
// can check in its own commit that the bucket still exists.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "s3/tags.h"
#include "store/store.h"

namespace irsa::s3 {

namespace kind {
inline constexpr const char* kBucket = "s3_bucket";
}  // namespace kind

struct BucketRecord {
  std::string name;
  std::string owner;   // account id
  std::string region;  // where it was created ("us-east-1", ...)
  SystemTime created{};
  std::string policy;  // bucket policy document as submitted; empty: none
  TagSet tags;         // empty: no tag set
  // Versioning is never enabled: GetBucketVersioning answers with no Status.
};

std::string BucketRecordToBody(const BucketRecord& record);
Result<BucketRecord> BucketRecordFromBody(std::string_view body);

store::RowId BucketRowId(std::string_view bucket);

// The record, or nullopt when the bucket does not exist.
Result<std::optional<BucketRecord>> ReadBucket(store::StoreTx& tx, std::string_view bucket);
// The record, or NoSuchBucket.
Result<BucketRecord> RequireBucket(store::StoreTx& tx, std::string_view bucket);
// Inserts a new record: BucketAlreadyExists when the name is taken (the service distinguishes
// BucketAlreadyOwnedByYou before calling).
Status InsertBucket(store::StoreTx& tx, const BucketRecord& record);
// Replaces an existing record (policy, tags).
Status UpdateBucket(store::StoreTx& tx, const BucketRecord& record);
// Removes the record; NoSuchBucket if absent.
Status DeleteBucketRecord(store::StoreTx& tx, std::string_view bucket);

// Buckets owned by `owner`, names ascending, starting after `after`, at most `limit`.
struct BucketPage {
  std::vector<BucketRecord> buckets;
  bool truncated = false;
};
Result<BucketPage> ListOwnedBuckets(store::StoreTx& tx, std::string_view owner,
                                    std::string_view prefix, std::string_view after, size_t limit);
Result<int64_t> CountOwnedBuckets(store::StoreTx& tx, std::string_view owner);

}  // namespace irsa::s3
