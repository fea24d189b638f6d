#include "kube/k8s_store_lookup.h"

#include "kube/k8s_json.h"
#include "kube/k8s_repository.h"

namespace irsa::kube {

Result<std::optional<ServiceAccountInfo>> StoreServiceAccountLookup::Get(const std::string& ns,
                                                                         const std::string& name) {
  std::optional<json::object> object;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(object,
             ClusterObjects(tx, account_, cluster_).Get(ObjectKind::kServiceAccount, ns, name));
    return OkStatus();
  }));
  if (!object) return std::optional<ServiceAccountInfo>();
  ServiceAccountInfo info;
  info.ns = ns;
  info.name = name;
  const json::object* meta = ObjectAt(*object, "metadata");
  const json::object* annotations = meta ? ObjectAt(*meta, "annotations") : nullptr;
  if (annotations) {
    for (const auto& [k, v] : *annotations) {
      if (v.is_string()) info.annotations.emplace(std::string(k), std::string(v.as_string()));
    }
  }
  return std::optional<ServiceAccountInfo>(std::move(info));
}

}  // namespace irsa::kube
