#include "store/postgres/postgres_store.h"

#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/log.h"
#include "store/generation_cache.h"
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

struct RowIdHash {
  size_t operator()(const RowId& id) const {
    const std::hash<std::string> hash;
    size_t h = hash(id.account);
    for (const std::string* part : {&id.kind, &id.parent, &id.key}) {
      h = (h * 1000003u) ^ hash(*part);
    }
    return h;
  }
};

class PostgresStore final : public Store {
 public:
  PostgresStore(const PostgresOptions& options, int64_t generation)
      : options_(options),
        pool_(options.conninfo, options.pool_size),
        watcher_(
            options.conninfo, [this] { return PollGeneration(); }, generation) {
    if (options_.row_cache_entries > 0) {
      row_cache_ = std::make_unique<GenerationCache<RowId, CachedRow, RowIdHash>>(
          *this, options_.row_cache_entries);
    }
    if (options_.listen_for_generation) watcher_.Start();
  }

  Status Read(const std::function<Status(StoreTx&)>& fn) override {
    return Run([&](Connection& conn) { return ReadOnce(conn, fn); });
  }

  Status ReadCached(const std::function<Status(StoreTx&)>& fn) override {
    if (!row_cache_) return Read(fn);
    LazyReadTx tx(*this, Generation());
    Status status = CallGuarded(fn, tx);
    if (tx.stale()) {
      // The database moved on from the rows served from memory: run again, all from one snapshot.
      tx.Abandon();
      return Read(fn);
    }
    return tx.Finish(std::move(status));
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

  // A row as one database snapshot had it (absent: nullopt), and that snapshot's generation.
  struct CachedRow {
    std::optional<Row> row;
    int64_t snapshot = 0;
  };

  // A ReadCached whose database transaction begins at its first use, with Get() answered from the
  // row cache until then (postgres_store.h, "Cached reads"). Every row the function sees comes
  // from the database state of one generation (`snapshot_`): cache hits must agree on it, and the
  // transaction begun later must be at it, or the attempt is stale and ReadCached runs the
  // function again as a plain Read.
  class LazyReadTx final : public StoreTx {
   public:
    LazyReadTx(PostgresStore& store, int64_t generation) : store_(store), generation_(generation) {}

    Result<std::optional<Row>> Get(const RowId& id) override {
      if (!db_ && !stale_) {
        int64_t ticket = 0;
        std::optional<CachedRow> hit = store_.row_cache_->Find(id, ticket);
        // A newer ticket: a write completed since this Read began; the entry may postdate it.
        if (hit && ticket == generation_ && (!snapshot_ || hit->snapshot == *snapshot_)) {
          snapshot_ = hit->snapshot;
          return std::move(hit->row);
        }
      }
      IRSA_TRY(PostgresTx * db, Begin());
      Result<std::optional<Row>> row = db->Get(id);
      if (row.ok() && (!*row || (*row)->secret.empty())) {
        store_.row_cache_->Insert(id, CachedRow{*row, *snapshot_}, generation_);
      }
      return row;
    }
    Result<std::vector<Row>> FindByKey(const std::string& kind, const std::string& key) override {
      IRSA_TRY(PostgresTx * db, Begin());
      return db->FindByKey(kind, key);
    }
    Result<Page> List(const ListQuery& query) override {
      IRSA_TRY(PostgresTx * db, Begin());
      return db->List(query);
    }
    Result<int64_t> Count(const ListQuery& query) override {
      IRSA_TRY(PostgresTx * db, Begin());
      return db->Count(query);
    }
    // Refused by the database (READ ONLY), as in any Read.
    Status Insert(const Row& row) override {
      IRSA_TRY(PostgresTx * db, Begin());
      return db->Insert(row);
    }
    Status Upsert(const Row& row) override {
      IRSA_TRY(PostgresTx * db, Begin());
      return db->Upsert(row);
    }
    Result<bool> Delete(const RowId& id) override {
      IRSA_TRY(PostgresTx * db, Begin());
      return db->Delete(id);
    }
    Result<int64_t> DeleteChildren(const std::string& account, const std::string& kind,
                                   const std::string& parent) override {
      IRSA_TRY(PostgresTx * db, Begin());
      return db->DeleteChildren(account, kind, parent);
    }

    // The function saw rows of a generation the database has moved past (see the class comment).
    bool stale() const { return stale_; }

    // Ends a stale attempt: rolls back its transaction and returns the connection.
    void Abandon() {
      if (db_) (void)Abort(**lease_, kStale, FailureKind::kOther, true);
      db_.reset();
      lease_.reset();
    }

    // Ends the Read with the function's status: commits the database transaction if one began,
    // rolls it back on any failure (also one the function ignored).
    Status Finish(Status status) {
      if (begin_error_) return status.ok() ? Status(*begin_error_) : status;
      if (!db_) return status;  // answered from memory
      Connection& conn = **lease_;
      if (db_->failure()) {
        if (db_->failure_kind() == FailureKind::kConnection) store_.pool_.DiscardIdle();
        return Abort(conn, status.ok() ? *db_->failure() : status.error(), db_->failure_kind(),
                     true)
            .status;
      }
      if (!status.ok()) return Abort(conn, status.error(), FailureKind::kOther, true).status;
      Status end = conn.ExecScript("end read transaction", "COMMIT");
      if (!end.ok()) {
        if (conn.last_failure() == FailureKind::kConnection) store_.pool_.DiscardIdle();
        return Abort(conn, end.error(), conn.last_failure(), true).status;
      }
      return OkStatus();
    }

   private:
    // The database transaction, begun on first use. A connection that turns out broken at BEGIN
    // is replaced once (nothing was read from it), as Run() does.
    Result<PostgresTx*> Begin() {
      if (stale_) return kStale;
      if (db_) return &*db_;
      if (begin_error_) return *begin_error_;
      for (bool reconnected = false;; reconnected = true) {
        Result<Lease> lease = store_.pool_.Acquire();
        if (!lease.ok()) {
          store_.pool_.DiscardIdle();
          begin_error_ = lease.error();
          return *begin_error_;
        }
        Status begun = (**lease).ExecScript("begin read transaction",
                                            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        if (begun.ok()) {
          // The snapshot is taken by the transaction's first statement: this one.
          Result<int64_t> snapshot = ReadGeneration(**lease);
          if (snapshot.ok()) {
            lease_.emplace(std::move(*lease));
            db_.emplace(&**lease_, store_.options_.sealer, 0);
            if (snapshot_ && *snapshot != *snapshot_) {
              stale_ = true;
              return kStale;
            }
            snapshot_ = *snapshot;
            return &*db_;
          }
          const FailureKind kind = (**lease).last_failure();
          (void)Abort(**lease, snapshot.error(), kind, false);
          begun = snapshot.error();
        }
        if ((**lease).last_failure() == FailureKind::kConnection) {
          store_.pool_.DiscardIdle();
          if (!reconnected) {
            log::Info("postgres connection lost; retrying on a new connection");
            continue;
          }
        }
        begin_error_ = begun.error();
        return *begin_error_;
      }
    }

    inline static const Error kStale =
        errors::ServiceFailure("stale read attempt (run again from one snapshot)");

    PostgresStore& store_;
    const int64_t generation_;          // Generation() when the Read began: the cache's ticket
    std::optional<int64_t> snapshot_;   // the generation of every row served so far
    bool stale_ = false;                // a row served so far is not of the database's snapshot
    std::optional<Lease> lease_;        // held from Begin() to the end of the Read
    std::optional<PostgresTx> db_;      // set once the database transaction began
    std::optional<Error> begin_error_;  // why it could not begin
  };

  const PostgresOptions options_;
  std::mutex write_mu_;
  pg::Pool pool_;
  // Rows of Get() by id (absence included), at one generation; null without a row cache.
  std::unique_ptr<GenerationCache<RowId, CachedRow, RowIdHash>> row_cache_;
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
