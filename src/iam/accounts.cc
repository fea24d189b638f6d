#include "iam/accounts.h"

#include "base/arn.h"

namespace irsa::iam {

Status EnsureAccount(const ServiceContext& ctx, const std::string& account_id) {
  if (!IsAccountId(account_id)) {
    return errors::InvalidInput("Account id " + account_id + " must be exactly 12 digits.");
  }
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get({account_id, kind::kAccount, "", account_id}));
    if (row) return OkStatus();
    store::Row account_row;
    account_row.id = {account_id, kind::kAccount, "", account_id};
    account_row.body = ToBody(AccountRecord{account_id, ctx.clock.Now()});
    return tx.Insert(account_row);
  });
}

Result<bool> AccountExists(const ServiceContext& ctx, const std::string& account_id) {
  bool exists = false;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get({account_id, kind::kAccount, "", account_id}));
    exists = row.has_value();
    return OkStatus();
  }));
  return exists;
}

}  // namespace irsa::iam
