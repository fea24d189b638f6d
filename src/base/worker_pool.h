// A fixed set of threads running submitted tasks from a bounded FIFO queue: where request handling
// does blocking work (store calls, file and network IO of streamed bodies), so that the server's
// IO threads never wait on it and requests answered from memory never queue behind it.
//
//   WorkerPool pool({.name = "store", .threads = 8, .max_queue = 1024});
//   if (!pool.Submit([&request, respond] { respond(HandleWithStore(request)); })) {
//     respond(Busy());  // queue full: answer 503 now instead of waiting
//   }
//   ...
//   pool.Shutdown(WorkerPool::ShutdownMode::kDrain);
//
// Tasks are move-only callables taking no arguments; their result is ignored. A task that throws
// is logged and counted (outcome="threw"); its thread carries on. Submit never blocks and never
// runs the task on the calling thread: it returns false, destroying the task unrun, when
// `max_queue` tasks are already waiting for a thread or the pool is shutting down, so the caller
// can answer 503 (ServiceUnavailable / SlowDown) at once.
//
// A task must not wait for another task of the same pool (with every thread waiting, nothing
// runs). Tasks are started in submission order; with several threads they may finish in any order.
//
// Shutdown(kDrain) stops accepting, runs every queued task, then joins the threads.
// Shutdown(kCancelQueued) stops accepting, destroys the queued tasks without running them (so
// whatever they own is released: a completion handle they hold answers for them), lets running
// tasks finish, then joins. Both are idempotent; the destructor drains.
//
// Metrics (in `registry`, label pool=`name`):
//   irsa_worker_tasks_total{pool,outcome}   outcome: done, threw, rejected, cancelled
//   irsa_worker_queue_depth{pool}           tasks waiting for a thread
//   irsa_worker_busy_threads{pool}          threads running a task
//   irsa_worker_queue_wait_seconds{pool}    from Submit to the start of the task
//
// Thread-safety: every method may be called from any thread, concurrently, including from a task
// running on the pool, except Shutdown and the destructor (they join the pool's threads; calling
// them from a pool thread asserts).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"

namespace irsa {

struct WorkerPoolOptions {
  std::string name = "worker";  // the `pool` label of its metrics; thread names "<name>-<i>"
  int threads = 4;              // >= 1
  size_t max_queue = 1024;      // >= 1: tasks waiting for a thread (running ones not counted)
  // Injected; null selects the process-wide default. Not owned; must outlive the pool.
  metrics::Registry* registry = nullptr;  // DefaultRegistry()
  const Clock* clock = nullptr;           // SystemClock: queue wait times
};

class WorkerPool {
 public:
  enum class ShutdownMode { kDrain, kCancelQueued };

  // Starts the threads. Invalid options (threads < 1, max_queue < 1) assert.
  explicit WorkerPool(WorkerPoolOptions options);
  // Shutdown(kDrain).
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` (any move-constructible callable `void()`); false if the queue is full or the
  // pool is shutting down (the task is then destroyed unrun, on the calling thread).
  template <typename F>
  requires std::is_invocable_v < std::decay_t<F>
  & > bool Submit(F&& task) {
    if (Saturated()) return Reject();
    return Enqueue(std::make_unique<TaskImpl<std::decay_t<F>>>(std::forward<F>(task)));
  }

  void Shutdown(ShutdownMode mode);

  // Blocks until no task is queued or running (tests; a quiescence point). Tasks submitted
  // meanwhile are waited for too.
  void WaitIdle();

  // True on a thread of this pool.
  bool OnPoolThread() const;

  size_t queued() const;
  int busy() const;
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  struct Task {
    virtual ~Task() = default;
    virtual void Run() = 0;
    MonoTime queued_at{};
  };
  template <typename F>
  struct TaskImpl final : Task {
    explicit TaskImpl(F&& f) : fn(std::move(f)) {}
    explicit TaskImpl(const F& f) : fn(f) {}
    void Run() override { fn(); }
    F fn;
  };

  bool Saturated() const;  // a racy pre-check that avoids allocating a task that will be refused
  bool Reject();
  bool Enqueue(std::unique_ptr<Task> task);
  void Loop(size_t index);

  WorkerPoolOptions options_;
  metrics::Counter* done_;
  metrics::Counter* threw_;
  metrics::Counter* rejected_;
  metrics::Counter* cancelled_;
  metrics::Gauge* depth_;
  metrics::Gauge* busy_gauge_;
  metrics::Histogram* wait_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // a task was queued, or shutdown began
  std::condition_variable idle_cv_;  // the pool became idle
  std::deque<std::unique_ptr<Task>> queue_;
  int busy_ = 0;
  bool accepting_ = true;
  bool stopping_ = false;  // threads exit once the queue is empty
  std::vector<std::thread> threads_;
  std::once_flag joined_;
};

}  // namespace irsa
