// SQLite engine for the Store (store/store.h): the embedded default for a single irsa node.
//
// Durability: WAL journal with synchronous=FULL, so a Write that returned ok survives kill -9 and
// power loss (as far as the file system honours fsync). Writes are serialised by one writer
// connection (BEGIN IMMEDIATE); reads run on a small pool of reader connections, each in its own
// snapshot, concurrently with writes. Schema changes are versioned migrations applied at open.
// See docs/storage.md.
//
// One process should own a database file at a time (another process's writes are seen, but
// Generation() only counts this process's writes).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/result.h"
#include "store/store.h"

namespace irsa::store {

struct SqliteOptions {
  // Database file; its parent directory is created if missing.
  std::string path;
  // Seals the `secret` column on write, opens it on read. Required; not owned, must outlive the
  // store.
  const SecretSealer* sealer = nullptr;
  // How long a statement waits for a lock held by another process before failing.
  std::chrono::milliseconds busy_timeout{5000};
  // Maximum number of concurrent Read() transactions (reader connections); at least 1.
  int reader_connections = 4;
};

// Opens (creating if needed) the database and applies pending migrations. Errors:
// InvalidParameterValue for bad options, ServiceFailure when the file cannot be opened or
// migrated. The returned store is thread-safe (see store.h). Store::Write must not be called from
// inside a function passed to Write (it would wait for itself).
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace irsa::store
