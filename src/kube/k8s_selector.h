// Label and field selectors of list requests (?labelSelector=..., ?fieldSelector=...).
//
// Label selectors: comma-separated requirements, each one of `key=value`, `key==value`,
// `key!=value`, `key` (exists), `!key` (does not exist), `key in (a,b)`, `key notin (a,b)`.
// Field selectors: `field=value`, `field==value`, `field!=value` over the fields the resource
// supports (the caller passes a getter that returns nullopt for unsupported fields).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace irsa::kube {

class LabelSelector {
 public:
  // Parses the (already percent-decoded) selector. Empty text selects everything.
  static Result<LabelSelector> Parse(const std::string& text);
  bool Matches(const std::map<std::string, std::string>& labels) const;
  bool empty() const { return requirements_.empty(); }

 private:
  enum class Op { kEquals, kNotEquals, kExists, kNotExists, kIn, kNotIn };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  std::vector<Requirement> requirements_;
};

class FieldSelector {
 public:
  using FieldGetter = std::function<std::optional<std::string>(const std::string& field)>;

  // Parses the selector; `supported` lists the field names the resource accepts (an unknown
  // field is BadRequest, as the API server answers).
  static Result<FieldSelector> Parse(const std::string& text,
                                     const std::vector<std::string>& supported);
  bool Matches(const FieldGetter& get) const;
  // The value required by an `=`/`==` term on `field`, if any (lets callers narrow lookups).
  std::optional<std::string> RequiredValue(const std::string& field) const;

 private:
  struct Term {
    std::string field;
    bool equals;
    std::string value;
  };
  std::vector<Term> terms_;
};

}  // namespace irsa::kube
