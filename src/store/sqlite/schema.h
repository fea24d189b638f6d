// The SQLite schema as ordered migrations, and the migration runner.
//
// Migration N is applied at most once, in its own BEGIN IMMEDIATE transaction that also records N
// in schema_migrations, so a crash mid-migration leaves the database at version N-1. Migrations
// are append-only: never edit one that has shipped; add a new one. The logical schema matches
// store/postgres/schema.h (docs/storage.md).
#pragma once

#include "base/result.h"
#include "store/sqlite/connection.h"

namespace irsa::store::sqlite {

// Applies every pending migration on `conn` (the writer connection). Returns the schema version.
Result<int> Migrate(Connection& conn);

// Highest migration this build knows.
int LatestSchemaVersion();

}  // namespace irsa::store::sqlite
