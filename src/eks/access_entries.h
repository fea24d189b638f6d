// EKS access entries (eks.service-2.json): which IAM principals may use a hosted cluster's
// Kubernetes API, under which Kubernetes username and groups, with which access policies
// (eks/access_policies.h) in which scope. Create/Describe/List/Update/DeleteAccessEntry,
// Associate/DisassociateAccessPolicy, ListAssociatedAccessPolicies, ListAccessPolicies, the tags
// of entries, and the lookup the Kubernetes API authenticates with (ForPrincipal).
//
// Rules, as EKS documents them:
//  - one entry per IAM principal and cluster (ResourceInUseException "The specified access entry
//    resource is already in use on this cluster."); the principal is an existing IAM user or role
//    (with its path, exactly as IAM names it) of an account irsa hosts, never an STS session ARN
//    or a service-linked role (InvalidParameterException). irsa also accepts an account's root
//    (arn:aws:iam::<account>:root), matched by the root user's own credentials only — EKS accepts
//    that ARN but never authenticates root credentials; irsa's bootstrap identity is the root.
//  - the entry remembers the principal's unique id (AIDA…/AROA…): a principal deleted and
//    recreated under the same ARN is not the same principal and gets no access.
//  - type STANDARD only (EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX and EC2 are node
//    entries; irsa runs no nodes: InvalidParameterException).
//  - username: default the user ARN (users), arn:aws:sts::<account>:assumed-role/<name>/
//    {{SessionName}} (roles, path removed), the root ARN (root). A given one must not start with
//    system:, eks:, aws:, amazon: or iam:, may use {{SessionName}}, {{SessionNameRaw}} and
//    {{AccountID}}, and needs a ':' before a session-name template.
//  - kubernetesGroups: names (1-256 characters) not starting with "system:".
//  - access policies: each at most once per entry (associating again replaces the scope); scope
//    "cluster" (no namespaces) or "namespace" (DNS-1123 labels, a trailing '*' as wildcard).
//
// Rows: kind "eks_access_entry", account = the cluster's account, parent = cluster name, key =
// principal ARN; the body holds the entry and its associated policies (one row: one Get per
// authentication). Entries record the id of the cluster they were created for, so the entries of
// a deleted cluster never grant access to a new cluster of the same name.
//
// Thread-safety: safe for concurrent use (one store transaction per call).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "eks/principals.h"
#include "iam/service_context.h"
#include "oidc/clusters.h"
#include "store/store.h"

namespace irsa::eks {

using Tags = std::vector<std::pair<std::string, std::string>>;

struct AccessScope {
  std::string type = "cluster";  // "cluster" | "namespace"
  std::vector<std::string> namespaces;
};

struct AssociatedPolicy {
  std::string policy_arn;
  AccessScope scope;
  SystemTime associated_at{};
  SystemTime modified_at{};
};

struct AccessEntry {
  std::string cluster_name;
  std::string cluster_id;  // the cluster's id when the entry was created
  std::string principal_arn;
  std::string principal_id;  // AIDA… (user), AROA… (role), the account id (root)
  std::string type = "STANDARD";
  std::string username;  // the template: the default when none was given
  std::vector<std::string> kubernetes_groups;
  Tags tags;
  std::string arn;  // arn:aws:eks:<region>:<account>:access-entry/<cluster>/<kind>/<principal
                    // account>/<principal name>/<uuid>
  SystemTime created_at{};
  SystemTime modified_at{};
  std::vector<AssociatedPolicy> policies;  // in policy-ARN order
};

struct CreateAccessEntryInput {
  std::string cluster;
  std::string principal_arn;
  std::vector<std::string> kubernetes_groups;
  std::string username;  // "" = the default
  std::string type;      // "" = STANDARD
  Tags tags;
};

struct UpdateAccessEntryInput {
  std::string cluster;
  std::string principal_arn;
  std::optional<std::vector<std::string>> kubernetes_groups;  // replaces the groups when set
  std::optional<std::string> username;  // replaces the username when set ("" = the default)
};

struct PageRequest {
  int max_results = 100;   // 1-100
  std::string next_token;  // from a previous page
};

struct AccessEntryPage {
  std::vector<std::string> principal_arns;
  std::string next_token;  // empty on the last page
};

struct AssociatedPolicyPage {
  std::vector<AssociatedPolicy> policies;
  std::string next_token;
};

struct AccessPolicyPage {
  std::vector<std::pair<std::string, std::string>> policies;  // (name, arn)
  std::string next_token;
};

// The Kubernetes username of an entry for a request of this principal: the entry's template with
// {{SessionName}} (the role session name, '@' replaced by '-'), {{SessionNameRaw}} and
// {{AccountID}} substituted.
std::string ExpandUsername(const std::string& username_template, const std::string& account,
                           const std::string& session_name);

class AccessEntries {
 public:
  // References must outlive the object. Entry ARNs use the cluster's region.
  AccessEntries(store::Store& store, const Clock& clock, Random& random,
                oidc::ClusterRegistry& clusters, const iam::ServiceContext& iam);

