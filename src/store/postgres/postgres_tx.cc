#include "store/postgres/postgres_tx.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace irsa::store::pg {
namespace {

#define IRSA_PG_COLUMNS "account, kind, parent, key, ref, path, body, secret, version"

// List/Count statements for every combination of optional filters, built once from constant
// fragments (never from data). Index bits: 1 parent, 2 ref, 4 path prefix, 8 after_key.
struct ListSql {
  std::string list[16];
  std::string count[16];
};

const ListSql& ListStatements() {
  static const ListSql kSql = [] {
    ListSql sql;
    for (int bits = 0; bits < 16; ++bits) {
      std::string where = " WHERE account = $1 AND kind = $2";
      int n = 3;
      if (bits & 1) where += " AND parent = $" + std::to_string(n++);
      if (bits & 2) where += " AND ref = $" + std::to_string(n++);
      if (bits & 4) {
        // The range bound lets the (account, kind, path) index narrow the scan.
        std::string p(1, '$');  // built in place: GCC 12 -O3 misreports "$" + s (-Wrestrict)
        p += std::to_string(n++);
        where += " AND path >= " + p + " AND starts_with(path, " + p + ")";
      }
      if ((bits & 8) == 0) sql.count[bits] = "SELECT count(*)::int8 FROM rows" + where;
      if (bits & 8) where += " AND key > $" + std::to_string(n++);
      sql.list[bits] = "SELECT " IRSA_PG_COLUMNS " FROM rows" + where +
                       " ORDER BY parent, key LIMIT $" + std::to_string(n);
    }
    return sql;
  }();
  return kSql;
}

}  // namespace

Result<Rows> PostgresTx::Exec(std::string_view operation, const char* sql,
                              const std::vector<Param>& params) {
  if (failure_) {
    // The transaction is already aborted; report its first failure again.
    return *failure_;
  }
  auto rows = conn_->Exec(operation, sql, params);
  if (!rows.ok()) {
    failure_ = rows.error();
    failure_kind_ = conn_->last_failure();
  }
  return rows;
}

Result<std::vector<Row>> PostgresTx::ReadRows(const Rows& rows) {
  std::vector<Row> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    Row row;
    row.id.account = rows.Bytes(i, 0);
    row.id.kind = rows.Bytes(i, 1);
    row.id.parent = rows.Bytes(i, 2);
    row.id.key = rows.Bytes(i, 3);
    row.ref = rows.Bytes(i, 4);
    row.path = rows.Bytes(i, 5);
    row.body = rows.Bytes(i, 6);
    if (!rows.IsNull(i, 7)) {
      auto opened = sealer_->Open(rows.Bytes(i, 7));
      if (!opened.ok()) return errors::ServiceFailure("stored secret could not be unsealed");
      row.secret = std::move(*opened);
    }
    row.version = rows.Int8(i, 8);
    out.push_back(std::move(row));
  }
  return out;
}

Result<std::optional<Row>> PostgresTx::Get(const RowId& id) {
  IRSA_TRY(Rows rows, Exec("get row",
                           "SELECT " IRSA_PG_COLUMNS
                           " FROM rows WHERE account = $1 AND kind = $2 AND parent = $3 "
                           "AND key = $4",
                           {Param::Text(id.account), Param::Text(id.kind), Param::Text(id.parent),
                            Param::Text(id.key)}));
  IRSA_TRY(std::vector<Row> out, ReadRows(rows));
  if (out.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(out.front()));
}

Result<std::vector<Row>> PostgresTx::FindByKey(const std::string& kind, const std::string& key) {
  IRSA_TRY(Rows rows, Exec("find rows by key",
                           "SELECT " IRSA_PG_COLUMNS
                           " FROM rows WHERE kind = $1 AND key = $2 ORDER BY account, parent",
                           {Param::Text(kind), Param::Text(key)}));
  return ReadRows(rows);
}

namespace {

int FilterBits(const ListQuery& q, bool with_after_key, std::vector<Param>& params) {
  int bits = 0;
  params = {Param::Text(q.account), Param::Text(q.kind)};
  if (q.parent) {
    bits |= 1;
    params.push_back(Param::Text(*q.parent));
  }
  if (q.ref) {
    bits |= 2;
    params.push_back(Param::Text(*q.ref));
  }
  if (q.path_prefix && !q.path_prefix->empty()) {
    bits |= 4;
    params.push_back(Param::Text(*q.path_prefix));
  }
  if (with_after_key && !q.after_key.empty()) {
    bits |= 8;
    params.push_back(Param::Text(q.after_key));
  }
  return bits;
}

}  // namespace

