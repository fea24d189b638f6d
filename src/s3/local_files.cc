#include "s3/local_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/encoding.h"
#include "s3/errors.h"

namespace irsa::s3::local {
namespace {

Error IoError(std::string_view operation, int err) {
  return errors::InternalError("s3 storage: " + std::string(operation) +
                               " failed: " + std::strerror(err));
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  // Closes and reports the close error (it can carry a deferred write error).
  Status Close(std::string_view what) {
    int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return IoError(what, errno);
    return OkStatus();
  }

 private:
  int fd_;
};

Status FsyncPath(const std::string& path, std::string_view what) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return IoError(what, errno);
  if (::fsync(fd.get()) != 0) return IoError(what, errno);
  return OkStatus();
}

// Creates `path` if missing; sets `created` when it did (the caller then fsyncs the parent).
Status EnsureDir(const std::string& path, bool& created) {
  if (::mkdir(path.c_str(), 0700) == 0) {
    created = true;
    return OkStatus();
  }
  if (errno != EEXIST) return IoError("create a directory", errno);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return errors::InternalError("s3 storage: a data directory path is not a directory");
  }
  return OkStatus();
}

Status EnsureDirs(const std::string& root) {
  // mkdir -p for the root; each level created is made durable in its parent.
  std::string parent = "/";
  size_t pos = 0;
  while (pos != std::string::npos) {
    size_t slash = root.find('/', pos + 1);
    std::string next = root.substr(0, slash);
    if (!next.empty() && next != "/") {
      bool created = false;
      IRSA_RETURN_IF_ERROR(EnsureDir(next, created));
      if (created) IRSA_RETURN_IF_ERROR(FsyncPath(parent, "sync a new directory's parent"));
      parent = next;
    }
    pos = slash;
  }
  bool root_changed = false;
  IRSA_RETURN_IF_ERROR(EnsureDir(root + "/tmp", root_changed));
  IRSA_RETURN_IF_ERROR(EnsureDir(root + "/data", root_changed));
  if (root_changed) IRSA_RETURN_IF_ERROR(FsyncPath(root, "sync the data directory"));
  struct stat st;
  if (::stat((root + "/data/ff").c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return OkStatus();  // the shards are created in order: the last one means all of them
  }
  bool shards_changed = false;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 256; ++i) {
    std::string shard = root + "/data/" + kHex[i >> 4] + kHex[i & 15];
    IRSA_RETURN_IF_ERROR(EnsureDir(shard, shards_changed));
  }
  if (shards_changed) IRSA_RETURN_IF_ERROR(FsyncPath(root + "/data", "sync the shard directories"));
  return OkStatus();
}

template <typename Fn>
Status ForEachEntry(const std::string& path, Fn&& fn) {
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return IoError("list a directory", errno);
  Status status;
  errno = 0;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    status = fn(name);
    if (!status.ok()) break;
    errno = 0;
  }
  if (status.ok() && errno != 0) status = IoError("list a directory", errno);
  ::closedir(d);
  return status;
}

Status WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write a body file", errno);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return OkStatus();
}

class SegmentSource final : public ByteSource {
 public:
  SegmentSource(const DataDir& dir, FilePins& pins, std::vector<std::string> pinned,
                std::vector<Segment> segments)
      : dir_(dir), pins_(pins), pinned_(std::move(pinned)), segments_(std::move(segments)) {}
  ~SegmentSource() override { pins_.Unpin(pinned_); }
  SegmentSource(const SegmentSource&) = delete;
  SegmentSource& operator=(const SegmentSource&) = delete;

  Result<size_t> Read(char* out, size_t max) override {
    if (failed_) return errors::InternalError("s3 storage: read after a failed read");
    while (index_ < segments_.size()) {
      const Segment& seg = segments_[index_];
      if (done_ == seg.length) {
        fd_.Reset();
        ++index_;
        done_ = 0;
        continue;
      }
      if (fd_.get() < 0) {
        fd_.Reset(::open(dir_.DataPath(seg.file_id).c_str(), O_RDONLY | O_CLOEXEC));
        if (fd_.get() < 0) return Fail("open a body file", errno);
      }
      size_t want = static_cast<size_t>(std::min<int64_t>(seg.length - done_, max));
      if (want == 0) return size_t{0};
      ssize_t n = ::pread(fd_.get(), out, want, seg.offset + done_);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Fail("read a body file", errno);
      }
      if (n == 0) {
        failed_ = true;
        return errors::InternalError("s3 storage: a body file is shorter than its record");
      }
      done_ += n;
      return static_cast<size_t>(n);
    }
    return size_t{0};
  }

 private:
  Error Fail(std::string_view what, int err) {
    failed_ = true;
    return IoError(what, err);
  }

  const DataDir& dir_;
  FilePins& pins_;
  std::vector<std::string> pinned_;
  std::vector<Segment> segments_;
  size_t index_ = 0;
  int64_t done_ = 0;  // bytes of segments_[index_] already returned
  Fd fd_;
  bool failed_ = false;
};

}  // namespace

