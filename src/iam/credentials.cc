#include "iam/credentials.h"

#include "base/arn.h"
#include "iam/access_keys.h"
#include "iam/users.h"

namespace irsa::iam {
namespace {
constexpr size_t kMaxCachedKeys = 100000;

Error InvalidKey() {
  return errors::InvalidClientTokenId("The security token included in the request is invalid.");
}
}  // namespace

Result<ResolvedKey> AccessKeyResolver::Resolve(const std::string& access_key_id) {
  const int64_t generation = ctx_.store.Generation();
  {
    std::lock_guard lock(mu_);
    if (generation != generation_) {
      cache_.clear();
      generation_ = generation;
    }
    auto it = cache_.find(access_key_id);
    if (it != cache_.end()) return it->second;
  }
  IRSA_TRY(ResolvedKey resolved, Load(access_key_id));
  std::lock_guard lock(mu_);
  if (generation == generation_) {
    if (cache_.size() >= kMaxCachedKeys) cache_.clear();
    cache_.emplace(access_key_id, resolved);
  }
  return resolved;
}

Result<ResolvedKey> AccessKeyResolver::Load(const std::string& access_key_id) {
  IRSA_TRY(auto stored, FindAccessKey(ctx_, access_key_id));
  if (!stored || stored->key.status != AccessKeyStatus::kActive) return InvalidKey();
  ResolvedKey resolved;
  resolved.secret = stored->key.secret;
  authz::Caller& caller = resolved.caller;
  caller.account = stored->account;
  caller.access_key_id = access_key_id;
  if (stored->key.user_name.empty()) {
    caller.type = authz::CallerType::kRoot;
    caller.arn = IamArn(stored->account, "root");
    caller.user_id = stored->account;
  } else {
    auto user = GetUser(ctx_, stored->account, stored->key.user_name);
    if (!user.ok()) {
      if (user.error().code() == "NoSuchEntity") return InvalidKey();
      return user.error();
    }
    caller.type = authz::CallerType::kUser;
    caller.arn = user->arn;
    caller.user_id = user->id;
    caller.user_name = user->name;
    caller.user_path = user->path;
  }
  return resolved;
}

}  // namespace irsa::iam
