#include "kube/k8s_patch.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "kube/k8s_status.h"

namespace irsa::kube {
namespace json = boost::json;

// ---- JSON merge patch ----------------------------------------------------------------------

json::value MergePatch(const json::value& target, const json::value& patch) {
  if (!patch.is_object()) return patch;
  json::object result = target.is_object() ? target.as_object() : json::object();
  for (const auto& [key, value] : patch.as_object()) {
    if (value.is_null()) {
      result.erase(key);
      continue;
    }
    const json::value* existing = result.if_contains(key);
    result[key] = MergePatch(existing ? *existing : json::value(), value);
  }
  return result;
}

// ---- strategic merge patch ------------------------------------------------------------------

namespace {

constexpr std::string_view kSetElementOrder = "$setElementOrder/";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

std::string JoinPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

const ListMergeRule* FindRule(const std::vector<ListMergeRule>& rules, const std::string& path) {
  for (const auto& r : rules) {
    if (r.path == path) return &r;
  }
  return nullptr;
}

std::optional<std::string> DirectiveOf(const json::object& o) {
  const json::value* d = o.if_contains("$patch");
  if (!d) return std::nullopt;
  if (!d->is_string()) return std::string("<invalid>");
  return std::string(d->as_string());
}

bool SameElement(const json::value& a, const json::value& b, const std::string& merge_key) {
  if (merge_key.empty()) return a == b;
  if (!a.is_object() || !b.is_object()) return false;
  const json::value* ka = a.as_object().if_contains(merge_key);
  const json::value* kb = b.as_object().if_contains(merge_key);
  return ka && kb && *ka == *kb;
}

class StrategicMerger {
 public:
  explicit StrategicMerger(const std::vector<ListMergeRule>& rules) : rules_(rules) {}

  // Merges `patch` into `target` (an object or null). nullopt: the object is deleted.
  Result<std::optional<json::value>> MergeObject(const json::value& target,
                                                 const json::object& patch,
                                                 const std::string& path) {
    std::optional<std::string> directive = DirectiveOf(patch);
    if (directive && *directive == "delete") return std::optional<json::value>();
    if (directive && *directive == "replace") {
      json::object copy = patch;
      copy.erase("$patch");
      IRSA_TRY(auto cleaned, MergeObject(json::value(), copy, path));
      return cleaned;
    }
    if (directive && *directive != "merge") {
      return k8s_errors::BadRequest("unknown patch type: " + *directive +
                                    " in map: " + json::serialize(patch));
    }
    json::object result = target.is_object() ? target.as_object() : json::object();
    std::vector<std::pair<std::string, json::array>> orders;
    for (const auto& [key_sv, value] : patch) {
      std::string key(key_sv);
      if (key == "$patch") continue;
      if (key == "$retainKeys") continue;  // applied after the merge
      if (key.starts_with(kSetElementOrder)) {
        if (!value.is_array()) return k8s_errors::BadRequest("invalid $setElementOrder list");
        orders.emplace_back(key.substr(kSetElementOrder.size()), value.as_array());
        continue;
      }
      if (key.starts_with(kDeleteFromPrimitiveList)) {
        if (!value.is_array()) {
          return k8s_errors::BadRequest("invalid $deleteFromPrimitiveList list");
        }
        std::string list_key = key.substr(kDeleteFromPrimitiveList.size());
        json::value* existing = result.if_contains(list_key);
        if (existing && existing->is_array()) {
          json::array kept;
          for (const auto& item : existing->as_array()) {
            const auto& del = value.as_array();
            if (std::find(del.begin(), del.end(), item) == del.end()) kept.push_back(item);
          }
          *existing = std::move(kept);
        }
        continue;
      }
      if (value.is_null()) {
        result.erase(key);
        continue;
      }
      std::string child_path = JoinPath(path, key);
      const json::value* existing = result.if_contains(key);
      if (value.is_object()) {
        IRSA_TRY(auto merged,
                 MergeObject(existing ? *existing : json::value(), value.as_object(), child_path));
        if (merged) {
          result[key] = std::move(*merged);
        } else {
          result.erase(key);
        }
        continue;
      }
      if (value.is_array()) {
        const ListMergeRule* rule = FindRule(rules_, child_path);
        if (rule) {
          IRSA_TRY(
              json::array merged,
              MergeList(existing && existing->is_array() ? existing->as_array() : json::array(),
                        value.as_array(), *rule, child_path));
          result[key] = std::move(merged);
          continue;
        }
      }
      result[key] = value;
    }
    for (auto& [list_key, order] : orders) {
      json::value* list = result.if_contains(list_key);
      if (!list || !list->is_array()) continue;
      const ListMergeRule* rule = FindRule(rules_, JoinPath(path, list_key));
      Reorder(list->as_array(), order, rule ? rule->merge_key : std::string());
    }
    if (const json::value* retain = patch.if_contains("$retainKeys")) {
      if (!retain->is_array()) return k8s_errors::BadRequest("invalid $retainKeys list");
      json::object kept;
      for (const auto& [k, v] : result) {
        bool keep = false;
        for (const auto& r : retain->as_array())
          keep = keep || (r.is_string() && r.as_string() == k);
        if (keep) kept[k] = v;
      }
      result = std::move(kept);
    }
    return std::optional<json::value>(json::value(std::move(result)));
  }

