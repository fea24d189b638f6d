#include "base/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/log.h"
#include "base/metrics.h"

namespace irsa {
namespace {

class WorkerPoolTest : public ::testing::Test {
 protected:
  WorkerPoolTest() {
    log::SetSink([](std::string_view) {});
  }
  ~WorkerPoolTest() override { log::SetSink(nullptr); }

  WorkerPoolOptions Options(int threads, size_t max_queue) {
    return {.name = "test", .threads = threads, .max_queue = max_queue, .registry = &registry_};
  }
  uint64_t Tasks(std::string_view outcome) {
    return registry_.CounterFamily("irsa_worker_tasks_total", "", {"pool", "outcome"})
        .WithLabels({"test", outcome})
        .Value();
  }
  double Gauge(std::string_view name) {
    return registry_.GaugeFamily(name, "", {"pool"}).WithLabels({"test"}).Value();
  }

  metrics::Registry registry_;
};

// A gate tasks wait at until the test opens it.
class Gate {
 public:
  void Wait() { opened_.get_future().wait(); }
  void Open() { opened_.set_value(); }

 private:
  std::promise<void> opened_;
};

TEST_F(WorkerPoolTest, RunsTasksOnItsThreads) {
  WorkerPool pool(Options(3, 100));
  std::atomic<int> sum{0};
  std::mutex mu;
  std::set<std::thread::id> threads;
  for (int i = 1; i <= 100; ++i) {
    ASSERT_TRUE(pool.Submit([&, i] {
      EXPECT_TRUE(pool.OnPoolThread());
      sum += i;
      std::lock_guard lock(mu);
      threads.insert(std::this_thread::get_id());
    }));
  }
  pool.WaitIdle();
  EXPECT_EQ(sum.load(), 5050);
  EXPECT_FALSE(threads.count(std::this_thread::get_id()));
  EXPECT_LE(threads.size(), 3u);
  EXPECT_FALSE(pool.OnPoolThread());
  EXPECT_EQ(Tasks("done"), 100u);
  EXPECT_EQ(pool.threads(), 3);
}

TEST_F(WorkerPoolTest, AcceptsMoveOnlyTasks) {
  WorkerPool pool(Options(1, 10));
  auto value = std::make_unique<int>(41);
  std::promise<int> result;
  ASSERT_TRUE(pool.Submit([v = std::move(value), &result] { result.set_value(*v + 1); }));
  EXPECT_EQ(result.get_future().get(), 42);
}

TEST_F(WorkerPoolTest, SubmitFailsWhenTheQueueIsFull) {
  WorkerPool pool(Options(1, 2));
  Gate gate;
  std::latch running(1);
  ASSERT_TRUE(pool.Submit([&] {
    running.count_down();
    gate.Wait();
  }));
  running.wait();  // the only thread is busy: further tasks queue
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.Submit([&] { ++ran; }));
  EXPECT_TRUE(pool.Submit([&] { ++ran; }));
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_EQ(pool.busy(), 1);
  EXPECT_EQ(Gauge("irsa_worker_queue_depth"), 2);
  EXPECT_EQ(Gauge("irsa_worker_busy_threads"), 1);
  // A refused task is destroyed unrun, on the calling thread.
  auto owned = std::make_shared<int>(0);
  std::weak_ptr<int> watch = owned;
  EXPECT_FALSE(pool.Submit([&, o = std::move(owned)] { ++ran; }));
  EXPECT_TRUE(watch.expired());
  EXPECT_EQ(Tasks("rejected"), 1u);
  gate.Open();
  pool.WaitIdle();
  EXPECT_EQ(ran.load(), 2);
  EXPECT_EQ(Gauge("irsa_worker_queue_depth"), 0);
  EXPECT_EQ(Gauge("irsa_worker_busy_threads"), 0);
  // Room again.
  EXPECT_TRUE(pool.Submit([&] { ++ran; }));
  pool.WaitIdle();
  EXPECT_EQ(ran.load(), 3);
}

TEST_F(WorkerPoolTest, ThrowingTaskIsCountedAndThePoolCarriesOn) {
  WorkerPool pool(Options(1, 10));
  ASSERT_TRUE(pool.Submit([] { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(pool.Submit([] { throw 7; }));
  std::promise<void> after;
  ASSERT_TRUE(pool.Submit([&] { after.set_value(); }));
  after.get_future().wait();
  pool.WaitIdle();
  EXPECT_EQ(Tasks("threw"), 2u);
  EXPECT_EQ(Tasks("done"), 1u);
}

TEST_F(WorkerPoolTest, DrainRunsQueuedTasksThenRefuses) {
  WorkerPool pool(Options(1, 10));
  Gate gate;
  std::latch running(1);
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.Submit([&] {
    running.count_down();
    gate.Wait();
    ++ran;
  }));
  running.wait();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(pool.Submit([&] { ++ran; }));
  std::thread opener([&] { gate.Open(); });
  pool.Shutdown(WorkerPool::ShutdownMode::kDrain);
  opener.join();
  EXPECT_EQ(ran.load(), 6);
  EXPECT_FALSE(pool.Submit([&] { ++ran; }));
  pool.Shutdown(WorkerPool::ShutdownMode::kCancelQueued);  // idempotent
  EXPECT_EQ(ran.load(), 6);
}

TEST_F(WorkerPoolTest, CancelDestroysQueuedTasksUnrunAndFinishesRunningOnes) {
  WorkerPool pool(Options(1, 10));
  Gate gate;
  std::latch running(1);
  std::atomic<int> ran{0};
  std::atomic<bool> running_finished{false};
  ASSERT_TRUE(pool.Submit([&] {
    running.count_down();
    gate.Wait();
    running_finished = true;
  }));
  running.wait();
  // What a cancelled task owns is released: a completion handle it holds can answer for it.
  std::atomic<int> released{0};
  struct OnDestroy {
    std::atomic<int>* count;
    ~OnDestroy() { ++*count; }
  };
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        pool.Submit([&, guard = std::shared_ptr<OnDestroy>(new OnDestroy{&released})] { ++ran; }));
  }
  std::thread opener([&] {
    // Open only once the queue has been emptied by the shutdown.
    while (pool.queued() != 0) std::this_thread::yield();
    gate.Open();
  });
  pool.Shutdown(WorkerPool::ShutdownMode::kCancelQueued);
  opener.join();
  EXPECT_TRUE(running_finished.load());
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(released.load(), 3);
  EXPECT_EQ(Tasks("cancelled"), 3u);
}

TEST_F(WorkerPoolTest, TasksMaySubmitTasks) {
  WorkerPool pool(Options(2, 10));
  std::promise<int> result;
  ASSERT_TRUE(pool.Submit([&] { EXPECT_TRUE(pool.Submit([&] { result.set_value(7); })); }));
  EXPECT_EQ(result.get_future().get(), 7);
}

TEST_F(WorkerPoolTest, QueueWaitIsObserved) {
  WorkerPool pool(Options(1, 10));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(pool.Submit([] {}));
  pool.WaitIdle();
  auto snapshot = registry_.HistogramFamily("irsa_worker_queue_wait_seconds", "", {"pool"})
                      .WithLabels({"test"})
                      .Read();
  EXPECT_EQ(snapshot.count, 4u);
  EXPECT_NE(registry_.Render().find("irsa_worker_tasks_total{pool=\"test\",outcome=\"done\"} 4"),
            std::string::npos);
}

}  // namespace
}  // namespace irsa
