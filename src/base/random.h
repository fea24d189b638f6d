// Injected randomness. SystemRandom draws from the kernel CSPRNG (getrandom): requests under 64
// bytes are served from a per-thread 512-byte block (one syscall per block, consumed bytes wiped,
// the block discarded in a forked child); larger ones go to the kernel directly. SeededRandom is
// a deterministic generator for tests and must never mint real credentials.
//
// Thread-safety: SystemRandom is safe to share; SeededRandom is internally locked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>

namespace irsa {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with random bytes. Never fails (aborts if the kernel cannot supply entropy).
  virtual void Fill(std::span<uint8_t> out) = 0;

  std::string Bytes(size_t n);
  uint64_t Uint64();
  // Uniform in [0, bound); bound > 0.
  uint64_t Below(uint64_t bound);
};

class SystemRandom final : public Random {
 public:
  void Fill(std::span<uint8_t> out) override;
  static SystemRandom& Instance();
};

class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed);
  void Fill(std::span<uint8_t> out) override;

 private:
  std::mutex mu_;
  uint64_t state_;
};

}  // namespace irsa
