#include "iam/mfa.h"

namespace irsa::iam {

Status RenameMfaDeviceUser(store::StoreTx& tx, const std::string& account,
                           const std::string& new_user_key, const std::string& new_name) {
  (void)tx;
  (void)account;
  (void)new_user_key;
  (void)new_name;
  return OkStatus();
}

}  // namespace irsa::iam
