#include "store/sqlite/sqlite_tx.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace irsa::store::sqlite {
namespace {

constexpr char kColumns[] = "account, kind, parent, key, ref, path, body, secret, version";

// The smallest byte string greater than every string starting with `prefix`; empty if none.
std::string PrefixUpperBound(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) {
    prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  }
  return prefix;
}

// The WHERE clause of List/Count, built only from constant fragments; binds in order:
// account, kind, [parent], [ref], [path lower, [path upper]], [after_key].
struct Filter {
  std::string sql;
  std::vector<std::string> params;
};

Filter BuildFilter(const ListQuery& q, bool with_after_key) {
  Filter f;
  f.sql = " WHERE account = ? AND kind = ?";
  f.params = {q.account, q.kind};
  if (q.parent) {
    f.sql += " AND parent = ?";
    f.params.push_back(*q.parent);
  }
  if (q.ref) {
    f.sql += " AND ref = ?";
    f.params.push_back(*q.ref);
  }
  if (q.path_prefix && !q.path_prefix->empty()) {
    // Range compare on bytes (BINARY collation): exact, case-sensitive, no LIKE escaping.
    f.sql += " AND path >= ?";
    f.params.push_back(*q.path_prefix);
    std::string upper = PrefixUpperBound(*q.path_prefix);
    if (!upper.empty()) {
      f.sql += " AND path < ?";
      f.params.push_back(upper);
    }
  }
  if (with_after_key && !q.after_key.empty()) {
    f.sql += " AND key > ?";
    f.params.push_back(q.after_key);
  }
  return f;
}

}  // namespace

template <typename T>
Result<T> SqliteTx::Track(Result<T> result) {
  if (!result.ok() && !failure_ && result.error().http_status() >= 500) failure_ = result.error();
  return result;
}

Status SqliteTx::Track(Status status) {
  if (!status.ok() && !failure_ && status.error().http_status() >= 500) failure_ = status.error();
  return status;
}

Status SqliteTx::CheckWritable(const char* operation) {
  if (writable_) return OkStatus();
  return Track(EngineError(operation, "not allowed in a read transaction"));
}

Result<Row> SqliteTx::ReadRow(const Statement& stmt) {
  Row row;
  row.id.account = stmt.ColumnText(0);
  row.id.kind = stmt.ColumnText(1);
  row.id.parent = stmt.ColumnText(2);
  row.id.key = stmt.ColumnText(3);
  row.ref = stmt.ColumnText(4);
  row.path = stmt.ColumnText(5);
  row.body = stmt.ColumnText(6);
  if (!stmt.ColumnIsNull(7)) {
    auto opened = sealer_->Open(stmt.ColumnBlob(7));
    if (!opened.ok()) return errors::ServiceFailure("stored secret could not be unsealed");
    row.secret = std::move(*opened);
  }
  row.version = stmt.ColumnInt64(8);
  return row;
}

Result<std::optional<Row>> SqliteTx::Get(const RowId& id) {
  return Track([&]() -> Result<std::optional<Row>> {
    IRSA_TRY(Statement stmt, conn_->Prepare(std::string("SELECT ") + kColumns +
                                                " FROM rows WHERE account = ?1 AND kind = ?2 "
                                                "AND parent = ?3 AND key = ?4",
                                            "get row"));
    stmt.BindText(1, id.account);
    stmt.BindText(2, id.kind);
    stmt.BindText(3, id.parent);
    stmt.BindText(4, id.key);
    IRSA_TRY(bool found, stmt.Step("get row"));
    if (!found) return std::optional<Row>();
    IRSA_TRY(Row row, ReadRow(stmt));
    return std::optional<Row>(std::move(row));
  }());
}

Result<std::vector<Row>> SqliteTx::FindByKey(const std::string& kind, const std::string& key) {
  return Track([&]() -> Result<std::vector<Row>> {
    IRSA_TRY(Statement stmt, conn_->Prepare(std::string("SELECT ") + kColumns +
                                                " FROM rows WHERE kind = ?1 AND key = ?2 "
                                                "ORDER BY account, parent",
                                            "find rows by key"));
    stmt.BindText(1, kind);
    stmt.BindText(2, key);
    std::vector<Row> rows;
    for (;;) {
      IRSA_TRY(bool more, stmt.Step("find rows by key"));
      if (!more) break;
      IRSA_TRY(Row row, ReadRow(stmt));
      rows.push_back(std::move(row));
    }
    return rows;
  }());
}

