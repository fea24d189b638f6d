#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "unit/store/conformance.h"

namespace irsa::store {
namespace {

namespace fs = std::filesystem;
using testing::MakeRow;
using testing::TestSealer;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A fresh temporary directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "irsa-store-XXXXXX").string();
    char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class SqliteEngine {
 public:
  Result<std::unique_ptr<Store>> Open(const SecretSealer* sealer) {
    // A nested, not yet existing directory: OpenSqliteStore creates it.
    return OpenSqliteStore({.path = DbPath(), .sealer = sealer});
  }
  std::string RawContents() {
    std::string raw;
    for (const char* suffix : {"", "-wal"}) raw += ReadFile(DbPath() + suffix);
    return raw;
  }
  std::string DbPath() const { return (dir_.path() / "nested" / "irsa.db").string(); }

 private:
  TempDir dir_;
};

}  // namespace

namespace testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, StoreConformance, ::testing::Types<SqliteEngine>);
}  // namespace testing

namespace {

TEST(SqliteStore, RejectsBadOptions) {
  TestSealer sealer;
  auto no_path = OpenSqliteStore({.path = "", .sealer = &sealer});
  ASSERT_FALSE(no_path.ok());
  EXPECT_EQ(no_path.error().code(), "InvalidParameterValue");
  auto no_sealer = OpenSqliteStore({.path = "/tmp/x.db", .sealer = nullptr});
  ASSERT_FALSE(no_sealer.ok());
  EXPECT_EQ(no_sealer.error().code(), "InvalidParameterValue");
}

TEST(SqliteStore, UnopenableFileIsServiceFailure) {
  TempDir dir;
  TestSealer sealer;
  // A directory where the database file should be.
  fs::create_directories(dir.path() / "db");
  auto store = OpenSqliteStore({.path = (dir.path() / "db").string(), .sealer = &sealer});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), "ServiceFailure");
}

// Runs a query on the database file with the SQLite C API directly and returns the first column
// of each result row.
std::vector<std::string> RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    out.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST(SqliteStore, MigrationsAreRecordedAndAppliedOnce) {
  TempDir dir;
  TestSealer sealer;
  std::string path = (dir.path() / "m.db").string();
  for (int i = 0; i < 3; ++i) {
    auto store = OpenSqliteStore({.path = path, .sealer = &sealer});
    ASSERT_TRUE(store.ok()) << store.error().message();
    ASSERT_TRUE((*store)
                    ->Write([&](StoreTx& tx) {
                      return tx.Insert(MakeRow("a", "user", "", "u" + std::to_string(i)));
                    })
                    .ok());
  }
  EXPECT_EQ(RawQuery(path, "SELECT version FROM schema_migrations ORDER BY version"),
            (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), (std::vector<std::string>{"wal"}));
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM rows"), (std::vector<std::string>{"3"}));
  EXPECT_EQ(RawQuery(path, "SELECT value FROM meta WHERE name = 'generation'"),
            (std::vector<std::string>{"3"}));
}

