// LocalBackend: multipart uploads and bucket deletion (see local_backend.h).
#include <algorithm>
#include <utility>

#include "base/encoding.h"
#include "base/strings.h"
#include "s3/errors.h"
#include "s3/listing.h"
#include "s3/local_backend.h"
#include "s3/multipart.h"

namespace irsa::s3 {

using local::PartRecord;
using local::UploadRecord;

namespace {

// Every part row of an upload, by part number (at most 10000 exist).
Result<std::vector<PartRecord>> ReadParts(store::StoreTx& tx, std::string_view upload_id) {
  store::ListQuery q;
  q.account = "";
  q.kind = local::kind::kPart;
  q.parent = std::string(upload_id);
  q.limit = kMaxPartNumber + 1;
  IRSA_TRY(store::Page page, tx.List(q));
  std::vector<PartRecord> parts;
  parts.reserve(page.rows.size());
  for (const store::Row& row : page.rows) {
    IRSA_TRY(PartRecord part, local::PartRecordFromBody(row.body));
    parts.push_back(std::move(part));
  }
  return parts;
}

PartInfo ToPartInfo(const PartRecord& part) {
  PartInfo info;
  info.part_number = part.part_number;
  info.size = part.size;
  info.etag = part.etag;
  info.last_modified = part.last_modified;
  info.checksum = part.checksum;
  return info;
}

MultipartUploadInfo ToUploadInfo(std::string_view bucket, const UploadRecord& upload) {
  MultipartUploadInfo info;
  info.bucket = std::string(bucket);
  info.key = upload.key;
  info.upload_id = upload.upload_id;
  info.initiated = upload.initiated;
  info.checksum_algorithm = upload.checksum_algorithm;
  return info;
}

Result<UploadRecord> RequireUpload(store::StoreTx& tx, std::string_view bucket,
                                   std::string_view key, std::string_view upload_id) {
  IRSA_TRY(std::optional<store::Row> row, tx.Get(local::UploadRowId(bucket, key, upload_id)));
  if (!row) return errors::NoSuchUpload();
  return local::UploadRecordFromBody(row->body);
}

}  // namespace

Result<UploadRecord> LocalBackend::ReadUpload(std::string_view bucket, std::string_view key,
                                              std::string_view upload_id) {
  UploadRecord upload;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(upload, RequireUpload(tx, bucket, key, upload_id));
    return OkStatus();
  }));
  return upload;
}

Result<MultipartUploadInfo> LocalBackend::CreateMultipartUpload(
    const CreateMultipartUploadRequest& request) {
  UploadRecord upload;
  upload.key = request.key;
  upload.initiated = Now();
  upload.upload_id = NewUploadId(upload.initiated, random_);
  upload.metadata = request.metadata;
  upload.tags = request.tags;
  upload.checksum_algorithm = request.checksum_algorithm;
  IRSA_RETURN_IF_ERROR(store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(BucketRecord bucket, RequireBucket(tx, request.bucket));
    (void)bucket;
    return tx.Insert(local::UploadRow(request.bucket, upload));
  }));
  return ToUploadInfo(request.bucket, upload);
}

Result<PartInfo> LocalBackend::CommitPart(const UploadPartRequest& request,
                                          const PartRecord& part) {
  std::optional<PartRecord> replaced;
  Status committed = store_.Write([&](store::StoreTx& tx) -> Status {
    replaced.reset();
    IRSA_TRY(UploadRecord upload,
             RequireUpload(tx, request.bucket, request.key, request.upload_id));
    (void)upload;
    IRSA_TRY(std::optional<store::Row> old,
             tx.Get(local::PartRowId(request.upload_id, part.part_number)));
    if (old) {
      IRSA_TRY(replaced, local::PartRecordFromBody(old->body));
    }
    return tx.Upsert(local::PartRow(request.upload_id, part));
  });
  if (!committed.ok()) {
    pins_.Release({part.file_id});
    return committed.error();
  }
  CrashPoint("commit:done");
  if (replaced) pins_.Release({replaced->file_id});
  CrashPoint("release:done");
  return ToPartInfo(part);
}

