// StoreTx over one PostgreSQL connection inside an open transaction (internal to the engine).
//
// In PostgreSQL any failed statement aborts the whole transaction, so the first engine failure is
// remembered (failure(), failure_kind()) and the store rolls back even if the caller's function
// ignored the error; failure_kind() tells the store whether the transaction may be retried.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/postgres/connection.h"
#include "store/store.h"

namespace irsa::store::pg {

class PostgresTx final : public StoreTx {
 public:
  // `generation` is the value this write transaction bumped the counter to; rows written get a
  // version of at least that (so versions only grow, even across delete and re-insert).
  PostgresTx(Connection* conn, const SecretSealer* sealer, int64_t generation)
      : conn_(conn), sealer_(sealer), generation_(generation) {}

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
  FailureKind failure_kind() const { return failure_kind_; }

 private:
  Result<Rows> Exec(std::string_view operation, const char* sql, const std::vector<Param>& params);
  Result<std::vector<Row>> ReadRows(const Rows& rows);
  Status WriteRow(const Row& row, bool replace);

  Connection* conn_;
  const SecretSealer* sealer_;
  int64_t generation_;
  std::optional<Error> failure_;
  FailureKind failure_kind_ = FailureKind::kNone;
};

}  // namespace irsa::store::pg
