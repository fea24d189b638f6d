#include "s3/buckets.h"

#include <boost/json.hpp>

#include "s3/errors.h"
#include "store/json_fields.h"

namespace irsa::s3 {
namespace {

namespace json = boost::json;

int64_t ToMillis(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
SystemTime FromMillis(int64_t ms) { return SystemTime(std::chrono::milliseconds(ms)); }

store::Row ToRow(const BucketRecord& record) {
  store::Row row;
  row.id = BucketRowId(record.name);
  row.ref = record.owner;
  row.path = record.name;
  row.body = BucketRecordToBody(record);
  return row;
}

}  // namespace

std::string BucketRecordToBody(const BucketRecord& record) {
  json::object o;
  o["name"] = record.name;
  o["owner"] = record.owner;
  o["region"] = record.region;
  o["created_ms"] = ToMillis(record.created);
  if (!record.policy.empty()) o["policy"] = record.policy;
  if (!record.tags.empty()) {
    json::array tags;
    for (const Tag& tag : record.tags) tags.push_back(json::array{tag.key, tag.value});
    o["tags"] = std::move(tags);
  }
  return json::serialize(o);
}

Result<BucketRecord> BucketRecordFromBody(std::string_view body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "s3 bucket"));
  BucketRecord r;
  r.name = store::JsonString(o, "name");
  r.owner = store::JsonString(o, "owner");
  r.region = store::JsonString(o, "region");
  r.created = FromMillis(store::JsonInt(o, "created_ms"));
  r.policy = store::JsonString(o, "policy");
  if (const json::value* tags = o.if_contains("tags"); tags && tags->is_array()) {
    for (const json::value& t : tags->get_array()) {
      if (!t.is_array() || t.get_array().size() != 2 || !t.get_array()[0].is_string() ||
          !t.get_array()[1].is_string()) {
        continue;
      }
      r.tags.push_back(Tag{std::string(t.get_array()[0].get_string()),
                           std::string(t.get_array()[1].get_string())});
    }
  }
  return r;
}

store::RowId BucketRowId(std::string_view bucket) {
  return store::RowId{"", kind::kBucket, "", std::string(bucket)};
}

Result<std::optional<BucketRecord>> ReadBucket(store::StoreTx& tx, std::string_view bucket) {
  IRSA_TRY(std::optional<store::Row> row, tx.Get(BucketRowId(bucket)));
  if (!row) return std::optional<BucketRecord>();
  IRSA_TRY(BucketRecord record, BucketRecordFromBody(row->body));
  return std::optional<BucketRecord>(std::move(record));
}

Result<BucketRecord> RequireBucket(store::StoreTx& tx, std::string_view bucket) {
  IRSA_TRY(std::optional<BucketRecord> record, ReadBucket(tx, bucket));
  if (!record) return errors::NoSuchBucket();
  return std::move(*record);
}

Status InsertBucket(store::StoreTx& tx, const BucketRecord& record) {
  Status s = tx.Insert(ToRow(record));
  if (!s.ok() && s.error().code() == "EntityAlreadyExists") return errors::BucketAlreadyExists();
  return s;
}

Status UpdateBucket(store::StoreTx& tx, const BucketRecord& record) {
  return tx.Upsert(ToRow(record));
}

Status DeleteBucketRecord(store::StoreTx& tx, std::string_view bucket) {
  IRSA_TRY(bool existed, tx.Delete(BucketRowId(bucket)));
  if (!existed) return errors::NoSuchBucket();
  return OkStatus();
}

Result<BucketPage> ListOwnedBuckets(store::StoreTx& tx, std::string_view owner,
                                    std::string_view prefix, std::string_view after, size_t limit) {
  store::ListQuery q;
  q.account = "";
  q.kind = kind::kBucket;
  q.parent = "";
  q.ref = std::string(owner);
  if (!prefix.empty()) q.path_prefix = std::string(prefix);
  q.after_key = std::string(after);
  q.limit = limit;
  IRSA_TRY(store::Page page, tx.List(q));
  BucketPage out;
  out.truncated = page.truncated;
  for (const store::Row& row : page.rows) {
    IRSA_TRY(BucketRecord record, BucketRecordFromBody(row.body));
    out.buckets.push_back(std::move(record));
  }
  return out;
}

Result<int64_t> CountOwnedBuckets(store::StoreTx& tx, std::string_view owner) {
  store::ListQuery q;
  q.account = "";
  q.kind = kind::kBucket;
  q.parent = "";
  q.ref = std::string(owner);
  return tx.Count(q);
}

}  // namespace irsa::s3
