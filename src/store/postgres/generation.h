// Tracks the shared write generation (the `meta` row 'generation') for Store::Generation().
//
// A background thread holds its own connection, LISTENs on "irsa_generation" (every write
// transaction NOTIFYs its new generation on commit) and re-reads the meta row every second; it
// reconnects with backoff when the connection breaks. While it is disconnected, Get() re-reads
// the meta row itself (through `poll`) at most every 250 ms. Local commits are applied at once
// through Observe(). The value only ever grows. Staleness bounds: see postgres_store.h.
//
// Thread-safety: all methods are safe to call concurrently. The destructor stops the thread; it
// may wait for a connection attempt in flight (at most connect_timeout, 5 s by default).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.h"

namespace irsa::store::pg {

inline constexpr char kGenerationChannel[] = "irsa_generation";

class GenerationWatcher {
 public:
  using Poll = std::function<Result<int64_t>()>;
  // Does not start the listener; see Start().
  GenerationWatcher(std::string conninfo, Poll poll, int64_t initial);
  GenerationWatcher(const GenerationWatcher&) = delete;
  GenerationWatcher& operator=(const GenerationWatcher&) = delete;
  ~GenerationWatcher();

  void Start();
  int64_t Get();
  void Observe(int64_t generation);
  bool listening() const { return listening_.load(); }

  static constexpr std::chrono::milliseconds kPollInterval{250};
  static constexpr std::chrono::milliseconds kRecheckInterval{1000};

 private:
  void Run();
  // Sleeps up to `d` or until Stop; returns false when stopping.
  bool SleepFor(std::chrono::milliseconds d);

  const std::string conninfo_;
  const Poll poll_;
  std::atomic<int64_t> value_;
  std::atomic<bool> listening_{false};
  std::atomic<int64_t> last_poll_ns_{0};  // steady clock, of the last fallback poll
  std::mutex poll_mu_;                    // one fallback poll at a time

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;  // guarded by stop_mu_
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace irsa::store::pg
