// Writes: create, update (PUT), the PATCH formats, server-side apply, delete.
#include <algorithm>

#include "base/ids.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "kube/api.h"
#include "kube/api_call.h"
#include "kube/k8s_json.h"
#include "kube/k8s_patch.h"
#include "kube/k8s_repository.h"
#include "kube/k8s_selector.h"
#include "kube/k8s_status.h"

namespace irsa::kube {
namespace {

std::string MediaType(std::string_view content_type) {
  size_t semi = content_type.find(';');
  return AsciiLower(TrimWhitespace(content_type.substr(0, semi)));
}

Status CheckJsonContentType(const HttpRequest& request) {
  std::string type = MediaType(request.Header("content-type"));
  if (type.empty() || type == "application/json") return OkStatus();
  return k8s_errors::UnsupportedMediaType(
      "the body of the request was in an unknown format - accepted media types include: "
      "application/json");
}

std::string RandomSuffix(Random& random) {
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (int i = 0; i < 5; ++i) out.push_back(kAlphabet[random.Below(kAlphabet.size())]);
  return out;
}

Error NameMismatch(const std::string& body_name, const std::string& url_name) {
  return k8s_errors::BadRequest("the name of the object (" + body_name +
                                ") does not match the name on the URL (" + url_name + ")");
}

Error NamespaceMismatch() {
  return k8s_errors::BadRequest(
      "the namespace of the provided object does not match the namespace sent on the request");
}

// The request's DeleteOptions (body) and ?dryRun.
struct DeleteOptions {
  bool dry_run = false;
  std::string uid;
  std::string resource_version;
};

Result<DeleteOptions> ParseDeleteOptions(const KubeApi::Call& call) {
  DeleteOptions options;
  options.dry_run = call.DryRun();
  if (TrimWhitespace(call.http.body).empty()) return options;
  IRSA_TRY(json::object body, ParseJsonObject(call.http.body));
  if (const json::value* dry = body.if_contains("dryRun"); dry && dry->is_array()) {
    for (const auto& v : dry->as_array())
      options.dry_run |= v.is_string() && v.as_string() == "All";
  }
  if (const json::object* pre = ObjectAt(body, "preconditions")) {
    options.uid = StringOr(*pre, "uid");
    options.resource_version = StringOr(*pre, "resourceVersion");
  }
  return options;
}

}  // namespace

Result<json::object> KubeApi::InsertNew(Call& call, ObjectKind kind, json::object object,
                                        bool dry_run) {
  json::object& meta = EnsureObject(object, "metadata");
  std::string name = StringOr(meta, "name");
  if (name.empty()) {
    std::string prefix = StringOr(meta, "generateName");
    if (!prefix.empty()) name = prefix + RandomSuffix(random_);
  }
  IRSA_RETURN_IF_ERROR(ValidateName(kind, name));
  std::string ns = kind == ObjectKind::kServiceAccount ? StringOr(meta, "namespace") : "";
  meta["name"] = name;
  meta["uid"] = NewUuid(random_);
  meta["creationTimestamp"] = FormatIso8601(clock_.Now());
  for (std::string_view f :
       {"generation", "deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion"}) {
    meta.erase(f);
  }
  if (kind == ObjectKind::kNamespace) {
    EnsureObject(meta, "labels")["kubernetes.io/metadata.name"] = name;
    json::object& spec = EnsureObject(object, "spec");
    if (!spec.contains("finalizers")) spec["finalizers"] = json::array{"kubernetes"};
    object["status"] = json::object{{"phase", "Active"}};
  }
  IRSA_RETURN_IF_ERROR(Transact(dry_run, [&](store::StoreTx& tx) -> Status {
    ClusterObjects objects(tx, call.cluster.account, call.cluster.name);
    if (kind == ObjectKind::kServiceAccount) {
      IRSA_TRY(auto namespace_object, objects.Get(ObjectKind::kNamespace, "", ns));
      if (!namespace_object) return k8s_errors::ResourceNotFound("namespaces", ns);
    }
    IRSA_TRY(auto existing, objects.Get(kind, ns, name));
    if (existing) return k8s_errors::ResourceAlreadyExists(ResourceName(kind), name);
    if (dry_run) return OkStatus();
    IRSA_TRY(int64_t rv, objects.NextResourceVersion());
    EnsureObject(object, "metadata")["resourceVersion"] = std::to_string(rv);
    IRSA_RETURN_IF_ERROR(objects.Insert(kind, object));
    if (kind == ObjectKind::kNamespace) {
      // The service-account controller's job in a real cluster: every namespace has "default".
      IRSA_TRY(int64_t sa_rv, objects.NextResourceVersion());
      json::object sa{
          {"apiVersion", "v1"},
          {"kind", "ServiceAccount"},
          {"metadata", json::object{{"name", "default"},
                                    {"namespace", name},
                                    {"uid", NewUuid(random_)},
                                    {"resourceVersion", std::to_string(sa_rv)},
                                    {"creationTimestamp", FormatIso8601(clock_.Now())}}}};
      IRSA_RETURN_IF_ERROR(objects.Put(ObjectKind::kServiceAccount, sa));
    }
    return OkStatus();
  }));
  return object;
}

Result<HttpResponse> KubeApi::CreateObject(Call& call, ObjectKind kind, const std::string& ns) {
  IRSA_RETURN_IF_ERROR(CheckJsonContentType(call.http));
  IRSA_TRY(FieldValidation validation, ParseFieldValidation(call.Param("fieldValidation")));
  IRSA_TRY(json::object object, ParseJsonObject(call.http.body));
  IRSA_RETURN_IF_ERROR(DecodeObject(kind, validation, object, call.warnings));
  json::object& meta = EnsureObject(object, "metadata");
  if (kind == ObjectKind::kServiceAccount) {
    std::string body_ns = StringOr(meta, "namespace");
    if (!body_ns.empty() && body_ns != ns) return NamespaceMismatch();
    meta["namespace"] = ns;
  } else {
    meta.erase("namespace");
  }
  if (!StringOr(meta, "resourceVersion").empty()) {
    return k8s_errors::BadRequest("resourceVersion should not be set on objects to be created");
  }
  IRSA_TRY(json::object stored, InsertNew(call, kind, std::move(object), call.DryRun()));
  return call.Respond(201, stored);
}

Result<json::object> KubeApi::ApplyUpdate(
    Call& call, ObjectKind kind, const std::string& ns, const std::string& name,
    const std::function<Result<json::object>(const json::object&)>& mutate) {
  IRSA_TRY(FieldValidation validation, ParseFieldValidation(call.Param("fieldValidation")));
  bool dry_run = call.DryRun();
  json::object result;
  IRSA_RETURN_IF_ERROR(Transact(dry_run, [&](store::StoreTx& tx) -> Status {
    ClusterObjects objects(tx, call.cluster.account, call.cluster.name);
    IRSA_TRY(auto current, objects.Get(kind, ns, name));
    if (!current) return k8s_errors::ResourceNotFound(ResourceName(kind), name);
    IRSA_TRY(json::object updated, mutate(*current));
    IRSA_RETURN_IF_ERROR(DecodeObject(kind, validation, updated, call.warnings));
    json::object& meta = EnsureObject(updated, "metadata");
    const json::object& current_meta = EnsureObject(*current, "metadata");
    std::string body_name = StringOr(meta, "name");
    if (body_name.empty()) body_name = name;
    if (body_name != name) return NameMismatch(body_name, name);
    meta["name"] = name;
    if (kind == ObjectKind::kServiceAccount) {
      std::string body_ns = StringOr(meta, "namespace");
      if (!body_ns.empty() && body_ns != ns) return NamespaceMismatch();
      meta["namespace"] = ns;
    } else {
      meta.erase("namespace");
    }
    std::string current_rv = StringOr(current_meta, "resourceVersion");
    std::string sent_rv = StringOr(meta, "resourceVersion");
    if (!sent_rv.empty() && sent_rv != current_rv) {
      return k8s_errors::ResourceConflict(ResourceName(kind), name);
    }
    meta["resourceVersion"] = current_rv;
    for (std::string_view f : {"uid", "creationTimestamp"}) {
      if (const json::value* v = current_meta.if_contains(f)) {
        meta[f] = *v;
      } else {
        meta.erase(f);
      }
    }
    meta.erase("generation");
    if (kind == ObjectKind::kNamespace) {
      EnsureObject(meta, "labels")["kubernetes.io/metadata.name"] = name;
      for (std::string_view f : {"spec", "status"}) {
        if (const json::value* v = current->if_contains(f)) {
          updated[f] = *v;
        } else {
          updated.erase(f);
        }
      }
    }
    if (updated == *current) {
      result = std::move(*current);  // no-op: no new resourceVersion, as the API server does
      return OkStatus();
    }
    if (!dry_run) {
      IRSA_TRY(int64_t rv, objects.NextResourceVersion());
      meta["resourceVersion"] = std::to_string(rv);
      IRSA_RETURN_IF_ERROR(objects.Put(kind, updated));
    }
    result = std::move(updated);
    return OkStatus();
  }));
  return result;
}

Result<HttpResponse> KubeApi::UpdateObject(Call& call, ObjectKind kind, const std::string& ns,
                                           const std::string& name) {
  IRSA_RETURN_IF_ERROR(CheckJsonContentType(call.http));
  IRSA_TRY(json::object object, ParseJsonObject(call.http.body));
  IRSA_TRY(json::object stored,
           ApplyUpdate(call, kind, ns, name,
                       [&](const json::object&) -> Result<json::object> { return object; }));
  return call.Respond(200, stored);
}

Result<HttpResponse> KubeApi::PatchObject(Call& call, ObjectKind kind, const std::string& ns,
                                          const std::string& name) {
  std::string type = MediaType(call.http.Header("content-type"));
  if (type == "application/apply-patch+yaml") return ServerSideApply(call, kind, ns, name);
  if (type != "application/merge-patch+json" && type != "application/strategic-merge-patch+json" &&
      type != "application/json-patch+json") {
    return k8s_errors::UnsupportedMediaType(
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, "
        "application/apply-patch+yaml, application/strategic-merge-patch+json");
  }
  IRSA_TRY(json::value patch, ParseJsonBody(call.http.body));
  auto mutate = [&](const json::object& current) -> Result<json::object> {
    json::value patched;
    if (type == "application/merge-patch+json") {
      patched = MergePatch(current, patch);
    } else if (type == "application/strategic-merge-patch+json") {
      IRSA_TRY(patched, StrategicMergePatch(current, patch, MergeRules(kind)));
    } else {
      IRSA_TRY(patched, JsonPatch(current, patch, kMaxBodyBytes));
    }
    if (!patched.is_object()) {
      return k8s_errors::BadRequest("the patched document is not a JSON object");
    }
    if (json::serialize(patched).size() > kMaxBodyBytes) {
      return k8s_errors::RequestEntityTooLarge("the patched object is too large");
    }
    return std::move(patched.as_object());
  };
  IRSA_TRY(json::object stored, ApplyUpdate(call, kind, ns, name, mutate));
  return call.Respond(200, stored);
}

Result<HttpResponse> KubeApi::ServerSideApply(Call& call, ObjectKind kind, const std::string& ns,
                                              const std::string& name) {
  if (call.Param("fieldManager").empty()) {
    return k8s_errors::Invalid(
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required "
        "for apply patch");
  }
  auto parsed = ParseJsonObject(call.http.body);
  if (!parsed) {
    if (parsed.error().code() != "BadRequest") return parsed.error();
    return k8s_errors::UnsupportedMediaType(
        "irsa accepts apply configurations in the JSON form of YAML only (what kubectl sends): " +
        parsed.error().message());
  }
  json::object applied = std::move(*parsed);
  IRSA_TRY(FieldValidation validation, ParseFieldValidation(call.Param("fieldValidation")));
  IRSA_RETURN_IF_ERROR(DecodeObject(kind, validation, applied, call.warnings));
  json::object& meta = EnsureObject(applied, "metadata");
  std::string body_name = StringOr(meta, "name");
  if (body_name != name) return NameMismatch(body_name, name);
  if (kind == ObjectKind::kServiceAccount) {
    std::string body_ns = StringOr(meta, "namespace");
    if (!body_ns.empty() && body_ns != ns) return NamespaceMismatch();
    meta["namespace"] = ns;
  } else {
    meta.erase("namespace");
  }
  std::optional<json::object> existing;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(existing,
             ClusterObjects(tx, call.cluster.account, call.cluster.name).Get(kind, ns, name));
    return OkStatus();
  }));
  if (!existing) {
    IRSA_TRY(json::object stored, InsertNew(call, kind, std::move(applied), call.DryRun()));
    return call.Respond(201, stored);
  }
  // Simplified apply: the configuration merges into the live object like a strategic merge
  // patch (fields it omits are kept; no per-manager ownership or conflict detection).
  IRSA_TRY(
      json::object stored,
      ApplyUpdate(call, kind, ns, name, [&](const json::object& current) -> Result<json::object> {
        IRSA_TRY(json::value merged, StrategicMergePatch(current, applied, MergeRules(kind)));
        return std::move(merged.as_object());
      }));
  return call.Respond(200, stored);
}

