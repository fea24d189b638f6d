#include "store/sqlite/schema.h"

#include <cstdlib>
#include <string>
#include <vector>

namespace irsa::store::sqlite {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Text columns compare bytewise (BINARY collation), the same order as Postgres' COLLATE "C".
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "CREATE TABLE rows ("
       "  account TEXT NOT NULL,"
       "  kind TEXT NOT NULL,"
       "  parent TEXT NOT NULL,"
       "  key TEXT NOT NULL,"
       "  ref TEXT NOT NULL DEFAULT '',"
       "  path TEXT NOT NULL DEFAULT '',"
       "  body TEXT NOT NULL DEFAULT '',"
       "  secret BLOB,"
       "  version INTEGER NOT NULL,"
       "  PRIMARY KEY (account, kind, parent, key)"
       ") WITHOUT ROWID;"
       "CREATE INDEX rows_by_kind_key ON rows (kind, key);"
       "CREATE INDEX rows_by_ref ON rows (account, kind, ref);"
       "CREATE INDEX rows_by_path ON rows (account, kind, path);"
       "CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
       "INSERT INTO meta (name, value) VALUES ('generation', 0);"},
      // Counts kept by the engine so that Count() of a whole kind, or of a kind by ref, is one
      // lookup instead of an index scan: row_counts holds, per (account, kind), the number of
      // rows (ref '') and, per non-empty ref, the number of rows with that ref. Rows whose count
      // drops to zero are removed. Key columns never change on update; only a changed ref moves.
      {2,
       "CREATE TABLE row_counts ("
       "  account TEXT NOT NULL,"
       "  kind TEXT NOT NULL,"
       "  ref TEXT NOT NULL,"
       "  n INTEGER NOT NULL,"
       "  PRIMARY KEY (account, kind, ref)"
       ") WITHOUT ROWID;"
       "INSERT INTO row_counts (account, kind, ref, n)"
       "  SELECT account, kind, '', COUNT(*) FROM rows GROUP BY account, kind;"
       "INSERT INTO row_counts (account, kind, ref, n)"
       "  SELECT account, kind, ref, COUNT(*) FROM rows WHERE ref <> '' GROUP BY account, kind, "
       "ref;"
       "CREATE TRIGGER rows_counted_insert AFTER INSERT ON rows BEGIN"
       "  INSERT INTO row_counts (account, kind, ref, n) VALUES (NEW.account, NEW.kind, '', 1)"
       "    ON CONFLICT (account, kind, ref) DO UPDATE SET n = n + 1;"
       "  INSERT INTO row_counts (account, kind, ref, n)"
       "    SELECT NEW.account, NEW.kind, NEW.ref, 1 WHERE NEW.ref <> ''"
       "    ON CONFLICT (account, kind, ref) DO UPDATE SET n = n + 1;"
       "END;"
       "CREATE TRIGGER rows_counted_delete AFTER DELETE ON rows BEGIN"
       "  UPDATE row_counts SET n = n - 1"
       "    WHERE account = OLD.account AND kind = OLD.kind AND ref IN ('', OLD.ref);"
       "  DELETE FROM row_counts"
       "    WHERE account = OLD.account AND kind = OLD.kind AND ref IN ('', OLD.ref) AND n <= 0;"
       "END;"
       "CREATE TRIGGER rows_counted_ref AFTER UPDATE OF ref ON rows WHEN OLD.ref <> NEW.ref BEGIN"
       "  UPDATE row_counts SET n = n - 1"
       "    WHERE OLD.ref <> '' AND account = OLD.account AND kind = OLD.kind AND ref = OLD.ref;"
       "  DELETE FROM row_counts WHERE OLD.ref <> '' AND account = OLD.account"
       "    AND kind = OLD.kind AND ref = OLD.ref AND n <= 0;"
       "  INSERT INTO row_counts (account, kind, ref, n)"
       "    SELECT NEW.account, NEW.kind, NEW.ref, 1 WHERE NEW.ref <> ''"
       "    ON CONFLICT (account, kind, ref) DO UPDATE SET n = n + 1;"
       "END;"},
  };
  return kMigrations;
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

Result<int> Migrate(Connection& conn) {
  IRSA_RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                "  version INTEGER PRIMARY KEY,"
                "  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))",
                "create schema_migrations"));
  int current = 0;
  for (const Migration& m : Migrations()) {
    IRSA_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE", "begin migration"));
    auto applied = [&]() -> Result<bool> {
      IRSA_TRY(Statement check, conn.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?1",
                                             "read schema_migrations"));
      check.BindInt64(1, m.version);
      return check.Step("read schema_migrations");
    }();
    Status status = OkStatus();
    if (!applied.ok()) {
      status = applied.error();
    } else if (!*applied) {
      status = conn.Exec(m.sql, "apply migration " + std::to_string(m.version));
      if (status.ok()) {
        auto record =
            conn.Prepare("INSERT INTO schema_migrations (version) VALUES (?1)", "record migration");
        if (!record.ok()) {
          status = record.error();
        } else {
          record->BindInt64(1, m.version);
          status = record->Run("record migration");
        }
      }
    }
    if (!status.ok()) {
      (void)conn.Exec("ROLLBACK", "roll back migration");
      return status.error();
    }
    IRSA_RETURN_IF_ERROR(conn.Exec("COMMIT", "commit migration"));
    current = m.version;
  }
  // A database written by a newer build must not be used by an older one.
  IRSA_TRY(auto newest, conn.QueryText("SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                                       "read schema version"));
  if (std::atoi(newest.c_str()) > current) {
    return EngineError("open sqlite database",
                       "schema version " + newest + " is newer than this build supports");
  }
  return current;
}

}  // namespace irsa::store::sqlite