 private:
  Result<json::array> MergeList(json::array target, const json::array& patch,
                                const ListMergeRule& rule, const std::string& path) {
    for (const auto& item : patch) {
      if (item.is_object()) {
        std::optional<std::string> directive = DirectiveOf(item.as_object());
        if (directive && *directive == "replace") {
          json::array replaced;
          for (const auto& other : patch) {
            if (other.is_object() && DirectiveOf(other.as_object())) continue;
            replaced.push_back(other);
          }
          return replaced;
        }
      }
    }
    for (const auto& item : patch) {
      if (rule.merge_key.empty()) {
        if (std::find(target.begin(), target.end(), item) == target.end()) target.push_back(item);
        continue;
      }
      if (!item.is_object() || !item.as_object().if_contains(rule.merge_key)) {
        return k8s_errors::BadRequest("map: " + json::serialize(item) +
                                      " does not contain declared merge key: " + rule.merge_key);
      }
      auto it = std::find_if(target.begin(), target.end(), [&](const json::value& existing) {
        return SameElement(existing, item, rule.merge_key);
      });
      std::optional<std::string> directive = DirectiveOf(item.as_object());
      if (directive && *directive == "delete") {
        if (it != target.end()) target.erase(it);
        continue;
      }
      IRSA_TRY(auto merged,
               MergeObject(it != target.end() ? *it : json::value(), item.as_object(), path));
      if (!merged) {
        if (it != target.end()) target.erase(it);
      } else if (it != target.end()) {
        *it = std::move(*merged);
      } else {
        target.push_back(std::move(*merged));
      }
    }
    return target;
  }

  static void Reorder(json::array& list, const json::array& order, const std::string& merge_key) {
    json::array sorted;
    std::vector<bool> used(list.size(), false);
    for (const auto& want : order) {
      for (size_t i = 0; i < list.size(); ++i) {
        if (used[i]) continue;
        bool match = merge_key.empty() ? list[i] == want : SameElement(list[i], want, merge_key);
        if (match) {
          sorted.push_back(list[i]);
          used[i] = true;
          break;
        }
      }
    }
    for (size_t i = 0; i < list.size(); ++i) {
      if (!used[i]) sorted.push_back(list[i]);
    }
    list = std::move(sorted);
  }

  const std::vector<ListMergeRule>& rules_;
};

}  // namespace

Result<json::value> StrategicMergePatch(const json::value& target, const json::value& patch,
                                        const std::vector<ListMergeRule>& rules) {
  if (!patch.is_object()) {
    return k8s_errors::BadRequest("strategic merge patch must be a JSON object");
  }
  StrategicMerger merger(rules);
  IRSA_TRY(auto merged, merger.MergeObject(target, patch.as_object(), ""));
  if (!merged) return k8s_errors::Invalid("a strategic merge patch may not delete the object");
  return std::move(*merged);
}

// ---- JSON patch -----------------------------------------------------------------------------

Result<std::vector<std::string>> ParseJsonPointer(const std::string& pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer[0] != '/') {
    return k8s_errors::BadRequest("JSON pointer must be empty or start with a \"/\": " + pointer);
  }
  std::string current;
  for (size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(std::move(current));
      current.clear();
      continue;
    }
    char c = pointer[i];
    if (c == '~') {
      if (i + 1 >= pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')) {
        return k8s_errors::BadRequest("invalid escape in JSON pointer: " + pointer);
      }
      current.push_back(pointer[i + 1] == '0' ? '~' : '/');
      ++i;
      continue;
    }
    current.push_back(c);
  }
  return tokens;
}

namespace {

std::optional<size_t> ArrayIndex(const std::string& token, size_t size, bool allow_end) {
  if (allow_end && token == "-") return size;
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return std::nullopt;
  size_t index = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
  if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
  if (index > size || (!allow_end && index == size)) return std::nullopt;
  return index;
}

Error MissingPath(const std::string& path) {
  return k8s_errors::Invalid(
      "the server rejected our request due to an error in our request: "
      "doc is missing path: \"" +
      path + "\": missing value");
}

// Resolves all but the last token; returns the container the last token addresses.
Result<json::value*> ResolveParent(json::value& doc, const std::vector<std::string>& tokens,
                                   const std::string& path) {
  json::value* current = &doc;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (current->is_object()) {
      current = current->as_object().if_contains(tokens[i]);
    } else if (current->is_array()) {
      auto index = ArrayIndex(tokens[i], current->as_array().size(), false);
      current = index ? &current->as_array()[*index] : nullptr;
    } else {
      current = nullptr;
    }
    if (!current) return MissingPath(path);
  }
  return current;
}

Result<json::value> GetAt(json::value& doc, const std::string& path) {
  IRSA_TRY(auto tokens, ParseJsonPointer(path));
  if (tokens.empty()) return doc;
  IRSA_TRY(json::value * parent, ResolveParent(doc, tokens, path));
  if (parent->is_object()) {
    json::value* v = parent->as_object().if_contains(tokens.back());
    if (v) return *v;
  } else if (parent->is_array()) {
    auto index = ArrayIndex(tokens.back(), parent->as_array().size(), false);
    if (index) return parent->as_array()[*index];
  }
  return MissingPath(path);
}

