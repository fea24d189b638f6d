// JSON helpers for the Kubernetes API adapter: bounded parsing of untrusted bodies and small
// accessors over Boost.JSON values. Nothing here throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "base/result.h"

namespace irsa::kube {

namespace json = boost::json;

// Largest request body accepted (Kubernetes itself caps at 3 MiB; ServiceAccounts are tiny).
inline constexpr size_t kMaxBodyBytes = 1 << 20;
// Deepest nesting accepted in a request body.
inline constexpr size_t kMaxJsonDepth = 64;

// Parses an untrusted JSON document. Errors are Kubernetes-style (see k8s_status.h):
// RequestEntityTooLarge (413) over kMaxBodyBytes, BadRequest (400) when malformed or too deep.
Result<json::value> ParseJsonBody(std::string_view body);
// As ParseJsonBody, and the document must be an object.
Result<json::object> ParseJsonObject(std::string_view body);

// Member accessors: nullptr / nullopt / empty when absent or of another type.
const json::object* ObjectAt(const json::object& o, std::string_view key);
json::object* MutableObjectAt(json::object& o, std::string_view key);
std::optional<std::string> StringAt(const json::object& o, std::string_view key);
std::string StringOr(const json::object& o, std::string_view key, std::string_view fallback = "");

// o[key] as an object, created (replacing a non-object) when needed.
json::object& EnsureObject(json::object& o, std::string_view key);

// The JSON type of `v` as Go's encoding/json names it in unmarshal errors: "null", "bool",
// "number", "string", "array" or "object".
std::string_view JsonTypeName(const json::value& v);

// Compact serialisation.
std::string Serialize(const json::value& v);

}  // namespace irsa::kube
