// PostgreSQL store tests. Run through scripts/with-postgres.sh (ctest: store_postgres_conformance),
// which provides IRSA_TEST_POSTGRES_URL (required: the tests fail without it) and the data
// directory and stop/start commands for the restart test.
#include "store/postgres/postgres_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <unistd.h>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>

#include "unit/store/conformance.h"

namespace irsa::store {
namespace {

namespace fs = std::filesystem;
using testing::MakeRow;
using testing::TestSealer;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string Url() { return Env("IRSA_TEST_POSTGRES_URL"); }

// The URL with its database name replaced.
std::string UrlForDatabase(const std::string& url, const std::string& db) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  size_t query = url.find('?');
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return url.substr(0, slash) + "/" + db + tail;
}

// A direct libpq connection for checks the Store API cannot make.
class Admin {
 public:
  explicit Admin(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
  ~Admin() { PQfinish(conn_); }
  // Runs `sql` and returns every value of every row, concatenated raw (binary format).
  std::string Query(const std::string& sql) {
    PGresult* res = PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1);
    ExecStatusType status = PQresultStatus(res);
    EXPECT_TRUE(status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
        << sql << ": " << PQerrorMessage(conn_);
    std::string out;
    for (int r = 0; r < PQntuples(res); ++r) {
      for (int c = 0; c < PQnfields(res); ++c) {
        out.append(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c)));
        out.push_back('|');
      }
    }
    PQclear(res);
    return out;
  }

 private:
  PGconn* conn_;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class PostgresEngine {
 public:
  Result<std::unique_ptr<Store>> Open(const SecretSealer* sealer) {
    if (Url().empty()) {
      return errors::ServiceFailure(
          "IRSA_TEST_POSTGRES_URL is not set: run via "
          "scripts/with-postgres.sh");
    }
    return OpenPostgresStore({.conninfo = Url(), .sealer = sealer});
  }
  // The table's raw column bytes, plus (when the data directory is known) every file of the
  // cluster after a checkpoint: heap, indexes and WAL.
  std::string RawContents() {
    Admin admin(Url());
    std::string raw = admin.Query(
        "SELECT account, kind, parent, key, ref, path, body, secret "
        "FROM rows");
    std::string data = Env("IRSA_TEST_POSTGRES_DATA");
    if (!data.empty()) {
      admin.Query("CHECKPOINT");
      for (const auto& entry : fs::recursive_directory_iterator(data)) {
        if (entry.is_regular_file()) raw += ReadFile(entry.path());
      }
    }
    return raw;
  }
};

// The same engine with every Read going to the database (no row cache).
class UncachedPostgresEngine : public PostgresEngine {
 public:
  Result<std::unique_ptr<Store>> Open(const SecretSealer* sealer) {
    if (Url().empty()) return PostgresEngine::Open(sealer);
    return OpenPostgresStore({.conninfo = Url(), .sealer = sealer, .row_cache_entries = 0});
  }
};

}  // namespace

namespace testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, StoreConformance, ::testing::Types<PostgresEngine>);
INSTANTIATE_TYPED_TEST_SUITE_P(PostgresUncached, StoreConformance,
                               ::testing::Types<UncachedPostgresEngine>);
}  // namespace testing

namespace {

TEST(PostgresStore, TestDatabaseIsConfigured) {
  ASSERT_FALSE(Url().empty()) << "IRSA_TEST_POSTGRES_URL is not set: run via "
                                 "scripts/with-postgres.sh";
}

TEST(PostgresStore, RejectsBadOptions) {
  TestSealer sealer;
  auto no_url = OpenPostgresStore({.conninfo = "", .sealer = &sealer});
  ASSERT_FALSE(no_url.ok());
  EXPECT_EQ(no_url.error().code(), "InvalidParameterValue");
  auto no_sealer = OpenPostgresStore({.conninfo = Url(), .sealer = nullptr});
  ASSERT_FALSE(no_sealer.ok());
  EXPECT_EQ(no_sealer.error().code(), "InvalidParameterValue");
  auto no_pool = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer, .pool_size = 0});
  ASSERT_FALSE(no_pool.ok());
}

