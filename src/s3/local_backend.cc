#include "s3/local_backend.h"

#include <algorithm>
#include <utility>

#include "base/encoding.h"
#include "s3/errors.h"
#include "s3/listing.h"

namespace irsa::s3 {

using local::ObjectRecord;
using local::ObjectRowId;

namespace {

constexpr int kOpenAttempts = 8;

// The segments of `record` covering `range` (the whole object when unset).
std::vector<local::Segment> SegmentsFor(const ObjectRecord& record,
                                        const std::optional<ByteRange>& range) {
  int64_t first = range ? range->first : 0;
  int64_t end = range ? range->last + 1 : record.size;  // exclusive
  std::vector<local::Segment> out;
  if (!record.multipart()) {
    if (end > first) out.push_back(local::Segment{record.data_file, first, end - first});
    return out;
  }
  int64_t offset = 0;
  for (const local::PartFile& part : record.parts) {
    int64_t part_end = offset + part.size;
    int64_t from = std::max(first, offset);
    int64_t to = std::min(end, part_end);
    if (from < to) out.push_back(local::Segment{part.file_id, from - offset, to - from});
    offset = part_end;
    if (offset >= end) break;
  }
  return out;
}

Status VerifyDigests(const DeclaredDigests& digests, const local::WrittenFile& file) {
  if (digests.content_md5 && *digests.content_md5 != file.md5) {
    return DigestMismatch("Content-MD5");
  }
  if (digests.checksum && digests.checksum_algorithm && *digests.checksum != file.checksum) {
    return DigestMismatch(ChecksumAlgorithmName(*digests.checksum_algorithm));
  }
  return OkStatus();
}

}  // namespace

ObjectInfo LocalObjectInfo(std::string_view bucket, std::string_view key,
                           const ObjectRecord& record) {
  ObjectInfo info;
  info.bucket = std::string(bucket);
  info.key = std::string(key);
  info.size = record.size;
  info.etag = record.etag;
  info.last_modified = record.last_modified;
  info.metadata = record.metadata;
  info.tag_count = record.tags.size();
  info.parts_count = record.multipart() ? static_cast<int>(record.parts.size()) : 0;
  info.checksum = record.checksum;
  return info;
}

LocalBackend::LocalBackend(store::Store& store, const Clock& clock, Random& random,
                           LocalBackendOptions options, std::unique_ptr<local::DataDir> dir)
    : store_(store),
      clock_(clock),
      random_(random),
      options_(std::move(options)),
      dir_(std::move(dir)),
      pins_(*dir_) {}

Result<std::unique_ptr<LocalBackend>> LocalBackend::Open(store::Store& store, const Clock& clock,
                                                         Random& random,
                                                         LocalBackendOptions options) {
  IRSA_TRY(std::unique_ptr<local::DataDir> dir, local::DataDir::Open(options.root));
  std::unique_ptr<LocalBackend> backend(
      new LocalBackend(store, clock, random, std::move(options), std::move(dir)));
  IRSA_RETURN_IF_ERROR(backend->Sweep());
  return backend;
}

Status LocalBackend::Sweep() {
  IRSA_TRY(std::vector<std::string> files, dir_->ListDataFiles());
  constexpr size_t kBatch = 256;
  for (size_t start = 0; start < files.size(); start += kBatch) {
    size_t end = std::min(files.size(), start + kBatch);
    std::vector<std::string> unreferenced;
    IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
      for (size_t i = start; i < end; ++i) {
        bool referenced = false;
        for (const char* kind : {local::kind::kObject, local::kind::kPart}) {
          store::ListQuery q;
          q.account = "";
          q.kind = kind;
          q.ref = files[i];
          q.limit = 1;
          IRSA_TRY(store::Page page, tx.List(q));
          if (!page.rows.empty()) {
            referenced = true;
            break;
          }
        }
        if (!referenced) unreferenced.push_back(files[i]);
      }
      return OkStatus();
    }));
    for (const std::string& id : unreferenced) IRSA_RETURN_IF_ERROR(dir_->RemoveDataFile(id));
    sweep_.files_removed += unreferenced.size();
    sweep_.files_kept += (end - start) - unreferenced.size();
  }
  return OkStatus();
}

