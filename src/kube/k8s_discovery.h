// Discovery documents of the served Kubernetes API subset: what kubectl reads before it acts.
// All functions return complete JSON bodies (served with Content-Type application/json).
//
// Aggregated discovery (Accept: ...;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList) is not
// implemented: /api and /apis always answer the legacy APIVersions / APIGroupList with
// Content-Type application/json, which kubectl (1.27+) recognises and falls back from to
// GET /api/v1.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace irsa::kube {

// The Kubernetes version irsa's API subset claims ("v1.31.0-irsa").
inline constexpr std::string_view kMajorVersion = "1";
inline constexpr std::string_view kMinorVersion = "31";
inline constexpr std::string_view kGitVersion = "v1.31.0-irsa";

boost::json::object VersionInfo();
// APIVersions for /api; `server_address` is the host:port clients used (Host header).
boost::json::object CoreApiVersions(std::string_view server_address);
// APIResourceList for /api/v1: namespaces, serviceaccounts, serviceaccounts/token, events.
boost::json::object CoreV1Resources();
// APIGroupList for /apis: authentication.k8s.io and authorization.k8s.io (v1), for the
// self-reviews.
boost::json::object ApiGroupList();
// APIGroup for /apis/<group>, or nullopt for a group irsa does not serve.
std::optional<boost::json::object> ApiGroup(std::string_view group);
// APIResourceList for /apis/<group>/<version>, or nullopt.
std::optional<boost::json::object> GroupResources(std::string_view group, std::string_view version);

}  // namespace irsa::kube
