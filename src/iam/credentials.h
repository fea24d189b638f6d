// Resolves a long-term access key id (AKIA…) to its secret and the Caller it authenticates, for
// SigV4 verification. Results are cached in memory and the cache is dropped whenever the store's
// generation changes, so a deleted or deactivated key stops working on the next request.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "authz/caller.h"
#include "base/result.h"
#include "iam/service_context.h"

namespace irsa::iam {

struct ResolvedKey {
  std::string secret;
  authz::Caller caller;
};

class AccessKeyResolver {
 public:
  explicit AccessKeyResolver(const ServiceContext& ctx) : ctx_(ctx) {}

  // InvalidClientTokenId if the key is unknown or inactive, or its owner no longer exists.
  Result<ResolvedKey> Resolve(const std::string& access_key_id);

 private:
  Result<ResolvedKey> Load(const std::string& access_key_id);

  const ServiceContext& ctx_;
  std::mutex mu_;
  int64_t generation_ = -1;                             // guarded by mu_
  std::unordered_map<std::string, ResolvedKey> cache_;  // guarded by mu_
};

}  // namespace irsa::iam
