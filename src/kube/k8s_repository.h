// Persistence of one cluster's Kubernetes objects in the Store, inside a caller's transaction.
//
// Rows (account = the cluster's account):
//   kind "k8s_namespace",      parent "<cluster>",             key = namespace name
//   kind "k8s_serviceaccount", parent "<cluster>/<namespace>", key = service account name
//   kind "k8s_cluster_state",  parent "",                      key = "<cluster>"
// body = the object's JSON. The state row holds the cluster's resourceVersion counter: every
// write takes the next value (monotonic per cluster, also across deletes), and a cluster whose
// state row is missing has not been bootstrapped yet (built-in namespaces not created).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "base/result.h"
#include "kube/k8s_objects.h"
#include "store/store.h"

namespace irsa::kube {

inline constexpr std::string_view kNamespaceRowKind = "k8s_namespace";
inline constexpr std::string_view kServiceAccountRowKind = "k8s_serviceaccount";
inline constexpr std::string_view kClusterStateRowKind = "k8s_cluster_state";

// Namespaces every cluster has from the start; they cannot be deleted.
inline constexpr std::string_view kBuiltinNamespaces[] = {"default", "kube-node-lease",
                                                          "kube-public", "kube-system"};
bool IsBuiltinNamespace(std::string_view name);

class ClusterObjects {
 public:
  ClusterObjects(store::StoreTx& tx, std::string account, std::string cluster)
      : tx_(tx), account_(std::move(account)), cluster_(std::move(cluster)) {}

  // Whether the state row exists.
  Result<bool> Bootstrapped();
  // The last resourceVersion handed out (0 before the first write).
  Result<int64_t> CurrentResourceVersion();
  // Increments and returns the counter (write transactions only).
  Result<int64_t> NextResourceVersion();

  // `ns` is ignored for namespaces.
  Result<std::optional<boost::json::object>> Get(ObjectKind kind, const std::string& ns,
                                                 const std::string& name);
  // All objects of the kind, ordered by (namespace, name); `ns` unset: every namespace.
  Result<std::vector<boost::json::object>> List(ObjectKind kind,
                                                const std::optional<std::string>& ns);
  // Inserts a new object (metadata.name / metadata.namespace taken from the object);
  // AlreadyExists (409, Kubernetes message) when present.
  Status Insert(ObjectKind kind, const boost::json::object& object);
  // Inserts or replaces.
  Status Put(ObjectKind kind, const boost::json::object& object);
  Result<bool> Delete(ObjectKind kind, const std::string& ns, const std::string& name);
  // Deletes every service account of the namespace.
  Status DeleteNamespaceContents(const std::string& ns);

 private:
  store::RowId IdOf(ObjectKind kind, const std::string& ns, const std::string& name) const;
  store::Row RowOf(ObjectKind kind, const boost::json::object& object) const;

  store::StoreTx& tx_;
  std::string account_;
  std::string cluster_;
};

}  // namespace irsa::kube
