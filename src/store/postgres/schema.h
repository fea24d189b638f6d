// The PostgreSQL schema as ordered migrations, and the migration runner.
//
// Each migration runs in its own transaction holding pg_advisory_xact_lock(kMigrationLockKey), and
// is recorded in schema_migrations in that transaction: when several nodes start at once, one
// applies it and the others wait, then see it recorded and skip it. Migrations are append-only.
// The logical schema matches store/sqlite/schema.cc (docs/storage.md).
#pragma once

#include <cstdint>

#include "base/result.h"
#include "store/postgres/connection.h"

namespace irsa::store::pg {

// Advisory lock keys (arbitrary constants, "irsa" in ASCII plus a suffix).
inline constexpr int64_t kMigrationLockKey = 0x6972736100000001;
inline constexpr int64_t kWriteLockKey = 0x6972736100000002;

// Applies every pending migration. Returns the schema version.
Result<int> Migrate(Connection& conn);

}  // namespace irsa::store::pg