Result<PartInfo> LocalBackend::UploadPart(const UploadPartRequest& request, ByteSource& body) {
  // Fail fast on an unknown upload, before consuming the body.
  IRSA_TRY(UploadRecord upload, ReadUpload(request.bucket, request.key, request.upload_id));
  std::optional<ChecksumAlgorithm> algorithm = upload.checksum_algorithm;
  if (request.digests.checksum_algorithm) {
    if (algorithm && *algorithm != *request.digests.checksum_algorithm) {
      return errors::InvalidRequest(
          "Checksum Type mismatch occurred, expected checksum Type: " +
          AsciiLower(ChecksumAlgorithmName(*algorithm)) + ", actual checksum Type: " +
          AsciiLower(ChecksumAlgorithmName(*request.digests.checksum_algorithm)));
    }
    algorithm = request.digests.checksum_algorithm;
  }
  IRSA_TRY(local::WrittenFile file,
           WriteBody(body, request.content_length, kMaxPartSize, request.digests, algorithm));
  PartRecord part;
  part.part_number = request.part_number;
  part.file_id = file.id;
  part.size = file.size;
  part.md5 = file.md5;
  part.etag = ETagFromMd5(file.md5);
  part.last_modified = Now();
  if (algorithm) {
    part.checksum = Checksum{*algorithm, Base64Encode(file.checksum), ChecksumType::kFullObject};
  }
  return CommitPart(request, part);
}

Result<PartInfo> LocalBackend::UploadPartCopy(const UploadPartCopyRequest& request) {
  IRSA_TRY(UploadRecord upload, ReadUpload(request.bucket, request.key, request.upload_id));
  // Look the source up once without opening it, to resolve the range against its size.
  IRSA_TRY(Opened head, Open(request.source_bucket, request.source_key, request.source_conditions,
                             ConditionKind::kCopySource, std::nullopt, std::nullopt,
                             /*head_only=*/true));
  std::optional<RangeSpec> spec;
  if (request.source_range) {
    IRSA_TRY(ByteRange range, ParseCopySourceRange(*request.source_range, head.record.size));
    spec = RangeSpec{range.first, range.last, 0};
  }
  IRSA_TRY(Opened source,
           Open(request.source_bucket, request.source_key, request.source_conditions,
                ConditionKind::kCopySource, spec, std::nullopt, /*head_only=*/false));
  int64_t size = source.range ? source.range->length() : source.record.size;
  if (size > kMaxPartSize) return errors::EntityTooLarge();
  IRSA_TRY(local::WrittenFile file, WriteBody(*source.body, size, kMaxPartSize, DeclaredDigests{},
                                              upload.checksum_algorithm));
  source.body.reset();
  PartRecord part;
  part.part_number = request.part_number;
  part.file_id = file.id;
  part.size = file.size;
  part.md5 = file.md5;
  part.etag = ETagFromMd5(file.md5);
  part.last_modified = Now();
  if (upload.checksum_algorithm) {
    part.checksum = Checksum{*upload.checksum_algorithm, Base64Encode(file.checksum),
                             ChecksumType::kFullObject};
  }
  UploadPartRequest target;
  target.bucket = request.bucket;
  target.key = request.key;
  target.upload_id = request.upload_id;
  target.part_number = request.part_number;
  return CommitPart(target, part);
}

