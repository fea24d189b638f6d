#include "store/postgres/generation.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <utility>

#include "base/log.h"
#include "store/postgres/connection.h"

namespace irsa::store::pg {
namespace {

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Result<int64_t> ReadGeneration(Connection& conn) {
  IRSA_TRY(Rows rows,
           conn.Exec("read generation", "SELECT value FROM meta WHERE name = 'generation'"));
  if (rows.size() != 1) return EngineError("read generation", "meta row missing");
  return rows.Int8(0, 0);
}

}  // namespace

GenerationWatcher::GenerationWatcher(std::string conninfo, Poll poll, int64_t initial)
    : conninfo_(std::move(conninfo)), poll_(std::move(poll)), value_(initial) {}

GenerationWatcher::~GenerationWatcher() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stop_ = true;
  }
  stopping_ = true;
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GenerationWatcher::Start() {
  thread_ = std::thread([this] { Run(); });
}

void GenerationWatcher::Observe(int64_t generation) {
  int64_t current = value_.load();
  while (generation > current && !value_.compare_exchange_weak(current, generation)) {
  }
}

int64_t GenerationWatcher::Get() {
  if (!listening_.load()) {
    int64_t now = SteadyNowNs();
    int64_t interval = std::chrono::nanoseconds(kPollInterval).count();
    if (now - last_poll_ns_.load() >= interval) {
      std::unique_lock<std::mutex> lock(poll_mu_, std::try_to_lock);
      if (lock.owns_lock() && SteadyNowNs() - last_poll_ns_.load() >= interval) {
        auto polled = poll_();
        last_poll_ns_ = SteadyNowNs();
        if (polled.ok()) Observe(*polled);
      }
    }
  }
  return value_.load();
}

bool GenerationWatcher::SleepFor(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(stop_mu_);
  return !stop_cv_.wait_for(lock, d, [&] { return stop_; });
}

void GenerationWatcher::Run() {
  std::chrono::milliseconds backoff{100};
  while (!stopping_.load()) {
    auto conn = Connection::Connect(conninfo_);
    Status ready = conn.ok() ? Status() : Status(conn.error());
    if (ready.ok()) {
      auto listen = (*conn)->Exec("listen for generation", "LISTEN irsa_generation");
      if (!listen.ok()) ready = listen.error();
    }
    // Catch up on whatever was committed while we were not listening.
    if (ready.ok()) {
      auto current = ReadGeneration(**conn);
      if (current.ok()) {
        Observe(*current);
      } else {
        ready = current.error();
      }
    }
    if (!ready.ok()) {
      log::Debug("postgres generation listener unavailable", {{"error", ready.error().message()}});
      if (!SleepFor(backoff)) return;
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
      continue;
    }
    backoff = std::chrono::milliseconds(100);
    listening_ = true;
    PGconn* raw = (*conn)->raw();
    auto last_check = std::chrono::steady_clock::now();
    while (!stopping_.load()) {
      pollfd pfd{PQsocket(raw), POLLIN, 0};
      int ready_fds = ::poll(&pfd, 1, 100);
      if (ready_fds < 0 && errno != EINTR) break;
      if (ready_fds > 0 && PQconsumeInput(raw) == 0) break;
      bool healthy = true;
      while (PGnotify* notify = PQnotifies(raw)) {
        Observe(std::strtoll(notify->extra, nullptr, 10));
        PQfreemem(notify);
      }
      if (std::chrono::steady_clock::now() - last_check >= kRecheckInterval) {
        // Bounds staleness even if a notification were lost, and proves the link is alive.
        auto current = ReadGeneration(**conn);
        if (current.ok()) {
          Observe(*current);
        } else {
          healthy = false;
        }
        last_check = std::chrono::steady_clock::now();
      }
      if (!healthy || PQstatus(raw) != CONNECTION_OK) break;
    }
    listening_ = false;
    if (!stopping_.load()) log::Warn("postgres generation listener disconnected; reconnecting");
  }
}

}  // namespace irsa::store::pg
