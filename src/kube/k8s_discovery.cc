#include "kube/k8s_discovery.h"

namespace irsa::kube {
namespace json = boost::json;

json::object VersionInfo() {
  return json::object{
      {"major", kMajorVersion},    {"minor", kMinorVersion},
      {"gitVersion", kGitVersion}, {"gitCommit", "0000000000000000000000000000000000000000"},
      {"gitTreeState", "clean"},   {"buildDate", "2026-01-01T00:00:00Z"},
      {"goVersion", "irsa-c++20"}, {"compiler", "gcc"},
      {"platform", "linux/amd64"}};
}

json::object CoreApiVersions(std::string_view server_address) {
  return json::object{
      {"kind", "APIVersions"},
      {"versions", json::array{"v1"}},
      {"serverAddressByClientCIDRs",
       json::array{json::object{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

namespace {
json::array Verbs(std::initializer_list<std::string_view> verbs) {
  json::array a;
  for (auto v : verbs) a.emplace_back(v);
  return a;
}
}  // namespace

json::object CoreV1Resources() {
  json::array resources;
  resources.push_back(json::object{{"name", "events"},
                                   {"singularName", "event"},
                                   {"namespaced", true},
                                   {"kind", "Event"},
                                   {"verbs", Verbs({"get", "list"})},
                                   {"shortNames", json::array{"ev"}}});
  resources.push_back(json::object{
      {"name", "namespaces"},
      {"singularName", "namespace"},
      {"namespaced", false},
      {"kind", "Namespace"},
      {"verbs", Verbs({"create", "delete", "get", "list", "patch", "update", "watch"})},
      {"shortNames", json::array{"ns"}}});
  resources.push_back(json::object{{"name", "serviceaccounts"},
                                   {"singularName", "serviceaccount"},
                                   {"namespaced", true},
                                   {"kind", "ServiceAccount"},
                                   {"verbs", Verbs({"create", "delete", "deletecollection", "get",
                                                    "list", "patch", "update", "watch"})},
                                   {"shortNames", json::array{"sa"}}});
  resources.push_back(json::object{{"name", "serviceaccounts/token"},
                                   {"singularName", ""},
                                   {"namespaced", true},
                                   {"group", "authentication.k8s.io"},
                                   {"version", "v1"},
                                   {"kind", "TokenRequest"},
                                   {"verbs", Verbs({"create"})}});
  return json::object{{"kind", "APIResourceList"},
                      {"apiVersion", "v1"},
                      {"groupVersion", "v1"},
                      {"resources", std::move(resources)}};
}

namespace {
constexpr std::string_view kServedGroups[] = {"authentication.k8s.io", "authorization.k8s.io"};

json::object GroupObject(std::string_view group) {
  json::object version{{"groupVersion", std::string(group) + "/v1"}, {"version", "v1"}};
  return json::object{
      {"name", group}, {"versions", json::array{version}}, {"preferredVersion", version}};
}
}  // namespace

json::object ApiGroupList() {
  json::array groups;
  for (std::string_view group : kServedGroups) groups.push_back(GroupObject(group));
  return json::object{
      {"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(groups)}};
}

std::optional<json::object> ApiGroup(std::string_view group) {
  for (std::string_view served : kServedGroups) {
    if (served == group) {
      json::object out = GroupObject(group);
      out["kind"] = "APIGroup";
      out["apiVersion"] = "v1";
      return out;
    }
  }
  return std::nullopt;
}

std::optional<json::object> GroupResources(std::string_view group, std::string_view version) {
  if (version != "v1") return std::nullopt;
  json::array resources;
  if (group == "authentication.k8s.io") {
    resources.push_back(json::object{{"name", "selfsubjectreviews"},
                                     {"singularName", "selfsubjectreview"},
                                     {"namespaced", false},
                                     {"kind", "SelfSubjectReview"},
                                     {"verbs", Verbs({"create"})}});
  } else if (group == "authorization.k8s.io") {
    resources.push_back(json::object{{"name", "selfsubjectaccessreviews"},
                                     {"singularName", "selfsubjectaccessreview"},
                                     {"namespaced", false},
                                     {"kind", "SelfSubjectAccessReview"},
                                     {"verbs", Verbs({"create"})}});
  } else {
    return std::nullopt;
  }
  return json::object{{"kind", "APIResourceList"},
                      {"apiVersion", "v1"},
                      {"groupVersion", std::string(group) + "/" + std::string(version)},
                      {"resources", std::move(resources)}};
}

}  // namespace irsa::kube
