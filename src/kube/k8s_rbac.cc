#include "kube/k8s_rbac.h"

#include <algorithm>

namespace irsa::kube {
namespace {

bool Contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool VerbMatches(const PolicyRule& rule, const std::string& verb) {
  return Contains(rule.verbs, "*") || Contains(rule.verbs, verb);
}

bool GroupMatches(const PolicyRule& rule, const std::string& group) {
  return Contains(rule.api_groups, "*") || Contains(rule.api_groups, group);
}

bool ResourceMatches(const PolicyRule& rule, const RequestAttributes& a) {
  const std::string combined =
      a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  for (const std::string& resource : rule.resources) {
    if (resource == "*" || resource == combined) return true;
    if (!a.subresource.empty() && resource == "*/" + a.subresource) return true;
  }
  return false;
}

bool NameMatches(const PolicyRule& rule, const std::string& name) {
  return rule.resource_names.empty() || Contains(rule.resource_names, name);
}

bool UrlMatches(const PolicyRule& rule, const std::string& path) {
  for (const std::string& url : rule.non_resource_urls) {
    if (url == "*" || url == path) return true;
    if (!url.empty() && url.back() == '*' &&
        path.compare(0, url.size() - 1, url, 0, url.size() - 1) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool RuleAllows(const PolicyRule& rule, const RequestAttributes& a) {
  if (!VerbMatches(rule, a.verb)) return false;
  if (!a.resource_request) return UrlMatches(rule, a.path);
  return GroupMatches(rule, a.api_group) && ResourceMatches(rule, a) && NameMatches(rule, a.name);
}

bool NamespaceMatches(const std::string& pattern, const std::string& namespace_name) {
  if (namespace_name.empty()) return false;
  if (!pattern.empty() && pattern.back() == '*') {
    return namespace_name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  }
  return pattern == namespace_name;
}

const Grant& AuthenticatedUserGrant() {
  static const auto* grant = new Grant{
      "the system:authenticated group (discovery and self-reviews)",
      {
          // system:discovery and system:public-info-viewer
          PolicyRule{{"get"},
                     {},
                     {},
                     {},
                     {"/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
                      "/openapi/*", "/readyz", "/version", "/version/"}},
          // system:basic-user
          PolicyRule{{"create"}, {"authentication.k8s.io"}, {"selfsubjectreviews"}, {}, {}},
          PolicyRule{{"create"},
                     {"authorization.k8s.io"},
                     {"selfsubjectaccessreviews", "selfsubjectrulesreviews"},
                     {},
                     {}},
      },
      {}};
  return *grant;
}

AuthorizationDecision Authorize(const Subject& subject, const RequestAttributes& attributes) {
  auto allows = [&](const Grant& grant) {
    if (!grant.namespaces.empty()) {
      // A RoleBinding: namespaced resource requests in its namespaces only.
      if (!attributes.resource_request) return false;
      bool in_scope = false;
      for (const std::string& pattern : grant.namespaces) {
        in_scope |= NamespaceMatches(pattern, attributes.namespace_name);
      }
      if (!in_scope) return false;
    }
    for (const PolicyRule& rule : grant.rules) {
      if (RuleAllows(rule, attributes)) return true;
    }
    return false;
  };
  if (allows(AuthenticatedUserGrant())) {
    return {true, "allowed by " + AuthenticatedUserGrant().description};
  }
  for (const Grant& grant : subject.grants) {
    if (allows(grant)) return {true, "allowed by " + grant.description};
  }
  return {false, ""};
}

std::string ForbiddenMessage(const RequestAttributes& a, const std::string& username) {
  const std::string who =
      "User \"" + (username.empty() ? std::string("system:anonymous") : username) + "\"";
  if (!a.resource_request) {
    return "forbidden: " + who + " cannot " + a.verb + " path \"" + a.path + "\"";
  }
  const std::string resource =
      a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  const std::string qualified = a.api_group.empty() ? a.resource : a.resource + "." + a.api_group;
  const std::string subject = a.name.empty() ? qualified : qualified + " \"" + a.name + "\"";
  const std::string scope = a.namespace_name.empty()
                                ? "at the cluster scope"
                                : "in the namespace \"" + a.namespace_name + "\"";
  return subject + " is forbidden: " + who + " cannot " + a.verb + " resource \"" + resource +
         "\" in API group \"" + a.api_group + "\" " + scope;
}

}  // namespace irsa::kube
