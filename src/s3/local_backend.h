// The embedded object backend: bodies in files under DATA/s3 (s3/local_files.h), the object index
// in the Store (s3/local_records.h), crash-safe.
//
// Crash safety. Every write follows one order: the body is written to tmp/, fsync'd and renamed
// into data/ (directory fsync'd) before the Store transaction that references it commits; files
// it replaces are unlinked only after that commit. So at any instant, and after a kill -9 at any
// instant, every committed row references complete, durable files, and the only debris is
// (a) files in tmp/ and (b) files in data/ that no row references (a write that died before its
// commit, or a replaced file not yet unlinked). Open() removes both before serving. An
// acknowledged write is a committed transaction, which the Store makes durable.
//
// Concurrency. Writes to one key serialize in the Store; the last commit wins, as in S3. A reader
// pins the files of the version it looked up (FilePins), so a concurrent overwrite or delete
// defers their unlinking until the reader finishes. One process serves a data directory at a
// time (flock on DATA/s3/LOCK): the local backend is for a single node.
//
// Thread-safety: safe to call from many threads at once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "s3/local_files.h"
#include "s3/local_records.h"
#include "s3/object_backend.h"
#include "store/store.h"

namespace irsa::s3 {

struct LocalBackendOptions {
  std::string root;  // the backend's directory, DATA/s3
  // The smallest part but the last that CompleteMultipartUpload accepts (S3: 5 MiB).
  int64_t min_part_size = kDefaultMinPartSize;
  // Tests only: called at named points of every write, in order "write:synced",
  // "write:published" (the body file is durable), "commit:done" (the Store transaction
  // committed), "release:done" (replaced files unlinked). A crash test kills the process there.
  std::function<void(std::string_view)> crash_point;
};

// What Open's sweep found.
struct SweepReport {
  size_t files_kept = 0;
  size_t files_removed = 0;  // unreferenced data files (debris of interrupted writes)
};

class LocalBackend final : public ObjectBackend {
 public:
  // Opens (creating if needed) the data directory, takes its lock, empties tmp/ and removes
  // every data file no row references. Call once, before serving: the sweep assumes no write is
  // in flight. `store`, `clock` and `random` must outlive the backend.
  static Result<std::unique_ptr<LocalBackend>> Open(store::Store& store, const Clock& clock,
                                                    Random& random, LocalBackendOptions options);

  const SweepReport& sweep_report() const { return sweep_; }
  // Files currently pinned by open readers (tests).
  size_t pinned_files() const { return pins_.pinned_count(); }

  Status OnBucketCreated(const BucketRecord& record) override;
  Status DeleteBucket(std::string_view bucket) override;

  Result<ObjectInfo> PutObject(const PutObjectRequest& request, ByteSource& body) override;
  Result<ObjectRead> GetObject(const GetObjectRequest& request, bool head_only) override;
  Result<bool> DeleteObject(std::string_view bucket, std::string_view key) override;
  Result<ObjectInfo> CopyObject(const CopyObjectRequest& request) override;
  Result<ListObjectsResult> ListObjects(const ListObjectsRequest& request) override;
  Result<TagSet> GetObjectTagging(std::string_view bucket, std::string_view key) override;
  Status PutObjectTagging(std::string_view bucket, std::string_view key,
                          const TagSet& tags) override;

  Result<MultipartUploadInfo> CreateMultipartUpload(
      const CreateMultipartUploadRequest& request) override;
  Result<PartInfo> UploadPart(const UploadPartRequest& request, ByteSource& body) override;
  Result<PartInfo> UploadPartCopy(const UploadPartCopyRequest& request) override;
  Result<ObjectInfo> CompleteMultipartUpload(
      const CompleteMultipartUploadRequest& request) override;
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id) override;
  Result<ListPartsResult> ListParts(const ListPartsRequest& request) override;
  Result<ListMultipartUploadsResult> ListMultipartUploads(
      const ListMultipartUploadsRequest& request) override;

 private:
  LocalBackend(store::Store& store, const Clock& clock, Random& random, LocalBackendOptions options,
               std::unique_ptr<local::DataDir> dir);

  // A looked-up object, its body pinned and opened unless head-only.
  struct Opened {
    local::ObjectRecord record;
    std::optional<ByteRange> range;
    int parts_count = 0;
    std::unique_ptr<ByteSource> body;
  };
  enum class ConditionKind { kRead, kCopySource };
  Result<Opened> Open(std::string_view bucket, std::string_view key,
                      const ReadConditions& conditions, ConditionKind condition_kind,
                      const std::optional<RangeSpec>& range, std::optional<int> part_number,
                      bool head_only);

  // Writes `body` to a new data file, verifying `digests` before publishing it.
  Result<local::WrittenFile> WriteBody(ByteSource& body, std::optional<int64_t> expected_size,
                                       int64_t max_size, const DeclaredDigests& digests,
                                       std::optional<ChecksumAlgorithm> algorithm);
  // Commits `record` as bucket/key (checking the bucket and `conditions` in the transaction);
  // on failure unlinks the new files; on success releases the replaced files.
  Result<ObjectInfo> CommitObject(std::string_view bucket, std::string_view key,
                                  const local::ObjectRecord& record,
                                  const WriteConditions& conditions);
  // Commits a part row for an upload (which must still exist).
  Result<PartInfo> CommitPart(const UploadPartRequest& request, const local::PartRecord& part);
  Result<local::UploadRecord> ReadUpload(std::string_view bucket, std::string_view key,
                                         std::string_view upload_id);
  Status Sweep();
  SystemTime Now() const;
  void CrashPoint(std::string_view point) const {
    if (options_.crash_point) options_.crash_point(point);
  }

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  LocalBackendOptions options_;
  std::unique_ptr<local::DataDir> dir_;
  local::FilePins pins_;
  SweepReport sweep_;
};

// The ObjectInfo of a stored record (owner left empty: the service fills it in).
ObjectInfo LocalObjectInfo(std::string_view bucket, std::string_view key,
                           const local::ObjectRecord& record);

}  // namespace irsa::s3
