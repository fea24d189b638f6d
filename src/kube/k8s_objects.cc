#include "kube/k8s_objects.h"

#include <algorithm>

#include "kube/k8s_json.h"
#include "kube/k8s_status.h"

namespace irsa::kube {
namespace {

constexpr std::string_view kMetaFields[] = {"name",
                                            "generateName",
                                            "namespace",
                                            "selfLink",
                                            "uid",
                                            "resourceVersion",
                                            "generation",
                                            "creationTimestamp",
                                            "deletionTimestamp",
                                            "deletionGracePeriodSeconds",
                                            "labels",
                                            "annotations",
                                            "ownerReferences",
                                            "finalizers",
                                            "managedFields"};

bool Contains(std::initializer_list<std::string_view> set, std::string_view key) {
  return std::find(set.begin(), set.end(), key) != set.end();
}

Error TypeError(const json::value& v, std::string_view field, std::string_view go_type) {
  return k8s_errors::BadRequest("json: cannot unmarshal " + std::string(JsonTypeName(v)) +
                                " into Go struct field " + std::string(field) + " of type " +
                                std::string(go_type));
}

Status CheckStringMap(const json::object& meta, std::string_view field) {
  const json::value* v = meta.if_contains(field);
  if (!v || v->is_null()) return OkStatus();
  if (!v->is_object()) {
    return TypeError(*v, "ObjectMeta.metadata." + std::string(field), "map[string]string");
  }
  for (const auto& [k, value] : v->as_object()) {
    if (!value.is_string()) {
      return TypeError(value, "ObjectMeta.metadata." + std::string(field), "string");
    }
  }
  return OkStatus();
}

Status CheckString(const json::object& o, std::string_view field, std::string_view owner) {
  const json::value* v = o.if_contains(field);
  if (!v || v->is_null() || v->is_string()) return OkStatus();
  return TypeError(*v, std::string(owner) + "." + std::string(field), "string");
}

// Removes keys of `o` not in `known`, reporting them (prefixed with `path`).
Status PruneUnknown(json::object& o, std::initializer_list<std::string_view> known,
                    std::string_view path, FieldValidation validation,
                    std::vector<std::string>& warnings) {
  std::vector<std::string> unknown;
  for (const auto& [k, v] : o) {
    if (!Contains(known, k)) unknown.emplace_back(k);
  }
  for (const auto& k : unknown) {
    std::string field = path.empty() ? k : std::string(path) + "." + k;
    if (validation == FieldValidation::kStrict) {
      return k8s_errors::BadRequest("strict decoding error: unknown field \"" + field + "\"");
    }
    if (validation == FieldValidation::kWarn) warnings.push_back("unknown field \"" + field + "\"");
    o.erase(k);
  }
  return OkStatus();
}

Status CheckObjectList(json::object& o, std::string_view field, std::string_view go_type) {
  json::value* v = o.if_contains(field);
  if (!v || v->is_null()) return OkStatus();
  if (!v->is_array()) return TypeError(*v, "ServiceAccount." + std::string(field), go_type);
  for (const auto& item : v->as_array()) {
    if (!item.is_object()) {
      return TypeError(item, "ServiceAccount." + std::string(field), go_type);
    }
    for (const auto& [k, value] : item.as_object()) {
      if (!value.is_string() && !value.is_null()) {
        return TypeError(value, "ServiceAccount." + std::string(field) + "." + std::string(k),
                         "string");
      }
    }
  }
  return OkStatus();
}

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsDnsLabel(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (!IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return IsAlnum(c) || c == '-'; });
}

bool IsDnsSubdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (label.empty() || !IsAlnum(label.front()) || !IsAlnum(label.back())) return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) { return IsAlnum(c) || c == '-'; })) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

std::string_view ResourceName(ObjectKind kind) {
  return kind == ObjectKind::kNamespace ? "namespaces" : "serviceaccounts";
}

std::string_view KindName(ObjectKind kind) {
  return kind == ObjectKind::kNamespace ? "Namespace" : "ServiceAccount";
}

const std::vector<ListMergeRule>& MergeRules(ObjectKind kind) {
  static const std::vector<ListMergeRule> kNamespace = {
      {"metadata.ownerReferences", "uid"}, {"metadata.finalizers", ""}, {"spec.finalizers", ""}};
  static const std::vector<ListMergeRule> kServiceAccount = {
      {"metadata.ownerReferences", "uid"}, {"metadata.finalizers", ""}, {"secrets", "name"}};
  return kind == ObjectKind::kNamespace ? kNamespace : kServiceAccount;
}

Result<FieldValidation> ParseFieldValidation(std::string_view value) {
  if (value.empty() || value == "Warn") return FieldValidation::kWarn;
  if (value == "Strict") return FieldValidation::kStrict;
  if (value == "Ignore") return FieldValidation::kIgnore;
  return k8s_errors::BadRequest("fieldValidation parameter unsupported: " + std::string(value));
}

