// The filesystem side of the local object backend (s3/local_backend.h): the data directory
// layout, durable file creation and streaming reads.
//
// Layout under the root (DATA/s3):
//   LOCK                 held (flock) by the one process that serves from this directory
//   tmp/<random>.tmp     bodies being received; never referenced; emptied at start
//   data/<xx>/<id>       immutable body files; <id> is 32 lower-hex random digits, <xx> its
//                        first two (256 shards)
//
// Durability protocol (WriteDataFile + the caller's commit): bytes go to a new file in tmp/,
// which is fsync'd, closed, renamed to data/<xx>/<id>, and data/<xx>/ is fsync'd; only then may
// a store row reference <id>. A file is never modified after the rename, and unlinked only after
// the row that referenced it is gone (committed).
//
// Errors are InternalError with the operation and errno text, never a path.
// Thread-safety: DataDir is immutable after Open and safe to share; a DataFile belongs to one
// thread; FilePins is internally synchronised.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/byte_stream.h"
#include "base/random.h"
#include "base/result.h"
#include "s3/checksum.h"
#include "s3/types.h"

namespace irsa::s3::local {

inline constexpr size_t kFileIdLength = 32;
bool IsFileId(std::string_view id);

class DataDir {
 public:
  // Creates the layout if missing (fsyncing the new directories), takes the lock (InternalError
  // "data directory is in use by another process" when held) and empties tmp/.
  static Result<std::unique_ptr<DataDir>> Open(const std::string& root);
  ~DataDir();
  DataDir(const DataDir&) = delete;
  DataDir& operator=(const DataDir&) = delete;

  std::string DataPath(std::string_view file_id) const;  // root/data/<xx>/<id>
  std::string NewTempPath(Random& random) const;         // root/tmp/<random>.tmp
  const std::string& root() const { return root_; }

  // Every file id under data/ (names that are not file ids are ignored). For the start-up sweep.
  Result<std::vector<std::string>> ListDataFiles() const;
  // Unlinks a data file; an absent file is not an error.
  Status RemoveDataFile(std::string_view file_id) const;
  bool DataFileExists(std::string_view file_id) const;

 private:
  DataDir(std::string root, int lock_fd) : root_(std::move(root)), lock_fd_(lock_fd) {}
  std::string root_;
  int lock_fd_;
};

// What WriteDataFile produced.
struct WrittenFile {
  std::string id;
  int64_t size = 0;
  std::string md5;       // raw
  std::string checksum;  // raw, empty without an algorithm
};

struct WriteLimits {
  std::optional<int64_t> expected_size;  // IncompleteBody when the body has another length
  int64_t max_size = 0;                  // EntityTooLarge past this
};

// Streams `body` to a new durable data file (the protocol above), computing the MD5 and the
// optional checksum. `before_publish` runs after the temp file is fsync'd and before it is
// renamed into data/ (digest checks belong there); its error, like any other, removes the temp
// file. `crash_point` (tests) is called at named points. On success the file exists under data/
// and is the caller's to reference or remove.
Result<WrittenFile> WriteDataFile(const DataDir& dir, Random& random, ByteSource& body,
                                  const WriteLimits& limits,
                                  std::optional<ChecksumAlgorithm> checksum,
                                  const std::function<Status(const WrittenFile&)>& before_publish,
                                  const std::function<void(std::string_view)>& crash_point);

// A byte interval of one data file.
struct Segment {
  std::string file_id;
  int64_t offset = 0;
  int64_t length = 0;
};

// In-process pins on data files that a reader is streaming: a file released (its row gone)
// while pinned is unlinked when its last pin goes. A crash leaves such files unreferenced, for
// the start-up sweep.
class FilePins {
 public:
  explicit FilePins(const DataDir& dir) : dir_(dir) {}
  // Pins every file if the first still exists (checked under the lock, so a concurrent Release
  // of the same set is either wholly before, and this returns false, or wholly after).
  bool PinIfPresent(const std::vector<std::string>& file_ids);
  void Unpin(const std::vector<std::string>& file_ids);
  // Unlinks each file now, or when its last pin goes.
  void Release(const std::vector<std::string>& file_ids);
  size_t pinned_count() const;

 private:
  const DataDir& dir_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int> pins_;
  std::unordered_set<std::string> doomed_;
};

// Streams a list of segments; holds pins on their files until destroyed. Opens one file at a
// time and reads straight into the caller's buffer (no buffering of its own).
std::unique_ptr<ByteSource> OpenSegments(const DataDir& dir, FilePins& pins,
                                         std::vector<std::string> pinned_files,
                                         std::vector<Segment> segments);

}  // namespace irsa::s3::local
