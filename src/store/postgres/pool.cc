#include "store/postgres/pool.h"

#include <utility>

namespace irsa::store::pg {

Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_));
}

Result<Lease> Pool::Acquire() { return AcquireImpl(/*wait=*/true); }

Result<Lease> Pool::TryAcquire() { return AcquireImpl(/*wait=*/false); }

Result<Lease> Pool::AcquireImpl(bool wait) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto available = [&] { return !idle_.empty() || open_ < size_; };
    if (wait) {
      cv_.wait(lock, available);
    } else if (!available()) {
      return EngineError("acquire postgres connection", "pool exhausted");
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;
  }
  // Connect outside the lock: it may take up to connect_timeout.
  auto conn = Connection::Connect(conninfo_);
  if (!conn.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    cv_.notify_one();
    return conn.error();
  }
  return Lease(this, std::move(*conn));
}

void Pool::Release(std::unique_ptr<Connection> conn) {
  std::unique_ptr<Connection> closing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn->Reusable()) {
      idle_.push_back(std::move(conn));
    } else {
      closing = std::move(conn);
      --open_;
    }
    cv_.notify_one();
  }
  // `closing` (if any) is closed here, outside the lock.
}

void Pool::DiscardIdle() {
  std::vector<std::unique_ptr<Connection>> closing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing.swap(idle_);
    open_ -= static_cast<int>(closing.size());
    cv_.notify_all();
  }
}

}  // namespace irsa::store::pg
