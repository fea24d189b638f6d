// The IAM-backed authz::PolicySource: compiles and caches the policies that govern users and role
// sessions. The cache is dropped whenever the store's generation changes, so attaching, detaching
// or editing a policy takes effect on the next request (read-your-writes on one node).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "authz/authorizer.h"
#include "iam/service_context.h"

namespace irsa::iam {

class IamPolicySource final : public authz::PolicySource {
 public:
  explicit IamPolicySource(const ServiceContext& ctx) : ctx_(ctx) {}

  Result<std::shared_ptr<const authz::CallerPolicies>> ForCaller(
      const authz::Caller& caller) override;

 private:
  Result<std::shared_ptr<const authz::CallerPolicies>> Load(const authz::Caller& caller);

  const ServiceContext& ctx_;
  std::mutex mu_;
  int64_t generation_ = -1;  // guarded by mu_
  std::unordered_map<std::string, std::shared_ptr<const authz::CallerPolicies>> cache_;  // mu_
};

}  // namespace irsa::iam
