// A server on a free loopback port with an injected registry and random, and a worker pool, for
// the asynchronous, streaming and connection-limit tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "base/log.h"
#include "base/metrics.h"
#include "base/random.h"
#include "base/worker_pool.h"
#include "http/server.h"
#include "unit/http/raw_client.h"

namespace irsa::http::testing {

// A gate handler threads wait at until the test opens it (no sleeps).
class Gate {
 public:
  Gate() : future_(opened_.get_future().share()) {}
  void Wait() const { future_.wait(); }
  void Open() {
    if (!open_.exchange(true)) opened_.set_value();
  }

 private:
  std::promise<void> opened_;
  std::shared_future<void> future_;
  std::atomic<bool> open_{false};
};

// Becomes true once; waitable.
class Signal {
 public:
  Signal() : future_(set_.get_future().share()) {}
  void Set() {
    if (!done_.exchange(true)) set_.set_value();
  }
  bool WaitFor(std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    return future_.wait_for(timeout) == std::future_status::ready;
  }

 private:
  std::promise<void> set_;
  std::shared_future<void> future_;
  std::atomic<bool> done_{false};
};

// Polls `condition` until it holds or `timeout` passes (for effects on other threads that have
// no event to wait for, e.g. a connection closing). Returns the last result.
inline bool Eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// A plain-text response labelled service="test", action="Test".
inline HttpResponse Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain");
  r.body = std::move(body);
  r.labels.service = "test";
  r.labels.action = "Test";
  return r;
}

class HttpFixture : public ::testing::Test {
 protected:
  HttpFixture() : random_(42) {
    log::SetSink([](std::string_view) {});
    options_.listeners.push_back({.host = "127.0.0.1", .port = 0});
    options_.io_threads = 2;
    options_.registry = &registry_;
    options_.random = &random_;
  }
  ~HttpFixture() override {
    // The server first (it waits for pool work), then the pool.
    if (server_) server_->Stop(std::chrono::milliseconds(0));
    server_.reset();
    pool_.reset();
    log::SetSink(nullptr);
  }

  void MakePool(int threads = 4, size_t max_queue = 64) {
    pool_ = std::make_unique<WorkerPool>(WorkerPoolOptions{
        .name = "test", .threads = threads, .max_queue = max_queue, .registry = &registry_});
    options_.worker_pool = pool_.get();
  }

  template <typename H>
  void StartServer(H handler, Server::StreamHandler stream_handler = nullptr) {
    server_ = std::make_unique<Server>(options_, std::move(handler), std::move(stream_handler));
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.error().message();
    port_ = server_->BoundEndpoints()[0].port;
  }

  uint64_t Errors(std::string_view reason) {
    return registry_.CounterFamily("irsa_http_errors_total", "", {"reason"})
        .WithLabels({reason})
        .Value();
  }
  uint64_t Requests(std::string_view service, std::string_view action, std::string_view code) {
    return registry_.CounterFamily("irsa_requests_total", "", {"service", "action", "code"})
        .WithLabels({service, action, code})
        .Value();
  }

  metrics::Registry registry_;
  SeededRandom random_;
  ServerOptions options_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

}  // namespace irsa::http::testing
