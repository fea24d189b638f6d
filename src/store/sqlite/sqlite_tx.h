// StoreTx over one SQLite connection inside an open transaction (internal to the engine).
//
// The first engine failure of any statement is remembered in failure(); the store then rolls the
// transaction back even if the caller's function ignored the error and returned ok.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/store.h"

namespace irsa::store::sqlite {

class SqliteTx final : public StoreTx {
 public:
  // `generation` is the value this write transaction bumped the counter to; rows written get a
  // version of at least that (so versions only grow, even across delete and re-insert).
  SqliteTx(Connection* conn, const SecretSealer* sealer, bool writable, int64_t generation)
      : conn_(conn), sealer_(sealer), writable_(writable), generation_(generation) {}

  Result<std::optional<Row>> Get(const RowId& id) override;
  Result<std::vector<Row>> FindByKey(const std::string& kind, const std::string& key) override;
  Result<Page> List(const ListQuery& query) override;
  Result<int64_t> Count(const ListQuery& query) override;
  Status Insert(const Row& row) override;
  Status Upsert(const Row& row) override;
  Result<bool> Delete(const RowId& id) override;
  Result<int64_t> DeleteChildren(const std::string& account, const std::string& kind,
                                 const std::string& parent) override;

  // Deletes every row (Store::Reset).
  Status DeleteAll();

  const std::optional<Error>& failure() const { return failure_; }

 private:
  template <typename T>
  Result<T> Track(Result<T> result);
  Status Track(Status status);
  Status CheckWritable(const char* operation);
  Result<Row> ReadRow(const Statement& stmt);
  Status WriteRow(const Row& row, bool replace);

  Connection* conn_;
  const SecretSealer* sealer_;
  bool writable_;
  int64_t generation_;
  std::optional<Error> failure_;
};

}  // namespace irsa::store::sqlite
