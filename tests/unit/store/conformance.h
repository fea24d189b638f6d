// The Store conformance suite (store/store.h), shared by every engine.
//
// An engine test binary defines an Engine type and instantiates the suite:
//
//   struct MyEngine {
//     // Opens (a new handle on) this test's database; every call opens the same database.
//     Result<std::unique_ptr<Store>> Open(const SecretSealer* sealer);
//     // Every byte the engine keeps at rest for this database (files, or a dump of the table).
//     std::string RawContents();
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, StoreConformance, ::testing::Types<MyEngine>);
//
// Include this header from exactly one .cc per binary (it defines the tests).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/result.h"
#include "store/store.h"

namespace irsa::store::testing {

// A reversible, obviously-not-plaintext sealer: "sealed:" + bytes XOR 0x5a. Open rejects input
// without the prefix.
class TestSealer : public SecretSealer {
 public:
  std::string Seal(const std::string& plaintext) const override {
    std::string out = "sealed:";
    for (char c : plaintext) out.push_back(static_cast<char>(c ^ 0x5a));
    return out;
  }
  Result<std::string> Open(const std::string& sealed) const override {
    if (sealed.rfind("sealed:", 0) != 0) return errors::ServiceFailure("bad seal");
    std::string out;
    for (size_t i = 7; i < sealed.size(); ++i) out.push_back(static_cast<char>(sealed[i] ^ 0x5a));
    return out;
  }
};

// A sealer whose Open always fails (a wrong master key).
class WrongKeySealer : public TestSealer {
 public:
  Result<std::string> Open(const std::string&) const override {
    return errors::ServiceFailure("authentication tag mismatch");
  }
};

inline Row MakeRow(std::string account, std::string kind, std::string parent, std::string key,
                   std::string body = "{}", std::string ref = "", std::string path = "/",
                   std::string secret = "") {
  Row row;
  row.id = RowId{std::move(account), std::move(kind), std::move(parent), std::move(key)};
  row.body = std::move(body);
  row.ref = std::move(ref);
  row.path = std::move(path);
  row.secret = std::move(secret);
  return row;
}

inline std::vector<std::string> Keys(const std::vector<Row>& rows) {
  std::vector<std::string> keys;
  for (const Row& row : rows) keys.push_back(row.id.parent + "/" + row.id.key);
  return keys;
}

template <typename Engine>
class StoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = engine_.Open(&sealer_);
    ASSERT_TRUE(store.ok()) << store.error().message();
    store_ = std::move(*store);
    auto reset = store_->Reset();
    ASSERT_TRUE(reset.ok()) << reset.error().message();
  }

  Status Write(const std::function<Status(StoreTx&)>& fn) { return store_->Write(fn); }

  Status InsertAll(const std::vector<Row>& rows) {
    return store_->Write([&](StoreTx& tx) -> Status {
      for (const Row& row : rows) IRSA_RETURN_IF_ERROR(tx.Insert(row));
      return OkStatus();
    });
  }

  std::optional<Row> GetRow(const RowId& id) {
    std::optional<Row> out;
    Status s = store_->Read([&](StoreTx& tx) -> Status {
      IRSA_TRY(out, tx.Get(id));
      return OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s.error().message();
    return out;
  }

  Page ListRows(const ListQuery& query) {
    Page page;
    Status s = store_->Read([&](StoreTx& tx) -> Status {
      IRSA_TRY(page, tx.List(query));
      return OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s.error().message();
    return page;
  }

  int64_t CountRows(const ListQuery& query) {
    int64_t count = -1;
    Status s = store_->Read([&](StoreTx& tx) -> Status {
      IRSA_TRY(count, tx.Count(query));
      return OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s.error().message();
    return count;
  }

  Engine engine_;
  TestSealer sealer_;
  std::unique_ptr<Store> store_;
};

TYPED_TEST_SUITE_P(StoreConformance);

TYPED_TEST_P(StoreConformance, InsertThenGetRoundTripsEveryColumn) {
  Row row = MakeRow("111122223333", "access_key", "alice", "AKIAEXAMPLE", "{\"status\":\"Active\"}",
                    "arn:aws:iam::111122223333:user/alice", "/division/",
                    std::string("s\0cr\xff"
                                "et",
                                7));
  ASSERT_TRUE(this->InsertAll({row}).ok());
  auto got = this->GetRow(row.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, row.id);
  EXPECT_EQ(got->ref, row.ref);
  EXPECT_EQ(got->path, row.path);
  EXPECT_EQ(got->body, row.body);
  EXPECT_EQ(got->secret, row.secret);
  EXPECT_GT(got->version, 0);
  Row plain = MakeRow("111122223333", "role", "", "no-secret");
  ASSERT_TRUE(this->InsertAll({plain}).ok());
  auto got_plain = this->GetRow(plain.id);
  ASSERT_TRUE(got_plain.has_value());
  EXPECT_EQ(got_plain->secret, "");
  EXPECT_EQ(got_plain->body, "{}");
}

TYPED_TEST_P(StoreConformance, GetMissingIsEmptyNotAnError) {
  EXPECT_FALSE(this->GetRow(RowId{"111122223333", "role", "", "nope"}).has_value());
}

TYPED_TEST_P(StoreConformance, KeyComponentsAreDistinct) {
  // Same key under a different account, kind or parent is a different row.
  ASSERT_TRUE(
      this->InsertAll({MakeRow("a", "role", "", "k", "1"), MakeRow("b", "role", "", "k", "2"),
                       MakeRow("a", "user", "", "k", "3"), MakeRow("a", "role", "p", "k", "4")})
          .ok());
  EXPECT_EQ(this->GetRow(RowId{"a", "role", "", "k"})->body, "1");
  EXPECT_EQ(this->GetRow(RowId{"b", "role", "", "k"})->body, "2");
  EXPECT_EQ(this->GetRow(RowId{"a", "user", "", "k"})->body, "3");
  EXPECT_EQ(this->GetRow(RowId{"a", "role", "p", "k"})->body, "4");
}

TYPED_TEST_P(StoreConformance, DuplicateInsertIsEntityAlreadyExistsAndChangesNothing) {
  Row original = MakeRow("111122223333", "role", "", "admin", "{\"v\":1}", "r1", "/a/", "s1");
  ASSERT_TRUE(this->InsertAll({original}).ok());
  int64_t version = this->GetRow(original.id)->version;

  Row dup = MakeRow("111122223333", "role", "", "admin", "{\"v\":2}", "r2", "/b/", "s2");
  Status s = this->InsertAll({dup});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "EntityAlreadyExists");
  EXPECT_EQ(s.error().http_status(), 409);
  EXPECT_EQ(s.error().message(), "");

  // Inside one transaction the conflict does not poison it: the function may carry on.
  Status tolerant = this->Write([&](StoreTx& tx) -> Status {
    Status again = tx.Insert(dup);
    EXPECT_FALSE(again.ok());
    if (!again.ok()) {
      EXPECT_EQ(again.error().code(), "EntityAlreadyExists");
    }
    return tx.Insert(MakeRow("111122223333", "role", "", "other"));
  });
  ASSERT_TRUE(tolerant.ok()) << tolerant.error().message();

  auto got = this->GetRow(original.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->body, "{\"v\":1}");
  EXPECT_EQ(got->ref, "r1");
  EXPECT_EQ(got->path, "/a/");
  EXPECT_EQ(got->secret, "s1");
  EXPECT_EQ(got->version, version);
  EXPECT_TRUE(this->GetRow(RowId{"111122223333", "role", "", "other"}).has_value());
}

TYPED_TEST_P(StoreConformance, UpsertInsertsThenReplacesAndVersionGrows) {
  Row row = MakeRow("a", "policy", "", "p", "one", "ref1", "/x/", "secret-1");
  ASSERT_TRUE(this->Write([&](StoreTx& tx) { return tx.Upsert(row); }).ok());
  auto first = this->GetRow(row.id);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->body, "one");

  row.body = "two";
  row.ref = "ref2";
  row.path = "/y/";
  row.secret = "";
  ASSERT_TRUE(this->Write([&](StoreTx& tx) { return tx.Upsert(row); }).ok());
  auto second = this->GetRow(row.id);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->body, "two");
  EXPECT_EQ(second->ref, "ref2");
  EXPECT_EQ(second->path, "/y/");
  EXPECT_EQ(second->secret, "");
  EXPECT_GT(second->version, first->version);

  // Twice in one transaction, then delete and re-insert: the version still only grows.
  ASSERT_TRUE(this->Write([&](StoreTx& tx) -> Status {
                    IRSA_RETURN_IF_ERROR(tx.Upsert(row));
                    return tx.Upsert(row);
                  })
                  .ok());
  auto third = this->GetRow(row.id);
  EXPECT_GT(third->version, second->version);
  ASSERT_TRUE(this->Write([&](StoreTx& tx) -> Status {
                    IRSA_TRY(bool existed, tx.Delete(row.id));
                    return existed ? OkStatus() : errors::NoSuchEntity("row");
                  })
                  .ok());
  ASSERT_TRUE(this->InsertAll({row}).ok());
  EXPECT_GT(this->GetRow(row.id)->version, third->version);
}

TYPED_TEST_P(StoreConformance, DeleteReportsWhetherTheRowExisted) {
  Row row = MakeRow("a", "user", "", "alice");
  ASSERT_TRUE(this->InsertAll({row}).ok());
  bool first = false, second = true;
  ASSERT_TRUE(this->Write([&](StoreTx& tx) -> Status {
                    IRSA_TRY(first, tx.Delete(row.id));
                    IRSA_TRY(second, tx.Delete(row.id));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  EXPECT_FALSE(this->GetRow(row.id).has_value());
}

TYPED_TEST_P(StoreConformance, ListOrdersByParentThenKeyAndPaginates) {
  std::vector<Row> rows;
  for (const char* parent : {"p2", "p1"}) {
    for (const char* key : {"c", "a", "b", "B"})
      rows.push_back(MakeRow("a", "inline", parent, key));
  }
  rows.push_back(MakeRow("a", "other-kind", "p1", "a0"));
  rows.push_back(MakeRow("other-account", "inline", "p1", "a1"));
  ASSERT_TRUE(this->InsertAll(rows).ok());

  ListQuery all{.account = "a", .kind = "inline"};
  Page page = this->ListRows(all);
  EXPECT_EQ(Keys(page.rows), (std::vector<std::string>{"p1/B", "p1/a", "p1/b", "p1/c", "p2/B",
                                                       "p2/a", "p2/b", "p2/c"}));
  EXPECT_FALSE(page.truncated);

  // Page through one parent, two at a time, with after_key.
  ListQuery q{.account = "a", .kind = "inline", .parent = "p1", .limit = 2};
  Page p1 = this->ListRows(q);
  EXPECT_EQ(Keys(p1.rows), (std::vector<std::string>{"p1/B", "p1/a"}));
  EXPECT_TRUE(p1.truncated);
  q.after_key = p1.rows.back().id.key;
  Page p2 = this->ListRows(q);
  EXPECT_EQ(Keys(p2.rows), (std::vector<std::string>{"p1/b", "p1/c"}));
  EXPECT_FALSE(p2.truncated) << "exactly limit rows left is not truncated";
  q.after_key = "c";
  Page p3 = this->ListRows(q);
  EXPECT_TRUE(p3.rows.empty());
  EXPECT_FALSE(p3.truncated);
  // after_key need not exist; it is an exclusive bound.
  q.after_key = "aa";
  q.limit = 10;
  EXPECT_EQ(Keys(this->ListRows(q).rows), (std::vector<std::string>{"p1/b", "p1/c"}));
  // limit 1 over many rows.
  ListQuery one{.account = "a", .kind = "inline", .limit = 1};
  Page single = this->ListRows(one);
  EXPECT_EQ(single.rows.size(), 1u);
  EXPECT_TRUE(single.truncated);
}

TYPED_TEST_P(StoreConformance, ListFiltersByParentRefAndPathPrefix) {
  ASSERT_TRUE(this->InsertAll({
                                  MakeRow("a", "att", "role1", "k1", "{}", "arn:p1", "/"),
                                  MakeRow("a", "att", "role2", "k2", "{}", "arn:p1", "/"),
                                  MakeRow("a", "att", "role2", "k3", "{}", "arn:p2", "/"),
                                  MakeRow("a", "role", "", "r1", "{}", "", "/eng/"),
                                  MakeRow("a", "role", "", "r2", "{}", "", "/eng/team/"),
                                  MakeRow("a", "role", "", "r3", "{}", "", "/Eng/"),
                                  MakeRow("a", "role", "", "r4", "{}", "", "/engineering/"),
                                  MakeRow("a", "role", "", "r5", "{}", "", "/a%b_/"),
                                  MakeRow("a", "role", "", "r6", "{}", "", "/axbx/"),
                                  MakeRow("a", "role", "", "r7", "{}", "", "/\xc3\xa9t\xc3\xa9/"),
                              })
                  .ok());
  EXPECT_EQ(Keys(this->ListRows({.account = "a", .kind = "att", .ref = "arn:p1"}).rows),
            (std::vector<std::string>{"role1/k1", "role2/k2"}));
  EXPECT_EQ(Keys(this->ListRows({.account = "a", .kind = "att", .parent = "role2"}).rows),
            (std::vector<std::string>{"role2/k2", "role2/k3"}));
  EXPECT_EQ(
      Keys(
          this->ListRows({.account = "a", .kind = "att", .parent = "role2", .ref = "arn:p2"}).rows),
      (std::vector<std::string>{"role2/k3"}));
  EXPECT_EQ(Keys(this->ListRows({.account = "a", .kind = "role", .path_prefix = "/eng/"}).rows),
            (std::vector<std::string>{"/r1", "/r2"}))
      << "prefix match is case-sensitive and per byte";
  EXPECT_EQ(Keys(this->ListRows({.account = "a", .kind = "role", .path_prefix = "/eng"}).rows),
            (std::vector<std::string>{"/r1", "/r2", "/r4"}));
  EXPECT_EQ(Keys(this->ListRows({.account = "a", .kind = "role", .path_prefix = "/a%b_"}).rows),
            (std::vector<std::string>{"/r5"}))
      << "LIKE wildcards in the prefix are literal";
  EXPECT_EQ(Keys(this->ListRows({.account = "a", .kind = "role", .path_prefix = "/\xc3\xa9"}).rows),
            (std::vector<std::string>{"/r7"}));
  EXPECT_EQ(this->ListRows({.account = "a", .kind = "role", .path_prefix = "/"}).rows.size(), 7u);
  EXPECT_EQ(this->ListRows({.account = "a", .kind = "role", .path_prefix = ""}).rows.size(), 7u);
  EXPECT_TRUE(this->ListRows({.account = "a", .kind = "role", .path_prefix = "/zzz"}).rows.empty());
}

TYPED_TEST_P(StoreConformance, CountIgnoresAfterKeyAndLimit) {
  std::vector<Row> rows;
  for (int i = 0; i < 7; ++i) {
    rows.push_back(MakeRow("a", "user", "", "u" + std::to_string(i), "{}", i % 2 ? "odd" : "even",
                           i < 3 ? "/x/" : "/y/"));
  }
  ASSERT_TRUE(this->InsertAll(rows).ok());
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user", .after_key = "u5", .limit = 1}), 7);
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user", .ref = "odd"}), 3);
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user", .path_prefix = "/x/"}), 3);
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user", .parent = "nobody"}), 0);
  EXPECT_EQ(this->CountRows({.account = "b", .kind = "user"}), 0);
}

TYPED_TEST_P(StoreConformance, FindByKeyAcrossAccountsAndParents) {
  ASSERT_TRUE(this->InsertAll({MakeRow("acct2", "access_key", "bob", "AKIA1", "b"),
                               MakeRow("acct1", "access_key", "alice", "AKIA1", "a"),
                               MakeRow("acct1", "access_key", "alice", "AKIA2", "c"),
                               MakeRow("acct1", "user", "", "AKIA1", "d")})
                  .ok());
  std::vector<Row> found;
  ASSERT_TRUE(this->store_
                  ->Read([&](StoreTx& tx) -> Status {
                    IRSA_TRY(found, tx.FindByKey("access_key", "AKIA1"));
                    return OkStatus();
                  })
                  .ok());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].id.account, "acct1");
  EXPECT_EQ(found[0].body, "a");
  EXPECT_EQ(found[1].id.account, "acct2");
  std::vector<Row> none;
  ASSERT_TRUE(this->store_
                  ->Read([&](StoreTx& tx) -> Status {
                    IRSA_TRY(none, tx.FindByKey("access_key", "AKIA9"));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(none.empty());
}

TYPED_TEST_P(StoreConformance, DeleteChildrenDeletesOnlyThatParent) {
  ASSERT_TRUE(
      this->InsertAll({MakeRow("a", "inline", "r1", "p1"), MakeRow("a", "inline", "r1", "p2"),
                       MakeRow("a", "inline", "r2", "p1"), MakeRow("a", "other", "r1", "p1"),
                       MakeRow("b", "inline", "r1", "p1")})
          .ok());
  int64_t deleted = -1, again = -1;
  ASSERT_TRUE(this->Write([&](StoreTx& tx) -> Status {
                    IRSA_TRY(deleted, tx.DeleteChildren("a", "inline", "r1"));
                    IRSA_TRY(again, tx.DeleteChildren("a", "inline", "r1"));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(deleted, 2);
  EXPECT_EQ(again, 0);
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "inline"}), 1);
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "other"}), 1);
  EXPECT_EQ(this->CountRows({.account = "b", .kind = "inline"}), 1);
}

// Count() of a kind, and of a kind by ref, comes from counters the engines maintain (see
// IsMaintainedCount): every kind of write, and a rolled-back one, must leave them equal to what a
// scan of the rows finds.
TYPED_TEST_P(StoreConformance, MaintainedCountsFollowEveryWrite) {
  auto expect_counts_match_rows = [&](const std::string& step) {
    for (const char* kind : {"user", "attachment"}) {
      Page all = this->ListRows({.account = "a", .kind = kind, .limit = 1000});
      EXPECT_EQ(this->CountRows({.account = "a", .kind = kind}),
                static_cast<int64_t>(all.rows.size()))
          << step << ": " << kind;
      for (const char* ref : {"p1", "p2", "p3"}) {
        int64_t with_ref = 0;
        for (const Row& row : all.rows) with_ref += row.ref == ref ? 1 : 0;
        EXPECT_EQ(this->CountRows({.account = "a", .kind = kind, .ref = ref}), with_ref)
            << step << ": " << kind << " with ref " << ref;
      }
    }
    EXPECT_EQ(this->CountRows({.account = "b", .kind = "user"}), 1) << step;
  };
  ASSERT_TRUE(this->InsertAll({MakeRow("a", "user", "", "u1", "{}", "p1"),
                               MakeRow("a", "user", "", "u2", "{}", "p1"),
                               MakeRow("a", "user", "", "u3", "{}", "p2"),
                               MakeRow("a", "user", "", "u4"), MakeRow("b", "user", "", "u1"),
                               MakeRow("a", "attachment", "r1", "p1", "{}", "p1"),
                               MakeRow("a", "attachment", "r1", "p2", "{}", "p2"),
                               MakeRow("a", "attachment", "r2", "p1", "{}", "p1")})
                  .ok());
  expect_counts_match_rows("inserted");
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user"}), 4);
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user", .ref = "p1"}), 2);

  Status duplicate = this->Write(
      [&](StoreTx& tx) { return tx.Insert(MakeRow("a", "user", "", "u1", "{}", "p3")); });
  EXPECT_FALSE(duplicate.ok());
  expect_counts_match_rows("duplicate insert");

  ASSERT_TRUE(this->Write([&](StoreTx& tx) -> Status {
                    IRSA_RETURN_IF_ERROR(tx.Upsert(MakeRow("a", "user", "", "u1", "{}", "p3")));
                    IRSA_RETURN_IF_ERROR(tx.Upsert(MakeRow("a", "user", "", "u4", "{}", "p2")));
                    IRSA_RETURN_IF_ERROR(tx.Upsert(MakeRow("a", "user", "", "u2", "{1}", "p1")));
                    return tx.Upsert(MakeRow("a", "user", "", "u5"));
                  })
                  .ok());
  expect_counts_match_rows("upserted");
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user"}), 5);
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user", .ref = "p3"}), 1);

  ASSERT_TRUE(this->Write([&](StoreTx& tx) -> Status {
                    IRSA_TRY(bool existed, tx.Delete({"a", "user", "", "u3"}));
                    EXPECT_TRUE(existed);
                    IRSA_TRY(bool missing, tx.Delete({"a", "user", "", "nobody"}));
                    EXPECT_FALSE(missing);
                    IRSA_TRY(int64_t children, tx.DeleteChildren("a", "attachment", "r1"));
                    EXPECT_EQ(children, 2);
                    return OkStatus();
                  })
                  .ok());
  expect_counts_match_rows("deleted");

  Status rolled_back = this->Write([&](StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(tx.Insert(MakeRow("a", "user", "", "u9", "{}", "p1")));
    IRSA_RETURN_IF_ERROR(tx.Upsert(MakeRow("a", "user", "", "u2", "{}", "p3")));
    IRSA_TRY(int64_t children, tx.DeleteChildren("a", "attachment", "r2"));
    EXPECT_EQ(children, 1);
    return errors::InvalidInput("abandon");
  });
  EXPECT_FALSE(rolled_back.ok());
  expect_counts_match_rows("rolled back");
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "attachment", .ref = "p1"}), 1);

  ASSERT_TRUE(this->store_->Reset().ok());
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user"}), 0);
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user", .ref = "p2"}), 0);
  EXPECT_EQ(this->CountRows({.account = "b", .kind = "user"}), 0);
}