Status AddAt(json::value& doc, const std::string& path, json::value value) {
  IRSA_TRY(auto tokens, ParseJsonPointer(path));
  if (tokens.empty()) {
    doc = std::move(value);
    return OkStatus();
  }
  IRSA_TRY(json::value * parent, ResolveParent(doc, tokens, path));
  if (parent->is_object()) {
    parent->as_object()[tokens.back()] = std::move(value);
    return OkStatus();
  }
  if (parent->is_array()) {
    json::array& a = parent->as_array();
    auto index = ArrayIndex(tokens.back(), a.size(), true);
    if (!index) return MissingPath(path);
    a.insert(a.begin() + static_cast<std::ptrdiff_t>(*index), std::move(value));
    return OkStatus();
  }
  return MissingPath(path);
}

Result<json::value> RemoveAt(json::value& doc, const std::string& path) {
  IRSA_TRY(auto tokens, ParseJsonPointer(path));
  if (tokens.empty()) return k8s_errors::Invalid("cannot remove the whole document");
  IRSA_TRY(json::value * parent, ResolveParent(doc, tokens, path));
  if (parent->is_object()) {
    json::object& o = parent->as_object();
    json::value* v = o.if_contains(tokens.back());
    if (!v) return MissingPath(path);
    json::value removed = *v;
    o.erase(tokens.back());
    return removed;
  }
  if (parent->is_array()) {
    json::array& a = parent->as_array();
    auto index = ArrayIndex(tokens.back(), a.size(), false);
    if (!index) return MissingPath(path);
    json::value removed = a[*index];
    a.erase(a.begin() + static_cast<std::ptrdiff_t>(*index));
    return removed;
  }
  return MissingPath(path);
}

Result<std::string> OpString(const json::object& op, std::string_view key, std::string_view name) {
  const json::value* v = op.if_contains(key);
  if (!v || !v->is_string()) {
    return k8s_errors::BadRequest("invalid JSON patch operation \"" + std::string(name) +
                                  "\": missing \"" + std::string(key) + "\"");
  }
  return std::string(v->as_string());
}

}  // namespace

Result<json::value> JsonPatch(const json::value& target, const json::value& patch,
                              size_t max_bytes) {
  if (!patch.is_array()) {
    return k8s_errors::BadRequest(
        "json: cannot unmarshal object into Go value of type "
        "jsonpatch.Patch");
  }
  constexpr size_t kMaxOperations = 10000;
  if (patch.as_array().size() > kMaxOperations) {
    return k8s_errors::RequestEntityTooLarge("the JSON patch has too many operations");
  }
  json::value doc = target;
  size_t copied_bytes = 0;
  for (const auto& op_value : patch.as_array()) {
    if (!op_value.is_object()) {
      return k8s_errors::BadRequest("JSON patch operations must be objects");
    }
    const json::object& op = op_value.as_object();
    IRSA_TRY(std::string name, OpString(op, "op", "?"));
    IRSA_TRY(std::string path, OpString(op, "path", name));
    const json::value* value = op.if_contains("value");
    if (name == "add" || name == "replace" || name == "test") {
      if (!value) {
        return k8s_errors::BadRequest("invalid JSON patch operation \"" + name +
                                      "\": missing \"value\"");
      }
    }
    if (name == "add") {
      IRSA_RETURN_IF_ERROR(AddAt(doc, path, *value));
    } else if (name == "remove") {
      IRSA_RETURN_IF_ERROR(RemoveAt(doc, path));
    } else if (name == "replace" && path.empty()) {
      doc = *value;
    } else if (name == "replace") {
      IRSA_RETURN_IF_ERROR(RemoveAt(doc, path));
      IRSA_RETURN_IF_ERROR(AddAt(doc, path, *value));
    } else if (name == "move") {
      IRSA_TRY(std::string from, OpString(op, "from", name));
      IRSA_TRY(json::value moved, RemoveAt(doc, from));
      IRSA_RETURN_IF_ERROR(AddAt(doc, path, std::move(moved)));
    } else if (name == "copy") {
      IRSA_TRY(std::string from, OpString(op, "from", name));
      IRSA_TRY(json::value copy, GetAt(doc, from));
      copied_bytes += json::serialize(copy).size();
      if (copied_bytes > max_bytes) {
        return k8s_errors::RequestEntityTooLarge(
            "the JSON patch copies more data than the request size limit");
      }
      IRSA_RETURN_IF_ERROR(AddAt(doc, path, std::move(copy)));
    } else if (name == "test") {
      IRSA_TRY(json::value current, GetAt(doc, path));
      if (current != *value) {
        return k8s_errors::Invalid(
            "the server rejected our request due to an error in our "
            "request: testing value " +
            path + " failed: test failed");
      }
    } else {
      return k8s_errors::BadRequest("Unexpected kind: " + name);
    }
  }
  return doc;
}

}  // namespace irsa::kube
