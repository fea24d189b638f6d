// A bounded pool of PostgreSQL connections.
//
// Acquire() hands out an idle connection or opens a new one (up to `size`), waiting when all are
// in use. A Lease returns its connection on destruction unless it is no longer reusable (broken,
// or left inside a transaction), in which case the connection is closed. After a connection
// failure, DiscardIdle() closes every idle connection too: after a database restart they are all
// dead, and the next Acquire() should connect afresh.
//
// Thread-safety: all methods are safe to call concurrently. The pool must outlive its leases.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/postgres/connection.h"

namespace irsa::store::pg {

class Pool;

class Lease {
 public:
  Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }

 private:
  Pool* pool_;
  std::unique_ptr<Connection> conn_;
};

class Pool {
 public:
  Pool(std::string conninfo, int size) : conninfo_(std::move(conninfo)), size_(size) {}

  // ServiceFailure ("database unavailable") when a new connection cannot be opened.
  Result<Lease> Acquire();
  // Like Acquire but never waits: ServiceFailure when every connection is in use.
  Result<Lease> TryAcquire();
  void DiscardIdle();

 private:
  friend class Lease;
  Result<Lease> AcquireImpl(bool wait);
  void Release(std::unique_ptr<Connection> conn);

  const std::string conninfo_;
  const int size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int open_ = 0;                                   // guarded by mu_: idle + leased
};

}  // namespace irsa::store::pg
