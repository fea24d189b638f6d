#include "base/clock.h"

namespace irsa {

int64_t Clock::NowUnixSeconds() const { return ToUnixSeconds(Now()); }

SystemTime SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

MonoTime SystemClock::Monotonic() const {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now());
}

const SystemClock& SystemClock::Instance() {
  static const SystemClock* clock = new SystemClock();
  return *clock;
}

FakeClock::FakeClock(SystemTime start) : wall_ns_(start.time_since_epoch().count()) {}

FakeClock FakeClock::AtUnixSeconds(int64_t seconds) { return FakeClock(FromUnixSeconds(seconds)); }

FakeClock::FakeClock(const FakeClock& other)
    : wall_ns_(other.wall_ns_.load()), mono_ns_(other.mono_ns_.load()) {}

SystemTime FakeClock::Now() const { return SystemTime(std::chrono::nanoseconds(wall_ns_.load())); }

MonoTime FakeClock::Monotonic() const {
  return MonoTime(std::chrono::nanoseconds(mono_ns_.load()));
}

void FakeClock::Advance(std::chrono::nanoseconds delta) {
  wall_ns_ += delta.count();
  mono_ns_ += delta.count();
}

void FakeClock::SetNow(SystemTime now) { wall_ns_ = now.time_since_epoch().count(); }

SystemTime FromUnixSeconds(int64_t seconds) { return SystemTime(std::chrono::seconds(seconds)); }

int64_t ToUnixSeconds(SystemTime t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace irsa
