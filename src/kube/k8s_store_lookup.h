// ServiceAccountLookup (kube/service_account_info.h) over the service accounts this API stores,
// for the webhook of a cluster irsa hosts: one instance per (account, cluster).
// Thread-safe (the Store is).
#pragma once

#include <string>

#include "kube/service_account_info.h"
#include "store/store.h"

namespace irsa::kube {

class StoreServiceAccountLookup final : public ServiceAccountLookup {
 public:
  StoreServiceAccountLookup(store::Store& store, std::string account, std::string cluster)
      : store_(store), account_(std::move(account)), cluster_(std::move(cluster)) {}

  // nullopt when the service account (or its namespace) does not exist; Store failures and
  // corrupt rows are errors.
  Result<std::optional<ServiceAccountInfo>> Get(const std::string& ns,
                                                const std::string& name) override;

 private:
  store::Store& store_;
  std::string account_;
  std::string cluster_;
};

}  // namespace irsa::kube