Status DecodeObject(ObjectKind kind, FieldValidation validation, json::object& object,
                    std::vector<std::string>& warnings) {
  std::string kind_name(KindName(kind));
  if (auto api_version = StringAt(object, "apiVersion"); api_version && *api_version != "v1") {
    return k8s_errors::BadRequest("the API version in the data (" + *api_version +
                                  ") does not match the expected API version (v1)");
  }
  if (auto k = StringAt(object, "kind"); k && *k != kind_name) {
    return k8s_errors::BadRequest("the kind in the data (" + *k +
                                  ") does not match the expected kind (" + kind_name + ")");
  }
  object["apiVersion"] = "v1";
  object["kind"] = kind_name;
  json::value& meta_value = object["metadata"];
  if (meta_value.is_null()) meta_value = json::object();
  if (!meta_value.is_object()) return TypeError(meta_value, kind_name + ".metadata", "ObjectMeta");
  json::object& meta = meta_value.as_object();
  for (std::string_view f : {"name", "generateName", "namespace", "uid", "resourceVersion",
                             "creationTimestamp", "selfLink"}) {
    IRSA_RETURN_IF_ERROR(CheckString(meta, f, "ObjectMeta.metadata"));
  }
  IRSA_RETURN_IF_ERROR(CheckStringMap(meta, "labels"));
  IRSA_RETURN_IF_ERROR(CheckStringMap(meta, "annotations"));
  std::vector<std::string> unknown_meta;
  for (const auto& [k, v] : meta) {
    if (std::find(std::begin(kMetaFields), std::end(kMetaFields), k) == std::end(kMetaFields)) {
      unknown_meta.emplace_back(k);
    }
  }
  for (const auto& k : unknown_meta) {
    if (validation == FieldValidation::kStrict) {
      return k8s_errors::BadRequest("strict decoding error: unknown field \"metadata." + k + "\"");
    }
    if (validation == FieldValidation::kWarn) {
      warnings.push_back("unknown field \"metadata." + k + "\"");
    }
    meta.erase(k);
  }
  meta.erase("managedFields");
  meta.erase("selfLink");
  for (std::string_view f : {"labels", "annotations", "creationTimestamp"}) {
    if (const json::value* v = meta.if_contains(f); v && v->is_null()) meta.erase(f);
  }

  if (kind == ObjectKind::kServiceAccount) {
    IRSA_RETURN_IF_ERROR(PruneUnknown(object,
                                      {"apiVersion", "kind", "metadata", "secrets",
                                       "imagePullSecrets", "automountServiceAccountToken"},
                                      "", validation, warnings));
    IRSA_RETURN_IF_ERROR(CheckObjectList(object, "secrets", "[]v1.ObjectReference"));
    IRSA_RETURN_IF_ERROR(CheckObjectList(object, "imagePullSecrets", "[]v1.LocalObjectReference"));
    if (const json::value* v = object.if_contains("automountServiceAccountToken");
        v && !v->is_bool() && !v->is_null()) {
      return TypeError(*v, "ServiceAccount.automountServiceAccountToken", "bool");
    }
    for (std::string_view f : {"secrets", "imagePullSecrets", "automountServiceAccountToken"}) {
      if (const json::value* v = object.if_contains(f); v && v->is_null()) object.erase(f);
    }
  } else {
    IRSA_RETURN_IF_ERROR(PruneUnknown(object, {"apiVersion", "kind", "metadata", "spec", "status"},
                                      "", validation, warnings));
    for (std::string_view f : {"spec", "status"}) {
      json::value* v = object.if_contains(f);
      if (!v) continue;
      if (v->is_null()) {
        object.erase(f);
        continue;
      }
      if (!v->is_object()) return TypeError(*v, "Namespace." + std::string(f), "object");
    }
  }
  return OkStatus();
}

Status ValidateName(ObjectKind kind, std::string_view name) {
  std::string kind_name(KindName(kind));
  if (name.empty()) {
    return k8s_errors::Invalid(kind_name +
                               " \"\" is invalid: metadata.name: Required value: name or "
                               "generateName is required");
  }
  if (kind == ObjectKind::kNamespace) {
    if (IsDnsLabel(name)) return OkStatus();
    return k8s_errors::Invalid(
        kind_name + " \"" + std::string(name) + "\" is invalid: metadata.name: Invalid value: \"" +
        std::string(name) +
        "\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
        "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
        "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
  }
  if (IsDnsSubdomain(name)) return OkStatus();
  return k8s_errors::Invalid(
      kind_name + " \"" + std::string(name) + "\" is invalid: metadata.name: Invalid value: \"" +
      std::string(name) +
      "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
      "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
      "regex used for validation is "
      "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
}

std::map<std::string, std::string> LabelsOf(const json::object& object) {
  std::map<std::string, std::string> labels;
  const json::object* meta = ObjectAt(object, "metadata");
  const json::object* l = meta ? ObjectAt(*meta, "labels") : nullptr;
  if (!l) return labels;
  for (const auto& [k, v] : *l) {
    if (v.is_string()) labels.emplace(std::string(k), std::string(v.as_string()));
  }
  return labels;
}

std::string MetaString(const json::object& object, std::string_view field) {
  const json::object* meta = ObjectAt(object, "metadata");
  return meta ? StringOr(*meta, field) : std::string();
}

}  // namespace irsa::kube
