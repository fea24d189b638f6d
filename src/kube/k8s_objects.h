// The Kubernetes object types irsa serves (core/v1 Namespace and ServiceAccount): decoding of
// client-sent objects (type checks, unknown-field handling per ?fieldValidation, name rules) and
// the server-owned metadata stamped on writes.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "base/result.h"
#include "kube/k8s_patch.h"

namespace irsa::kube {

enum class ObjectKind { kNamespace, kServiceAccount };

// Names as the API uses them: resource "serviceaccounts", kind "ServiceAccount".
std::string_view ResourceName(ObjectKind kind);
std::string_view KindName(ObjectKind kind);
// List merge keys of the kind's strategic merge patch schema, as in the Kubernetes Go types:
// ServiceAccount.secrets by name, metadata.ownerReferences by uid, finalizers as sets;
// ServiceAccount.imagePullSecrets is atomic (replaced whole), unlike PodSpec.imagePullSecrets.
const std::vector<ListMergeRule>& MergeRules(ObjectKind kind);

// ?fieldValidation: Strict rejects unknown or duplicate fields, Warn (the default) and Ignore
// drop unknown fields (Warn reports them as warnings).
enum class FieldValidation { kIgnore, kWarn, kStrict };
Result<FieldValidation> ParseFieldValidation(std::string_view value);

// Checks a client-sent object against the kind's schema: apiVersion/kind when present, field
// types, and unknown fields, which are removed (Strict: BadRequest `strict decoding error:
// unknown field "x"`). Unknown-field paths are appended to `warnings` (e.g. `unknown field
// "spec"`). Sets apiVersion "v1" and kind, drops managedFields.
Status DecodeObject(ObjectKind kind, FieldValidation validation, boost::json::object& object,
                    std::vector<std::string>& warnings);

// Name rules: namespaces are RFC 1123 labels, service accounts RFC 1123 subdomains. Returns the
// Invalid (422) error the API server sends, mentioning `<Kind> "<name>" is invalid`.
Status ValidateName(ObjectKind kind, std::string_view name);

// Labels of an object (non-string values skipped).
std::map<std::string, std::string> LabelsOf(const boost::json::object& object);
// metadata.<field> as a string, or "".
std::string MetaString(const boost::json::object& object, std::string_view field);

}  // namespace irsa::kube
