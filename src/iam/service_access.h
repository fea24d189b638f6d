// What an entity's policies say about services and context keys, without evaluating a request:
// ListPoliciesGrantingServiceAccess, GetContextKeysForCustomPolicy and
// GetContextKeysForPrincipalPolicy.
//
// Entities are named by ARN (arn:aws:iam::<account>:user/…, role/… or group/…, with their real
// path); a user's policies include those of its groups. Thread-safe; each call reads the store
// in one transaction.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "iam/principal_policies.h"
#include "iam/service_context.h"

namespace irsa::iam {

// The identity policies of the user, role or group `arn` of `account`: a user's own inline and
// attached ones, then its groups'. InvalidInput "ARN <arn> is not valid." for a non-ARN;
// NoSuchEntity "The entity with ARN <arn> cannot be found." for any other entity.
Result<PrincipalPolicies> GatherEntityPolicies(const ServiceContext& ctx,
                                               const std::string& account, const std::string& arn);

struct PolicyGrantingAccess {
  std::string name;
  std::string type;         // "INLINE" or "MANAGED"
  std::string arn;          // managed policies only
  std::string entity_type;  // inline policies: "USER", "ROLE" or "GROUP"
  std::string entity_name;  // inline policies: the entity embedding it
};

struct ServiceAccess {
  std::string service_namespace;  // as requested
  std::vector<PolicyGrantingAccess> policies;
};

// For each namespace (in request order), the policies with an Allow statement whose Action
// matches some action of the service ("*", "s3:*", "s3:Get*", …) or whose NotAction leaves
// some action of it. Managed policies appear once even when attached directly and via a group.
Result<std::vector<ServiceAccess>> ListPoliciesGrantingServiceAccess(
    const ServiceContext& ctx, const std::string& account, const std::string& arn,
    const std::vector<std::string>& namespaces);

// The context keys the documents refer to (policy/context_keys.h), in order, each once.
// InvalidInput with the policy engine's message for a document that does not compile.
Result<std::vector<std::string>> ContextKeysForCustomPolicy(
    const std::vector<std::string>& documents);
// The keys of the entity's identity policies (GatherEntityPolicies), then of `documents`.
Result<std::vector<std::string>> ContextKeysForPrincipalPolicy(
    const ServiceContext& ctx, const std::string& account, const std::string& arn,
    const std::vector<std::string>& documents);

// Whether `policy` has an Allow statement granting some action of `service_namespace`.
bool GrantsServiceAccess(const policy::CompiledPolicy& policy, std::string_view service_namespace);

}  // namespace irsa::iam
