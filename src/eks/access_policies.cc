#include "eks/access_policies.h"

#include <algorithm>

namespace irsa::eks {
namespace {

using Strings = std::vector<std::string>;

AccessPolicyRule Rule(Strings groups, Strings resources, Strings verbs) {
  return AccessPolicyRule{std::move(groups), std::move(resources), std::move(verbs), {}};
}

const Strings kWrite = {"create", "delete", "deletecollection", "patch", "update"};
const Strings kRead = {"get", "list", "watch"};

// The rows the edit, admin and view tables share (EKS user guide, access-policy-permissions).
std::vector<AccessPolicyRule> ViewRules() {
  return {
      Rule({"apps"},
           {"controllerrevisions", "daemonsets", "daemonsets/status", "deployments",
            "deployments/scale", "deployments/status", "replicasets", "replicasets/scale",
            "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"},
           kRead),
      Rule({"autoscaling"}, {"horizontalpodautoscalers", "horizontalpodautoscalers/status"}, kRead),
      Rule({"batch"}, {"cronjobs", "cronjobs/status", "jobs", "jobs/status"}, kRead),
      Rule({"discovery.k8s.io"}, {"endpointslices"}, kRead),
      Rule({"extensions"},
           {"daemonsets", "daemonsets/status", "deployments", "deployments/scale",
            "deployments/status", "ingresses", "ingresses/status", "networkpolicies", "replicasets",
            "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"},
           kRead),
      Rule({"networking.k8s.io"}, {"ingresses", "ingresses/status", "networkpolicies"}, kRead),
      Rule({"policy"}, {"poddisruptionbudgets", "poddisruptionbudgets/status"}, kRead),
      Rule({""},
           {"configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
            "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
            "services", "services/status"},
           kRead),
      Rule({""},
           {"bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
            "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"},
           kRead),
      Rule({""}, {"namespaces"}, kRead),
  };
}

std::vector<AccessPolicyRule> EditRules() {
  std::vector<AccessPolicyRule> rules = ViewRules();
  std::vector<AccessPolicyRule> more = {
      Rule({"apps"},
           {"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
            "replicasets/scale", "statefulsets", "statefulsets/scale"},
           kWrite),
      Rule({"autoscaling"}, {"horizontalpodautoscalers"}, kWrite),
      Rule({"batch"}, {"cronjobs", "jobs"}, kWrite),
      Rule({"extensions"},
           {"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses",
            "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"},
           kWrite),
      Rule({"networking.k8s.io"}, {"ingresses", "networkpolicies"}, kWrite),
      Rule({"policy"}, {"poddisruptionbudgets"}, kWrite),
      Rule({""},
           {"pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets",
            "services/proxy"},
           kRead),
      Rule({""}, {"serviceaccounts"}, {"impersonate"}),
      Rule({""}, {"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"}, kWrite),
      Rule({""},
           {"configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
            "replicationcontrollers/scale", "secrets", "serviceaccounts", "services",
            "services/proxy"},
           kWrite),
  };
  rules.insert(rules.end(), more.begin(), more.end());
  return rules;
}

std::vector<AccessPolicyRule> AdminRules() {
  std::vector<AccessPolicyRule> rules = EditRules();
  rules.push_back(Rule({"authorization.k8s.io"}, {"localsubjectaccessreviews"}, {"create"}));
  rules.push_back(
      Rule({"rbac.authorization.k8s.io"}, {"rolebindings", "roles"},
           {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}));
  return rules;
}

AccessPolicy Policy(std::string name, std::vector<AccessPolicyRule> rules) {
  std::string arn = std::string(kAccessPolicyArnPrefix) + name;
  return AccessPolicy{std::move(name), std::move(arn), std::move(rules)};
}

}  // namespace

const std::vector<AccessPolicy>& AccessPolicies() {
  static const auto* policies = [] {
    auto* list = new std::vector<AccessPolicy>{
        Policy("AmazonEKSAdminPolicy", AdminRules()),
        Policy("AmazonEKSAdminViewPolicy", {Rule({"*"}, {"*"}, kRead)}),
        Policy("AmazonEKSClusterAdminPolicy",
               {Rule({"*"}, {"*"}, {"*"}), AccessPolicyRule{{}, {}, {"*"}, {"*"}}}),
        Policy("AmazonEKSEditPolicy", EditRules()),
        Policy("AmazonEKSSecretReaderPolicy", {Rule({""}, {"secrets"}, kRead)}),
        Policy("AmazonEKSViewPolicy", ViewRules()),
    };
    std::sort(list->begin(), list->end(),
              [](const AccessPolicy& a, const AccessPolicy& b) { return a.name < b.name; });
    return list;
  }();
  return *policies;
}

const AccessPolicy* FindAccessPolicy(std::string_view arn) {
  for (const AccessPolicy& policy : AccessPolicies()) {
    if (policy.arn == arn) return &policy;
  }
  return nullptr;
}

}  // namespace irsa::eks
