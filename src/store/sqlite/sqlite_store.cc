#include "store/sqlite/sqlite_store.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "base/log.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_tx.h"

namespace irsa::store {
namespace {

using sqlite::Connection;
using sqlite::EngineError;
using sqlite::SqliteTx;
using sqlite::Statement;

// Runs `fn` converting a thrown exception into ServiceFailure (nothing may escape the module).
Status CallGuarded(const std::function<Status(StoreTx&)>& fn, StoreTx& tx) {
  try {
    return fn(tx);
  } catch (const std::exception&) {
    return errors::ServiceFailure("store transaction function threw an exception");
  } catch (...) {
    return errors::ServiceFailure("store transaction function threw an exception");
  }
}

Status ConfigureConnection(Connection& conn, bool reader) {
  IRSA_TRY(auto mode, conn.QueryText("PRAGMA journal_mode=WAL", "enable WAL"));
  if (mode != "wal") return EngineError("enable WAL", "journal_mode is " + mode);
  IRSA_RETURN_IF_ERROR(conn.Exec("PRAGMA synchronous=FULL", "set synchronous"));
  IRSA_RETURN_IF_ERROR(conn.Exec("PRAGMA foreign_keys=ON", "enable foreign keys"));
  if (reader) IRSA_RETURN_IF_ERROR(conn.Exec("PRAGMA query_only=ON", "set query_only"));
  return OkStatus();
}

class SqliteStore final : public Store {
 public:
  SqliteStore(SqliteOptions options, std::unique_ptr<Connection> writer, int64_t generation)
      : options_(std::move(options)), writer_(std::move(writer)), generation_(generation) {}

  Status Read(const std::function<Status(StoreTx&)>& fn) override {
    IRSA_TRY(std::unique_ptr<Connection> conn, AcquireReader());
    Status status = RunRead(*conn, fn);
    ReleaseReader(std::move(conn));
    return status;
  }

  Status Write(const std::function<Status(StoreTx&)>& fn) override {
    std::lock_guard<std::mutex> lock(write_mu_);
    return RunWrite(fn);
  }

  Status Reset() override {
    std::lock_guard<std::mutex> lock(write_mu_);
    return RunWrite([](StoreTx& tx) -> Status {
      auto& sqlite_tx = static_cast<SqliteTx&>(tx);
      return sqlite_tx.DeleteAll();
    });
  }

  // Writes of this process are seen at once. Writes of other processes sharing the file (e.g. an
  // offline `irsa cluster create` next to a running server) are seen within kExternalCheck: at
  // most that often, and only when the writer connection is free, the stored counter is read.
  int64_t Generation() override {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
    int64_t last = last_external_check_ms_.load(std::memory_order_relaxed);
    if (now - last >= kExternalCheck.count() &&
        last_external_check_ms_.compare_exchange_strong(last, now)) {
      std::unique_lock<std::mutex> lock(write_mu_, std::try_to_lock);
      if (lock.owns_lock()) {
        auto stored = writer_->QueryText("SELECT value FROM meta WHERE name = 'generation'",
                                         "read generation");
        if (stored.ok()) {
          const int64_t value = std::atoll(stored->c_str());
          if (value > generation_.load(std::memory_order_acquire)) {
            generation_.store(value, std::memory_order_release);
          }
        }
      }
    }
    return generation_.load(std::memory_order_acquire);
  }

 private:
  // Requires write_mu_.
  Status RunWrite(const std::function<Status(StoreTx&)>& fn) {
    Connection& conn = *writer_;
    // A previous failed ROLLBACK (e.g. an I/O error) may have left a transaction open; never
    // build on it.
    if (!conn.InAutocommit()) {
      IRSA_RETURN_IF_ERROR(conn.Exec("ROLLBACK", "roll back stale write transaction"));
    }
    IRSA_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE", "begin write transaction"));
    auto rollback = [&conn](Error error) -> Status {
      Status rb = conn.Exec("ROLLBACK", "roll back write transaction");
      if (!rb.ok()) log::Error("sqlite rollback failed", {{"error", rb.error().message()}});
      return error;
    };
    auto bumped = BumpGeneration(conn);
    if (!bumped.ok()) return rollback(bumped.error());
    SqliteTx tx(&conn, options_.sealer, /*writable=*/true, *bumped);
    Status status = CallGuarded(fn, tx);
    if (!status.ok()) return rollback(status.error());
    // An engine failure the function chose to ignore still aborts the transaction: a commit
    // must never contain a statement that half-failed.
    if (tx.failure()) return rollback(*tx.failure());
    Status commit = conn.Exec("COMMIT", "commit write transaction");
    if (!commit.ok()) {
      // COMMIT failing leaves the transaction open (e.g. SQLITE_BUSY); make sure it is gone.
      if (conn.InAutocommit()) return commit.error();
      return rollback(commit.error());
    }
    generation_.store(*bumped, std::memory_order_release);
    return OkStatus();
  }

