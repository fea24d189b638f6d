// Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` requests (Accept:
// application/json;as=Table;v=v1;g=meta.k8s.io), with the columns a real API server prints:
// namespaces NAME STATUS AGE, service accounts NAME SECRETS AGE.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "base/clock.h"
#include "kube/k8s_objects.h"

namespace irsa::kube {

// Whether the Accept header asks for a meta.k8s.io Table (v1 or v1beta1).
bool WantsTable(std::string_view accept);
// The apiVersion of the Table asked for ("meta.k8s.io/v1" or "meta.k8s.io/v1beta1").
std::string TableApiVersion(std::string_view accept);

// Kubernetes' HumanDuration: "45s", "3m20s", "5h2m", "3d4h", "2y10d", "<invalid>" ...
std::string HumanDuration(int64_t seconds);

// ?includeObject=None|Metadata|Object (default Metadata: rows carry PartialObjectMetadata).
enum class IncludeObject { kNone, kMetadata, kObject };

boost::json::object BuildTable(ObjectKind kind, const std::vector<boost::json::object>& items,
                               const std::string& resource_version, SystemTime now,
                               IncludeObject include, std::string_view api_version);

}  // namespace irsa::kube
