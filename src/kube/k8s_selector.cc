#include "kube/k8s_selector.h"

#include <algorithm>

#include "base/strings.h"
#include "kube/k8s_status.h"

namespace irsa::kube {
namespace {

// Splits on commas that are not inside parentheses.
std::vector<std::string> SplitTopLevel(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(current);
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  parts.push_back(current);
  return parts;
}

std::string Trim(std::string_view s) { return std::string(TrimWhitespace(s)); }

Error BadSelector(const std::string& text, const std::string& why) {
  return k8s_errors::BadRequest("unable to parse requirement: " + why + " in \"" + text + "\"");
}

bool ValidKey(const std::string& key) {
  if (key.empty() || key.size() > 316) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<LabelSelector> LabelSelector::Parse(const std::string& text) {
  LabelSelector selector;
  if (Trim(text).empty()) return selector;
  for (const std::string& raw : SplitTopLevel(text)) {
    std::string part = Trim(raw);
    if (part.empty()) return BadSelector(text, "empty requirement");
    Requirement req;
    size_t ne = part.find("!=");
    size_t eq = part.find('=');
    size_t space = part.find(' ');
    if (ne != std::string::npos) {
      req.key = Trim(part.substr(0, ne));
      req.op = Op::kNotEquals;
      req.values.push_back(Trim(part.substr(ne + 2)));
    } else if (eq != std::string::npos) {
      req.key = Trim(part.substr(0, eq));
      size_t value_start = eq + 1;
      if (value_start < part.size() && part[value_start] == '=') ++value_start;
      req.op = Op::kEquals;
      req.values.push_back(Trim(part.substr(value_start)));
    } else if (space != std::string::npos) {
      req.key = Trim(part.substr(0, space));
      std::string rest = Trim(part.substr(space + 1));
      if (rest.starts_with("notin")) {
        req.op = Op::kNotIn;
        rest = Trim(rest.substr(5));
      } else if (rest.starts_with("in")) {
        req.op = Op::kIn;
        rest = Trim(rest.substr(2));
      } else {
        return BadSelector(text, "unknown operator");
      }
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
        return BadSelector(text, "expected a parenthesised value list");
      }
      for (std::string_view v : Split(std::string_view(rest).substr(1, rest.size() - 2), ',')) {
        req.values.push_back(Trim(v));
      }
    } else if (part[0] == '!') {
      req.key = Trim(part.substr(1));
      req.op = Op::kNotExists;
    } else {
      req.key = part;
      req.op = Op::kExists;
    }
    if (!ValidKey(req.key)) return BadSelector(text, "invalid label key \"" + req.key + "\"");
    selector.requirements_.push_back(std::move(req));
  }
  return selector;
}

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  for (const auto& req : requirements_) {
    auto it = labels.find(req.key);
    bool has = it != labels.end();
    bool in_values =
        has && std::find(req.values.begin(), req.values.end(), it->second) != req.values.end();
    switch (req.op) {
      case Op::kEquals:
      case Op::kIn:
        if (!in_values) return false;
        break;
      case Op::kNotEquals:
      case Op::kNotIn:
        if (in_values) return false;
        break;
      case Op::kExists:
        if (!has) return false;
        break;
      case Op::kNotExists:
        if (has) return false;
        break;
    }
  }
  return true;
}

Result<FieldSelector> FieldSelector::Parse(const std::string& text,
                                           const std::vector<std::string>& supported) {
  FieldSelector selector;
  if (Trim(text).empty()) return selector;
  for (const std::string& raw : SplitTopLevel(text)) {
    std::string part = Trim(raw);
    Term term;
    size_t ne = part.find("!=");
    size_t eq = part.find('=');
    if (ne != std::string::npos) {
      term.field = Trim(part.substr(0, ne));
      term.equals = false;
      term.value = Trim(part.substr(ne + 2));
    } else if (eq != std::string::npos) {
      term.field = Trim(part.substr(0, eq));
      size_t value_start = eq + 1;
      if (value_start < part.size() && part[value_start] == '=') ++value_start;
      term.equals = true;
      term.value = Trim(part.substr(value_start));
    } else {
      return k8s_errors::BadRequest("invalid selector: '" + text + "'; can't understand '" + part +
                                    "'");
    }
    if (std::find(supported.begin(), supported.end(), term.field) == supported.end()) {
      std::string list;
      for (const auto& f : supported) list += (list.empty() ? "\"" : ", \"") + f + "\"";
      return k8s_errors::BadRequest("\"" + term.field + "\" is not a known field selector: only " +
                                    list);
    }
    selector.terms_.push_back(std::move(term));
  }
  return selector;
}

bool FieldSelector::Matches(const FieldGetter& get) const {
  for (const auto& term : terms_) {
    std::optional<std::string> value = get(term.field);
    bool equal = value && *value == term.value;
    if (equal != term.equals) return false;
  }
  return true;
}

std::optional<std::string> FieldSelector::RequiredValue(const std::string& field) const {
  for (const auto& term : terms_) {
    if (term.field == field && term.equals) return term.value;
  }
  return std::nullopt;
}

}  // namespace irsa::kube