Result<Page> PostgresTx::List(const ListQuery& query) {
  std::vector<Param> params;
  int bits = FilterBits(query, /*with_after_key=*/true, params);
  int64_t limit = static_cast<int64_t>(std::min<size_t>(query.limit, INT64_MAX - 1));
  params.push_back(Param::Int8(limit + 1));  // one more, to learn whether there are more
  IRSA_TRY(Rows rows, Exec("list rows", ListStatements().list[bits].c_str(), params));
  IRSA_TRY(std::vector<Row> out, ReadRows(rows));
  Page page;
  if (static_cast<int64_t>(out.size()) > limit) {
    page.truncated = true;
    out.resize(static_cast<size_t>(limit));
  }
  page.rows = std::move(out);
  return page;
}

Result<int64_t> PostgresTx::Count(const ListQuery& query) {
  if (IsMaintainedCount(query)) {
    IRSA_TRY(
        Rows rows,
        Exec("count rows", "SELECT n FROM row_counts WHERE account = $1 AND kind = $2 AND ref = $3",
             {Param::Text(query.account), Param::Text(query.kind),
              Param::Text(query.ref.value_or(""))}));
    return rows.size() == 1 ? rows.Int8(0, 0) : 0;
  }
  std::vector<Param> params;
  int bits = FilterBits(query, /*with_after_key=*/false, params);
  IRSA_TRY(Rows rows, Exec("count rows", ListStatements().count[bits].c_str(), params));
  if (rows.size() != 1) return EngineError("count rows", "no result");
  return rows.Int8(0, 0);
}

Status PostgresTx::WriteRow(const Row& row, bool replace) {
  const char* sql =
      replace ? "INSERT INTO rows (" IRSA_PG_COLUMNS
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                "ON CONFLICT (account, kind, parent, key) DO UPDATE SET ref = excluded.ref, "
                "path = excluded.path, body = excluded.body, secret = excluded.secret, "
                "version = GREATEST(rows.version + 1, excluded.version)"
              : "INSERT INTO rows (" IRSA_PG_COLUMNS
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                "ON CONFLICT (account, kind, parent, key) DO NOTHING";
  Param secret = row.secret.empty() ? Param::Null(Param::Type::kBytea)
                                    : Param::Bytea(sealer_->Seal(row.secret));
  IRSA_TRY(Rows rows,
           Exec(replace ? "upsert row" : "insert row", sql,
                {Param::Text(row.id.account), Param::Text(row.id.kind), Param::Text(row.id.parent),
                 Param::Text(row.id.key), Param::Text(row.ref), Param::Text(row.path),
                 Param::Text(row.body), std::move(secret), Param::Int8(generation_)}));
  if (!replace && rows.AffectedRows() == 0) return errors::EntityAlreadyExists("");
  return OkStatus();
}

Status PostgresTx::Insert(const Row& row) { return WriteRow(row, /*replace=*/false); }

Status PostgresTx::Upsert(const Row& row) { return WriteRow(row, /*replace=*/true); }

Result<bool> PostgresTx::Delete(const RowId& id) {
  IRSA_TRY(Rows rows, Exec("delete row",
                           "DELETE FROM rows WHERE account = $1 AND kind = $2 AND parent = $3 "
                           "AND key = $4",
                           {Param::Text(id.account), Param::Text(id.kind), Param::Text(id.parent),
                            Param::Text(id.key)}));
  return rows.AffectedRows() > 0;
}

Result<int64_t> PostgresTx::DeleteChildren(const std::string& account, const std::string& kind,
                                           const std::string& parent) {
  IRSA_TRY(Rows rows, Exec("delete child rows",
                           "DELETE FROM rows WHERE account = $1 AND kind = $2 AND parent = $3",
                           {Param::Text(account), Param::Text(kind), Param::Text(parent)}));
  return rows.AffectedRows();
}

Status PostgresTx::DeleteAll() {
  IRSA_TRY(Rows rows, Exec("delete all rows", "DELETE FROM rows", {}));
  (void)rows;
  return OkStatus();
}

}  // namespace irsa::store::pg