bool IsFileId(std::string_view id) {
  if (id.size() != kFileIdLength) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<std::unique_ptr<DataDir>> DataDir::Open(const std::string& root_in) {
  std::string root = root_in;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (root.empty()) return errors::InternalError("s3 storage: empty data directory");
  IRSA_RETURN_IF_ERROR(EnsureDirs(root));
  int lock_fd = ::open((root + "/LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) return IoError("open the lock file", errno);
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(lock_fd);
    if (err == EWOULDBLOCK) {
      return errors::InternalError(
          "s3 storage: the data directory is in use by another irsa process");
    }
    return IoError("lock the data directory", err);
  }
  std::unique_ptr<DataDir> dir(new DataDir(root, lock_fd));
  std::string tmp = root + "/tmp";
  IRSA_RETURN_IF_ERROR(ForEachEntry(tmp, [&](std::string_view name) -> Status {
    std::string path = tmp + "/" + std::string(name);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return IoError("clean tmp/", errno);
    return OkStatus();
  }));
  return dir;
}

DataDir::~DataDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

std::string DataDir::DataPath(std::string_view file_id) const {
  std::string path = root_;
  path += "/data/";
  path += file_id.substr(0, 2);
  path += '/';
  path += file_id;
  return path;
}

std::string DataDir::NewTempPath(Random& random) const {
  return root_ + "/tmp/" + HexEncode(random.Bytes(12)) + ".tmp";
}

Result<std::vector<std::string>> DataDir::ListDataFiles() const {
  std::vector<std::string> ids;
  std::string data = root_ + "/data";
  IRSA_RETURN_IF_ERROR(ForEachEntry(data, [&](std::string_view shard) -> Status {
    if (shard.size() != 2) return OkStatus();
    return ForEachEntry(data + "/" + std::string(shard), [&](std::string_view name) -> Status {
      if (IsFileId(name) && name.substr(0, 2) == shard) ids.emplace_back(name);
      return OkStatus();
    });
  }));
  return ids;
}

Status DataDir::RemoveDataFile(std::string_view file_id) const {
  if (::unlink(DataPath(file_id).c_str()) != 0 && errno != ENOENT) {
    return IoError("remove a body file", errno);
  }
  return OkStatus();
}

bool DataDir::DataFileExists(std::string_view file_id) const {
  return ::access(DataPath(file_id).c_str(), F_OK) == 0;
}

Result<WrittenFile> WriteDataFile(const DataDir& dir, Random& random, ByteSource& body,
                                  const WriteLimits& limits,
                                  std::optional<ChecksumAlgorithm> checksum,
                                  const std::function<Status(const WrittenFile&)>& before_publish,
                                  const std::function<void(std::string_view)>& crash_point) {
  std::string temp = dir.NewTempPath(random);
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return IoError("create a body file", errno);
  auto fail = [&](Error error) -> Result<WrittenFile> {
    fd.Reset();
    ::unlink(temp.c_str());
    return error;
  };
  std::unique_ptr<char[]> buffer(new char[kTransferBufferSize]);
  BodyDigester digester(checksum);
  int64_t size = 0;
  while (true) {
    Result<size_t> n = body.Read(buffer.get(), kTransferBufferSize);
    if (!n.ok()) return fail(n.error());
    if (*n == 0) break;
    size += static_cast<int64_t>(*n);
    if (limits.expected_size && size > *limits.expected_size) {
      return fail(errors::IncompleteBody("The body is longer than the declared Content-Length (" +
                                         std::to_string(*limits.expected_size) + " bytes)."));
    }
    if (size > limits.max_size) return fail(errors::EntityTooLarge());
    digester.Update(std::string_view(buffer.get(), *n));
    Status written = WriteAll(fd.get(), buffer.get(), *n);
    if (!written.ok()) return fail(written.error());
  }
  if (limits.expected_size && size != *limits.expected_size) {
    return fail(errors::IncompleteBody());
  }
  if (::fsync(fd.get()) != 0) return fail(IoError("sync a body file", errno));
  Status closed = fd.Close("close a body file");
  if (!closed.ok()) return fail(closed.error());
  if (crash_point) crash_point("write:synced");

  WrittenFile file;
  BodyDigester::Digests digests = digester.Finish();
  file.size = size;
  file.md5 = std::move(digests.md5);
  file.checksum = std::move(digests.checksum);
  if (before_publish) {
    Status ok = before_publish(file);
    if (!ok.ok()) return fail(ok.error());
  }
  file.id = HexEncode(random.Bytes(kFileIdLength / 2));
  std::string final_path = dir.DataPath(file.id);
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    return fail(IoError("publish a body file", errno));
  }
  std::string shard = final_path.substr(0, final_path.rfind('/'));
  Status synced = FsyncPath(shard, "sync a body file's directory");
  if (!synced.ok()) {
    ::unlink(final_path.c_str());
    return synced.error();
  }
  if (crash_point) crash_point("write:published");
  return file;
}

bool FilePins::PinIfPresent(const std::vector<std::string>& file_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  // A doomed file still exists while pinned, and the reader that looked it up may stream it.
  if (!file_ids.empty() && !dir_.DataFileExists(file_ids.front())) return false;
  for (const std::string& id : file_ids) ++pins_[id];
  return true;
}

void FilePins::Unpin(const std::vector<std::string>& file_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& id : file_ids) {
    auto it = pins_.find(id);
    if (it == pins_.end()) continue;
    if (--it->second > 0) continue;
    pins_.erase(it);
    if (doomed_.erase(id) != 0) (void)dir_.RemoveDataFile(id);
  }
}

void FilePins::Release(const std::vector<std::string>& file_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& id : file_ids) {
    if (pins_.count(id) != 0) {
      doomed_.insert(id);
    } else {
      (void)dir_.RemoveDataFile(id);  // a failure leaves an orphan for the start-up sweep
    }
  }
}

size_t FilePins::pinned_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pins_.size();
}

std::unique_ptr<ByteSource> OpenSegments(const DataDir& dir, FilePins& pins,
                                         std::vector<std::string> pinned_files,
                                         std::vector<Segment> segments) {
  return std::make_unique<SegmentSource>(dir, pins, std::move(pinned_files), std::move(segments));
}

}  // namespace irsa::s3::local
