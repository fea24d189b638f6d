#include "kube/webhook_normalize.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "kube/k8s_json.h"

namespace irsa::kube {
namespace {

namespace json = boost::json;

enum class FieldKind {
  kString,  // Go string (or string-typed alias)
  kBool,    // Go bool
  kInt32,   // Go int32
  kPtr,     // Go pointer: dropped when null (if omitempty), else emitted (typed or verbatim)
  kStruct,  // Go non-pointer struct: always emitted
  kSlice,   // Go slice of typed structs (elem) or of anything (verbatim, elem == nullptr)
  kMap,     // Go map: keys sorted, values verbatim
};

struct TypeSpec;

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
  bool omitempty;
  const TypeSpec* elem = nullptr;
};

struct TypeSpec {
  std::string_view go_name;
  std::span<const FieldSpec> fields;
};

constexpr FieldSpec kGrpcActionFields[] = {
    {"port", FieldKind::kInt32, false},
    {"service", FieldKind::kPtr, false},
};
constexpr TypeSpec kGrpcAction{"GRPCAction", kGrpcActionFields};

constexpr FieldSpec kProbeFields[] = {
    {"exec", FieldKind::kPtr, true},
    {"httpGet", FieldKind::kPtr, true},
    {"tcpSocket", FieldKind::kPtr, true},
    {"grpc", FieldKind::kPtr, true, &kGrpcAction},
    {"initialDelaySeconds", FieldKind::kInt32, true},
    {"timeoutSeconds", FieldKind::kInt32, true},
    {"periodSeconds", FieldKind::kInt32, true},
    {"successThreshold", FieldKind::kInt32, true},
    {"failureThreshold", FieldKind::kInt32, true},
    {"terminationGracePeriodSeconds", FieldKind::kPtr, true},
};
constexpr TypeSpec kProbe{"Probe", kProbeFields};

constexpr FieldSpec kContainerPortFields[] = {
    {"name", FieldKind::kString, true},          {"hostPort", FieldKind::kInt32, true},
    {"containerPort", FieldKind::kInt32, false}, {"protocol", FieldKind::kString, true},
    {"hostIP", FieldKind::kString, true},
};
constexpr TypeSpec kContainerPort{"ContainerPort", kContainerPortFields};

constexpr FieldSpec kEnvVarFields[] = {
    {"name", FieldKind::kString, false},
    {"value", FieldKind::kString, true},
    {"valueFrom", FieldKind::kPtr, true},
};
constexpr TypeSpec kEnvVar{"EnvVar", kEnvVarFields};

constexpr FieldSpec kVolumeMountFields[] = {
    {"name", FieldKind::kString, false},          {"readOnly", FieldKind::kBool, true},
    {"recursiveReadOnly", FieldKind::kPtr, true}, {"mountPath", FieldKind::kString, false},
    {"subPath", FieldKind::kString, true},        {"mountPropagation", FieldKind::kPtr, true},
    {"subPathExpr", FieldKind::kString, true},
};
constexpr TypeSpec kVolumeMount{"VolumeMount", kVolumeMountFields};

constexpr FieldSpec kResourceRequirementsFields[] = {
    {"limits", FieldKind::kMap, true},
    {"requests", FieldKind::kMap, true},
    {"claims", FieldKind::kSlice, true},
};
constexpr TypeSpec kResourceRequirements{"ResourceRequirements", kResourceRequirementsFields};

constexpr FieldSpec kContainerFields[] = {
    {"name", FieldKind::kString, false},
    {"image", FieldKind::kString, true},
    {"command", FieldKind::kSlice, true},
    {"args", FieldKind::kSlice, true},
    {"workingDir", FieldKind::kString, true},
    {"ports", FieldKind::kSlice, true, &kContainerPort},
    {"envFrom", FieldKind::kSlice, true},
    {"env", FieldKind::kSlice, true, &kEnvVar},
    {"resources", FieldKind::kStruct, true, &kResourceRequirements},
    {"resizePolicy", FieldKind::kSlice, true},
    {"restartPolicy", FieldKind::kPtr, true},
    {"restartPolicyRules", FieldKind::kSlice, true},
    {"volumeMounts", FieldKind::kSlice, true, &kVolumeMount},
    {"volumeDevices", FieldKind::kSlice, true},
    {"livenessProbe", FieldKind::kPtr, true, &kProbe},
    {"readinessProbe", FieldKind::kPtr, true, &kProbe},
    {"startupProbe", FieldKind::kPtr, true, &kProbe},
    {"lifecycle", FieldKind::kPtr, true},
    {"terminationMessagePath", FieldKind::kString, true},
    {"terminationMessagePolicy", FieldKind::kString, true},
    {"imagePullPolicy", FieldKind::kString, true},
    {"securityContext", FieldKind::kPtr, true},
    {"stdin", FieldKind::kBool, true},
    {"stdinOnce", FieldKind::kBool, true},
    {"tty", FieldKind::kBool, true},
};
constexpr TypeSpec kContainer{"Container", kContainerFields};

Error TypeError(const TypeSpec& type, const FieldSpec& field, const json::value& v,
                std::string_view want) {
  return errors::InvalidInput("cannot unmarshal " + std::string(JsonTypeName(v)) +
                              " into Go struct field " + std::string(type.go_name) + "." +
                              std::string(field.name) + " of type " + std::string(want));
}

Result<json::object> NormalizeStruct(const TypeSpec& type, const json::object& in);

Result<json::value> NormalizeElement(const TypeSpec* elem, const json::value& v) {
  if (elem == nullptr) return v;
  if (v.is_null()) {
    IRSA_TRY(json::object normalized, NormalizeStruct(*elem, json::object()));
    return json::value(std::move(normalized));
  }
  if (!v.is_object()) {
    return errors::InvalidInput("cannot unmarshal " + std::string(JsonTypeName(v)) +
                                " into Go value of type v1." + std::string(elem->go_name));
  }
  IRSA_TRY(json::object normalized, NormalizeStruct(*elem, v.get_object()));
  return json::value(std::move(normalized));
}

// Normalises one field; returns nullopt when Go would omit it.
Result<std::optional<json::value>> NormalizeField(const TypeSpec& type, const FieldSpec& field,
                                                  const json::value* in) {
  using Out = std::optional<json::value>;
  const bool absent = in == nullptr || in->is_null();
  switch (field.kind) {
    case FieldKind::kString: {
      if (!absent && !in->is_string()) return TypeError(type, field, *in, "string");
      json::string s = absent ? json::string() : in->get_string();
      if (field.omitempty && s.empty()) return Out();
      return Out(json::value(std::move(s)));
    }
    case FieldKind::kBool: {
      if (!absent && !in->is_bool()) return TypeError(type, field, *in, "bool");
      const bool b = !absent && in->get_bool();
      if (field.omitempty && !b) return Out();
      return Out(json::value(b));
    }
    case FieldKind::kInt32: {
      int64_t n = 0;
      if (!absent) {
        if (!in->is_int64()) return TypeError(type, field, *in, "int32");
        n = in->get_int64();
        if (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<int32_t>::max()) {
          return TypeError(type, field, *in, "int32");
        }
      }
      if (field.omitempty && n == 0) return Out();
      return Out(json::value(n));
    }
    case FieldKind::kPtr: {
      if (absent) {
        if (field.omitempty) return Out();
        return Out(json::value(nullptr));
      }
      if (field.elem != nullptr && !in->is_object()) {
        return TypeError(type, field, *in, "*v1." + std::string(field.elem->go_name));
      }
      IRSA_TRY(json::value v, NormalizeElement(field.elem, *in));
      return Out(std::move(v));
    }
    case FieldKind::kStruct: {
      if (!absent && !in->is_object()) {
        return TypeError(type, field, *in, "v1." + std::string(field.elem->go_name));
      }
      IRSA_TRY(json::object v,
               NormalizeStruct(*field.elem, absent ? json::object() : in->get_object()));
      return Out(json::value(std::move(v)));
    }
    case FieldKind::kSlice: {
      if (absent) {
        if (field.omitempty) return Out();
        return Out(json::value(nullptr));
      }
      if (!in->is_array()) return TypeError(type, field, *in, "slice");
      const json::array& items = in->get_array();
      if (field.omitempty && items.empty()) return Out();
      json::array out;
      out.reserve(items.size());
      for (const json::value& item : items) {
        IRSA_TRY(json::value v, NormalizeElement(field.elem, item));
        out.push_back(std::move(v));
      }
      return Out(json::value(std::move(out)));
    }
    case FieldKind::kMap: {
      if (absent) {
        if (field.omitempty) return Out();
        return Out(json::value(nullptr));
      }
      if (!in->is_object()) return TypeError(type, field, *in, "map");
      const json::object& map = in->get_object();
      if (field.omitempty && map.empty()) return Out();
      std::vector<std::pair<std::string_view, const json::value*>> entries;
      entries.reserve(map.size());
      for (const auto& member : map) entries.emplace_back(member.key(), &member.value());
      std::sort(entries.begin(), entries.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      json::object out;
      out.reserve(entries.size());
      for (const auto& [key, value] : entries) out.emplace(key, *value);
      return Out(json::value(std::move(out)));
    }
  }
  return Out();
}

Result<json::object> NormalizeStruct(const TypeSpec& type, const json::object& in) {
  json::object out;
  out.reserve(in.size() + 2);
  for (const FieldSpec& field : type.fields) {
    IRSA_TRY(std::optional<json::value> v, NormalizeField(type, field, in.if_contains(field.name)));
    if (v.has_value()) out.emplace(field.name, std::move(*v));
  }
  // Unknown members: kept verbatim after the known ones (Go would drop them).
  for (const auto& member : in) {
    const std::string_view key = member.key();
    const bool known = std::any_of(type.fields.begin(), type.fields.end(),
                                   [&](const FieldSpec& f) { return f.name == key; });
    if (!known) out.emplace(key, member.value());
  }
  return out;
}

}  // namespace

Result<json::object> NormalizeGoContainer(const json::value& container) {
  if (container.is_null()) return NormalizeStruct(kContainer, json::object());
  if (!container.is_object()) {
    return errors::InvalidInput("cannot unmarshal " + std::string(JsonTypeName(container)) +
                                " into Go value of type v1.Container");
  }
  return NormalizeStruct(kContainer, container.get_object());
}

}  // namespace irsa::kube
