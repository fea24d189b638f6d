// IAM MFA devices (virtual TOTP devices).
#pragma once

#include <string>

#include "base/result.h"
#include "store/store.h"

namespace irsa::iam {

// Inside a transaction, after a user rename moved its mfa_assignment rows under `new_user_key`:
// the assigned devices name the user `new_name`.
Status RenameMfaDeviceUser(store::StoreTx& tx, const std::string& account,
                           const std::string& new_user_key, const std::string& new_name);

}  // namespace irsa::iam