TEST(PostgresStore, UnreachableDatabaseIsServiceFailure) {
  TestSealer sealer;
  // Port 1 on loopback: nothing listens there.
  auto store = OpenPostgresStore(
      {.conninfo = "postgres://postgres@127.0.0.1:1/none?connect_timeout=2", .sealer = &sealer});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), "ServiceFailure");
  EXPECT_EQ(store.error().http_status(), 500);
}

TEST(PostgresStore, NodesStartingTogetherMigrateOnce) {
  ASSERT_FALSE(Url().empty());
  std::string db = "irsa_migrate_" + std::to_string(getpid());
  Admin admin(Url());
  admin.Query("DROP DATABASE IF EXISTS " + db);
  admin.Query("CREATE DATABASE " + db);
  std::string url = UrlForDatabase(Url(), db);
  {
    TestSealer sealer;
    constexpr int kNodes = 4;
    std::vector<std::unique_ptr<Store>> stores(kNodes);
    std::vector<std::string> errors(kNodes);
    std::vector<std::thread> threads;
    for (int i = 0; i < kNodes; ++i) {
      threads.emplace_back([&, i] {
        auto store = OpenPostgresStore({.conninfo = url, .sealer = &sealer});
        if (store.ok()) {
          stores[i] = std::move(*store);
        } else {
          errors[i] = store.error().message();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < kNodes; ++i) ASSERT_NE(stores[i], nullptr) << errors[i];
    Admin fresh(url);
    EXPECT_EQ(fresh.Query("SELECT version::text FROM schema_migrations ORDER BY version"), "1|2|");
    EXPECT_EQ(fresh.Query("SELECT count(*)::text FROM meta"), "1|");
    // Every node works against the same data.
    ASSERT_TRUE(
        stores[0]->Write([](StoreTx& tx) { return tx.Insert(MakeRow("a", "u", "", "x")); }).ok());
    bool found = false;
    ASSERT_TRUE(stores[3]
                    ->Read([&](StoreTx& tx) -> Status {
                      IRSA_TRY(auto row, tx.Get(RowId{"a", "u", "", "x"}));
                      found = row.has_value();
                      return OkStatus();
                    })
                    .ok());
    EXPECT_TRUE(found);
  }
  admin.Query("DROP DATABASE " + db + " WITH (FORCE)");
}

// Migration 2 fills the counters from the rows a database of schema 1 already holds.
TEST(PostgresStore, CountersAreBackfilledFromExistingRows) {
  ASSERT_FALSE(Url().empty());
  std::string db = "irsa_backfill_" + std::to_string(getpid());
  Admin admin(Url());
  admin.Query("DROP DATABASE IF EXISTS " + db);
  admin.Query("CREATE DATABASE " + db);
  std::string url = UrlForDatabase(Url(), db);
  TestSealer sealer;
  {
    auto store = OpenPostgresStore({.conninfo = url, .sealer = &sealer});
    ASSERT_TRUE(store.ok()) << store.error().message();
  }
  {
    // Back to schema 1, then rows written as that schema's writers did (no counters).
    Admin old(url);
    old.Query("DROP TRIGGER rows_counted ON rows");
    old.Query("DROP FUNCTION rows_counted()");
    old.Query("DROP FUNCTION row_counts_add(text, text, text, bigint)");
    old.Query("DROP TABLE row_counts");
    old.Query("DELETE FROM schema_migrations WHERE version = 2");
    old.Query(
        "INSERT INTO rows (account, kind, parent, key, ref, version) VALUES"
        "  ('a', 'role', '', 'r1', '', 1), ('a', 'role', '', 'r2', '', 1),"
        "  ('a', 'attachment', 'r1', 'p', 'arn:p', 1), ('a', 'attachment', 'r2', 'p', 'arn:p', 1)");
  }
  {
    auto store = OpenPostgresStore({.conninfo = url, .sealer = &sealer});
    ASSERT_TRUE(store.ok()) << store.error().message();
    int64_t roles = -1, by_ref = -1;
    ASSERT_TRUE((*store)
                    ->Read([&](StoreTx& tx) -> Status {
                      IRSA_TRY(roles, tx.Count({.account = "a", .kind = "role"}));
                      IRSA_TRY(by_ref,
                               tx.Count({.account = "a", .kind = "attachment", .ref = "arn:p"}));
                      return OkStatus();
                    })
                    .ok());
    EXPECT_EQ(roles, 2);
    EXPECT_EQ(by_ref, 2);
  }
  admin.Query("DROP DATABASE " + db + " WITH (FORCE)");
}

// Polls `store`'s generation until it reaches `target`; returns how long it took (or a value over
// `limit` when it never did).
std::chrono::milliseconds TimeUntilGeneration(Store& store, int64_t target,
                                              std::chrono::milliseconds limit) {
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (store.Generation() >= target) return elapsed;
    if (elapsed > limit) return elapsed;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

TEST(PostgresStore, OtherNodesSeeWritesWithinOneSecond) {
  TestSealer sealer;
  auto a = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer});
  auto b = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer});
  ASSERT_TRUE(a.ok() && b.ok());
  // Let b's listener connect.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE((*a)->Write([&](StoreTx& tx) {
                      return tx.Upsert(MakeRow("a", "gen", "", "k", std::to_string(i)));
                    })
                    .ok());
    int64_t target = (*a)->Generation();
    auto took = TimeUntilGeneration(**b, target, std::chrono::milliseconds(2000));
    EXPECT_LT(took.count(), 1000) << "write " << i << " not seen by the other node in time";
  }
}

