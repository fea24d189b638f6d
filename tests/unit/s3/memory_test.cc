// Bodies move through a fixed buffer: heap use during a transfer does not grow with its size.
// Counts every operator new/delete in this binary (the replacement below) and checks the peak
// of bytes allocated during a 256 MiB upload and download.
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "unit/iam/memory_store.h"
#include "unit/s3/s3_test_util.h"

namespace {

// Each block carries a 16-byte header: its size and whether it was allocated while tracking.
struct Header {
  size_t size;
  size_t tracked;
};
static_assert(sizeof(Header) == 16);

std::atomic<bool> g_tracking{false};
std::atomic<int64_t> g_live{0};
std::atomic<int64_t> g_peak{0};

void* Allocate(size_t size) {
  void* raw = std::malloc(size + sizeof(Header));
  if (raw == nullptr) throw std::bad_alloc();
  Header* h = static_cast<Header*>(raw);
  h->size = size;
  h->tracked = g_tracking.load(std::memory_order_relaxed) ? 1 : 0;
  if (h->tracked) {
    int64_t live = g_live.fetch_add(static_cast<int64_t>(size)) + static_cast<int64_t>(size);
    int64_t peak = g_peak.load();
    while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
    }
  }
  return h + 1;
}

void Free(void* p) {
  if (p == nullptr) return;
  Header* h = static_cast<Header*>(p) - 1;
  if (h->tracked) g_live.fetch_sub(static_cast<int64_t>(h->size));
  std::free(h);
}

}  // namespace

void* operator new(size_t size) { return Allocate(size); }
void* operator new[](size_t size) { return Allocate(size); }
void operator delete(void* p) noexcept { Free(p); }
void operator delete[](void* p) noexcept { Free(p); }
void operator delete(void* p, size_t) noexcept { Free(p); }
void operator delete[](void* p, size_t) noexcept { Free(p); }

namespace irsa::s3 {
namespace {

using testing::SyntheticByte;
using testing::SyntheticSource;
using testing::TempDir;

constexpr int64_t kBodySize = int64_t{256} << 20;
constexpr int64_t kHeapBound = 1 << 20;  // far above the 64 KiB buffer, far below the body

struct Tracking {
  Tracking() {
    g_live = 0;
    g_peak = 0;
    g_tracking = true;
  }
  ~Tracking() { g_tracking = false; }
  int64_t peak() const { return g_peak.load(); }
};

// Consumes a source, checking every byte against the synthetic body, without keeping it.
Result<int64_t> Drain(ByteSource& source, uint64_t seed) {
  std::unique_ptr<char[]> buffer(new char[kTransferBufferSize]);
  int64_t offset = 0;
  while (true) {
    IRSA_TRY(size_t n, source.Read(buffer.get(), kTransferBufferSize));
    if (n == 0) return offset;
    for (size_t i = 0; i < n; i += 4093) {
      if (buffer[i] != SyntheticByte(seed, static_cast<uint64_t>(offset) + i)) {
        return errors::InternalFailure("byte mismatch at " + std::to_string(offset + i));
      }
    }
    offset += static_cast<int64_t>(n);
  }
}

TEST(BoundedMemory, LargeUploadAndDownloadUseAFixedBuffer) {
  TempDir dir;
  iam::testing::MemoryStore store;
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  SeededRandom random(3);
  auto backend = LocalBackend::Open(store, clock, random, {.root = (dir.path() / "s3").string()});
  ASSERT_TRUE(backend.ok());
  S3Service s3(store, **backend, clock, {.listing_token_key = std::string(16, 'k')});
  ASSERT_TRUE(s3.CreateBucket({.bucket = "big", .owner = "111122223333"}).ok());

  PutObjectRequest put;
  put.bucket = "big";
  put.key = "blob";
  put.content_length = kBodySize;
  put.digests.checksum_algorithm = ChecksumAlgorithm::kCrc32c;
  SyntheticSource source(kBodySize, 9);
  int64_t put_peak;
  Result<ObjectInfo> info = errors::InternalFailure("not run");
  {
    Tracking tracking;
    info = s3.PutObject(put, source);
    put_peak = tracking.peak();
  }
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->size, kBodySize);
  RecordProperty("upload_heap_peak_bytes", std::to_string(put_peak));
  EXPECT_LT(put_peak, kHeapBound) << "upload heap peak " << put_peak;
  EXPECT_GE(put_peak, static_cast<int64_t>(kTransferBufferSize));  // the counter does count

  int64_t get_peak;
  {
    Tracking tracking;
    auto read = s3.GetObject({.bucket = "big", .key = "blob"});
    ASSERT_TRUE(read.ok());
    Result<int64_t> drained = Drain(*read->body, 9);
    ASSERT_TRUE(drained.ok()) << drained.error().message();
    EXPECT_EQ(*drained, kBodySize);
    get_peak = tracking.peak();
  }
  RecordProperty("download_heap_peak_bytes", std::to_string(get_peak));
  EXPECT_LT(get_peak, kHeapBound) << "download heap peak " << get_peak;

  // A range deep inside streams the same way.
  {
    Tracking tracking;
    auto read = s3.GetObject({.bucket = "big",
                              .key = "blob",
                              .range = RangeSpec{kBodySize - 3 * kTransferBufferSize, {}, 0}});
    ASSERT_TRUE(read.ok());
    ASSERT_EQ(read->range->length(), 3 * static_cast<int64_t>(kTransferBufferSize));
    EXPECT_LT(tracking.peak(), kHeapBound);
  }
}

}  // namespace
}  // namespace irsa::s3
