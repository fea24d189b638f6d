// A strict JSON reader for policy documents. Unlike Boost.JSON it reports duplicate object
// keys, keeps the lexeme of numbers and literals, and bounds nesting depth, so a policy's meaning
// never depends on "last key wins" and no input can exhaust the stack.
//
// Contract: ParseJson never throws and never crashes; any input that is not exactly one JSON
// value (RFC 8259, UTF-8, no duplicate keys, depth <= kMaxJsonDepth) yields nullopt.
// JsonValue is a plain value type; copies are deep. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace irsa::policy {

inline constexpr int kMaxJsonDepth = 64;

struct JsonMember;

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  // kString: the decoded UTF-8 text. kNumber/kBool/kNull: the lexeme as written ("1.50", "true").
  std::string text;
  std::vector<JsonValue> items;     // kArray
  std::vector<JsonMember> members;  // kObject, in document order

  bool is_string() const { return kind == Kind::kString; }
  bool is_array() const { return kind == Kind::kArray; }
  bool is_object() const { return kind == Kind::kObject; }
  // True for strings, numbers and booleans (the shapes a condition value may take).
  bool is_scalar() const {
    return kind == Kind::kString || kind == Kind::kNumber || kind == Kind::kBool;
  }
  // Member lookup by exact key; nullptr if absent.
  const JsonValue* Find(std::string_view key) const;
};

struct JsonMember {
  std::string key;
  JsonValue value;
};

std::optional<JsonValue> ParseJson(std::string_view text);

}  // namespace irsa::policy
