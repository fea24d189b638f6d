// A simple in-memory Store for IAM unit tests (test-only). Rows live in an ordered map; a Write
// works on a copy of the map and swaps it in on success, so a failed Write changes nothing.
// Read and Write are serialised by one mutex.
#pragma once

#include <map>
#include <mutex>
#include <tuple>

#include "store/store.h"

namespace irsa::iam::testing {

class MemoryStore final : public store::Store {
 public:
  using Key =
      std::tuple<std::string, std::string, std::string, std::string>;  // acct,kind,parent,key
  using Map = std::map<Key, store::Row>;

  Status Read(const std::function<Status(store::StoreTx&)>& fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    Tx tx(rows_, /*writable=*/false);
    return fn(tx);
  }
  Status Write(const std::function<Status(store::StoreTx&)>& fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    Map copy = rows_;
    Tx tx(copy, /*writable=*/true);
    Status status = fn(tx);
    if (status.ok()) {
      rows_ = std::move(copy);
      ++generation_;
    }
    return status;
  }
  Status Reset() override {
    std::lock_guard<std::mutex> lock(mu_);
    rows_.clear();
    ++generation_;
    return OkStatus();
  }
  int64_t Generation() override {
    std::lock_guard<std::mutex> lock(mu_);
    return generation_;
  }
  size_t RowCount() {
    std::lock_guard<std::mutex> lock(mu_);
    return rows_.size();
  }

 private:
  class Tx final : public store::StoreTx {
   public:
    Tx(Map& rows, bool writable) : rows_(rows), writable_(writable) {}

    Result<std::optional<store::Row>> Get(const store::RowId& id) override {
      auto it = rows_.find(KeyOf(id));
      if (it == rows_.end()) return std::optional<store::Row>();
      return std::optional<store::Row>(it->second);
    }
    Result<std::vector<store::Row>> FindByKey(const std::string& kind,
                                              const std::string& key) override {
      std::vector<store::Row> out;
      for (const auto& [k, row] : rows_) {
        if (row.id.kind == kind && row.id.key == key) out.push_back(row);
      }
      return out;
    }
    Result<store::Page> List(const store::ListQuery& q) override {
      std::vector<const store::Row*> matched;
      for (const auto& [k, row] : rows_) {
        if (Matches(row, q) && row.id.key > q.after_key) matched.push_back(&row);
      }
      // Map order is (account, kind, parent, key): already ordered by (parent, key).
      store::Page page;
      for (const store::Row* row : matched) {
        if (page.rows.size() == q.limit) {
          page.truncated = true;
          break;
        }
        page.rows.push_back(*row);
      }
      return page;
    }
    Result<int64_t> Count(const store::ListQuery& q) override {
      int64_t n = 0;
      for (const auto& [k, row] : rows_) n += Matches(row, q) ? 1 : 0;
      return n;
    }
    Status Insert(const store::Row& row) override {
      if (!writable_) return errors::ServiceFailure("write in read transaction");
      if (rows_.count(KeyOf(row.id))) return errors::EntityAlreadyExists("");
      store::Row copy = row;
      copy.version = 1;
      rows_.emplace(KeyOf(row.id), std::move(copy));
      return OkStatus();
    }
    Status Upsert(const store::Row& row) override {
      if (!writable_) return errors::ServiceFailure("write in read transaction");
      int64_t version = 1;
      auto it = rows_.find(KeyOf(row.id));
      if (it != rows_.end()) version = it->second.version + 1;
      store::Row copy = row;
      copy.version = version;
      rows_[KeyOf(row.id)] = std::move(copy);
      return OkStatus();
    }
    Result<bool> Delete(const store::RowId& id) override {
      if (!writable_) return errors::ServiceFailure("write in read transaction");
      return rows_.erase(KeyOf(id)) > 0;
    }
    Result<int64_t> DeleteChildren(const std::string& account, const std::string& kind,
                                   const std::string& parent) override {
      if (!writable_) return errors::ServiceFailure("write in read transaction");
      int64_t n = 0;
      for (auto it = rows_.begin(); it != rows_.end();) {
        const auto& id = it->second.id;
        if (id.account == account && id.kind == kind && id.parent == parent) {
          it = rows_.erase(it);
          ++n;
        } else {
          ++it;
        }
      }
      return n;
    }

   private:
    static Key KeyOf(const store::RowId& id) { return {id.account, id.kind, id.parent, id.key}; }
    static bool Matches(const store::Row& row, const store::ListQuery& q) {
      if (row.id.account != q.account || row.id.kind != q.kind) return false;
      if (q.parent && row.id.parent != *q.parent) return false;
      if (q.ref && row.ref != *q.ref) return false;
      if (q.path_prefix && !row.path.starts_with(*q.path_prefix)) return false;
      return true;
    }

    Map& rows_;
    bool writable_;
  };

  std::mutex mu_;
  Map rows_;
  int64_t generation_ = 0;
};

}  // namespace irsa::iam::testing