TYPED_TEST_P(StoreConformance, ErrorFromFunctionRollsBackEverything) {
  ASSERT_TRUE(this->InsertAll({MakeRow("a", "user", "", "keep", "old")}).ok());
  int64_t generation = this->store_->Generation();
  Status s = this->Write([&](StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(tx.Insert(MakeRow("a", "user", "", "new1")));
    IRSA_RETURN_IF_ERROR(tx.Upsert(MakeRow("a", "user", "", "keep", "changed")));
    IRSA_RETURN_IF_ERROR(tx.Insert(MakeRow("a", "user", "", "new2")));
    return errors::LimitExceeded("quota");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "LimitExceeded") << "the function's error is returned as is";
  EXPECT_EQ(s.error().message(), "quota");
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user"}), 1);
  EXPECT_EQ(this->GetRow(RowId{"a", "user", "", "keep"})->body, "old");
  EXPECT_EQ(this->store_->Generation(), generation) << "a rolled-back write is not a write";
}

TYPED_TEST_P(StoreConformance, ThrowingFunctionRollsBackAndIsServiceFailure) {
  Status s = this->Write([&](StoreTx& tx) -> Status {
    IRSA_RETURN_IF_ERROR(tx.Insert(MakeRow("a", "user", "", "ghost")));
    throw std::runtime_error("boom");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "ServiceFailure");
  EXPECT_EQ(s.error().http_status(), 500);
  EXPECT_FALSE(this->GetRow(RowId{"a", "user", "", "ghost"}).has_value());
  // The store is still usable.
  EXPECT_TRUE(this->InsertAll({MakeRow("a", "user", "", "after")}).ok());
}

TYPED_TEST_P(StoreConformance, ReadTransactionCannotWrite) {
  Status s = this->store_->Read(
      [&](StoreTx& tx) -> Status { return tx.Insert(MakeRow("a", "user", "", "sneaky")); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "ServiceFailure");
  EXPECT_FALSE(this->GetRow(RowId{"a", "user", "", "sneaky"}).has_value());
}

TYPED_TEST_P(StoreConformance, SecretsAreSealedAtRest) {
  const std::string plaintext = "wJalrXUtnFEMI-PLAINTEXT-SECRET-8d1f";
  const std::string marker = "body-marker-7c2e9a";
  ASSERT_TRUE(
      this->InsertAll({MakeRow("a", "access_key", "alice", "AKIA", marker, "", "/", plaintext)})
          .ok());
  std::string raw = this->engine_.RawContents();
  EXPECT_NE(raw.find(marker), std::string::npos) << "raw contents must include stored bodies";
  EXPECT_NE(raw.find(this->sealer_.Seal(plaintext)), std::string::npos)
      << "the sealed form is what is stored";
  EXPECT_EQ(raw.find(plaintext), std::string::npos) << "plaintext secret found at rest";
  EXPECT_EQ(this->GetRow(RowId{"a", "access_key", "alice", "AKIA"})->secret, plaintext);
}

TYPED_TEST_P(StoreConformance, UnsealFailureIsServiceFailure) {
  ASSERT_TRUE(this->InsertAll({MakeRow("a", "access_key", "", "K", "{}", "", "/", "s3cr3t"),
                               MakeRow("a", "access_key", "", "L")})
                  .ok());
  WrongKeySealer wrong;
  auto other = this->engine_.Open(&wrong);
  ASSERT_TRUE(other.ok()) << other.error().message();
  Status s = (*other)->Read([&](StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get(RowId{"a", "access_key", "", "K"}));
    (void)row;
    return OkStatus();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "ServiceFailure");
  EXPECT_EQ(s.error().message(), "stored secret could not be unsealed");
  // Rows without a secret are unaffected.
  Status plain = (*other)->Read([&](StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get(RowId{"a", "access_key", "", "L"}));
    return row.has_value() ? OkStatus() : errors::NoSuchEntity("L");
  });
  EXPECT_TRUE(plain.ok());
}

TYPED_TEST_P(StoreConformance, GenerationBumpsOnEveryCommittedWrite) {
  int64_t g0 = this->store_->Generation();
  ASSERT_TRUE(this->InsertAll({MakeRow("a", "user", "", "u1")}).ok());
  int64_t g1 = this->store_->Generation();
  EXPECT_GT(g1, g0);
  ASSERT_TRUE(this->store_->Read([](StoreTx&) { return OkStatus(); }).ok());
  EXPECT_EQ(this->store_->Generation(), g1) << "reads do not bump";
  ASSERT_TRUE(this->Write([](StoreTx&) { return OkStatus(); }).ok());
  int64_t g2 = this->store_->Generation();
  EXPECT_GT(g2, g1) << "an empty committed write still counts";
  ASSERT_TRUE(this->store_->Reset().ok());
  EXPECT_GT(this->store_->Generation(), g2) << "Reset is a write";
}

TYPED_TEST_P(StoreConformance, ResetDeletesEveryRowAndKeepsTheSchema) {
  ASSERT_TRUE(
      this->InsertAll({MakeRow("a", "user", "", "u1"), MakeRow("", "keyring", "", "k")}).ok());
  ASSERT_TRUE(this->store_->Reset().ok());
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user"}), 0);
  EXPECT_EQ(this->CountRows({.account = "", .kind = "keyring"}), 0);
  ASSERT_TRUE(this->InsertAll({MakeRow("a", "user", "", "u1")}).ok());
  EXPECT_EQ(this->CountRows({.account = "a", .kind = "user"}), 1);
}

TYPED_TEST_P(StoreConformance, ConcurrentReadModifyWriteLosesNoUpdate) {
  const RowId counter{"a", "counter", "", "c"};
  const RowId mirror{"a", "counter", "", "mirror"};
  ASSERT_TRUE(this->InsertAll({MakeRow("a", "counter", "", "c", "0"),
                               MakeRow("a", "counter", "", "mirror", "0")})
                  .ok());
  constexpr int kThreads = 4;
  constexpr int kIncrements = 25;
  std::atomic<int> failures{0};
  std::atomic<int> torn_reads{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        Status s = this->store_->Write([&](StoreTx& tx) -> Status {
          IRSA_TRY(auto row, tx.Get(counter));
          if (!row) return errors::NoSuchEntity("counter");
          std::string next = std::to_string(std::stoi(row->body) + 1);
          row->body = next;
          IRSA_RETURN_IF_ERROR(tx.Upsert(*row));
          return tx.Upsert(MakeRow("a", "counter", "", "mirror", next));
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  // A reader checks snapshot consistency meanwhile, through Read and ReadCached in turn: both
  // rows always move together. (A ReadCached function may run twice: it counts only at its end.)
  std::thread reader([&] {
    for (bool cached = false; !done.load(); cached = !cached) {
      auto check = [&](StoreTx& tx) -> Status {
        IRSA_TRY(auto a, tx.Get(counter));
        IRSA_TRY(auto b, tx.Get(mirror));
        if (!a || !b || a->body != b->body) ++torn_reads;
        return OkStatus();
      };
      Status s = cached ? this->store_->ReadCached(check) : this->store_->Read(check);
      if (!s.ok()) ++failures;
    }
  });
  for (auto& t : threads) t.join();
  done = true;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(torn_reads.load(), 0);
  EXPECT_EQ(this->GetRow(counter)->body, std::to_string(kThreads * kIncrements));
}

TYPED_TEST_P(StoreConformance, ReopenedStoreFindsCommittedData) {
  ASSERT_TRUE(
      this->InsertAll({MakeRow("a", "role", "", "persist", "{\"x\":1}", "", "/", "pw")}).ok());
  int64_t generation = this->store_->Generation();
  this->store_.reset();
  auto reopened = this->engine_.Open(&this->sealer_);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message();
  this->store_ = std::move(*reopened);
  auto got = this->GetRow(RowId{"a", "role", "", "persist"});
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->body, "{\"x\":1}");
  EXPECT_EQ(got->secret, "pw");
  EXPECT_GE(this->store_->Generation(), generation) << "the generation survives a reopen";
}

REGISTER_TYPED_TEST_SUITE_P(
    StoreConformance, InsertThenGetRoundTripsEveryColumn, GetMissingIsEmptyNotAnError,
    KeyComponentsAreDistinct, DuplicateInsertIsEntityAlreadyExistsAndChangesNothing,
    UpsertInsertsThenReplacesAndVersionGrows, DeleteReportsWhetherTheRowExisted,
    ListOrdersByParentThenKeyAndPaginates, ListFiltersByParentRefAndPathPrefix,
    CountIgnoresAfterKeyAndLimit, MaintainedCountsFollowEveryWrite,
    FindByKeyAcrossAccountsAndParents, DeleteChildrenDeletesOnlyThatParent,
    ErrorFromFunctionRollsBackEverything, ThrowingFunctionRollsBackAndIsServiceFailure,
    ReadTransactionCannotWrite, SecretsAreSealedAtRest, UnsealFailureIsServiceFailure,
    GenerationBumpsOnEveryCommittedWrite, ResetDeletesEveryRowAndKeepsTheSchema,
    ConcurrentReadModifyWriteLosesNoUpdate, ReopenedStoreFindsCommittedData);

}  // namespace irsa::store::testing
