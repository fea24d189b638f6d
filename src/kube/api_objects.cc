// Reads: get and list (with selectors, pagination and server-side Table printing).
#include <charconv>

#include "base/encoding.h"
#include "kube/api.h"
#include "kube/api_call.h"
#include "kube/k8s_json.h"
#include "kube/k8s_repository.h"
#include "kube/k8s_selector.h"
#include "kube/k8s_status.h"
#include "kube/k8s_table.h"

namespace irsa::kube {
namespace {

std::string_view ListKind(ObjectKind kind) {
  return kind == ObjectKind::kNamespace ? "NamespaceList" : "ServiceAccountList";
}

Result<IncludeObject> ParseIncludeObject(const std::string& value) {
  if (value.empty() || value == "Metadata") return IncludeObject::kMetadata;
  if (value == "Object") return IncludeObject::kObject;
  if (value == "None") return IncludeObject::kNone;
  return k8s_errors::BadRequest("includeObject parameter unsupported: " + value);
}

std::optional<std::string> FieldOf(ObjectKind kind, const json::object& object,
                                   const std::string& field) {
  if (field == "metadata.name") return MetaString(object, "name");
  if (field == "metadata.namespace") {
    return kind == ObjectKind::kNamespace ? std::string() : MetaString(object, "namespace");
  }
  if (field == "status.phase" && kind == ObjectKind::kNamespace) {
    const json::object* status = ObjectAt(object, "status");
    return status ? StringOr(*status, "phase") : std::string();
  }
  return std::nullopt;
}

std::string ContinueKey(const json::object& object) {
  return MetaString(object, "namespace") + "/" + MetaString(object, "name");
}

}  // namespace

Result<HttpResponse> KubeApi::GetObject(Call& call, ObjectKind kind, const std::string& ns,
                                        const std::string& name) {
  std::optional<json::object> object;
  std::string rv;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    ClusterObjects objects(tx, call.cluster.account, call.cluster.name);
    IRSA_TRY(object, objects.Get(kind, ns, name));
    IRSA_TRY(int64_t current, objects.CurrentResourceVersion());
    rv = std::to_string(current);
    return OkStatus();
  }));
  if (!object) return k8s_errors::ResourceNotFound(ResourceName(kind), name);
  std::string_view accept = call.http.Header("accept");
  if (WantsTable(accept)) {
    IRSA_TRY(IncludeObject include, ParseIncludeObject(call.Param("includeObject")));
    return call.Respond(
        200, BuildTable(kind, {*object}, rv, clock_.Now(), include, TableApiVersion(accept)));
  }
  return call.Respond(200, *object);
}

Result<HttpResponse> KubeApi::ListObjects(Call& call, ObjectKind kind,
                                          const std::optional<std::string>& ns) {
  IRSA_TRY(LabelSelector labels, LabelSelector::Parse(call.Param("labelSelector")));
  std::vector<std::string> fields = {"metadata.name", "metadata.namespace"};
  if (kind == ObjectKind::kNamespace) fields.push_back("status.phase");
  IRSA_TRY(FieldSelector field_selector, FieldSelector::Parse(call.Param("fieldSelector"), fields));
  size_t limit = 0;
  if (std::string l = call.Param("limit"); !l.empty()) {
    int64_t parsed = 0;
    auto [ptr, ec] = std::from_chars(l.data(), l.data() + l.size(), parsed);
    if (ec != std::errc() || ptr != l.data() + l.size() || parsed < 0) {
      return k8s_errors::BadRequest("invalid limit: " + l);
    }
    limit = static_cast<size_t>(parsed);
  }
  std::string after;
  if (std::string token = call.Param("continue"); !token.empty()) {
    auto decoded = Base64UrlDecode(token);
    if (!decoded) {
      return k8s_errors::BadRequest("continue key is not valid: illegal base64 data");
    }
    after = *decoded;
  }

  std::vector<json::object> items;
  std::string rv;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    ClusterObjects objects(tx, call.cluster.account, call.cluster.name);
    IRSA_TRY(items, objects.List(kind, ns));
    IRSA_TRY(int64_t current, objects.CurrentResourceVersion());
    rv = std::to_string(current);
    return OkStatus();
  }));

  std::vector<json::object> selected;
  bool more = false;
  int64_t remaining = 0;
  for (auto& item : items) {
    if (!after.empty() && ContinueKey(item) <= after) continue;
    if (!labels.Matches(LabelsOf(item))) continue;
    auto getter = [&](const std::string& f) { return FieldOf(kind, item, f); };
    if (!field_selector.Matches(getter)) continue;
    if (limit > 0 && selected.size() == limit) {
      more = true;
      ++remaining;
      continue;
    }
    selected.push_back(std::move(item));
  }

  json::object list_meta{{"resourceVersion", rv}};
  if (more) {
    list_meta["continue"] = Base64UrlEncode(ContinueKey(selected.back()));
    list_meta["remainingItemCount"] = remaining;
  }
  std::string_view accept = call.http.Header("accept");
  if (WantsTable(accept)) {
    IRSA_TRY(IncludeObject include, ParseIncludeObject(call.Param("includeObject")));
    json::object table =
        BuildTable(kind, selected, rv, clock_.Now(), include, TableApiVersion(accept));
    table["metadata"] = std::move(list_meta);
    return call.Respond(200, table);
  }
  json::array array;
  for (auto& item : selected) array.push_back(std::move(item));
  return call.Respond(200, json::object{{"kind", ListKind(kind)},
                                        {"apiVersion", "v1"},
                                        {"metadata", std::move(list_meta)},
                                        {"items", std::move(array)}});
}

Result<HttpResponse> KubeApi::EmptyList(Call& call, std::string_view kind) {
  std::string rv;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(int64_t current,
             ClusterObjects(tx, call.cluster.account, call.cluster.name).CurrentResourceVersion());
    rv = std::to_string(current);
    return OkStatus();
  }));
  std::string_view accept = call.http.Header("accept");
  if (WantsTable(accept)) {
    json::object table = BuildTable(ObjectKind::kServiceAccount, {}, rv, clock_.Now(),
                                    IncludeObject::kNone, TableApiVersion(accept));
    return call.Respond(200, table);
  }
  return call.Respond(200, json::object{{"kind", kind},
                                        {"apiVersion", "v1"},
                                        {"metadata", json::object{{"resourceVersion", rv}}},
                                        {"items", json::array()}});
}

}  // namespace irsa::kube
