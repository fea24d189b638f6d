// Who a Kubernetes API request comes from and what it may do, decided as Kubernetes RBAC decides:
// a request's attributes (verb, API group, resource[/subresource], namespace, name, or a
// non-resource path) against allow rules. Rules come in grants: a cluster-wide grant acts like a
// ClusterRoleBinding (every namespace, cluster-scoped resources and non-resource URLs), a grant
// limited to namespaces like a RoleBinding in each of them (namespaced requests there only; a
// namespace pattern may end in '*'). There are no deny rules: a request is allowed when any rule
// of any grant allows it.
//
// Every authenticated subject also holds what Kubernetes gives the group system:authenticated
// (AuthenticatedUserGrant): discovery (system:discovery, system:public-info-viewer) and the
// self-reviews (system:basic-user).
//
// Plain values and pure functions; safe from any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace irsa::kube {

// Kubernetes authorization attributes of a request (k8s.io/apiserver RequestInfo).
struct RequestAttributes {
  bool resource_request = true;
  std::string verb;         // get list watch create update patch delete deletecollection; for
                            // non-resource requests the lower-cased HTTP method
  std::string api_group;    // "" = the core group
  std::string api_version;  // "v1"
  std::string resource;     // "serviceaccounts", "namespaces", "selfsubjectreviews", ...
  std::string subresource;  // "token" or empty
  std::string namespace_name;
  std::string name;
  std::string path;               // non-resource requests: the path ("/api", "/openapi/v3", ...)
  bool secure_transport = false;  // the request arrived over TLS
};

// One RBAC PolicyRule: `verbs` on `resources` (in `api_groups`, optionally only `resource_names`),
// or `verbs` on `non_resource_urls`. "*" matches anything; a resource "*/<sub>" any resource's
// subresource <sub>; a non-resource URL ending in '*' is a prefix.
struct PolicyRule {
  std::vector<std::string> verbs;
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> resource_names;  // empty: any name
  std::vector<std::string> non_resource_urls;
};

struct Grant {
  std::string description;  // names the grant in decisions, e.g. the access policy and scope
  std::vector<PolicyRule> rules;
  std::vector<std::string> namespaces;  // empty: cluster-wide
};

// user.Info of Kubernetes: what SelfSubjectReview shows.
struct UserInfo {
  std::string username;
  std::string uid;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> extra;
};

// An authenticated caller.
struct Subject {
  UserInfo user;
  std::vector<Grant> grants;
  // The IAM identity behind the Kubernetes user, for the audit log ("" for the bootstrap token).
  std::string iam_arn;        // the caller ARN (an assumed-role session ARN for roles)
  std::string access_key_id;  // the key that signed the token
};

struct AuthorizationDecision {
  bool allowed = false;
  std::string reason;  // which grant allowed it; empty when denied
};

bool RuleAllows(const PolicyRule& rule, const RequestAttributes& attributes);

// True when a namespace pattern ("team-a", "team-*", "*") matches `namespace_name`.
bool NamespaceMatches(const std::string& pattern, const std::string& namespace_name);

// What every authenticated subject may do (system:discovery, system:public-info-viewer,
// system:basic-user).
const Grant& AuthenticatedUserGrant();

// Decides `attributes` for `subject` (AuthenticatedUserGrant included).
AuthorizationDecision Authorize(const Subject& subject, const RequestAttributes& attributes);

// RBAC's 403 message: `<resource>[.<group>] ["<name>"] is forbidden: User "<user>" cannot <verb>
// resource "<resource>[/<sub>]" in API group "<group>" (in the namespace "<ns>" | at the cluster
// scope)`, or `forbidden: User "<user>" cannot <verb> path "<path>"`.
std::string ForbiddenMessage(const RequestAttributes& attributes, const std::string& username);

}  // namespace irsa::kube
