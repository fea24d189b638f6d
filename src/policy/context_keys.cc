#include "policy/context_keys.h"

#include <algorithm>
#include <string_view>

#include "base/strings.h"

namespace irsa::policy {
namespace {

void AddKey(std::vector<std::string>& keys, std::string_view key) {
  if (key.empty()) return;
  const bool present = std::any_of(keys.begin(), keys.end(),
                                   [&](const std::string& k) { return EqualsIgnoreCase(k, key); });
  if (!present) keys.emplace_back(key);
}

// The keys of the ${…} variables in `text`.
void AddVariables(std::vector<std::string>& keys, std::string_view text) {
  size_t at = 0;
  while ((at = text.find("${", at)) != std::string_view::npos) {
    const size_t end = text.find('}', at + 2);
    if (end == std::string_view::npos) return;
    std::string_view body = text.substr(at + 2, end - at - 2);
    if (size_t comma = body.find(','); comma != std::string_view::npos) {
      body = body.substr(0, comma);  // ${key, 'default'}
    }
    body = TrimWhitespace(body);
    if (body.find(':') != std::string_view::npos) AddKey(keys, body);
    at = end + 1;
  }
}

}  // namespace

std::vector<std::string> ReferencedContextKeys(const CompiledPolicy& policy) {
  std::vector<std::string> keys;
  for (const CompiledStatement& statement : policy.statements()) {
    for (const ArnPattern& resource : statement.resources) AddVariables(keys, resource.text());
    for (const CompiledCondition& condition : statement.conditions) {
      AddKey(keys, condition.key());
      for (const std::string& value : condition.lexemes()) AddVariables(keys, value);
    }
  }
  return keys;
}

void MergeContextKeys(std::vector<std::string>& keys, const std::vector<std::string>& more) {
  for (const std::string& key : more) AddKey(keys, key);
}

}  // namespace irsa::policy