  static Result<int64_t> BumpGeneration(Connection& conn) {
    IRSA_TRY(Statement stmt,
             conn.Prepare("UPDATE meta SET value = value + 1 WHERE name = 'generation' "
                          "RETURNING value",
                          "bump generation"));
    IRSA_TRY(bool row, stmt.Step("bump generation"));
    if (!row) return EngineError("bump generation", "meta row missing");
    int64_t value = stmt.ColumnInt64(0);
    IRSA_RETURN_IF_ERROR(stmt.Run("bump generation"));
    return value;
  }

  Status RunRead(Connection& conn, const std::function<Status(StoreTx&)>& fn) {
    IRSA_RETURN_IF_ERROR(conn.Exec("BEGIN DEFERRED", "begin read transaction"));
    SqliteTx tx(&conn, options_.sealer, /*writable=*/false, 0);
    Status status = CallGuarded(fn, tx);
    if (status.ok() && tx.failure()) status = *tx.failure();
    Status end = conn.Exec("COMMIT", "end read transaction");
    if (!end.ok()) {
      (void)conn.Exec("ROLLBACK", "end read transaction");
      if (status.ok()) status = end;
    }
    return status;
  }

  Result<std::unique_ptr<Connection>> AcquireReader() {
    {
      std::unique_lock<std::mutex> lock(pool_mu_);
      pool_cv_.wait(lock, [&] { return !idle_.empty() || open_readers_ < MaxReaders(); });
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
      ++open_readers_;
    }
    auto conn = Connection::Open(options_.path, options_.busy_timeout);
    Status configured = conn.ok() ? ConfigureConnection(**conn, /*reader=*/true) : conn.error();
    if (!configured.ok()) {
      std::lock_guard<std::mutex> lock(pool_mu_);
      --open_readers_;
      pool_cv_.notify_one();
      return configured.error();
    }
    return std::move(*conn);
  }

  void ReleaseReader(std::unique_ptr<Connection> conn) {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (conn->InAutocommit()) {
      idle_.push_back(std::move(conn));
    } else {
      --open_readers_;  // stuck in a transaction: discard it
    }
    pool_cv_.notify_one();
  }

  int MaxReaders() const { return options_.reader_connections; }

  const SqliteOptions options_;
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;  // guarded by write_mu_
  std::atomic<int64_t> generation_;
  static constexpr std::chrono::milliseconds kExternalCheck{250};
  std::atomic<int64_t> last_external_check_ms_{0};

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by pool_mu_
  int open_readers_ = 0;                           // guarded by pool_mu_
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  if (options.path.empty()) return errors::InvalidParameterValue("sqlite store: empty path");
  if (options.sealer == nullptr) return errors::InvalidParameterValue("sqlite store: no sealer");
  if (options.reader_connections < 1) {
    return errors::InvalidParameterValue("sqlite store: reader_connections must be >= 1");
  }
  std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return EngineError("create sqlite database directory", ec.message());
  }
  IRSA_TRY(std::unique_ptr<Connection> writer,
           Connection::Open(options.path, options.busy_timeout));
  IRSA_RETURN_IF_ERROR(ConfigureConnection(*writer, /*reader=*/false));
  IRSA_RETURN_IF_ERROR(sqlite::Migrate(*writer));
  IRSA_TRY(auto generation, writer->QueryText("SELECT value FROM meta WHERE name = 'generation'",
                                              "read generation"));
  return std::unique_ptr<Store>(
      new SqliteStore(options, std::move(writer), std::atoll(generation.c_str())));
}

}  // namespace irsa::store
