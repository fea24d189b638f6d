#include "kube/k8s_openapi.h"

#include <cstdint>
#include <cstdio>

namespace irsa::kube {
namespace json = boost::json;
namespace {

constexpr std::string_view kMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.";
constexpr std::string_view kCore = "io.k8s.api.core.v1.";
constexpr std::string_view kAuthn = "io.k8s.api.authentication.v1.";

std::string Name(std::string_view prefix, std::string_view type) {
  return std::string(prefix) + std::string(type);
}

// A property referring to another schema, as the API server writes them.
json::object Ref(const std::string& schema) {
  return json::object{
      {"allOf", json::array{json::object{{"$ref", "#/components/schemas/" + schema}}}},
      {"default", json::object()}};
}
json::object Str(std::string_view description = "") {
  json::object o{{"type", "string"}};
  if (!description.empty()) o["description"] = description;
  return o;
}
json::object Int64() { return json::object{{"type", "integer"}, {"format", "int64"}}; }
json::object Bool() { return json::object{{"type", "boolean"}}; }
json::object StringMap() {
  return json::object{{"type", "object"},
                      {"additionalProperties", json::object{{"type", "string"}, {"default", ""}}}};
}
json::object Time() { return Ref(Name(kMeta, "Time")); }
json::object StringList(bool set) {
  json::object o{{"type", "array"}, {"items", json::object{{"type", "string"}, {"default", ""}}}};
  if (set) o["x-kubernetes-list-type"] = "set";
  return o;
}
json::object ListOf(const std::string& schema) {
  return json::object{{"type", "array"}, {"items", Ref(schema)}};
}
json::object MapListOf(const std::string& schema, std::string_view key) {
  json::object o = ListOf(schema);
  o["x-kubernetes-list-type"] = "map";
  o["x-kubernetes-list-map-keys"] = json::array{key};
  o["x-kubernetes-patch-merge-key"] = key;
  o["x-kubernetes-patch-strategy"] = "merge";
  return o;
}
json::object Gvk(std::string_view group, std::string_view version, std::string_view kind) {
  return json::object{{"group", group}, {"version", version}, {"kind", kind}};
}
json::array GvkList(std::string_view group, std::string_view version, std::string_view kind) {
  return json::array{Gvk(group, version, kind)};
}

json::object Schemas() {
  json::object s;
  s[Name(kMeta, "Time")] = json::object{{"type", "string"}, {"format", "date-time"}};
  s[Name(kMeta, "OwnerReference")] =
      json::object{{"type", "object"},
                   {"required", json::array{"apiVersion", "kind", "name", "uid"}},
                   {"properties", json::object{{"apiVersion", Str()},
                                               {"kind", Str()},
                                               {"name", Str()},
                                               {"uid", Str()},
                                               {"controller", Bool()},
                                               {"blockOwnerDeletion", Bool()}}},
                   {"x-kubernetes-map-type", "atomic"}};
  s[Name(kMeta, "ManagedFieldsEntry")] =
      json::object{{"type", "object"},
                   {"properties", json::object{{"apiVersion", Str()},
                                               {"fieldsType", Str()},
                                               {"fieldsV1", json::object{{"type", "object"}}},
                                               {"manager", Str()},
                                               {"operation", Str()},
                                               {"subresource", Str()},
                                               {"time", Time()}}}};
  json::object finalizers = StringList(true);
  finalizers["x-kubernetes-patch-strategy"] = "merge";
  s[Name(kMeta, "ObjectMeta")] = json::object{
      {"type", "object"},
      {"properties",
       json::object{{"annotations", StringMap()},
                    {"creationTimestamp", Time()},
                    {"deletionGracePeriodSeconds", Int64()},
                    {"deletionTimestamp", Time()},
                    {"finalizers", finalizers},
                    {"generateName", Str()},
                    {"generation", Int64()},
                    {"labels", StringMap()},
                    {"managedFields", ListOf(Name(kMeta, "ManagedFieldsEntry"))},
                    {"name", Str()},
                    {"namespace", Str()},
                    {"ownerReferences", MapListOf(Name(kMeta, "OwnerReference"), "uid")},
                    {"resourceVersion", Str()},
                    {"selfLink", Str()},
                    {"uid", Str()}}}};
  s[Name(kMeta, "ListMeta")] =
      json::object{{"type", "object"},
                   {"properties", json::object{{"continue", Str()},
                                               {"remainingItemCount", Int64()},
                                               {"resourceVersion", Str()},
                                               {"selfLink", Str()}}}};
  s[Name(kMeta, "Status")] = json::object{
      {"type", "object"},
      {"properties", json::object{{"apiVersion", Str()},
                                  {"code", json::object{{"type", "integer"}, {"format", "int32"}}},
                                  {"kind", Str()},
                                  {"message", Str()},
                                  {"metadata", Ref(Name(kMeta, "ListMeta"))},
                                  {"reason", Str()},
                                  {"status", Str()}}},
      {"x-kubernetes-group-version-kind", GvkList("", "v1", "Status")}};
  s[Name(kCore, "ObjectReference")] =
      json::object{{"type", "object"},
                   {"properties", json::object{{"apiVersion", Str()},
                                               {"fieldPath", Str()},
                                               {"kind", Str()},
                                               {"name", Str()},
                                               {"namespace", Str()},
                                               {"resourceVersion", Str()},
                                               {"uid", Str()}}},
                   {"x-kubernetes-map-type", "atomic"}};
  s[Name(kCore, "LocalObjectReference")] =
      json::object{{"type", "object"},
                   {"properties", json::object{{"name", Str()}}},
                   {"x-kubernetes-map-type", "atomic"}};
  json::object secrets = ListOf(Name(kCore, "ObjectReference"));
  secrets["x-kubernetes-patch-merge-key"] = "name";
  secrets["x-kubernetes-patch-strategy"] = "merge";
  s[Name(kCore, "ServiceAccount")] = json::object{
      {"type", "object"},
      {"description",
       "ServiceAccount binds together: * a name, understood by users, and perhaps "
       "by peripheral systems, for an identity * a principal that can be "
       "authenticated and authorized * a set of secrets"},
      {"properties", json::object{{"apiVersion", Str()},
                                  {"automountServiceAccountToken", Bool()},
                                  {"imagePullSecrets", ListOf(Name(kCore, "LocalObjectReference"))},
                                  {"kind", Str()},
                                  {"metadata", Ref(Name(kMeta, "ObjectMeta"))},
                                  {"secrets", secrets}}},
      {"x-kubernetes-group-version-kind", GvkList("", "v1", "ServiceAccount")}};
  s[Name(kCore, "ServiceAccountList")] =
      json::object{{"type", "object"},
                   {"required", json::array{"items"}},
                   {"properties", json::object{{"apiVersion", Str()},
                                               {"items", ListOf(Name(kCore, "ServiceAccount"))},
                                               {"kind", Str()},
                                               {"metadata", Ref(Name(kMeta, "ListMeta"))}}},
                   {"x-kubernetes-group-version-kind", GvkList("", "v1", "ServiceAccountList")}};
  s[Name(kCore, "NamespaceSpec")] = json::object{
      {"type", "object"}, {"properties", json::object{{"finalizers", StringList(true)}}}};
  s[Name(kCore, "NamespaceStatus")] =
      json::object{{"type", "object"}, {"properties", json::object{{"phase", Str()}}}};
  s[Name(kCore, "Namespace")] =
      json::object{{"type", "object"},
                   {"properties", json::object{{"apiVersion", Str()},
                                               {"kind", Str()},
                                               {"metadata", Ref(Name(kMeta, "ObjectMeta"))},
                                               {"spec", Ref(Name(kCore, "NamespaceSpec"))},
                                               {"status", Ref(Name(kCore, "NamespaceStatus"))}}},
                   {"x-kubernetes-group-version-kind", GvkList("", "v1", "Namespace")}};
  s[Name(kCore, "NamespaceList")] =
      json::object{{"type", "object"},
                   {"required", json::array{"items"}},
                   {"properties", json::object{{"apiVersion", Str()},
                                               {"items", ListOf(Name(kCore, "Namespace"))},
                                               {"kind", Str()},
                                               {"metadata", Ref(Name(kMeta, "ListMeta"))}}},
                   {"x-kubernetes-group-version-kind", GvkList("", "v1", "NamespaceList")}};
  s[Name(kAuthn, "BoundObjectReference")] = json::object{
      {"type", "object"},
      {"properties",
       json::object{{"apiVersion", Str()}, {"kind", Str()}, {"name", Str()}, {"uid", Str()}}}};
  s[Name(kAuthn, "TokenRequestSpec")] = json::object{
      {"type", "object"},
      {"required", json::array{"audiences"}},
      {"properties", json::object{{"audiences", StringList(true)},
                                  {"boundObjectRef", Ref(Name(kAuthn, "BoundObjectReference"))},
                                  {"expirationSeconds", Int64()}}}};
  s[Name(kAuthn, "TokenRequestStatus")] =
      json::object{{"type", "object"},
                   {"required", json::array{"token", "expirationTimestamp"}},
                   {"properties", json::object{{"expirationTimestamp", Time()}, {"token", Str()}}}};
  s[Name(kAuthn, "TokenRequest")] = json::object{
      {"type", "object"},
      {"required", json::array{"spec"}},
      {"properties", json::object{{"apiVersion", Str()},
                                  {"kind", Str()},
                                  {"metadata", Ref(Name(kMeta, "ObjectMeta"))},
                                  {"spec", Ref(Name(kAuthn, "TokenRequestSpec"))},
                                  {"status", Ref(Name(kAuthn, "TokenRequestStatus"))}}},
      {"x-kubernetes-group-version-kind", GvkList("authentication.k8s.io", "v1", "TokenRequest")}};
  return s;
}

json::object QueryParam(std::string_view name, json::object schema) {
  return json::object{{"name", name}, {"in", "query"}, {"schema", std::move(schema)}};
}
json::object PathParam(std::string_view name) {
  return json::object{{"name", name}, {"in", "path"}, {"required", true}, {"schema", Str()}};
}

json::object JsonContent(const std::string& schema) {
  json::object content;
  for (std::string_view type : {"application/json", "application/yaml"}) {
    content[type] = json::object{{"schema", Ref(schema)}};
  }
  return content;
}

json::object Operation(std::string_view id, std::string_view action, const json::object& gvk,
                       const std::string& response_schema, json::array params) {
  json::object op{
      {"operationId", id},
      {"responses", json::object{{"200", json::object{{"description", "OK"},
                                                      {"content", JsonContent(response_schema)}}},
                                 {"401", json::object{{"description", "Unauthorized"}}}}},
      {"x-kubernetes-action", action},
      {"x-kubernetes-group-version-kind", gvk}};
  if (!params.empty()) op["parameters"] = std::move(params);
  return op;
}

json::object WithBody(json::object op, const std::string& schema) {
  op["requestBody"] = json::object{{"content", JsonContent(schema)}, {"required", true}};
  return op;
}

json::object PatchOperation(std::string_view id, const json::object& gvk,
                            const std::string& response_schema) {
  json::array params{QueryParam("dryRun", Str()), QueryParam("fieldManager", Str()),
                     QueryParam("fieldValidation", Str()), QueryParam("force", Bool())};
  json::object op = Operation(id, "patch", gvk, response_schema, std::move(params));
  json::object content;
  for (std::string_view type :
       {"application/apply-patch+yaml", "application/json-patch+json",
        "application/merge-patch+json", "application/strategic-merge-patch+json"}) {
    content[type] = json::object{{"schema", json::object{{"type", "object"}}}};
  }
  op["requestBody"] = json::object{{"content", std::move(content)}, {"required", true}};
  return op;
}

json::array WriteParams() {
  return json::array{QueryParam("dryRun", Str()), QueryParam("fieldManager", Str()),
                     QueryParam("fieldValidation", Str())};
}
json::array ListParams() {
  return json::array{
      QueryParam("continue", Str()),        QueryParam("fieldSelector", Str()),
      QueryParam("labelSelector", Str()),   QueryParam("limit", json::object{{"type", "integer"}}),
      QueryParam("resourceVersion", Str()), QueryParam("watch", Bool())};
}

json::object Paths() {
  const std::string sa = Name(kCore, "ServiceAccount");
  const std::string sa_list = Name(kCore, "ServiceAccountList");
  const std::string ns = Name(kCore, "Namespace");
  const std::string ns_list = Name(kCore, "NamespaceList");
  const std::string status = Name(kMeta, "Status");
  const std::string token = Name(kAuthn, "TokenRequest");
  json::object sa_gvk = Gvk("", "v1", "ServiceAccount");
  json::object ns_gvk = Gvk("", "v1", "Namespace");
  json::object token_gvk = Gvk("authentication.k8s.io", "v1", "TokenRequest");

  json::object paths;
  paths["/api/v1/namespaces"] = json::object{
      {"get", Operation("listCoreV1Namespace", "list", ns_gvk, ns_list, ListParams())},
      {"post",
       WithBody(Operation("createCoreV1Namespace", "post", ns_gvk, ns, WriteParams()), ns)}};
  paths["/api/v1/namespaces/{name}"] = json::object{
      {"parameters", json::array{PathParam("name")}},
      {"get", Operation("readCoreV1Namespace", "get", ns_gvk, ns, {})},
      {"put", WithBody(Operation("replaceCoreV1Namespace", "put", ns_gvk, ns, WriteParams()), ns)},
      {"patch", PatchOperation("patchCoreV1Namespace", ns_gvk, ns)},
      {"delete", Operation("deleteCoreV1Namespace", "delete", ns_gvk, status,
                           json::array{QueryParam("dryRun", Str())})}};
  paths["/api/v1/serviceaccounts"] =
      json::object{{"get", Operation("listCoreV1ServiceAccountForAllNamespaces", "list", sa_gvk,
                                     sa_list, ListParams())}};
  paths["/api/v1/namespaces/{namespace}/serviceaccounts"] = json::object{
      {"parameters", json::array{PathParam("namespace")}},
      {"get",
       Operation("listCoreV1NamespacedServiceAccount", "list", sa_gvk, sa_list, ListParams())},
      {"post", WithBody(Operation("createCoreV1NamespacedServiceAccount", "post", sa_gvk, sa,
                                  WriteParams()),
                        sa)},
      {"delete", Operation("deleteCoreV1CollectionNamespacedServiceAccount", "deletecollection",
                           sa_gvk, status, ListParams())}};
  paths["/api/v1/namespaces/{namespace}/serviceaccounts/{name}"] =
      json::object{{"parameters", json::array{PathParam("name"), PathParam("namespace")}},
                   {"get", Operation("readCoreV1NamespacedServiceAccount", "get", sa_gvk, sa, {})},
                   {"put", WithBody(Operation("replaceCoreV1NamespacedServiceAccount", "put",
                                              sa_gvk, sa, WriteParams()),
                                    sa)},
                   {"patch", PatchOperation("patchCoreV1NamespacedServiceAccount", sa_gvk, sa)},
                   {"delete", Operation("deleteCoreV1NamespacedServiceAccount", "delete", sa_gvk,
                                        sa, json::array{QueryParam("dryRun", Str())})}};
  paths["/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token"] =
      json::object{{"parameters", json::array{PathParam("name"), PathParam("namespace")}},
                   {"post", WithBody(Operation("createCoreV1NamespacedServiceAccountToken", "post",
                                               token_gvk, token, WriteParams()),
                                     token)}};
  return paths;
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

const json::object& OpenApiV3CoreV1() {
  static const json::object* doc =
      new json::object{{"openapi", "3.0.0"},
                       {"info", json::object{{"title", "Kubernetes"}, {"version", "v1.31.0"}}},
                       {"paths", Paths()},
                       {"components", json::object{{"schemas", Schemas()}}}};
  return *doc;
}

json::object OpenApiV3CoreApi() {
  return json::object{{"openapi", "3.0.0"},
                      {"info", json::object{{"title", "Kubernetes"}, {"version", "v1.31.0"}}},
                      {"paths", json::object()},
                      {"components", json::object()}};
}

std::string OpenApiV3Hash() {
  static const std::string hash = [] {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llX",
                  static_cast<unsigned long long>(Fnv1a(json::serialize(OpenApiV3CoreV1()))));
    return std::string(buf);
  }();
  return hash;
}

json::object OpenApiV3Index(std::string_view root) {
  std::string base = std::string(root) + "/openapi/v3/";
  return json::object{
      {"paths",
       json::object{
           {"api", json::object{{"serverRelativeURL", base + "api?hash=" + OpenApiV3Hash()}}},
           {"api/v1",
            json::object{{"serverRelativeURL", base + "api/v1?hash=" + OpenApiV3Hash()}}}}}};
}

}  // namespace irsa::kube
