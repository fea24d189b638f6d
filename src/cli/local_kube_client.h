// LocalKubeClient: the Kubernetes API of irsa's hosted clusters, called in process by the offline
// subcommands (`irsa exec`, `irsa iamserviceaccount`).
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "base/result.h"
#include "server/node.h"

namespace irsa::cli {

// An in-process client of the Kubernetes API irsa serves for its hosted clusters: a
// kube::KubeApi over the node's store, acting as the cluster admin (whoever can open the data
// directory already holds every key). Requests go through exactly the code that serves kubectl,
// so objects are validated and stamped as the API does. Not thread-safe; `app` must outlive it.
class LocalKubeClient {
 public:
  LocalKubeClient(server::Node& app, std::string account);
  ~LocalKubeClient();
  LocalKubeClient(const LocalKubeClient&) = delete;
  LocalKubeClient& operator=(const LocalKubeClient&) = delete;

  // Sends `method path` (path relative to the cluster's API root, e.g. "/api/v1/namespaces")
  // with a JSON `body` of `content_type`. 2xx: the response object. Otherwise an Error whose
  // code is the Kubernetes Status reason ("NotFound", "AlreadyExists", ...), whose HTTP status
  // is the response's and whose message is the Status message.
  Result<boost::json::object> Call(const std::string& cluster, const std::string& method,
                                   const std::string& path, const std::string& body = "",
                                   const std::string& content_type = "application/json");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace irsa::cli
