#include "base/random.h"

#include <pthread.h>
#include <sys/random.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace irsa {
namespace {

void FillFromKernel(uint8_t* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = getrandom(out + done, size - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::abort();  // No entropy means no safe credentials: refuse to continue.
    }
    done += static_cast<size_t>(n);
  }
}

// Bumped in a forked child, so that no thread-local buffer inherited from the parent is ever
// used again: parent and child must not hand out the same bytes.
std::atomic<uint64_t> fork_epoch{0};

void RegisterForkHandler() {
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr, [] { fork_epoch.fetch_add(1, std::memory_order_relaxed); });
    return true;
  }();
  (void)registered;
}

// Kernel randomness drawn in blocks: one getrandom(2) per kBlock bytes instead of one per call.
// Consumed bytes are wiped at once, so the buffer never holds bytes already handed out.
class ThreadBuffer {
 public:
  void Fill(std::span<uint8_t> out) {
    if (epoch_ != fork_epoch.load(std::memory_order_relaxed)) Discard();
    size_t done = 0;
    while (done < out.size()) {
      if (available_ == 0) Refill();
      const size_t n = std::min(available_, out.size() - done);
      uint8_t* from = block_.data() + (block_.size() - available_);
      std::memcpy(out.data() + done, from, n);
      explicit_bzero(from, n);
      available_ -= n;
      done += n;
    }
  }

  ~ThreadBuffer() { explicit_bzero(block_.data(), block_.size()); }

 private:
  static constexpr size_t kBlock = 512;

  void Refill() {
    FillFromKernel(block_.data(), block_.size());
    available_ = block_.size();
  }
  void Discard() {
    explicit_bzero(block_.data(), block_.size());
    available_ = 0;
    epoch_ = fork_epoch.load(std::memory_order_relaxed);
  }

  std::array<uint8_t, kBlock> block_{};
  size_t available_ = 0;
  uint64_t epoch_ = 0;
};

}  // namespace

std::string Random::Bytes(size_t n) {
  std::string out(n, '\0');
  Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), n));
  return out;
}

uint64_t Random::Uint64() {
  uint64_t v = 0;
  Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(&v), sizeof v));
  return v;
}

uint64_t Random::Below(uint64_t bound) {
  // Rejection sampling: no modulo bias. Small bounds (alphabets) draw one byte at a time.
  if (bound <= 256) {
    const unsigned limit = 256 - 256 % static_cast<unsigned>(bound);
    for (;;) {
      uint8_t v = 0;
      Fill(std::span<uint8_t>(&v, 1));
      if (v < limit) return v % bound;
    }
  }
  const uint64_t limit =
      std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % bound;
  for (;;) {
    uint64_t v = Uint64();
    if (v < limit) return v % bound;
  }
}

void SystemRandom::Fill(std::span<uint8_t> out) {
  // Large requests (keys) go straight to the kernel; small ones (ids, nonces) share a block.
  if (out.size() >= 64) {
    FillFromKernel(out.data(), out.size());
    return;
  }
  thread_local ThreadBuffer buffer;
  buffer.Fill(out);
}

SystemRandom& SystemRandom::Instance() {
  RegisterForkHandler();
  static SystemRandom* random = new SystemRandom();
  return *random;
}

SeededRandom::SeededRandom(uint64_t seed) : state_(seed ? seed : 0x9E3779B97F4A7C15ull) {}

void SeededRandom::Fill(std::span<uint8_t> out) {
  std::lock_guard lock(mu_);
  for (auto& b : out) {
    // splitmix64
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    b = static_cast<uint8_t>(z ^ (z >> 31));
  }
}

}  // namespace irsa
