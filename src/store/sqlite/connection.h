// A thin RAII wrapper over one sqlite3 connection with a per-connection prepared-statement cache.
//
// Thread-safety: none; a connection is used by one thread at a time (the store's pools ensure it).
// Errors are ServiceFailure naming the operation and SQLite's error text (which never contains
// bound parameter values).
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"

namespace irsa::store::sqlite {

class Connection;

// A cached prepared statement in use. Binding is 1-based; the statement is reset and its bindings
// cleared when this object goes out of scope, so it can be reused.
class Statement {
 public:
  Statement(Connection* conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : conn_(other.conn_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  void BindText(int index, std::string_view text);
  void BindBlob(int index, std::string_view bytes);  // empty binds NULL
  void BindInt64(int index, int64_t value);
  void BindNull(int index);

  // Steps once: true when a row is available, false when done.
  Result<bool> Step(std::string_view operation);
  // Steps to completion (for statements returning no rows).
  Status Run(std::string_view operation);

  std::string ColumnText(int index) const;
  std::string ColumnBlob(int index) const;
  bool ColumnIsNull(int index) const;
  int64_t ColumnInt64(int index) const;

 private:
  Connection* conn_;
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens `path` read-write (creating it), with the busy timeout set.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  std::chrono::milliseconds busy_timeout);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more SQL statements without parameters or results.
  Status Exec(const std::string& sql, std::string_view operation);
  // Returns the cached prepared statement for `sql`, preparing it on first use. `sql` is a
  // compile-time constant of the store (never built from data).
  Result<Statement> Prepare(const std::string& sql, std::string_view operation);
  int64_t Changes() const;
  // True when no transaction is open.
  bool InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }
  // The latest error text of this connection.
  std::string ErrorText() const;
  // Runs a single-value query such as "PRAGMA journal_mode=WAL" and returns the text result.
  Result<std::string> QueryText(const std::string& sql, std::string_view operation);

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// ServiceFailure("<operation>: <sqlite error>").
Error EngineError(std::string_view operation, std::string_view detail);

}  // namespace irsa::store::sqlite