Result<Page> SqliteTx::List(const ListQuery& query) {
  return Track([&]() -> Result<Page> {
    Filter f = BuildFilter(query, /*with_after_key=*/true);
    IRSA_TRY(Statement stmt, conn_->Prepare(std::string("SELECT ") + kColumns + " FROM rows" +
                                                f.sql + " ORDER BY parent, key LIMIT ?",
                                            "list rows"));
    int index = 1;
    for (const std::string& p : f.params) stmt.BindText(index++, p);
    // One more than asked, to learn whether the page is truncated.
    int64_t limit = static_cast<int64_t>(std::min<size_t>(query.limit, INT64_MAX - 1));
    stmt.BindInt64(index, limit + 1);
    Page page;
    for (;;) {
      IRSA_TRY(bool more, stmt.Step("list rows"));
      if (!more) break;
      if (static_cast<int64_t>(page.rows.size()) == limit) {
        page.truncated = true;
        break;
      }
      IRSA_TRY(Row row, ReadRow(stmt));
      page.rows.push_back(std::move(row));
    }
    return page;
  }());
}

Result<int64_t> SqliteTx::Count(const ListQuery& query) {
  return Track([&]() -> Result<int64_t> {
    if (IsMaintainedCount(query)) {
      IRSA_TRY(
          Statement stmt,
          conn_->Prepare("SELECT n FROM row_counts WHERE account = ?1 AND kind = ?2 AND ref = ?3",
                         "count rows"));
      stmt.BindText(1, query.account);
      stmt.BindText(2, query.kind);
      stmt.BindText(3, query.ref.value_or(""));
      IRSA_TRY(bool row, stmt.Step("count rows"));
      return row ? stmt.ColumnInt64(0) : 0;
    }
    Filter f = BuildFilter(query, /*with_after_key=*/false);
    IRSA_TRY(Statement stmt, conn_->Prepare("SELECT COUNT(*) FROM rows" + f.sql, "count rows"));
    int index = 1;
    for (const std::string& p : f.params) stmt.BindText(index++, p);
    IRSA_TRY(bool row, stmt.Step("count rows"));
    if (!row) return EngineError("count rows", "no result");
    return stmt.ColumnInt64(0);
  }());
}

Status SqliteTx::WriteRow(const Row& row, bool replace) {
  IRSA_RETURN_IF_ERROR(CheckWritable(replace ? "upsert row" : "insert row"));
  const char* operation = replace ? "upsert row" : "insert row";
  return Track([&]() -> Status {
    std::string sql =
        "INSERT INTO rows (account, kind, parent, key, ref, path, body, secret, version) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (account, kind, parent, key) ";
    sql += replace
               ? "DO UPDATE SET ref = excluded.ref, path = excluded.path, body = excluded.body, "
                 "secret = excluded.secret, version = MAX(rows.version + 1, excluded.version)"
               : "DO NOTHING";
    IRSA_TRY(Statement stmt, conn_->Prepare(sql, operation));
    stmt.BindText(1, row.id.account);
    stmt.BindText(2, row.id.kind);
    stmt.BindText(3, row.id.parent);
    stmt.BindText(4, row.id.key);
    stmt.BindText(5, row.ref);
    stmt.BindText(6, row.path);
    stmt.BindText(7, row.body);
    if (row.secret.empty()) {
      stmt.BindNull(8);
    } else {
      stmt.BindBlob(8, sealer_->Seal(row.secret));
    }
    stmt.BindInt64(9, generation_);
    IRSA_RETURN_IF_ERROR(stmt.Run(operation));
    if (!replace && conn_->Changes() == 0) return errors::EntityAlreadyExists("");
    return OkStatus();
  }());
}

Status SqliteTx::Insert(const Row& row) { return WriteRow(row, /*replace=*/false); }

Status SqliteTx::Upsert(const Row& row) { return WriteRow(row, /*replace=*/true); }

Result<bool> SqliteTx::Delete(const RowId& id) {
  IRSA_RETURN_IF_ERROR(CheckWritable("delete row"));
  return Track([&]() -> Result<bool> {
    IRSA_TRY(Statement stmt, conn_->Prepare("DELETE FROM rows WHERE account = ?1 AND kind = ?2 "
                                            "AND parent = ?3 AND key = ?4",
                                            "delete row"));
    stmt.BindText(1, id.account);
    stmt.BindText(2, id.kind);
    stmt.BindText(3, id.parent);
    stmt.BindText(4, id.key);
    IRSA_RETURN_IF_ERROR(stmt.Run("delete row"));
    return conn_->Changes() > 0;
  }());
}

Result<int64_t> SqliteTx::DeleteChildren(const std::string& account, const std::string& kind,
                                         const std::string& parent) {
  IRSA_RETURN_IF_ERROR(CheckWritable("delete child rows"));
  return Track([&]() -> Result<int64_t> {
    IRSA_TRY(Statement stmt,
             conn_->Prepare("DELETE FROM rows WHERE account = ?1 AND kind = ?2 AND parent = ?3",
                            "delete child rows"));
    stmt.BindText(1, account);
    stmt.BindText(2, kind);
    stmt.BindText(3, parent);
    IRSA_RETURN_IF_ERROR(stmt.Run("delete child rows"));
    return conn_->Changes();
  }());
}

Status SqliteTx::DeleteAll() {
  IRSA_RETURN_IF_ERROR(CheckWritable("delete all rows"));
  return Track(conn_->Exec("DELETE FROM rows", "delete all rows"));
}

}  // namespace irsa::store::sqlite