Result<HttpResponse> KubeApi::DeleteObject(Call& call, ObjectKind kind, const std::string& ns,
                                           const std::string& name) {
  IRSA_TRY(DeleteOptions options, ParseDeleteOptions(call));
  if (kind == ObjectKind::kNamespace && IsBuiltinNamespace(name)) {
    return k8s_errors::Forbidden("namespaces \"" + name +
                                 "\" is forbidden: this namespace may not be deleted");
  }
  json::object deleted;
  IRSA_RETURN_IF_ERROR(Transact(options.dry_run, [&](store::StoreTx& tx) -> Status {
    ClusterObjects objects(tx, call.cluster.account, call.cluster.name);
    IRSA_TRY(auto current, objects.Get(kind, ns, name));
    if (!current) return k8s_errors::ResourceNotFound(ResourceName(kind), name);
    std::string uid = MetaString(*current, "uid");
    std::string rv = MetaString(*current, "resourceVersion");
    if (!options.uid.empty() && options.uid != uid) {
      return k8s_errors::Conflict("Precondition failed: UID in precondition: " + options.uid +
                                  ", UID in object meta: " + uid);
    }
    if (!options.resource_version.empty() && options.resource_version != rv) {
      return k8s_errors::Conflict(
          "Precondition failed: ResourceVersion in precondition: " + options.resource_version +
          ", ResourceVersion in object meta: " + rv);
    }
    deleted = std::move(*current);
    if (options.dry_run) return OkStatus();
    IRSA_TRY(bool existed, objects.Delete(kind, ns, name));
    (void)existed;
    if (kind == ObjectKind::kNamespace) IRSA_RETURN_IF_ERROR(objects.DeleteNamespaceContents(name));
    IRSA_TRY(int64_t rv_after, objects.NextResourceVersion());
    (void)rv_after;
    return OkStatus();
  }));
  if (kind == ObjectKind::kNamespace) {
    // Namespaces are removed at once; the answer looks like the start of a real deletion.
    EnsureObject(deleted, "metadata")["deletionTimestamp"] = FormatIso8601(clock_.Now());
    EnsureObject(deleted, "status")["phase"] = "Terminating";
  }
  return call.Respond(200, deleted);
}

