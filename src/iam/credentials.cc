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

AccessKeyResolver::AccessKeyResolver(const ServiceContext& ctx)
    : ctx_(ctx), cache_(ctx.store, kMaxCachedKeys) {}

Result<ResolvedKey> AccessKeyResolver::Resolve(const std::string& access_key_id) {
  return cache_.GetOrLoad(access_key_id, [&] { return Load(access_key_id); });
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
