#include "iam/policy_source.h"

#include "iam/policies.h"
#include "iam/principal_policies.h"

namespace irsa::iam {
namespace {
constexpr size_t kMaxCachedCallers = 10000;

// Identifies what governs a caller: the principal (by unique id as well as name, so that the
// credentials of a deleted principal never share an entry with a principal of the same name
// created again) plus, for sessions, its session policies (length-prefixed: unambiguous).
std::string CacheKey(const authz::Caller& caller) {
  std::string key = caller.account;
  if (caller.type == authz::CallerType::kUser) {
    return key.append("|u|").append(caller.user_id).append("|").append(caller.user_name);
  }
  if (caller.type == authz::CallerType::kFederatedUser) {
    key.append("|f|").append(caller.source_user_id).append("|").append(caller.user_name);
  } else {
    key.append("|r|").append(caller.role_id).append("|").append(caller.role_name);
  }
  key.append("|").append(std::to_string(caller.session_policy.size())).append(":");
  key.append(caller.session_policy);
  for (const auto& arn : caller.session_policy_arns) key.append("|").append(arn);
  return key;
}

Error InvalidUserKey() {
  return errors::InvalidClientTokenId("The security token included in the request is invalid.");
}

}  // namespace

IamPolicySource::IamPolicySource(const ServiceContext& ctx)
    : ctx_(ctx), cache_(ctx.store, kMaxCachedCallers) {}

Result<std::shared_ptr<const authz::CallerPolicies>> IamPolicySource::ForCaller(
    const authz::Caller& caller) {
  return cache_.GetOrLoad(CacheKey(caller), [&] { return Load(caller); });
}

namespace {

// The session policies of `caller`, compiled, appended to `out`.
Status AddSessionPolicies(const ServiceContext& ctx, const authz::Caller& caller,
                          authz::CallerPolicies& out) {
  if (!caller.session_policy.empty()) {
    IRSA_TRY(policy::CompiledPolicyPtr session,
             policy::CompilePolicy(caller.session_policy, policy::PolicyKind::kSession,
                                   {.name = "session:inline"}));
    out.session.push_back(std::move(session));
  }
  for (const auto& arn : caller.session_policy_arns) {
    IRSA_TRY(std::string document, GetPolicyDocument(ctx, caller.account, arn));
    IRSA_TRY(policy::CompiledPolicyPtr session,
             policy::CompilePolicy(document, policy::PolicyKind::kSession, {.name = arn}));
    out.session.push_back(std::move(session));
  }
  return OkStatus();
}

}  // namespace

Result<std::shared_ptr<const authz::CallerPolicies>> IamPolicySource::Load(
    const authz::Caller& caller) {
  const bool federated = caller.type == authz::CallerType::kFederatedUser;
  if (federated && caller.user_name.empty()) {
    // The root's federated users: everything the root may, within the session policies.
    auto out = std::make_shared<authz::CallerPolicies>();
    out->identity.push_back(authz::RootIdentityPolicy());
    IRSA_RETURN_IF_ERROR(AddSessionPolicies(ctx_, caller, *out));
    return std::shared_ptr<const authz::CallerPolicies>(std::move(out));
  }
  const bool user = caller.type == authz::CallerType::kUser || federated;
  Result<PrincipalPolicies> gathered =
      user ? GatherUserPolicies(ctx_, caller.account, caller.user_name)
           : GatherRolePolicies(ctx_, caller.account, caller.role_name);
  if (!gathered.ok()) {
    if (gathered.error().code() != "NoSuchEntity") return gathered.error();
    if (user) return InvalidUserKey();
    return errors::AccessDenied("The role " + caller.role_arn +
                                " of this session no longer exists.");
  }
  // Credentials stand for the principal they were issued to, not for its name: a principal of
  // the same name created after the deletion of theirs is another principal.
  if (user) {
    if (gathered->unique_id != (federated ? caller.source_user_id : caller.user_id)) {
      return InvalidUserKey();
    }
  } else if (gathered->unique_id != caller.role_id) {
    return errors::AccessDenied("The role " + caller.role_arn +
                                " of this session no longer exists: it was deleted and a role of "
                                "the same name was created again (role id " +
                                gathered->unique_id + ", the session's is " + caller.role_id +
                                ").");
  }
  IRSA_TRY(CompiledPrincipalPolicies compiled, CompilePrincipalPolicies(*gathered));
  auto out = std::make_shared<authz::CallerPolicies>();
  out->identity = std::move(compiled.identity);
  out->boundary = std::move(compiled.boundary);
  for (const auto& tag : gathered->tags) out->principal_tags.emplace_back(tag.key, tag.value);
  IRSA_RETURN_IF_ERROR(AddSessionPolicies(ctx_, caller, *out));
  return std::shared_ptr<const authz::CallerPolicies>(std::move(out));
}

}  // namespace irsa::iam
