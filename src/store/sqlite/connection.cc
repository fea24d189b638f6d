#include "store/sqlite/connection.h"

#include <string>
#include <utility>

namespace irsa::store::sqlite {

Error EngineError(std::string_view operation, std::string_view detail) {
  std::string message(operation);
  message += ": ";
  message += detail;
  return errors::ServiceFailure(std::move(message));
}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Statement::BindText(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void Statement::BindBlob(int index, std::string_view bytes) {
  if (bytes.empty()) {
    sqlite3_bind_null(stmt_, index);
    return;
  }
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
}

void Statement::BindInt64(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

void Statement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

Result<bool> Statement::Step(std::string_view operation) {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return EngineError(operation, conn_->ErrorText());
}

Status Statement::Run(std::string_view operation) {
  for (;;) {
    IRSA_TRY(bool row, Step(operation));
    if (!row) return OkStatus();
  }
}

std::string Statement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  int size = sqlite3_column_bytes(stmt_, index);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

std::string Statement::ColumnBlob(int index) const {
  const void* blob = sqlite3_column_blob(stmt_, index);
  int size = sqlite3_column_bytes(stmt_, index);
  if (blob == nullptr) return std::string();
  return std::string(static_cast<const char*>(blob), static_cast<size_t>(size));
}

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

int64_t Statement::ColumnInt64(int index) const { return sqlite3_column_int64(stmt_, index); }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     std::chrono::milliseconds busy_timeout) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return EngineError("open sqlite database", detail);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(const std::string& sql, std::string_view operation) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return OkStatus();
  std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return EngineError(operation, detail);
}

Result<Statement> Connection::Prepare(const std::string& sql, std::string_view operation) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Statement(this, it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return EngineError(operation, ErrorText());
  cache_.emplace(sql, stmt);
  return Statement(this, stmt);
}

int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

std::string Connection::ErrorText() const { return sqlite3_errmsg(db_); }

Result<std::string> Connection::QueryText(const std::string& sql, std::string_view operation) {
  IRSA_TRY(Statement stmt, Prepare(sql, operation));
  IRSA_TRY(bool row, stmt.Step(operation));
  if (!row) return std::string();
  return stmt.ColumnText(0);
}

}  // namespace irsa::store::sqlite
