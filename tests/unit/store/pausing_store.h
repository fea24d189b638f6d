// A MemoryStore (unit/iam/memory_store.h) that can pause a read after its snapshot was taken, so
// that a test interleaves a write between a load's read and what the loader does with it,
// deterministically and without sleeps (test-only).
#pragma once

#include <condition_variable>
#include <mutex>

#include "store/store.h"
#include "unit/iam/memory_store.h"

namespace irsa::store::testing {

// A MemoryStore whose Read, once armed, runs its function (reads its snapshot) and then blocks
// until released: the test can commit a write between a load's read and what the loader does
// with what it read. ArmPause(n) pauses the (n+1)-th Read after it, once.
class PausingStore final : public Store {
 public:
  void ArmPause(int skip_reads = 0) {
    std::lock_guard lock(mu_);
    armed_ = true;
    skip_ = skip_reads;
    paused_ = false;
    released_ = false;
  }
  // Blocks until the armed read has read its snapshot.
  void WaitUntilPaused() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return paused_; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

  Status Read(const std::function<Status(StoreTx&)>& fn) override {
    Status status = inner_.Read(fn);
    std::unique_lock lock(mu_);
    if (armed_ && skip_-- == 0) {
      armed_ = false;
      paused_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
    }
    return status;
  }
  Status Write(const std::function<Status(StoreTx&)>& fn) override { return inner_.Write(fn); }
  Status Reset() override { return inner_.Reset(); }
  int64_t Generation() override { return inner_.Generation(); }

 private:
  iam::testing::MemoryStore inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool armed_ = false;     // guarded by mu_
  int skip_ = 0;           // guarded by mu_
  bool paused_ = false;    // guarded by mu_
  bool released_ = false;  // guarded by mu_
};

}  // namespace irsa::store::testing