// Migration 2 fills the counters from the rows a database of schema 1 already holds.
TEST(SqliteStore, CountersAreBackfilledFromExistingRows) {
  TempDir dir;
  TestSealer sealer;
  std::string path = (dir.path() / "old.db").string();
  {
    auto store = OpenSqliteStore({.path = path, .sealer = &sealer});
    ASSERT_TRUE(store.ok()) << store.error().message();
  }
  // Back to schema 1, then rows written as that schema's writers did (no counters).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const char* downgrade =
      "DROP TRIGGER rows_counted_insert; DROP TRIGGER rows_counted_delete;"
      "DROP TRIGGER rows_counted_ref; DROP TABLE row_counts;"
      "DELETE FROM schema_migrations WHERE version = 2;"
      "INSERT INTO rows (account, kind, parent, key, ref, version) VALUES"
      "  ('a', 'role', '', 'r1', '', 1), ('a', 'role', '', 'r2', '', 1),"
      "  ('a', 'attachment', 'r1', 'p', 'arn:p', 1), ('a', 'attachment', 'r2', 'p', 'arn:p', 1);";
  ASSERT_EQ(sqlite3_exec(db, downgrade, nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  auto store = OpenSqliteStore({.path = path, .sealer = &sealer});
  ASSERT_TRUE(store.ok()) << store.error().message();
  int64_t roles = -1, attachments = -1, by_ref = -1;
  ASSERT_TRUE((*store)
                  ->Read([&](StoreTx& tx) -> Status {
                    IRSA_TRY(roles, tx.Count({.account = "a", .kind = "role"}));
                    IRSA_TRY(attachments, tx.Count({.account = "a", .kind = "attachment"}));
                    IRSA_TRY(by_ref,
                             tx.Count({.account = "a", .kind = "attachment", .ref = "arn:p"}));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(roles, 2);
  EXPECT_EQ(attachments, 2);
  EXPECT_EQ(by_ref, 2);
}

TEST(SqliteStore, NewerSchemaIsRefused) {
  TempDir dir;
  TestSealer sealer;
  std::string path = (dir.path() / "n.db").string();
  ASSERT_TRUE(OpenSqliteStore({.path = path, .sealer = &sealer}).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_migrations (version) VALUES (999)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenSqliteStore({.path = path, .sealer = &sealer});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), "ServiceFailure");
}

TEST(SqliteStore, ReadsProceedWhileAWriteIsOpen) {
  TempDir dir;
  TestSealer sealer;
  auto store = OpenSqliteStore({.path = (dir.path() / "c.db").string(), .sealer = &sealer});
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)
                  ->Write([](StoreTx& tx) { return tx.Insert(MakeRow("a", "u", "", "x", "old")); })
                  .ok());
  std::string seen_inside;
  Status s = (*store)->Write([&](StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(tx.Upsert(MakeRow("a", "u", "", "x", "new")));
    // A concurrent reader (another thread) sees the last committed snapshot, without waiting.
    std::thread reader([&] {
      Status r = (*store)->Read([&](StoreTx& rtx) -> Status {
        IRSA_TRY(auto row, rtx.Get(RowId{"a", "u", "", "x"}));
        seen_inside = row ? row->body : "missing";
        return OkStatus();
      });
      EXPECT_TRUE(r.ok());
    });
    reader.join();
    return OkStatus();
  });
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(seen_inside, "old");
}

TEST(SqliteStore, MoreReadersThanConnectionsWaitTheirTurn) {
  TempDir dir;
  TestSealer sealer;
  auto store = OpenSqliteStore(
      {.path = (dir.path() / "r.db").string(), .sealer = &sealer, .reader_connections = 1});
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(
      (*store)->Write([](StoreTx& tx) { return tx.Insert(MakeRow("a", "u", "", "x")); }).ok());
  std::atomic<int> ok_reads{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        Status s = (*store)->Read([](StoreTx& tx) -> Status {
          IRSA_TRY(auto row, tx.Get(RowId{"a", "u", "", "x"}));
          return row ? OkStatus() : errors::NoSuchEntity("x");
        });
        if (s.ok()) ++ok_reads;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok_reads.load(), 120);
}

// kill -9 durability: a child process writes rows one Write at a time and reports each key on a
// pipe only after Write returned ok; the parent SIGKILLs it mid-way and checks every acknowledged
// row is in the reopened database.
TEST(SqliteStore, AcknowledgedWritesSurviveKill9) {
  TempDir dir;
  std::string path = (dir.path() / "k.db").string();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    TestSealer sealer;
    auto store = OpenSqliteStore({.path = path, .sealer = &sealer});
    if (!store.ok()) _exit(2);
    for (int i = 0; i < 100000; ++i) {
      std::string key = "k" + std::to_string(i);
      Status s = (*store)->Write([&](StoreTx& tx) {
        return tx.Insert(MakeRow("a", "durable", "", key, "{\"i\":" + std::to_string(i) + "}", "",
                                 "/", "secret-" + key));
      });
      if (!s.ok()) _exit(3);
      std::string line = key + "\n";
      if (write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
    }
    _exit(0);
  }
  close(fds[1]);
  FILE* in = fdopen(fds[0], "r");
  ASSERT_NE(in, nullptr);
  std::set<std::string> acked;
  char buf[64];
  while (acked.size() < 40 && fgets(buf, sizeof buf, in) != nullptr) {
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    acked.insert(line);
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  // Whatever the child acknowledged before it died also counts.
  while (fgets(buf, sizeof buf, in) != nullptr) {
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') acked.insert(line.substr(0, line.size() - 1));
  }
  fclose(in);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child ended before the kill; status " << status;
  ASSERT_GE(acked.size(), 40u);

  TestSealer sealer;
  auto store = OpenSqliteStore({.path = path, .sealer = &sealer});
  ASSERT_TRUE(store.ok()) << store.error().message();
  for (const std::string& key : acked) {
    std::optional<Row> row;
    ASSERT_TRUE((*store)
                    ->Read([&](StoreTx& tx) -> Status {
                      IRSA_TRY(row, tx.Get(RowId{"a", "durable", "", key}));
                      return OkStatus();
                    })
                    .ok());
    ASSERT_TRUE(row.has_value()) << "acknowledged row lost: " << key;
    EXPECT_EQ(row->secret, "secret-" + key);
  }
  // And the database is writable again after the crash.
  EXPECT_TRUE(
      (*store)
          ->Write([](StoreTx& tx) { return tx.Insert(MakeRow("a", "durable", "", "after")); })
          .ok());
}

}  // namespace
}  // namespace irsa::store
