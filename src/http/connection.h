// Internal to the http module (included only by the module's .cc files): one IO worker (an
// io_context run by one thread) and the connections it owns.
//
// Threading: each worker's io_context is run by exactly one thread; a connection lives entirely
// on its worker's thread, so the worker's connection and idle lists need no lock. Other threads
// reach a worker only through asio::post (ServerLink::Post from outside the server's own code).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <climits>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "http/exchange.h"
#include "http/server_core.h"

namespace irsa::http::internal {

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Server is stopping: close now if idle, otherwise finish the current request and close.
  virtual void Drain() = 0;
  // Close now, whatever the state.
  virtual void ForceClose() = 0;

  // Messages from other threads about the connection's current exchange; always run on the
  // connection's IO thread. Stale messages (another exchange, a closed connection) are ignored.
  virtual void OnCompleted(const std::shared_ptr<Exchange>& ex) = 0;   // answered (see Complete)
  virtual void OnBodyDemand(const std::shared_ptr<Exchange>& ex) = 0;  // the reader wants bytes
  virtual void OnResponseData(
      const std::shared_ptr<Exchange>& ex) = 0;  // a response buffer is ready

  // The client address key (see ServerCore::TryOpenConnection).
  virtual const std::string& client_key() const = 0;

 private:
  friend struct Worker;
  // Links of the worker's idle list (worker thread only).
  ConnectionBase* idle_prev_ = nullptr;
  ConnectionBase* idle_next_ = nullptr;
  bool in_idle_list_ = false;
  int64_t idle_since_ns_ = 0;
};

struct Worker {
  Worker() : ioc(1), guard(boost::asio::make_work_guard(ioc)) {}

  // Idle connections (waiting for the first byte of a request), oldest first. Worker thread only,
  // except the atomics, which the acceptor reads to pick the globally oldest idle connection.
  void AddIdle(ConnectionBase* c, int64_t since_ns);
  void RemoveIdle(ConnectionBase* c);
  // The connection idle the longest whose client is not `client_key`, or null.
  ConnectionBase* OldestIdleNotFrom(const std::string& client_key) const;
  std::atomic<int64_t> oldest_idle_ns{INT64_MAX};  // steady-clock ns of the list head, or max
  std::atomic<int> idle_count{0};

  // Declared before ioc: handlers destroyed with the io_context may still unlink themselves.
  ConnectionBase* idle_head_ = nullptr;
  ConnectionBase* idle_tail_ = nullptr;
  std::list<ConnectionBase*> connections;
  boost::asio::io_context ioc;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
  std::thread thread;
};

// Lets threads outside the IO threads (Responders, pool tasks) post to a connection's worker, as
// long as the server runs. Shared by the server and every exchange.
class ServerLink {
 public:
  // Queues `fn` on `worker`'s IO thread; false (fn dropped unrun) once the server has stopped.
  template <typename F>
  bool Post(Worker& worker, F&& fn) {
    std::lock_guard lock(mu_);
    if (!alive_) return false;
    boost::asio::post(worker.ioc, std::forward<F>(fn));
    return true;
  }
  // Refuses every later Post; called before the workers are destroyed.
  void Shutdown() {
    std::lock_guard lock(mu_);
    alive_ = false;
  }

  // Records a streamed exchange's buffer use (Server::PeakStreamBufferBytes).
  void NoteStreamBytes(size_t bytes) {
    size_t seen = peak_stream_bytes.load(std::memory_order_relaxed);
    while (bytes > seen &&
           !peak_stream_bytes.compare_exchange_weak(seen, bytes, std::memory_order_relaxed)) {
    }
  }
  std::atomic<size_t> peak_stream_bytes{0};

 private:
  std::mutex mu_;
  bool alive_ = true;
};

// Takes over an accepted socket whose slot was reserved with ServerCore::TryOpenConnection for
// `client_key` (the connection releases it when it closes). Must run on `worker`'s thread. `tls`
// is null for a plain-text listener; the context must outlive the worker's io_context.
void StartConnection(ServerCore& core, Worker& worker, std::shared_ptr<ServerLink> link,
                     boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
                     std::string client_key);

}  // namespace irsa::http::internal
