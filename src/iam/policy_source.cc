#include "iam/policy_source.h"

#include "iam/policies.h"
#include "iam/principal_policies.h"

namespace irsa::iam {
namespace {
constexpr size_t kMaxCachedCallers = 10000;

// Identifies what governs a caller: the principal plus, for sessions, its session policies.
std::string CacheKey(const authz::Caller& caller) {
  std::string key = caller.account + "|";
  if (caller.type == authz::CallerType::kUser) return key + "u|" + caller.user_name;
  key += "r|" + caller.role_name + "|" + caller.session_policy;
  for (const auto& arn : caller.session_policy_arns) key += "|" + arn;
  return key;
}
}  // namespace

IamPolicySource::IamPolicySource(const ServiceContext& ctx)
    : ctx_(ctx), cache_(ctx.store, kMaxCachedCallers) {}

Result<std::shared_ptr<const authz::CallerPolicies>> IamPolicySource::ForCaller(
    const authz::Caller& caller) {
  return cache_.GetOrLoad(CacheKey(caller), [&] { return Load(caller); });
}

Result<std::shared_ptr<const authz::CallerPolicies>> IamPolicySource::Load(
    const authz::Caller& caller) {
  Result<PrincipalPolicies> gathered =
      caller.type == authz::CallerType::kUser
          ? GatherUserPolicies(ctx_, caller.account, caller.user_name)
          : GatherRolePolicies(ctx_, caller.account, caller.role_name);
  if (!gathered.ok()) {
    if (gathered.error().code() != "NoSuchEntity") return gathered.error();
    if (caller.type == authz::CallerType::kUser) {
      return errors::InvalidClientTokenId("The security token included in the request is invalid.");
    }
    return errors::AccessDenied("The role " + caller.role_arn +
                                " of this session no longer exists.");
  }
  IRSA_TRY(CompiledPrincipalPolicies compiled, CompilePrincipalPolicies(*gathered));
  auto out = std::make_shared<authz::CallerPolicies>();
  out->identity = std::move(compiled.identity);
  out->boundary = std::move(compiled.boundary);
  for (const auto& tag : gathered->tags) out->principal_tags.emplace_back(tag.key, tag.value);
  if (!caller.session_policy.empty()) {
    IRSA_TRY(policy::CompiledPolicyPtr session,
             policy::CompilePolicy(caller.session_policy, policy::PolicyKind::kSession,
                                   {.name = "session:inline"}));
    out->session.push_back(std::move(session));
  }
  for (const auto& arn : caller.session_policy_arns) {
    IRSA_TRY(std::string document, GetPolicyDocument(ctx_, caller.account, arn));
    IRSA_TRY(policy::CompiledPolicyPtr session,
             policy::CompilePolicy(document, policy::PolicyKind::kSession, {.name = arn}));
    out->session.push_back(std::move(session));
  }
  return std::shared_ptr<const authz::CallerPolicies>(std::move(out));
}

}  // namespace irsa::iam