Result<ObjectInfo> LocalBackend::CompleteMultipartUpload(
    const CompleteMultipartUploadRequest& request) {
  local::ObjectRecord record;
  std::vector<std::string> released;
  Status committed = store_.Write([&](store::StoreTx& tx) -> Status {
    released.clear();
    IRSA_TRY(BucketRecord bucket, RequireBucket(tx, request.bucket));
    (void)bucket;
    IRSA_TRY(UploadRecord upload,
             RequireUpload(tx, request.bucket, request.key, request.upload_id));
    IRSA_TRY(std::vector<PartRecord> parts, ReadParts(tx, request.upload_id));
    std::vector<StoredPart> stored;
    stored.reserve(parts.size());
    for (const PartRecord& p : parts) {
      stored.push_back(StoredPart{p.part_number, p.size, p.etag, p.md5, p.checksum});
    }
    IRSA_TRY(std::vector<size_t> selected,
             SelectCompletedParts(request.parts, stored, options_.min_part_size));
    std::vector<const StoredPart*> chosen;
    std::vector<bool> keep(parts.size(), false);
    record = local::ObjectRecord();
    for (size_t index : selected) {
      chosen.push_back(&stored[index]);
      keep[index] = true;
      record.parts.push_back(local::PartFile{parts[index].file_id, parts[index].size});
      record.size += parts[index].size;
    }
    CompletedDigests digests = CompletedObjectDigests(chosen, upload.checksum_algorithm);
    record.etag = digests.etag;
    record.checksum = digests.checksum;
    record.last_modified = Now();
    record.metadata = upload.metadata;
    record.tags = upload.tags;
    record.upload_id = upload.upload_id;

    IRSA_TRY(std::optional<store::Row> old,
             tx.Get(local::ObjectRowId(request.bucket, request.key)));
    std::optional<std::string> current_etag;
    if (old) {
      IRSA_TRY(local::ObjectRecord old_record, local::ObjectRecordFromBody(old->body));
      current_etag = old_record.etag;
      for (std::string& id : old_record.FileIds()) released.push_back(std::move(id));
      if (old_record.multipart()) {
        IRSA_TRY(int64_t n, tx.DeleteChildren("", local::kind::kPart, old_record.upload_id));
        (void)n;
      }
    }
    IRSA_RETURN_IF_ERROR(EvaluateWriteConditions(request.conditions, current_etag));
    for (size_t i = 0; i < parts.size(); ++i) {
      if (keep[i]) continue;
      IRSA_TRY(bool existed, tx.Delete(local::PartRowId(request.upload_id, parts[i].part_number)));
      (void)existed;
      released.push_back(parts[i].file_id);
    }
    IRSA_TRY(bool existed,
             tx.Delete(local::UploadRowId(request.bucket, request.key, request.upload_id)));
    (void)existed;
    return tx.Upsert(local::ObjectRow(request.bucket, request.key, record));
  });
  if (!committed.ok()) return committed.error();
  CrashPoint("commit:done");
  pins_.Release(released);
  CrashPoint("release:done");
  return LocalObjectInfo(request.bucket, request.key, record);
}

Status LocalBackend::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                          std::string_view upload_id) {
  std::vector<std::string> released;
  IRSA_RETURN_IF_ERROR(store_.Write([&](store::StoreTx& tx) -> Status {
    released.clear();
    IRSA_TRY(UploadRecord upload, RequireUpload(tx, bucket, key, upload_id));
    (void)upload;
    IRSA_TRY(std::vector<PartRecord> parts, ReadParts(tx, upload_id));
    for (const PartRecord& p : parts) released.push_back(p.file_id);
    IRSA_TRY(int64_t n, tx.DeleteChildren("", local::kind::kPart, std::string(upload_id)));
    (void)n;
    IRSA_TRY(bool existed, tx.Delete(local::UploadRowId(bucket, key, upload_id)));
    (void)existed;
    return OkStatus();
  }));
  CrashPoint("commit:done");
  pins_.Release(released);
  CrashPoint("release:done");
  return OkStatus();
}

Result<ListPartsResult> LocalBackend::ListParts(const ListPartsRequest& request) {
  ListPartsResult out;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(UploadRecord upload,
             RequireUpload(tx, request.bucket, request.key, request.upload_id));
    out.upload = ToUploadInfo(request.bucket, upload);
    if (request.max_parts <= 0) return OkStatus();
    store::ListQuery q;
    q.account = "";
    q.kind = local::kind::kPart;
    q.parent = request.upload_id;
    if (request.part_number_marker > 0) {
      q.after_key = local::PartRowId(request.upload_id, request.part_number_marker).key;
    }
    q.limit = static_cast<size_t>(request.max_parts);
    IRSA_TRY(store::Page page, tx.List(q));
    for (const store::Row& row : page.rows) {
      IRSA_TRY(PartRecord part, local::PartRecordFromBody(row.body));
      out.parts.push_back(ToPartInfo(part));
    }
    out.truncated = page.truncated;
    if (!out.parts.empty()) out.next_part_number_marker = out.parts.back().part_number;
    return OkStatus();
  }));
  return out;
}

