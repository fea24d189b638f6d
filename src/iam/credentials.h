// Resolves a long-term access key id (AKIA…) to its secret and the Caller it authenticates, for
// SigV4 verification. Results are cached in memory (store::GenerationCache) and the cache is
// dropped whenever the store's generation changes, so a deleted or deactivated key stops working
// on the next request.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <optional>
#include <string>

#include "authz/caller.h"
#include "base/result.h"
#include "iam/service_context.h"
#include "store/generation_cache.h"

namespace irsa::iam {

struct ResolvedKey {
  std::string secret;
  authz::Caller caller;
};

class AccessKeyResolver {
 public:
  explicit AccessKeyResolver(const ServiceContext& ctx);

  // InvalidClientTokenId if the key is unknown or inactive, or its owner no longer exists.
  Result<ResolvedKey> Resolve(const std::string& access_key_id);

 private:
  Result<ResolvedKey> Load(const std::string& access_key_id);

  const ServiceContext& ctx_;
  store::GenerationCache<std::string, ResolvedKey> cache_;  // only keys that resolved
};

}  // namespace irsa::iam
