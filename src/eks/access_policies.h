// The EKS access policies irsa offers (ListAccessPolicies, AssociateAccessPolicy): AWS's
// Kubernetes permission sets, each a list of RBAC-style allow rules, transcribed from the EKS user
// guide's "Review access policy permissions" tables (every row of a table is one rule):
//
//   AmazonEKSClusterAdminPolicy   every verb on every resource and non-resource URL
//   AmazonEKSAdminPolicy          most namespaced resources, roles and role bindings; namespaces
//                                 read-only (Kubernetes' "admin" role)
//   AmazonEKSEditPolicy           edit most namespaced resources ("edit" role)
//   AmazonEKSViewPolicy           read most resources, not secrets ("view" role)
//   AmazonEKSAdminViewPolicy      get/list/watch on everything, secrets included
//   AmazonEKSSecretReaderPolicy   get/list/watch secrets
//
// ARNs are arn:aws:eks::aws:cluster-access-policy/<name>. The rules mean what they mean in
// Kubernetes RBAC (kube/k8s_rbac.h evaluates them): an API group "" is the core group, a resource
// "x/y" a subresource, "*" anything.
//
// Thread-safety: immutable static data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace irsa::eks {

inline constexpr std::string_view kAccessPolicyArnPrefix =
    "arn:aws:eks::aws:cluster-access-policy/";

// One allow rule: any of `verbs` on any of `resources` in any of `api_groups`, or (for
// non-resource requests) any of `verbs` on any of `non_resource_urls`.
struct AccessPolicyRule {
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> verbs;
  std::vector<std::string> non_resource_urls;
};

struct AccessPolicy {
  std::string name;  // "AmazonEKSViewPolicy"
  std::string arn;   // "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
  std::vector<AccessPolicyRule> rules;
};

// Every policy, in name order.
const std::vector<AccessPolicy>& AccessPolicies();

// The policy with this ARN, or nullptr.
const AccessPolicy* FindAccessPolicy(std::string_view arn);

}  // namespace irsa::eks
