#include "store/postgres/postgres_store.h"

#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "base/log.h"
#include "store/postgres/connection.h"
#include "store/postgres/generation.h"
#include "store/postgres/pool.h"
#include "store/postgres/postgres_tx.h"
#include "store/postgres/schema.h"

namespace irsa::store {
namespace {

using pg::Connection;
using pg::EngineError;
using pg::FailureKind;
using pg::Lease;
using pg::Param;
using pg::PostgresTx;
using pg::Rows;

Status CallGuarded(const std::function<Status(StoreTx&)>& fn, StoreTx& tx) {
  try {
    return fn(tx);
  } catch (...) {
    return errors::ServiceFailure("store transaction function threw an exception");
  }
}

// The outcome of one attempt at a transaction.
struct Attempt {
  Status status;
  FailureKind kind = FailureKind::kNone;  // why it failed, when it did
  bool work_done = false;                 // the caller's function ran (or COMMIT was sent)
  int64_t generation = 0;                 // committed generation (writes)
};

Result<int64_t> ReadGeneration(Connection& conn) {
  IRSA_TRY(Rows rows,
           conn.Exec("read generation", "SELECT value FROM meta WHERE name = 'generation'"));
  if (rows.size() != 1) return EngineError("read generation", "meta row missing");
  return rows.Int8(0, 0);
}

class PostgresStore final : public Store {
 public:
  PostgresStore(const PostgresOptions& options, int64_t generation)
      : options_(options),
        pool_(options.conninfo, options.pool_size),
        watcher_(
            options.conninfo, [this] { return PollGeneration(); }, generation) {
    if (options_.listen_for_generation) watcher_.Start();
  }

  Status Read(const std::function<Status(StoreTx&)>& fn) override {
    return Run([&](Connection& conn) { return ReadOnce(conn, fn); });
  }

  Status Write(const std::function<Status(StoreTx&)>& fn) override {
    std::lock_guard<std::mutex> lock(write_mu_);  // one waiter per process for the global lock
    return Run([&](Connection& conn) { return WriteOnce(conn, fn); });
  }

  Status Reset() override {
    return Write([](StoreTx& tx) { return static_cast<PostgresTx&>(tx).DeleteAll(); });
  }

  int64_t Generation() override { return watcher_.Get(); }

