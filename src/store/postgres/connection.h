// RAII wrapper over one libpq connection: parameterised execution with binary results and failure
// classification (connection lost / serialization conflict / other).
//
// Thread-safety: none; one thread uses a connection at a time (the Pool ensures it).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"

namespace irsa::store::pg {

enum class FailureKind {
  kNone,
  kConnection,     // the connection is unusable (server gone, restarting, network)
  kSerialization,  // 40001 serialization_failure or 40P01 deadlock_detected: retry the transaction
  kOther,          // any other statement failure
};

// A bound parameter: text and bytea are sent in binary format (exact bytes, never spliced into
// SQL), integers as text.
struct Param {
  enum class Type { kText, kBytea, kInt8 };
  Type type;
  std::string value;
  bool null = false;

  static Param Text(std::string v) { return Param{Type::kText, std::move(v)}; }
  static Param Bytea(std::string v) { return Param{Type::kBytea, std::move(v)}; }
  static Param Int8(int64_t v) { return Param{Type::kInt8, std::to_string(v)}; }
  static Param Null(Type type) { return Param{type, "", true}; }
};

// A query result in binary format.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}
  int size() const { return PQntuples(result_.get()); }
  bool IsNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  std::string Bytes(int row, int col) const;  // text or bytea column
  int64_t Int8(int row, int col) const;       // bigint column (8 bytes, network order)
  int64_t AffectedRows() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

// ServiceFailure("<operation>: <detail>").
Error EngineError(std::string_view operation, std::string_view detail);

class Connection {
 public:
  // Connects with the defaults described in PostgresOptions::conninfo.
  static Result<std::unique_ptr<Connection>> Connect(const std::string& conninfo);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one parameterised statement, prepared on this connection at first use (`sql` must be a
  // constant of the store, never built from data, and always used with the same parameter
  // types). On failure returns ServiceFailure naming `operation` and
  // the server's primary message (never parameter values), and sets last_failure().
  Result<Rows> Exec(std::string_view operation, const char* sql,
                    const std::vector<Param>& params = {});
  // Runs a script of statements without parameters (migrations).
  Status ExecScript(std::string_view operation, const char* sql);

  FailureKind last_failure() const { return last_failure_; }
  // False once the connection is known broken or left inside a transaction.
  bool Reusable() const;
  PGconn* raw() { return conn_; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  Error Fail(std::string_view operation, PGresult* result);

  PGconn* conn_;
  FailureKind last_failure_ = FailureKind::kNone;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

}  // namespace irsa::store::pg
