#include "store/json_fields.h"

namespace irsa::store {
namespace json = boost::json;

Result<json::object> ParseStoredObject(std::string_view body, std::string_view what) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    return errors::ServiceFailure("stored " + std::string(what) + " record is corrupt");
  }
  return std::move(v.as_object());
}

std::string JsonString(const json::object& object, std::string_view key) {
  const json::value* v = object.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t JsonInt(const json::object& object, std::string_view key, int64_t fallback) {
  const json::value* v = object.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : fallback;
}

std::vector<std::string> JsonStrings(const json::object& object, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = object.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& s : v->as_array()) {
    if (s.is_string()) out.emplace_back(s.as_string());
  }
  return out;
}

json::array ToJsonArray(const std::vector<std::string>& values) {
  json::array a;
  a.reserve(values.size());
  for (const auto& s : values) a.emplace_back(json::string(s));
  return a;
}

}  // namespace irsa::store
