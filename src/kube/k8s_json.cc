#include "kube/k8s_json.h"

#include "kube/k8s_status.h"

namespace irsa::kube {

Result<json::value> ParseJsonBody(std::string_view body) {
  if (body.size() > kMaxBodyBytes) {
    return k8s_errors::RequestEntityTooLarge("the request body exceeds the limit of " +
                                             std::to_string(kMaxBodyBytes) + " bytes");
  }
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec, {}, options);
  if (ec) {
    return k8s_errors::BadRequest("the request body is not valid JSON: " + ec.message());
  }
  return v;
}

Result<json::object> ParseJsonObject(std::string_view body) {
  IRSA_TRY(json::value v, ParseJsonBody(body));
  if (!v.is_object()) return k8s_errors::BadRequest("the request body must be a JSON object");
  return std::move(v.as_object());
}

const json::object* ObjectAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

json::object* MutableObjectAt(json::object& o, std::string_view key) {
  json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

std::optional<std::string> StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::string StringOr(const json::object& o, std::string_view key, std::string_view fallback) {
  auto s = StringAt(o, key);
  return s ? *s : std::string(fallback);
}

json::object& EnsureObject(json::object& o, std::string_view key) {
  json::value& v = o[key];
  if (!v.is_object()) v = json::object();
  return v.as_object();
}

std::string Serialize(const json::value& v) { return json::serialize(v); }

std::string_view JsonTypeName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "bool";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "value";
}

}  // namespace irsa::kube
