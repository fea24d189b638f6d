// Internal to the http module (included only by the module's .cc files): one IO worker (an
// io_context run by one thread) and the connections it owns.
//
// Threading: each worker's io_context is run by exactly one thread; a connection lives entirely
// on its worker's thread, so the worker's connection list needs no lock. Other threads reach a
// worker only through asio::post.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <list>
#include <memory>
#include <optional>
#include <thread>

#include "http/server_core.h"

namespace irsa::http::internal {

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Server is stopping: close now if idle, otherwise finish the current request and close.
  virtual void Drain() = 0;
  // Close now, whatever the state.
  virtual void ForceClose() = 0;
};

struct Worker {
  Worker() : ioc(1), guard(boost::asio::make_work_guard(ioc)) {}

  // Declared before ioc: handlers destroyed with the io_context may still unlink themselves.
  std::list<ConnectionBase*> connections;
  boost::asio::io_context ioc;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
  std::thread thread;
};

// Takes over an accepted socket whose slot was reserved with ServerCore::TryOpenConnection (the
// connection releases it when it closes). Must run on `worker`'s thread. `tls` is null for a
// plain-text listener; the context must outlive the worker's io_context.
void StartConnection(ServerCore& core, Worker& worker, boost::asio::ip::tcp::socket socket,
                     boost::asio::ssl::context* tls);

}  // namespace irsa::http::internal