 private:
  // Runs attempts on pooled connections: serialization failures are retried up to
  // max_write_attempts in total; a broken connection is retried once on a fresh one when the
  // attempt had done no work.
  Status Run(const std::function<Attempt(Connection&)>& attempt_fn) {
    bool reconnected = false;
    int serialization_retries = 0;
    for (;;) {
      auto lease = pool_.Acquire();
      if (!lease.ok()) {
        pool_.DiscardIdle();
        return lease.error();
      }
      Attempt attempt = attempt_fn(**lease);
      if (attempt.status.ok()) {
        if (attempt.generation > 0) watcher_.Observe(attempt.generation);
        return OkStatus();
      }
      if (attempt.kind == FailureKind::kSerialization &&
          ++serialization_retries < options_.max_write_attempts) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * serialization_retries));
        continue;
      }
      if (attempt.kind == FailureKind::kConnection) {
        // Its siblings are most likely dead too (database restart): reconnect from scratch.
        pool_.DiscardIdle();
        if (!attempt.work_done && !reconnected) {
          reconnected = true;
          log::Info("postgres connection lost; retrying on a new connection");
          continue;
        }
      }
      return attempt.status;
    }
  }

  // Ends an attempt that failed: rolls back (best effort; a connection that cannot roll back is
  // not reusable and will be closed, which aborts the transaction server-side).
  static Attempt Abort(Connection& conn, Error error, FailureKind kind, bool work_done) {
    if (PQtransactionStatus(conn.raw()) != PQTRANS_IDLE) {
      (void)conn.ExecScript("roll back", "ROLLBACK");
    }
    return Attempt{std::move(error), kind, work_done, 0};
  }

  Attempt ReadOnce(Connection& conn, const std::function<Status(StoreTx&)>& fn) {
    Status begin = conn.ExecScript("begin read transaction",
                                   "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!begin.ok()) return Abort(conn, begin.error(), conn.last_failure(), false);
    PostgresTx tx(&conn, options_.sealer, 0);
    Status status = CallGuarded(fn, tx);
    if (tx.failure()) {
      return Abort(conn, status.ok() ? *tx.failure() : status.error(), tx.failure_kind(), true);
    }
    if (!status.ok()) return Abort(conn, status.error(), FailureKind::kOther, true);
    Status end = conn.ExecScript("end read transaction", "COMMIT");
    if (!end.ok()) return Abort(conn, end.error(), conn.last_failure(), true);
    return Attempt{};
  }

  Attempt WriteOnce(Connection& conn, const std::function<Status(StoreTx&)>& fn) {
    // A session-level lock taken before BEGIN serialises writers on every node without making
    // their snapshots stale; it is released after COMMIT, or by the server if the session dies.
    auto locked =
        conn.Exec("lock writers", "SELECT pg_advisory_lock($1)", {Param::Int8(pg::kWriteLockKey)});
    if (!locked.ok()) return Abort(conn, locked.error(), conn.last_failure(), false);
    Attempt attempt = WriteLocked(conn, fn);
    auto unlocked = conn.Exec("unlock writers", "SELECT pg_advisory_unlock($1)",
                              {Param::Int8(pg::kWriteLockKey)});
    if (!unlocked.ok()) {
      // The connection is unusable (Reusable() is false) and is closed on release, which
      // drops the session lock.
      log::Warn("postgres advisory unlock failed", {{"error", unlocked.error().message()}});
    }
    return attempt;
  }

  Attempt WriteLocked(Connection& conn, const std::function<Status(StoreTx&)>& fn) {
    Status begin = conn.ExecScript("begin write transaction", "BEGIN ISOLATION LEVEL SERIALIZABLE");
    if (!begin.ok()) return Abort(conn, begin.error(), conn.last_failure(), false);
    auto bumped = conn.Exec("bump generation",
                            "UPDATE meta SET value = value + 1 WHERE name = 'generation' "
                            "RETURNING value");
    if (!bumped.ok()) return Abort(conn, bumped.error(), conn.last_failure(), false);
    if (bumped->size() != 1) {
      return Abort(conn, EngineError("bump generation", "meta row missing"), FailureKind::kOther,
                   false);
    }
    int64_t generation = bumped->Int8(0, 0);
    PostgresTx tx(&conn, options_.sealer, generation);
    Status status = CallGuarded(fn, tx);
    // A failed statement aborted the transaction, whatever the function returned.
    if (tx.failure()) {
      return Abort(conn, status.ok() ? *tx.failure() : status.error(), tx.failure_kind(), true);
    }
    if (!status.ok()) return Abort(conn, status.error(), FailureKind::kOther, true);
    auto notified =
        conn.Exec("notify generation", "SELECT pg_notify($1, $2)",
                  {Param::Text(pg::kGenerationChannel), Param::Text(std::to_string(generation))});
    if (!notified.ok()) return Abort(conn, notified.error(), conn.last_failure(), true);
    Status commit = conn.ExecScript("commit write transaction", "COMMIT");
    if (!commit.ok()) {
      // A serialization failure at commit means nothing was committed: retryable. A broken
      // connection here leaves the outcome unknown: reported, never retried.
      return Abort(conn, commit.error(), conn.last_failure(), true);
    }
    return Attempt{OkStatus(), FailureKind::kNone, true, generation};
  }

  Result<int64_t> PollGeneration() {
    IRSA_TRY(Lease lease, pool_.TryAcquire());
    auto value = ReadGeneration(*lease);
    if (!value.ok() && lease->last_failure() == FailureKind::kConnection) pool_.DiscardIdle();
    return value;
  }

  const PostgresOptions options_;
  std::mutex write_mu_;
  pg::Pool pool_;
  pg::GenerationWatcher watcher_;  // last: its thread stops before the pool goes away
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options) {
  if (options.conninfo.empty()) {
    return errors::InvalidParameterValue("postgres store: empty conninfo");
  }
  if (options.sealer == nullptr) return errors::InvalidParameterValue("postgres store: no sealer");
  if (options.pool_size < 1 || options.max_write_attempts < 1) {
    return errors::InvalidParameterValue(
        "postgres store: pool_size and max_write_attempts must be >= 1");
  }
  IRSA_TRY(std::unique_ptr<Connection> conn, Connection::Connect(options.conninfo));
  IRSA_RETURN_IF_ERROR(pg::Migrate(*conn));
  IRSA_TRY(int64_t generation, ReadGeneration(*conn));
  return std::unique_ptr<Store>(new PostgresStore(options, generation));
}

}  // namespace irsa::store