Result<HttpResponse> KubeApi::DeleteCollection(Call& call, const std::string& ns) {
  IRSA_TRY(DeleteOptions options, ParseDeleteOptions(call));
  IRSA_TRY(LabelSelector labels, LabelSelector::Parse(call.Param("labelSelector")));
  IRSA_TRY(FieldSelector fields, FieldSelector::Parse(call.Param("fieldSelector"),
                                                      {"metadata.name", "metadata.namespace"}));
  json::array deleted;
  std::string list_rv;
  IRSA_RETURN_IF_ERROR(Transact(options.dry_run, [&](store::StoreTx& tx) -> Status {
    ClusterObjects objects(tx, call.cluster.account, call.cluster.name);
    IRSA_TRY(auto items, objects.List(ObjectKind::kServiceAccount, ns));
    for (auto& item : items) {
      if (!labels.Matches(LabelsOf(item))) continue;
      auto getter = [&](const std::string& f) -> std::optional<std::string> {
        return MetaString(item, f == "metadata.name" ? "name" : "namespace");
      };
      if (!fields.Matches(getter)) continue;
      if (!options.dry_run) {
        IRSA_TRY(bool existed,
                 objects.Delete(ObjectKind::kServiceAccount, ns, MetaString(item, "name")));
        (void)existed;
      }
      deleted.push_back(std::move(item));
    }
    if (!options.dry_run && !deleted.empty()) {
      IRSA_TRY(int64_t rv, objects.NextResourceVersion());
      (void)rv;
    }
    IRSA_TRY(int64_t current, objects.CurrentResourceVersion());
    list_rv = std::to_string(current);
    return OkStatus();
  }));
  return call.Respond(200, json::object{{"kind", "ServiceAccountList"},
                                        {"apiVersion", "v1"},
                                        {"metadata", json::object{{"resourceVersion", list_rv}}},
                                        {"items", std::move(deleted)}});
}

}  // namespace irsa::kube
