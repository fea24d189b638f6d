// Long-term access keys of IAM users and of an account's root identity.
// `user_name` empty means the root user's keys. Secrets are returned only by CreateAccessKey and
// are sealed at rest by the store.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

// LimitExceeded past quotas.access_keys_per_user; NoSuchEntity if the user does not exist.
Result<AccessKeyRecord> CreateAccessKey(const ServiceContext& ctx, const std::string& account,
                                        const std::string& user_name);
// Installs a key with a caller-chosen id and secret (bootstrap credentials). Idempotent when the
// same id already exists for the same owner with the same secret; EntityAlreadyExists otherwise.
Status ImportAccessKey(const ServiceContext& ctx, const std::string& account,
                       const AccessKeyRecord& key);
Result<std::vector<AccessKeyRecord>> ListAccessKeys(const ServiceContext& ctx,
                                                    const std::string& account,
                                                    const std::string& user_name);
Status UpdateAccessKey(const ServiceContext& ctx, const std::string& account,
                       const std::string& user_name, const std::string& key_id,
                       AccessKeyStatus status);
Status DeleteAccessKey(const ServiceContext& ctx, const std::string& account,
                       const std::string& user_name, const std::string& key_id);

// Looks a key up by id in any account, with its secret. nullopt if unknown.
struct StoredAccessKey {
  std::string account;
  AccessKeyRecord key;
};
Result<std::optional<StoredAccessKey>> FindAccessKey(const ServiceContext& ctx,
                                                     const std::string& key_id);

}  // namespace irsa::iam
