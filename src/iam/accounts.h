// Accounts and their bootstrap credentials.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

// Creates the account if it does not exist yet; idempotent.
Status EnsureAccount(const ServiceContext& ctx, const std::string& account_id);
Result<bool> AccountExists(const ServiceContext& ctx, const std::string& account_id);

}  // namespace irsa::iam