TEST(PostgresStore, WithoutListenerGenerationIsPolled) {
  TestSealer sealer;
  auto a = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer});
  auto b =
      OpenPostgresStore({.conninfo = Url(), .sealer = &sealer, .listen_for_generation = false});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(
      (*a)->Write([](StoreTx& tx) { return tx.Upsert(MakeRow("a", "gen", "", "p")); }).ok());
  auto took = TimeUntilGeneration(**b, (*a)->Generation(), std::chrono::milliseconds(2000));
  EXPECT_LT(took.count(), 600) << "fallback polling runs at most every 250 ms";
}

TEST(PostgresStore, TwoNodesIncrementingOneCounterLoseNoUpdate) {
  TestSealer sealer;
  auto a = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer});
  auto b = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer});
  ASSERT_TRUE(a.ok() && b.ok());
  const RowId id{"a", "quota", "", "n"};
  ASSERT_TRUE(
      (*a)->Write([&](StoreTx& tx) { return tx.Upsert(MakeRow("a", "quota", "", "n", "0")); })
          .ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (Store* store : {a->get(), b->get(), a->get(), b->get()}) {
    threads.emplace_back([&, store] {
      for (int i = 0; i < 20; ++i) {
        Status s = store->Write([&](StoreTx& tx) -> Status {
          IRSA_TRY(auto row, tx.Get(id));
          if (!row) return errors::NoSuchEntity("counter");
          row->body = std::to_string(std::stoi(row->body) + 1);
          return tx.Upsert(*row);
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::string body;
  ASSERT_TRUE((*b)->Read([&](StoreTx& tx) -> Status {
                    IRSA_TRY(auto row, tx.Get(id));
                    body = row ? row->body : "";
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(body, "80");
}

TEST(PostgresStore, FailedStatementAbortsTheWholeTransaction) {
  TestSealer sealer;
  auto store = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer});
  ASSERT_TRUE(store.ok());
  // Text columns must be valid UTF-8 in Postgres: the insert fails; the function ignores that
  // and returns ok, yet nothing of the transaction may be committed.
  Status s = (*store)->Write([](StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(tx.Insert(MakeRow("a", "abort", "", "first")));
    Status bad = tx.Insert(MakeRow("a", "abort", "", "second", std::string("\xff\xfe", 2)));
    EXPECT_FALSE(bad.ok());
    return OkStatus();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "ServiceFailure");
  EXPECT_EQ(s.error().message().find("\xff"), std::string::npos) << "no data in the message";
  int64_t count = -1;
  ASSERT_TRUE((*store)
                  ->Read([&](StoreTx& tx) -> Status {
                    IRSA_TRY(count, tx.Count({.account = "a", .kind = "abort"}));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(count, 0);
}

// The body of one row read through `store` (empty if absent), by ReadCached or Read.
std::string ReadBody(Store& store, const RowId& id, bool cached = true) {
  std::string body;
  auto get = [&](StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get(id));
    body = row ? row->body : "";
    return OkStatus();
  };
  Status read = cached ? store.ReadCached(get) : store.Read(get);
  EXPECT_TRUE(read.ok()) << read.error().message();
  return body;
}

// A row changed behind the store's back (no generation bump) shows whether a read was answered
// from the row cache: ReadCached serves the cached copy until the next write, and never without a
// cache, for a row that carries a secret, or to a plain Read.
TEST(PostgresStore, GetIsAnsweredFromTheRowCacheUntilTheNextWrite) {
  TestSealer sealer;
  auto cached = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer});
  auto uncached = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer, .row_cache_entries = 0});
  ASSERT_TRUE(cached.ok() && uncached.ok());
  const RowId plain{"a", "rowcache", "", "plain"};
  const RowId secret{"a", "rowcache", "", "secret"};
  ASSERT_TRUE((*cached)
                  ->Write([](StoreTx& tx) -> Status {
                    IRSA_RETURN_IF_ERROR(tx.Upsert(MakeRow("a", "rowcache", "", "plain", "v1")));
                    return tx.Upsert(MakeRow("a", "rowcache", "", "secret", "v1", "", "/", "s"));
                  })
                  .ok());
  EXPECT_EQ(ReadBody(**cached, plain), "v1");  // loads the cache
  EXPECT_EQ(ReadBody(**cached, secret), "v1");

  Admin admin(Url());
  admin.Query("UPDATE rows SET body = 'v2' WHERE account = 'a' AND kind = 'rowcache'");
  EXPECT_EQ(ReadBody(**cached, plain), "v1") << "answered from the cache";
  EXPECT_EQ(ReadBody(**cached, secret), "v2") << "rows with secrets are never cached";
  EXPECT_EQ(ReadBody(**cached, plain, /*cached=*/false), "v2") << "Read never uses the cache";
  EXPECT_EQ(ReadBody(**uncached, plain), "v2");

  ASSERT_TRUE((*cached)
                  ->Write([](StoreTx& tx) { return tx.Upsert(MakeRow("a", "rowcache", "", "x")); })
                  .ok());
  EXPECT_EQ(ReadBody(**cached, plain), "v2") << "a write invalidates the cache";
}

// A ReadCached that served a cached row and then needs the database, which has moved on (another
// node's write this node has not heard of yet: here, the generation bumped behind its back),
// runs its function again from one snapshot rather than mix the two.
TEST(PostgresStore, ReadCachedNeverMixesACachedRowWithANewerSnapshot) {
  TestSealer sealer;
  auto store = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer});
  ASSERT_TRUE(store.ok());
  const RowId x{"a", "rowcache", "", "x"};
  const RowId y{"a", "rowcache", "", "y"};
  ASSERT_TRUE((*store)
                  ->Write([](StoreTx& tx) -> Status {
                    IRSA_RETURN_IF_ERROR(tx.Upsert(MakeRow("a", "rowcache", "", "x", "old")));
                    return tx.Upsert(MakeRow("a", "rowcache", "", "y", "old"));
                  })
                  .ok());
  ASSERT_EQ(ReadBody(**store, x), "old");  // x is cached, y is not
  const int64_t generation = (*store)->Generation();

  Admin admin(Url());
  admin.Query("UPDATE rows SET body = 'new' WHERE account = 'a' AND kind = 'rowcache'");
  admin.Query("UPDATE meta SET value = value + 1 WHERE name = 'generation'");
  int runs = 0;
  std::string seen_x, seen_y;
  ASSERT_TRUE((*store)
                  ->ReadCached([&](StoreTx& tx) -> Status {
                    ++runs;
                    IRSA_TRY(auto a, tx.Get(x));
                    IRSA_TRY(auto b, tx.Get(y));
                    seen_x = a ? a->body : "";
                    seen_y = b ? b->body : "";
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(seen_x, "new");
  EXPECT_EQ(seen_y, "new");
  // Unless this node polled the new generation meanwhile (its listener re-reads it every second),
  // x came from the cache first and the function ran twice.
  if ((*store)->Generation() == generation) {
    EXPECT_EQ(runs, 2);
  }
}

// A ReadCached answered from the cache needs no connection: it completes while a Read holds the
// only one.
TEST(PostgresStore, AReadAnsweredFromMemoryNeedsNoConnection) {
  TestSealer sealer;
  auto store = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer, .pool_size = 1});
  ASSERT_TRUE(store.ok());
  const RowId id{"a", "rowcache", "", "held"};
  ASSERT_TRUE(
      (*store)
          ->Write([](StoreTx& tx) { return tx.Upsert(MakeRow("a", "rowcache", "", "held", "v")); })
          .ok());
  ASSERT_EQ(ReadBody(**store, id), "v");

  std::promise<void> holding, release;
  std::thread holder([&] {
    EXPECT_TRUE((*store)
                    ->Read([&](StoreTx& tx) -> Status {
                      IRSA_RETURN_IF_ERROR(tx.Count({.account = "a", .kind = "rowcache"}));
                      holding.set_value();
                      release.get_future().wait();
                      return OkStatus();
                    })
                    .ok());
  });
  holding.get_future().wait();
  auto cached_read = std::async(std::launch::async, [&] { return ReadBody(**store, id); });
  const bool answered = cached_read.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  release.set_value();
  holder.join();
  ASSERT_TRUE(answered) << "the cached read waited for a connection";
  EXPECT_EQ(cached_read.get(), "v");
}

// Stops and restarts the database under a live store: calls during the outage fail cleanly with
// ServiceFailure, the first call after the restart succeeds, and the listener reconnects.
TEST(PostgresStore, RecoversFromDatabaseRestart) {
  std::string stop = Env("IRSA_TEST_POSTGRES_STOP");
  std::string start = Env("IRSA_TEST_POSTGRES_START");
  ASSERT_FALSE(stop.empty() || start.empty())
      << "IRSA_TEST_POSTGRES_STOP/START are not set: run via scripts/with-postgres.sh";
  TestSealer sealer;
  auto a = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer});
  auto b = OpenPostgresStore({.conninfo = Url(), .sealer = &sealer});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(
      (*a)->Write([](StoreTx& tx) { return tx.Upsert(MakeRow("a", "restart", "", "before")); })
          .ok());
  // Warm several pooled connections so that all of them die with the server.
  std::vector<std::thread> warm;
  for (int i = 0; i < 3; ++i) {
    warm.emplace_back([&] {
      EXPECT_TRUE((*a)->Read([](StoreTx& tx) {
                        return tx.Count({.account = "a", .kind = "restart"}).ok()
                                   ? OkStatus()
                                   : errors::ServiceFailure("count");
                      })
                      .ok());
    });
  }
  for (auto& t : warm) t.join();

  ASSERT_EQ(std::system(stop.c_str()), 0);
  Status write =
      (*a)->Write([](StoreTx& tx) { return tx.Upsert(MakeRow("a", "restart", "", "down")); });
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().code(), "ServiceFailure");
  EXPECT_EQ(write.error().http_status(), 500);
  Status read = (*a)->Read([](StoreTx& tx) {
    return tx.Get(RowId{"a", "restart", "", "before"}).ok() ? OkStatus()
                                                            : errors::ServiceFailure("get");
  });
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), "ServiceFailure");
  int64_t during = (*b)->Generation();  // must not crash or hang while the database is down
  EXPECT_GT(during, 0);

  ASSERT_EQ(std::system(start.c_str()), 0);
  // The very first call after the restart succeeds: dead pooled connections are discarded.
  Status after =
      (*a)->Write([](StoreTx& tx) { return tx.Upsert(MakeRow("a", "restart", "", "after")); });
  ASSERT_TRUE(after.ok()) << after.error().message();
  std::vector<std::string> keys;
  ASSERT_TRUE((*a)->Read([&](StoreTx& tx) -> Status {
                    IRSA_TRY(Page page, tx.List({.account = "a", .kind = "restart"}));
                    for (const Row& row : page.rows) keys.push_back(row.id.key);
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"after", "before"})) << "nothing half-applied";
  // b's reads recover too, and b learns of a's writes again once its listener is back.
  auto took = TimeUntilGeneration(**b, (*a)->Generation(), std::chrono::milliseconds(5000));
  EXPECT_LT(took.count(), 5000);
  ASSERT_TRUE(
      (*a)->Write([](StoreTx& tx) { return tx.Upsert(MakeRow("a", "restart", "", "later")); })
          .ok());
  took = TimeUntilGeneration(**b, (*a)->Generation(), std::chrono::milliseconds(5000));
  EXPECT_LT(took.count(), 1000);
}

}  // namespace
}  // namespace irsa::store