Result<ListMultipartUploadsResult> LocalBackend::ListMultipartUploads(
    const ListMultipartUploadsRequest& request) {
  struct Entry {
    UploadRecord upload;
    std::string position;
  };
  auto scan = [&](std::string_view after, size_t limit) -> Result<std::vector<Entry>> {
    std::vector<Entry> entries;
    IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
      store::ListQuery q;
      q.account = "";
      q.kind = local::kind::kUpload;
      q.parent = request.bucket;
      if (!request.prefix.empty()) q.path_prefix = request.prefix;
      q.after_key = std::string(after);
      q.limit = limit;
      IRSA_TRY(store::Page page, tx.List(q));
      for (store::Row& row : page.rows) {
        IRSA_TRY(UploadRecord upload, local::UploadRecordFromBody(row.body));
        entries.push_back(Entry{std::move(upload), std::move(row.id.key)});
      }
      return OkStatus();
    }));
    return entries;
  };
  auto key_of = [](const Entry& e) -> std::string_view { return e.upload.key; };
  auto position_of = [](const Entry& e) -> std::string_view { return e.position; };
  std::string after;
  if (!request.key_marker.empty()) {
    // After every upload of key-marker, or after upload-id-marker within it.
    after = request.upload_id_marker.empty()
                ? request.key_marker + static_cast<char>(local::kUploadKeySeparator + 1)
                : local::UploadRowKey(request.key_marker, request.upload_id_marker);
  }
  IRSA_TRY(GroupedListing<Entry> grouped,
           GroupListing<Entry>(scan, key_of, position_of, request.prefix, request.delimiter, after,
                               request.key_marker, request.max_uploads));
  ListMultipartUploadsResult out;
  for (const Entry& e : grouped.entries)
    out.uploads.push_back(ToUploadInfo(request.bucket, e.upload));
  out.common_prefixes = std::move(grouped.common_prefixes);
  out.truncated = grouped.truncated;
  if (out.truncated) {
    out.next_key_marker = grouped.last_key;
    if (!grouped.last_is_prefix && !out.uploads.empty()) {
      out.next_upload_id_marker = out.uploads.back().upload_id;
    }
  }
  return out;
}

Status LocalBackend::DeleteBucket(std::string_view bucket) {
  std::vector<std::string> released;
  IRSA_RETURN_IF_ERROR(store_.Write([&](store::StoreTx& tx) -> Status {
    released.clear();
    IRSA_TRY(BucketRecord record, RequireBucket(tx, bucket));
    (void)record;
    store::ListQuery objects;
    objects.account = "";
    objects.kind = local::kind::kObject;
    objects.parent = std::string(bucket);
    objects.limit = 1;
    IRSA_TRY(store::Page any, tx.List(objects));
    if (!any.rows.empty()) return errors::BucketNotEmpty();
    store::ListQuery uploads;
    uploads.account = "";
    uploads.kind = local::kind::kUpload;
    uploads.parent = std::string(bucket);
    uploads.limit = 1000;
    while (true) {
      IRSA_TRY(store::Page page, tx.List(uploads));
      for (const store::Row& row : page.rows) {
        IRSA_TRY(UploadRecord upload, local::UploadRecordFromBody(row.body));
        IRSA_TRY(std::vector<PartRecord> parts, ReadParts(tx, upload.upload_id));
        for (const PartRecord& p : parts) released.push_back(p.file_id);
        IRSA_TRY(int64_t n, tx.DeleteChildren("", local::kind::kPart, upload.upload_id));
        (void)n;
      }
      if (!page.truncated || page.rows.empty()) break;
      uploads.after_key = page.rows.back().id.key;
    }
    IRSA_TRY(int64_t n, tx.DeleteChildren("", local::kind::kUpload, std::string(bucket)));
    (void)n;
    return DeleteBucketRecord(tx, bucket);
  }));
  CrashPoint("commit:done");
  pins_.Release(released);
  CrashPoint("release:done");
  return OkStatus();
}

}  // namespace irsa::s3
