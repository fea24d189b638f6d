// Helpers for the s3 tests: temporary directories, synthetic bodies, a service over SQLite and
// the local backend.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "base/byte_stream.h"
#include "base/clock.h"
#include "base/random.h"
#include "s3/local_backend.h"
#include "s3/service.h"
#include "store/sqlite/sqlite_store.h"

namespace irsa::s3::testing {

namespace fs = std::filesystem;

// Seals nothing (the s3 rows have no secrets): identity with a prefix.
class PlainSealer final : public store::SecretSealer {
 public:
  std::string Seal(const std::string& plaintext) const override { return "plain:" + plaintext; }
  Result<std::string> Open(const std::string& sealed) const override {
    return sealed.substr(std::min<size_t>(6, sealed.size()));
  }
};

// A fresh directory, removed afterwards. On tmpfs (/dev/shm) when there is one: these tests are
// about ordering and kill -9, which a RAM file system honours, and fsync there costs nothing.
class TempDir {
 public:
  TempDir() {
    std::error_code ec;
    fs::path base =
        fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    std::string pattern = (base / "irsa-s3-XXXXXX").string();
    char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The byte at `offset` of the synthetic body with `seed`.
inline char SyntheticByte(uint64_t seed, uint64_t offset) {
  uint64_t x = (offset / 8) * 0x9E3779B97F4A7C15ull + seed * 0xBF58476D1CE4E5B9ull;
  x ^= x >> 31;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 29;
  return static_cast<char>(x >> ((offset % 8) * 8));
}

// A deterministic body of `size` bytes generated on the fly; never held in memory. Returns short
// reads of varying sizes, as a network source does.
class SyntheticSource final : public ByteSource {
 public:
  SyntheticSource(int64_t size, uint64_t seed) : size_(size), seed_(seed) {}
  Result<size_t> Read(char* out, size_t max) override {
    ++reads_;
    int64_t left = size_ - offset_;
    size_t n = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(max)));
    if (n > 7 && reads_ % 3 == 0) n = n / 2 + 1;  // short reads
    for (size_t i = 0; i < n; ++i)
      out[i] = SyntheticByte(seed_, static_cast<uint64_t>(offset_) + i);
    offset_ += static_cast<int64_t>(n);
    return n;
  }

 private:
  int64_t size_;
  uint64_t seed_;
  int64_t offset_ = 0;
  int64_t reads_ = 0;
};

inline std::string Synthetic(int64_t size, uint64_t seed) {
  std::string out(static_cast<size_t>(size), '\0');
  for (int64_t i = 0; i < size; ++i) out[i] = SyntheticByte(seed, static_cast<uint64_t>(i));
  return out;
}

// A source that fails after `good` bytes (a broken connection, a bad chunk signature).
class FailingSource final : public ByteSource {
 public:
  FailingSource(std::string data, Error error) : data_(std::move(data)), error_(std::move(error)) {}
  Result<size_t> Read(char* out, size_t max) override {
    if (pos_ == data_.size()) return error_;
    size_t n = std::min(max, data_.size() - pos_);
    data_.copy(out, n, pos_);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  Error error_;
  size_t pos_ = 0;
};

inline Result<std::string> ReadAll(ByteSource& source) {
  std::string out;
  char buf[4096];
  while (true) {
    IRSA_TRY(size_t n, source.Read(buf, sizeof(buf)));
    if (n == 0) return out;
    out.append(buf, n);
  }
}

inline size_t CountFiles(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_regular_file()) ++n;
  }
  return n;
}

// A service over a SQLite store and the local backend in a temporary directory.
class S3Env {
 public:
  explicit S3Env(std::string region = "us-east-1", int64_t min_part_size = 5)
      : clock_(FakeClock::AtUnixSeconds(1700000000)), random_(42) {
    region_ = std::move(region);
    min_part_size_ = min_part_size;
    Open();
  }
  void Open() {
    auto store =
        store::OpenSqliteStore({.path = (dir_.path() / "irsa.db").string(), .sealer = &sealer_});
    ASSERT_TRUE(store.ok()) << store.error().message();
    store_ = std::move(*store);
    auto backend = LocalBackend::Open(
        *store_, clock_, random_, {.root = data_root().string(), .min_part_size = min_part_size_});
    ASSERT_TRUE(backend.ok()) << backend.error().message();
    backend_ = std::move(*backend);
    service_ = std::make_unique<S3Service>(
        *store_, *backend_, clock_,
        S3ServiceConfig{.region = region_, .listing_token_key = std::string(32, 'k')});
  }
  void Close() {
    service_.reset();
    backend_.reset();
    store_.reset();
  }
  fs::path data_root() const { return dir_.path() / "s3"; }
  size_t DataFiles() const { return CountFiles(data_root() / "data"); }

  S3Service& s3() { return *service_; }
  LocalBackend& backend() { return *backend_; }
  store::Store& store() { return *store_; }
  FakeClock& clock() { return clock_; }

  void CreateBucket(const std::string& name, const std::string& owner = "111122223333") {
    auto r = service_->CreateBucket({.bucket = name, .owner = owner});
    ASSERT_TRUE(r.ok()) << r.error().message();
  }
  Result<ObjectInfo> Put(const std::string& bucket, const std::string& key,
                         const std::string& body) {
    PutObjectRequest request;
    request.bucket = bucket;
    request.key = key;
    request.content_length = static_cast<int64_t>(body.size());
    StringSource source(body);
    return service_->PutObject(request, source);
  }
  Result<std::string> Get(const std::string& bucket, const std::string& key,
                          std::optional<std::string> range = std::nullopt) {
    GetObjectRequest request;
    request.bucket = bucket;
    request.key = key;
    if (range) request.range = ParseRangeHeader(*range);
    IRSA_TRY(ObjectRead read, service_->GetObject(request));
    return ReadAll(*read.body);
  }

 private:
  TempDir dir_;
  FakeClock clock_;
  SeededRandom random_;
  std::string region_;
  int64_t min_part_size_;
  PlainSealer sealer_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<LocalBackend> backend_;
  std::unique_ptr<S3Service> service_;
};

}  // namespace irsa::s3::testing
