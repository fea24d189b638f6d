// What the webhook needs to know about a Kubernetes ServiceAccount, and the injected interface
// that finds one. The server implements ServiceAccountLookup over irsa's own Kubernetes API store
// or a real kube-apiserver; CachingServiceAccountLookup (service_account_lookup.h) decorates it.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "base/result.h"

namespace irsa::kube {

struct ServiceAccountInfo {
  std::string ns;    // metadata.namespace
  std::string name;  // metadata.name
  // metadata.annotations, e.g. "eks.amazonaws.com/role-arn" → "arn:aws:iam::…:role/…".
  std::map<std::string, std::string> annotations;

  bool operator==(const ServiceAccountInfo&) const = default;
};

class ServiceAccountLookup {
 public:
  virtual ~ServiceAccountLookup() = default;
  // The ServiceAccount `name` in namespace `ns`: a value when it exists, nullopt when it does
  // not (a definite "not found"), an Error when the answer is unknown (API unreachable, timeout).
  // Implementations used by the webhook server must be safe to call from several threads.
  virtual Result<std::optional<ServiceAccountInfo>> Get(const std::string& ns,
                                                        const std::string& name) = 0;
};

}  // namespace irsa::kube
