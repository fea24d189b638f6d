// The three PATCH formats of the Kubernetes API, applied to JSON documents:
//  - JSON merge patch (RFC 7386, application/merge-patch+json),
//  - strategic merge patch (application/strategic-merge-patch+json): a merge patch whose lists
//    merge by key where the schema says so (e.g. ServiceAccount.secrets by "name"), with the
//    directives kubectl emits: "$patch" (replace/delete/merge), "$setElementOrder/<list>",
//    "$deleteFromPrimitiveList/<list>" and "$retainKeys",
//  - JSON patch (RFC 6902, application/json-patch+json) with RFC 6901 pointers (~0, ~1).
// Errors follow the API server: a malformed patch document is BadRequest (400); a well-formed
// patch that cannot be applied (missing path, failed "test") is Invalid (422).
#pragma once

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "base/result.h"

namespace irsa::kube {

// RFC 7386: objects merge recursively, null deletes, everything else replaces.
boost::json::value MergePatch(const boost::json::value& target, const boost::json::value& patch);

// How one list field merges in a strategic merge patch. `path` is the dotted field path from the
// document root ("secrets", "metadata.ownerReferences"); lists not named replace wholesale.
struct ListMergeRule {
  std::string path;
  std::string merge_key;  // element field identifying list items; empty: a set of primitives
};

Result<boost::json::value> StrategicMergePatch(const boost::json::value& target,
                                               const boost::json::value& patch,
                                               const std::vector<ListMergeRule>& rules);

// Applies an RFC 6902 patch (a JSON array of operations). Copies are bounded so that a small
// patch cannot grow the document beyond `max_bytes`.
Result<boost::json::value> JsonPatch(const boost::json::value& target,
                                     const boost::json::value& patch, size_t max_bytes);

// RFC 6901: "/a/b~1c" -> {"a", "b/c"}. Returns BadRequest for a pointer not starting with '/'
// (the empty pointer "" is the whole document: an empty vector).
Result<std::vector<std::string>> ParseJsonPointer(const std::string& pointer);

}  // namespace irsa::kube
