// OpenAPI v3 documents for the served API subset, enough for kubectl:
//  - kubectl's field-validation probe reads the PATCH operation of the kind's path, finds the
//    `fieldValidation` query parameter and then leaves validation to the server (so no OpenAPI
//    v2 protobuf document is ever needed),
//  - `kubectl apply` builds its strategic merge patch from components.schemas (found through
//    x-kubernetes-group-version-kind), with the list merge keys declared below.
// GET /openapi/v3 is the index; its serverRelativeURLs must be absolute paths on the server, so
// they include the prefix under which the cluster's API is mounted.
#pragma once

#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace irsa::kube {

// The index document {"paths":{"api/v1":{"serverRelativeURL":...},"api":{...}}}; `root` is the
// server path of the cluster's API root without a trailing slash (e.g. "/k8s/prod").
boost::json::object OpenApiV3Index(std::string_view root);
// The document for "api/v1".
const boost::json::object& OpenApiV3CoreV1();
// The (empty-pathed) document for "api".
boost::json::object OpenApiV3CoreApi();
// A stable hash of the served documents, used in serverRelativeURL (?hash=...) for caching.
std::string OpenApiV3Hash();

}  // namespace irsa::kube
