#include "store/postgres/schema.h"

#include <string>
#include <vector>

namespace irsa::store::pg {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Identity and filter columns use COLLATE "C" so ordering and prefix matches are bytewise, as in
// SQLite, whatever the database's default collation.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "CREATE TABLE rows ("
       "  account text COLLATE \"C\" NOT NULL,"
       "  kind text COLLATE \"C\" NOT NULL,"
       "  parent text COLLATE \"C\" NOT NULL,"
       "  key text COLLATE \"C\" NOT NULL,"
       "  ref text COLLATE \"C\" NOT NULL DEFAULT '',"
       "  path text COLLATE \"C\" NOT NULL DEFAULT '',"
       "  body text NOT NULL DEFAULT '',"
       "  secret bytea,"
       "  version bigint NOT NULL,"
       "  PRIMARY KEY (account, kind, parent, key)"
       ");"
       "CREATE INDEX rows_by_kind_key ON rows (kind, key);"
       "CREATE INDEX rows_by_ref ON rows (account, kind, ref);"
       "CREATE INDEX rows_by_path ON rows (account, kind, path);"
       "CREATE TABLE meta (name text PRIMARY KEY, value bigint NOT NULL);"
       "INSERT INTO meta (name, value) VALUES ('generation', 0);"},
      // Counts kept by the engine so that Count() of a whole kind, or of a kind by ref, is one
      // lookup instead of an index scan: row_counts holds, per (account, kind), the number of
      // rows (ref '') and, per non-empty ref, the number of rows with that ref. Rows whose count
      // drops to zero are removed. Key columns never change on update; only a changed ref moves.
      // Writers are serialised (advisory lock), so the counter rows add no lock contention.
      {2,
       "CREATE TABLE row_counts ("
       "  account text COLLATE \"C\" NOT NULL,"
       "  kind text COLLATE \"C\" NOT NULL,"
       "  ref text COLLATE \"C\" NOT NULL,"
       "  n bigint NOT NULL,"
       "  PRIMARY KEY (account, kind, ref)"
       ");"
       "INSERT INTO row_counts (account, kind, ref, n)"
       "  SELECT account, kind, '', count(*) FROM rows GROUP BY account, kind;"
       "INSERT INTO row_counts (account, kind, ref, n)"
       "  SELECT account, kind, ref, count(*) FROM rows WHERE ref <> '' GROUP BY account, kind, "
       "ref;"
       "CREATE FUNCTION row_counts_add(a text, k text, r text, d bigint) RETURNS void"
       "  LANGUAGE plpgsql AS $$ BEGIN"
       "    INSERT INTO row_counts AS c (account, kind, ref, n) VALUES (a, k, r, d)"
       "      ON CONFLICT (account, kind, ref) DO UPDATE SET n = c.n + d;"
       "    DELETE FROM row_counts WHERE account = a AND kind = k AND ref = r AND n <= 0;"
       "  END $$;"
       "CREATE FUNCTION rows_counted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
       "    IF TG_OP = 'INSERT' THEN"
       "      PERFORM row_counts_add(NEW.account, NEW.kind, '', 1);"
       "      IF NEW.ref <> '' THEN PERFORM row_counts_add(NEW.account, NEW.kind, NEW.ref, 1); END "
       "IF;"
       "    ELSIF TG_OP = 'DELETE' THEN"
       "      PERFORM row_counts_add(OLD.account, OLD.kind, '', -1);"
       "      IF OLD.ref <> '' THEN PERFORM row_counts_add(OLD.account, OLD.kind, OLD.ref, -1); "
       "END IF;"
       "    ELSIF OLD.ref <> NEW.ref THEN"
       "      IF OLD.ref <> '' THEN PERFORM row_counts_add(OLD.account, OLD.kind, OLD.ref, -1); "
       "END IF;"
       "      IF NEW.ref <> '' THEN PERFORM row_counts_add(NEW.account, NEW.kind, NEW.ref, 1); END "
       "IF;"
       "    END IF;"
       "    RETURN NULL;"
       "  END $$;"
       "CREATE TRIGGER rows_counted AFTER INSERT OR DELETE OR UPDATE OF ref ON rows"
       "  FOR EACH ROW EXECUTE FUNCTION rows_counted();"},
  };
  return kMigrations;
}

Status ApplyOne(Connection& conn, const Migration& m, bool& applied) {
  IRSA_RETURN_IF_ERROR(conn.Exec("lock migrations", "SELECT pg_advisory_xact_lock($1)",
                                 {Param::Int8(kMigrationLockKey)}));
  IRSA_RETURN_IF_ERROR(conn.ExecScript("create schema_migrations",
                                       "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                       "  version integer PRIMARY KEY,"
                                       "  applied_at timestamptz NOT NULL DEFAULT now())"));
  IRSA_TRY(Rows done, conn.Exec("read schema_migrations",
                                "SELECT 1 FROM schema_migrations WHERE version = $1::int8",
                                {Param::Int8(m.version)}));
  if (done.size() > 0) return OkStatus();
  IRSA_RETURN_IF_ERROR(
      conn.ExecScript(("apply migration " + std::to_string(m.version)).c_str(), m.sql));
  IRSA_RETURN_IF_ERROR(conn.Exec("record migration",
                                 "INSERT INTO schema_migrations (version) VALUES ($1::int8)",
                                 {Param::Int8(m.version)}));
  applied = true;
  return OkStatus();
}

}  // namespace

Result<int> Migrate(Connection& conn) {
  int current = 0;
  for (const Migration& m : Migrations()) {
    IRSA_RETURN_IF_ERROR(conn.ExecScript("begin migration", "BEGIN"));
    bool applied = false;
    Status status = ApplyOne(conn, m, applied);
    if (!status.ok()) {
      (void)conn.ExecScript("roll back migration", "ROLLBACK");
      return status.error();
    }
    IRSA_RETURN_IF_ERROR(conn.ExecScript("commit migration", "COMMIT"));
    current = m.version;
  }
  IRSA_TRY(Rows newest, conn.Exec("read schema version",
                                  "SELECT COALESCE(MAX(version), 0)::int8 FROM schema_migrations"));
  if (newest.size() == 1 && newest.Int8(0, 0) > current) {
    return EngineError("open postgres store", "schema version " +
                                                  std::to_string(newest.Int8(0, 0)) +
                                                  " is newer than this build supports");
  }
  return current;
}

}  // namespace irsa::store::pg