SystemTime LocalBackend::Now() const {
  // Stored at millisecond precision: what is returned now equals what is read back later.
  return SystemTime(
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch()));
}

Status LocalBackend::OnBucketCreated(const BucketRecord&) { return OkStatus(); }

Result<local::WrittenFile> LocalBackend::WriteBody(ByteSource& body,
                                                   std::optional<int64_t> expected_size,
                                                   int64_t max_size, const DeclaredDigests& digests,
                                                   std::optional<ChecksumAlgorithm> algorithm) {
  if (expected_size && *expected_size > max_size) return errors::EntityTooLarge();
  local::WriteLimits limits{expected_size, max_size};
  return local::WriteDataFile(
      *dir_, random_, body, limits, algorithm,
      [&](const local::WrittenFile& file) { return VerifyDigests(digests, file); },
      options_.crash_point);
}

Result<ObjectInfo> LocalBackend::CommitObject(std::string_view bucket, std::string_view key,
                                              const ObjectRecord& record,
                                              const WriteConditions& conditions) {
  std::optional<ObjectRecord> replaced;
  Status committed = store_.Write([&](store::StoreTx& tx) -> Status {
    replaced.reset();
    IRSA_TRY(BucketRecord owner, RequireBucket(tx, bucket));
    (void)owner;
    IRSA_TRY(std::optional<store::Row> old, tx.Get(ObjectRowId(bucket, key)));
    std::optional<std::string> current_etag;
    if (old) {
      IRSA_TRY(ObjectRecord old_record, local::ObjectRecordFromBody(old->body));
      current_etag = old_record.etag;
      replaced = std::move(old_record);
    }
    IRSA_RETURN_IF_ERROR(EvaluateWriteConditions(conditions, current_etag));
    IRSA_RETURN_IF_ERROR(tx.Upsert(local::ObjectRow(bucket, key, record)));
    if (replaced && replaced->multipart()) {
      IRSA_TRY(int64_t removed, tx.DeleteChildren("", local::kind::kPart, replaced->upload_id));
      (void)removed;
    }
    return OkStatus();
  });
  if (!committed.ok()) {
    // Single-part records own their new file; multipart files stay with their part rows.
    if (!record.multipart()) pins_.Release({record.data_file});
    return committed.error();
  }
  CrashPoint("commit:done");
  if (replaced) pins_.Release(replaced->FileIds());
  CrashPoint("release:done");
  return LocalObjectInfo(bucket, key, record);
}

Result<ObjectInfo> LocalBackend::PutObject(const PutObjectRequest& request, ByteSource& body) {
  IRSA_TRY(local::WrittenFile file, WriteBody(body, request.content_length, kMaxPutObjectSize,
                                              request.digests, request.digests.checksum_algorithm));
  ObjectRecord record;
  record.size = file.size;
  record.etag = ETagFromMd5(file.md5);
  record.last_modified = Now();
  record.metadata = request.metadata;
  record.tags = request.tags;
  if (request.digests.checksum_algorithm) {
    record.checksum = Checksum{*request.digests.checksum_algorithm, Base64Encode(file.checksum),
                               ChecksumType::kFullObject};
  }
  record.data_file = file.id;
  return CommitObject(request.bucket, request.key, record, request.conditions);
}

