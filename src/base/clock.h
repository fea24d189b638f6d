// Injected time. Production code takes a `const Clock&` and never calls std::chrono clocks
// directly, so expiry, rotation, caching and retries are tested with FakeClock, never sleeps.
//
// Thread-safety: SystemClock is stateless; FakeClock is safe to read and advance concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace irsa {

using SystemTime = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;
using MonoTime = std::chrono::time_point<std::chrono::steady_clock, std::chrono::nanoseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (UTC): timestamps on the wire, token iat/exp, signing dates.
  virtual SystemTime Now() const = 0;
  // Monotonic time: timeouts, cache ages, rate limits. Unrelated to Now().
  virtual MonoTime Monotonic() const = 0;

  // Whole seconds since the Unix epoch.
  int64_t NowUnixSeconds() const;
};

class SystemClock final : public Clock {
 public:
  SystemTime Now() const override;
  MonoTime Monotonic() const override;
  // A process-wide instance; lives forever.
  static const SystemClock& Instance();
};

// A clock that moves only when told. Starts at `start` wall time and monotonic time zero.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(SystemTime start);
  // Convenience: starts at the given Unix time in seconds.
  static FakeClock AtUnixSeconds(int64_t seconds);
  FakeClock(const FakeClock& other);

  SystemTime Now() const override;
  MonoTime Monotonic() const override;
  void Advance(std::chrono::nanoseconds delta);
  void SetNow(SystemTime now);  // moves wall time only

 private:
  std::atomic<int64_t> wall_ns_;
  std::atomic<int64_t> mono_ns_{0};
};

SystemTime FromUnixSeconds(int64_t seconds);
int64_t ToUnixSeconds(SystemTime t);

}  // namespace irsa
