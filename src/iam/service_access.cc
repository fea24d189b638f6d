#include "iam/service_access.h"

#include <algorithm>

#include "base/arn.h"
#include "base/strings.h"
#include "policy/context_keys.h"

namespace irsa::iam {
namespace {

// Compiles a document of any kind the simulator accepts: identity first, then resource-based
// (a Principal element), then trust.
Result<policy::CompiledPolicyPtr> CompileAnyKind(const std::string& document) {
  auto identity = policy::CompilePolicy(document, policy::PolicyKind::kIdentity);
  if (identity.ok()) return identity;
  for (policy::PolicyKind kind : {policy::PolicyKind::kResource, policy::PolicyKind::kTrust}) {
    auto other = policy::CompilePolicy(document, kind);
    if (other.ok()) return other;
  }
  return errors::InvalidInput(identity.error().message());
}

bool PatternCoversService(const policy::ActionPattern& pattern, std::string_view service) {
  return pattern.matches_all || pattern.service == service;
}

}  // namespace

bool GrantsServiceAccess(const policy::CompiledPolicy& compiled,
                         std::string_view service_namespace) {
  const std::string service = AsciiLower(service_namespace);
  for (const policy::CompiledStatement& statement : compiled.statements()) {
    if (statement.effect != policy::Effect::kAllow) continue;
    if (!statement.not_action) {
      for (const policy::ActionPattern& action : statement.actions) {
        if (PatternCoversService(action, service)) return true;
      }
      continue;
    }
    // NotAction grants every action it does not name: unless it names the whole service.
    const bool excludes_all = std::any_of(
        statement.actions.begin(), statement.actions.end(), [&](const policy::ActionPattern& a) {
          return a.matches_all || (a.service == service && a.name.matches_everything());
        });
    if (!excludes_all) return true;
  }
  return false;
}

Result<PrincipalPolicies> GatherEntityPolicies(const ServiceContext& ctx,
                                               const std::string& account, const std::string& arn) {
  std::optional<Arn> parsed = Arn::Parse(arn);
  if (!parsed) return errors::InvalidInput("ARN " + arn + " is not valid.");
  Error not_found = errors::NoSuchEntity("The entity with ARN " + arn + " cannot be found.");
  if (parsed->service != "iam" || parsed->account != account) return not_found;
  const std::string& resource = parsed->resource;
  const size_t slash = resource.find('/');
  if (slash == std::string::npos) return not_found;
  const std::string type = resource.substr(0, slash);
  const std::string name = resource.substr(resource.rfind('/') + 1);
  Result<PrincipalPolicies> gathered = errors::NoSuchEntity("");
  if (type == "user") {
    gathered = GatherUserPolicies(ctx, account, name);
  } else if (type == "role") {
    gathered = GatherRolePolicies(ctx, account, name);
  } else if (type == "group") {
    gathered = GatherGroupPolicies(ctx, account, name);
  } else {
    return not_found;
  }
  if (!gathered.ok()) {
    if (gathered.error().code() == "NoSuchEntity") return not_found;
    return gathered.error();
  }
  if (gathered->arn != arn) return not_found;  // path or case differs
  return gathered;
}

Result<std::vector<ServiceAccess>> ListPoliciesGrantingServiceAccess(
    const ServiceContext& ctx, const std::string& account, const std::string& arn,
    const std::vector<std::string>& namespaces) {
  IRSA_TRY(PrincipalPolicies entity, GatherEntityPolicies(ctx, account, arn));
  const bool is_group = arn.find(":group/") != std::string::npos;
  struct Candidate {
    PolicyGrantingAccess access;
    policy::CompiledPolicyPtr compiled;
  };
  std::vector<Candidate> candidates;
  std::vector<std::string> managed_seen;
  for (const GatheredPolicy& gathered : entity.identity) {
    Candidate candidate;
    candidate.access.name = gathered.name;
    if (gathered.type == PolicySourceType::kManaged ||
        gathered.type == PolicySourceType::kAwsManaged) {
      if (std::find(managed_seen.begin(), managed_seen.end(), gathered.id) != managed_seen.end()) {
        continue;
      }
      managed_seen.push_back(gathered.id);
      candidate.access.type = "MANAGED";
      candidate.access.arn = gathered.id;
    } else {
      candidate.access.type = "INLINE";
      if (gathered.type == PolicySourceType::kGroupInline) {
        candidate.access.entity_type = "GROUP";
        candidate.access.entity_name = gathered.group;
      } else {
        candidate.access.entity_type = entity.is_role ? "ROLE" : is_group ? "GROUP" : "USER";
        candidate.access.entity_name = entity.name;
      }
    }
    auto compiled = policy::CompilePolicy(gathered.document, policy::PolicyKind::kIdentity);
    if (!compiled.ok()) {
      return errors::ServiceFailure("stored policy " + gathered.name + " no longer compiles");
    }
    candidate.compiled = *compiled;
    candidates.push_back(std::move(candidate));
  }
  std::vector<ServiceAccess> out;
  for (const std::string& service : namespaces) {
    ServiceAccess entry;
    entry.service_namespace = service;
    for (const Candidate& candidate : candidates) {
      if (GrantsServiceAccess(*candidate.compiled, service)) {
        entry.policies.push_back(candidate.access);
      }
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::vector<std::string>> ContextKeysForCustomPolicy(
    const std::vector<std::string>& documents) {
  std::vector<std::string> keys;
  for (const std::string& document : documents) {
    IRSA_TRY(policy::CompiledPolicyPtr compiled, CompileAnyKind(document));
    policy::MergeContextKeys(keys, policy::ReferencedContextKeys(*compiled));
  }
  return keys;
}

Result<std::vector<std::string>> ContextKeysForPrincipalPolicy(
    const ServiceContext& ctx, const std::string& account, const std::string& arn,
    const std::vector<std::string>& documents) {
  IRSA_TRY(PrincipalPolicies entity, GatherEntityPolicies(ctx, account, arn));
  std::vector<std::string> keys;
  for (const GatheredPolicy& gathered : entity.identity) {
    auto compiled = policy::CompilePolicy(gathered.document, policy::PolicyKind::kIdentity);
    if (!compiled.ok()) {
      return errors::ServiceFailure("stored policy " + gathered.name + " no longer compiles");
    }
    policy::MergeContextKeys(keys, policy::ReferencedContextKeys(**compiled));
  }
  IRSA_TRY(std::vector<std::string> more, ContextKeysForCustomPolicy(documents));
  policy::MergeContextKeys(keys, more);
  return keys;
}

}  // namespace irsa::iam
