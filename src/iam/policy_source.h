// The IAM-backed authz::PolicySource: compiles and caches the policies that govern users, role
// sessions and federated users (the calling user's policies, or the root's, with the session
// policies). The cache (store::GenerationCache) is dropped whenever the store's generation changes
// and never keeps policies read before a newer write, so attaching, detaching or editing a policy
// takes effect on the next request (read-your-writes on one node).
//
// Credentials are bound to their principal's unique id (Caller::role_id / user_id), which is
// checked against the stored principal whenever its policies are gathered: a role session whose
// role was deleted — also when a role of the same name exists again — is refused with
// AccessDenied ("The role <arn> of this session no longer exists…"); a user's credentials whose
// user was deleted or recreated with InvalidClientTokenId. Every service authorizing through
// authz::Authorizer (and STS chaining) inherits the check.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <string>

#include "authz/authorizer.h"
#include "iam/service_context.h"
#include "store/generation_cache.h"

namespace irsa::iam {

class IamPolicySource final : public authz::PolicySource {
 public:
  explicit IamPolicySource(const ServiceContext& ctx);

  Result<std::shared_ptr<const authz::CallerPolicies>> ForCaller(
      const authz::Caller& caller) override;

 private:
  Result<std::shared_ptr<const authz::CallerPolicies>> Load(const authz::Caller& caller);

  const ServiceContext& ctx_;
  store::GenerationCache<std::string, std::shared_ptr<const authz::CallerPolicies>> cache_;
};

}  // namespace irsa::iam
