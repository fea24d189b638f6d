// PostgreSQL engine for the Store (store/store.h): the shared engine for several irsa nodes.
//
// Transactions: Write runs in a SERIALIZABLE transaction while holding a session-level advisory
// lock (so writers on all nodes are serialised and quota checks / counters never lose updates);
// if the database still reports a serialization failure (40001) or deadlock (40P01) the whole
// function is run again, up to `max_write_attempts` times in total. The function passed to Write
// may therefore run more than once: it must not have effects outside the StoreTx. Read runs in a
// REPEATABLE READ READ ONLY transaction (a consistent snapshot).
//
// Cached reads (ReadCached, row_cache_entries > 0): Get() is answered from the node's row cache
// while the cached row is current at the generation observed when the call began
// (store/generation_cache.h); the database transaction begins only at a miss or any other
// operation. A lookup answered from memory costs no round trip and no connection. Every row the
// function sees is of one database generation: cached rows carry the generation of the snapshot
// they were read in, hits must agree on it, and a transaction begun after hits must be at it
// (its first statement reads the generation); otherwise the function runs again as a plain Read.
// Rows carrying a secret are never cached. Read and Write never use the cache.
//
// Failures: while the database is unreachable every call that needs it fails with ServiceFailure
// (HTTP 500; a ReadCached answered from the row cache does not need it);
// nothing is ever half-applied. A broken connection is discarded; if no transaction work was done
// on it yet, the call is retried once on a fresh connection, so the first call after a database
// restart succeeds. A connection that breaks mid-transaction (or during COMMIT, when the outcome
// is unknown) yields ServiceFailure and no retry.
//
// Generation(): the `meta` row 'generation' is incremented by every write transaction, which also
// sends NOTIFY irsa_generation. A background listener (own connection, reconnecting) applies
// notifications as they arrive and re-reads the meta row every second, so a write committed on
// any node is visible in Generation() on every other node within 1 s (typically milliseconds).
// While the listener is disconnected, Generation() itself re-reads the meta row at most every
// 250 ms. A connection that dies silently (network partition) is detected within about 5 s
// (TCP keepalives / tcp_user_timeout), after which the 250 ms fallback applies. See
// docs/storage.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "base/result.h"
#include "store/store.h"

namespace irsa::store {

struct PostgresOptions {
  // libpq connection URI or key=value string, e.g. "postgres://irsa@db:5432/irsa". Defaults for
  // connect_timeout (5 s), keepalives and tcp_user_timeout are added; the string overrides them.
  std::string conninfo;
  // Seals the `secret` column (bytea) on write, opens it on read. Required; not owned, must
  // outlive the store.
  const SecretSealer* sealer = nullptr;
  // Connections for Read/Write (the generation listener uses one more). At least 1.
  int pool_size = 4;
  // Total attempts of a Write's function on serialization failure or deadlock. At least 1.
  int max_write_attempts = 5;
  // Rows ReadCached may answer from memory (0: none; it is then Read). Bounded by entries;
  // a row is at most a few KiB (its policy documents).
  size_t row_cache_entries = 10000;
  // Start the LISTEN thread (tests of the polling fallback turn it off).
  bool listen_for_generation = true;
};

// Connects, applies pending migrations (safe when several nodes start at once: migrations run
// under pg_advisory_xact_lock) and starts the generation listener. Errors: InvalidParameterValue
// for bad options, ServiceFailure when the database cannot be reached or migrated. The store is
// thread-safe (store.h); Write must not be called from inside a function passed to Write.
Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options);

}  // namespace irsa::store
