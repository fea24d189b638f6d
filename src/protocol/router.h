// The route table: every HTTP request irsa serves (except the http module's built-in /healthz,
// /readyz and /metrics) enters here and is dispatched by path:
//
//   /                       AWS Query protocol: IAM and STS (service from the SigV4 scope, or
//                           from the action when unsigned)
//   /_irsa/reset            POST, wipes all state (only when enabled; test suites)
//   anything registered with AddPrefix (EKS REST-JSON, Kubernetes API, OIDC issuers, …)
//
// Thread-safety: Handle is safe to call concurrently once configuration (Add*) is done.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/http_types.h"
#include "protocol/authn.h"
#include "protocol/query_api.h"

namespace irsa::protocol {

struct RouterOptions {
  // Enables POST /_irsa/reset, which calls `reset` (wipe and re-bootstrap).
  std::function<Status()> reset;
};

class Router {
 public:
  using PrefixHandler = std::function<HttpResponse(HttpRequest&)>;

  Router(const Authenticator& authn, QueryServices services, RouterOptions options);

  // Requests whose path starts with `prefix` go to `handler` (checked in registration order).
  void AddPrefix(std::string prefix, PrefixHandler handler);

  HttpResponse Handle(HttpRequest& request);

 private:
  HttpResponse HandleQuery(HttpRequest& request);
  HttpResponse HandleReset(HttpRequest& request);

  const Authenticator& authn_;
  QueryServices services_;
  RouterOptions options_;
  QueryActionTable iam_actions_;
  QueryActionTable sts_actions_;
  std::vector<std::pair<std::string, PrefixHandler>> prefixes_;
};

}  // namespace irsa::protocol