Result<LocalBackend::Opened> LocalBackend::Open(std::string_view bucket, std::string_view key,
                                                const ReadConditions& conditions,
                                                ConditionKind condition_kind,
                                                const std::optional<RangeSpec>& range,
                                                std::optional<int> part_number, bool head_only) {
  if (range && part_number) {
    return errors::InvalidRequest(
        "Cannot specify both Range header and partNumber query parameter");
  }
  for (int attempt = 0; attempt < kOpenAttempts; ++attempt) {
    std::optional<store::Row> row;
    IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
      IRSA_TRY(row, tx.Get(ObjectRowId(bucket, key)));
      return OkStatus();
    }));
    if (!row) return errors::NoSuchKey();
    Opened out;
    IRSA_TRY(out.record, local::ObjectRecordFromBody(row->body));
    const ObjectRecord& rec = out.record;
    IRSA_RETURN_IF_ERROR(
        condition_kind == ConditionKind::kRead
            ? EvaluateReadConditions(conditions, rec.etag, rec.last_modified)
            : EvaluateCopySourceConditions(conditions, rec.etag, rec.last_modified));
    out.parts_count = rec.multipart() ? static_cast<int>(rec.parts.size()) : 1;
    if (part_number) {
      if (*part_number > out.parts_count) {
        return Error("InvalidPartNumber", 416, "The requested partnumber is not satisfiable");
      }
      if (rec.multipart()) {
        int64_t offset = 0;
        for (int i = 0; i + 1 < *part_number; ++i) offset += rec.parts[i].size;
        int64_t size = rec.parts[*part_number - 1].size;
        if (size > 0) out.range = ByteRange{offset, offset + size - 1};
      } else if (rec.size > 0) {
        out.range = ByteRange{0, rec.size - 1};
      }
    } else if (range) {
      IRSA_TRY(out.range, ResolveRange(*range, rec.size));
    }
    if (head_only) return out;
    std::vector<std::string> files = rec.FileIds();
    if (!pins_.PinIfPresent(files)) continue;  // replaced since the lookup: look again
    out.body = local::OpenSegments(*dir_, pins_, std::move(files), SegmentsFor(rec, out.range));
    return out;
  }
  return errors::InternalError("s3 storage: the object changed too often while opening it");
}

Result<ObjectRead> LocalBackend::GetObject(const GetObjectRequest& request, bool head_only) {
  IRSA_TRY(Opened opened,
           Open(request.bucket, request.key, request.conditions, ConditionKind::kRead,
                request.range, request.part_number, head_only));
  ObjectRead read;
  read.info = LocalObjectInfo(request.bucket, request.key, opened.record);
  read.range = opened.range;
  read.body = std::move(opened.body);
  return read;
}

Result<bool> LocalBackend::DeleteObject(std::string_view bucket, std::string_view key) {
  std::optional<ObjectRecord> removed;
  IRSA_RETURN_IF_ERROR(store_.Write([&](store::StoreTx& tx) -> Status {
    removed.reset();
    IRSA_TRY(std::optional<store::Row> row, tx.Get(ObjectRowId(bucket, key)));
    if (!row) return OkStatus();
    IRSA_TRY(ObjectRecord record, local::ObjectRecordFromBody(row->body));
    IRSA_TRY(bool existed, tx.Delete(row->id));
    (void)existed;
    if (record.multipart()) {
      IRSA_TRY(int64_t n, tx.DeleteChildren("", local::kind::kPart, record.upload_id));
      (void)n;
    }
    removed = std::move(record);
    return OkStatus();
  }));
  CrashPoint("commit:done");
  if (removed) pins_.Release(removed->FileIds());
  CrashPoint("release:done");
  return removed.has_value();
}

