#include "base/worker_pool.h"

#include <pthread.h>

#include <cassert>
#include <exception>

#include "base/log.h"

namespace irsa {
namespace {

thread_local const WorkerPool* tls_current_pool = nullptr;

}  // namespace

WorkerPool::WorkerPool(WorkerPoolOptions options) : options_(std::move(options)) {
  assert(options_.threads >= 1);
  assert(options_.max_queue >= 1);
  if (options_.threads < 1) options_.threads = 1;
  if (options_.max_queue < 1) options_.max_queue = 1;
  if (!options_.registry) options_.registry = &metrics::DefaultRegistry();
  if (!options_.clock) options_.clock = &SystemClock::Instance();
  metrics::Registry& r = *options_.registry;
  auto& tasks =
      r.CounterFamily("irsa_worker_tasks_total", "Tasks submitted to a worker pool, by outcome.",
                      {"pool", "outcome"});
  done_ = &tasks.WithLabels({options_.name, "done"});
  threw_ = &tasks.WithLabels({options_.name, "threw"});
  rejected_ = &tasks.WithLabels({options_.name, "rejected"});
  cancelled_ = &tasks.WithLabels({options_.name, "cancelled"});
  depth_ = &r.GaugeFamily("irsa_worker_queue_depth", "Tasks waiting for a worker thread.", {"pool"})
                .WithLabels({options_.name});
  busy_gauge_ =
      &r.GaugeFamily("irsa_worker_busy_threads", "Worker threads running a task.", {"pool"})
           .WithLabels({options_.name});
  wait_ = &r.HistogramFamily("irsa_worker_queue_wait_seconds",
                             "Time from submitting a task to its start, in seconds.", {"pool"})
               .WithLabels({options_.name});
  threads_.reserve(static_cast<size_t>(options_.threads));
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this, i] { Loop(static_cast<size_t>(i)); });
  }
}

WorkerPool::~WorkerPool() { Shutdown(ShutdownMode::kDrain); }

bool WorkerPool::Saturated() const {
  std::lock_guard lock(mu_);
  return !accepting_ || queue_.size() >= options_.max_queue;
}

bool WorkerPool::Reject() {
  rejected_->Inc();
  return false;
}

bool WorkerPool::Enqueue(std::unique_ptr<Task> task) {
  task->queued_at = options_.clock->Monotonic();
  std::unique_lock lock(mu_);
  if (!accepting_ || queue_.size() >= options_.max_queue) {
    lock.unlock();  // the task is destroyed unlocked: its destructor may do anything
    rejected_->Inc();
    return false;
  }
  queue_.push_back(std::move(task));
  depth_->Inc();
  lock.unlock();
  work_cv_.notify_one();
  return true;
}

void WorkerPool::Loop(size_t index) {
  tls_current_pool = this;
  {
    std::string name = options_.name.substr(0, 10) + "-" + std::to_string(index);
    pthread_setname_np(pthread_self(), name.c_str());
  }
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping and nothing left
    std::unique_ptr<Task> task = std::move(queue_.front());
    queue_.pop_front();
    depth_->Dec();
    ++busy_;
    busy_gauge_->Inc();
    lock.unlock();
    const MonoTime started = options_.clock->Monotonic();
    wait_->Observe(std::chrono::duration<double>(started - task->queued_at).count());
    bool threw = false;
    try {
      task->Run();
    } catch (const std::exception& e) {
      threw = true;
      log::Error("worker pool task threw", {{"pool", options_.name}, {"what", e.what()}});
    } catch (...) {
      threw = true;
      log::Error("worker pool task threw", {{"pool", options_.name}});
    }
    (threw ? threw_ : done_)->Inc();
    task.reset();  // whatever the task owns is released before the pool counts as idle
    lock.lock();
    --busy_;
    busy_gauge_->Dec();
    if (busy_ == 0 && queue_.empty()) idle_cv_.notify_all();
  }
}

void WorkerPool::Shutdown(ShutdownMode mode) {
  assert(!OnPoolThread() && "WorkerPool::Shutdown from one of its own threads");
  std::call_once(joined_, [&] {
    std::deque<std::unique_ptr<Task>> cancelled;
    {
      std::lock_guard lock(mu_);
      accepting_ = false;
      if (mode == ShutdownMode::kCancelQueued) {
        cancelled.swap(queue_);
        depth_->Add(-static_cast<double>(cancelled.size()));
        cancelled_->Inc(cancelled.size());
        if (busy_ == 0) idle_cv_.notify_all();
      }
      stopping_ = true;
    }
    work_cv_.notify_all();
    cancelled.clear();  // destroyed unrun, outside the lock
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  });
}

void WorkerPool::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return busy_ == 0 && queue_.empty(); });
}

bool WorkerPool::OnPoolThread() const { return tls_current_pool == this; }

size_t WorkerPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

int WorkerPool::busy() const {
  std::lock_guard lock(mu_);
  return busy_;
}

}  // namespace irsa