  Result<AccessEntry> Create(const std::string& account, const CreateAccessEntryInput& input);
  // ResourceNotFoundException when the cluster or the entry does not exist.
  Result<AccessEntry> Describe(const std::string& account, const std::string& cluster,
                               const std::string& principal_arn);
  // The entry, or nullopt (no error when it does not exist).
  Result<std::optional<AccessEntry>> Find(const std::string& account, const std::string& cluster,
                                          const std::string& principal_arn);
  // The entry with this access-entry ARN, or nullopt.
  Result<std::optional<AccessEntry>> FindByArn(const std::string& account, const std::string& arn);
  // Principal ARNs in order, filtered to entries associated with `associated_policy_arn` if set.
  Result<AccessEntryPage> List(const std::string& account, const std::string& cluster,
                               const std::string& associated_policy_arn, const PageRequest& page);
  Result<AccessEntry> Update(const std::string& account, const UpdateAccessEntryInput& input);
  Status Delete(const std::string& account, const std::string& cluster,
                const std::string& principal_arn);
  // Deletes every entry of the cluster (DeleteCluster).
  Status DeleteAll(const std::string& account, const std::string& cluster);

  Result<AssociatedPolicy> AssociatePolicy(const std::string& account, const std::string& cluster,
                                           const std::string& principal_arn,
                                           const std::string& policy_arn, AccessScope scope);
  // ResourceNotFoundException when the policy is not associated.
  Status DisassociatePolicy(const std::string& account, const std::string& cluster,
                            const std::string& principal_arn, const std::string& policy_arn);
  Result<AssociatedPolicyPage> ListAssociatedPolicies(const std::string& account,
                                                      const std::string& cluster,
                                                      const std::string& principal_arn,
                                                      const PageRequest& page);
  // The catalog (eks/access_policies.h), paged.
  Result<AccessPolicyPage> ListAccessPolicies(const PageRequest& page) const;

  // Tags of an entry named by its ARN (TagResource/UntagResource); NotFoundException otherwise.
  Status TagEntry(const std::string& account, const std::string& arn, const Tags& tags);
  Status UntagEntry(const std::string& account, const std::string& arn,
                    const std::vector<std::string>& keys);

  // Authentication: the entry of the principal in this incarnation of the cluster, if it exists
  // and still names the same principal (unique id).
  Result<std::optional<AccessEntry>> ForPrincipal(const oidc::ClusterRecord& cluster,
                                                  const PrincipalIdentity& principal);

  // The identity `arn` names today: InvalidParameterException when it is not a principal that may
  // have an entry or does not exist.
  Result<PrincipalIdentity> ResolvePrincipal(const std::string& arn);

 private:
  Result<AccessEntry> Mutate(const std::string& account, const std::string& cluster,
                             const std::string& principal_arn,
                             const std::function<Status(AccessEntry&)>& change);

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  oidc::ClusterRegistry& clusters_;
  const iam::ServiceContext& iam_;
};

// Validation shared by Create and Update (InvalidParameterException).
Status ValidateUsername(const std::string& username);
Status ValidateKubernetesGroups(const std::vector<std::string>& groups);
Status ValidateAccessScope(const AccessScope& scope);

}  // namespace irsa::eks