Result<ObjectInfo> LocalBackend::CopyObject(const CopyObjectRequest& request) {
  IRSA_TRY(Opened source,
           Open(request.source_bucket, request.source_key, request.source_conditions,
                ConditionKind::kCopySource, std::nullopt, std::nullopt, /*head_only=*/false));
  if (source.record.size > kMaxPutObjectSize) {
    return errors::InvalidRequest(
        "The specified copy source is larger than the maximum allowable size for a copy source: "
        "5368709120");
  }
  std::optional<ChecksumAlgorithm> algorithm = request.checksum_algorithm;
  if (!algorithm && source.record.checksum) algorithm = source.record.checksum->algorithm;
  IRSA_TRY(local::WrittenFile file, WriteBody(*source.body, source.record.size, kMaxPutObjectSize,
                                              DeclaredDigests{}, algorithm));
  source.body.reset();  // unpins the source before the commit may release it (copy onto itself)
  ObjectRecord record;
  record.size = file.size;
  record.etag = ETagFromMd5(file.md5);
  record.last_modified = Now();
  record.metadata =
      request.metadata_directive == Directive::kCopy ? source.record.metadata : request.metadata;
  record.tags = request.tagging_directive == Directive::kCopy ? source.record.tags : request.tags;
  if (algorithm) {
    record.checksum = Checksum{*algorithm, Base64Encode(file.checksum), ChecksumType::kFullObject};
  }
  record.data_file = file.id;
  return CommitObject(request.bucket, request.key, record, request.conditions);
}

Result<ListObjectsResult> LocalBackend::ListObjects(const ListObjectsRequest& request) {
  struct Entry {
    ObjectSummary summary;
  };
  auto scan = [&](std::string_view after, size_t limit) -> Result<std::vector<Entry>> {
    std::vector<Entry> entries;
    IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
      store::ListQuery q;
      q.account = "";
      q.kind = local::kind::kObject;
      q.parent = request.bucket;
      if (!request.prefix.empty()) q.path_prefix = request.prefix;
      q.after_key = std::string(after);
      q.limit = limit;
      IRSA_TRY(store::Page page, tx.List(q));
      entries.reserve(page.rows.size());
      for (store::Row& row : page.rows) {
        IRSA_TRY(ObjectRecord record, local::ObjectRecordFromBody(row.body));
        Entry e;
        e.summary.key = std::move(row.id.key);
        e.summary.size = record.size;
        e.summary.etag = std::move(record.etag);
        e.summary.last_modified = record.last_modified;
        if (record.checksum) {
          e.summary.checksum_algorithm = record.checksum->algorithm;
          e.summary.checksum_type = record.checksum->type;
        }
        entries.push_back(std::move(e));
      }
      return OkStatus();
    }));
    return entries;
  };
  auto key_of = [](const Entry& e) -> std::string_view { return e.summary.key; };
  IRSA_TRY(GroupedListing<Entry> grouped,
           GroupListing<Entry>(scan, key_of, key_of, request.prefix, request.delimiter,
                               request.after, request.after, request.max_keys));
  ListObjectsResult out;
  out.objects.reserve(grouped.entries.size());
  for (Entry& e : grouped.entries) out.objects.push_back(std::move(e.summary));
  out.common_prefixes = std::move(grouped.common_prefixes);
  out.truncated = grouped.truncated;
  out.last = std::move(grouped.last_key);
  return out;
}

Result<TagSet> LocalBackend::GetObjectTagging(std::string_view bucket, std::string_view key) {
  TagSet tags;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(std::optional<store::Row> row, tx.Get(ObjectRowId(bucket, key)));
    if (!row) return errors::NoSuchKey();
    IRSA_TRY(ObjectRecord record, local::ObjectRecordFromBody(row->body));
    tags = std::move(record.tags);
    return OkStatus();
  }));
  return tags;
}

Status LocalBackend::PutObjectTagging(std::string_view bucket, std::string_view key,
                                      const TagSet& tags) {
  return store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(std::optional<store::Row> row, tx.Get(ObjectRowId(bucket, key)));
    if (!row) return errors::NoSuchKey();
    IRSA_TRY(ObjectRecord record, local::ObjectRecordFromBody(row->body));
    record.tags = tags;
    return tx.Upsert(local::ObjectRow(bucket, key, record));
  });
}

}  // namespace irsa::s3
