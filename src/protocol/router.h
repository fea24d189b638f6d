// The route table: every HTTP request irsa serves (except the http module's built-in /healthz,
// /readyz and /metrics) enters here and is dispatched by path:
//
//   /                       AWS Query protocol: IAM and STS (service from the SigV4 scope, or
//                           from the action when unsigned)
//   /_irsa/reset            POST, wipes all state (only when enabled; test suites)
//   S3 (SetS3Handler)       REST-XML: any request protocol/s3_access.h IsS3Request recognises
//                           (virtual-hosted or s3. Host, SigV4 scope service "s3"), checked
//                           first; and, as the last resort, any other request with a path
//                           (anonymous path-style /bucket/key)
//   anything registered with AddPrefix (EKS REST-JSON, Kubernetes API, OIDC issuers, …)
//
// Bodies: S3 uploads (PUT and POST, see RoutesToS3) are streamed: the HTTP server hands their body
// over as a ByteSource (HandleS3Stream) instead of reading it whole; every other route refuses a
// body larger than RouterOptions::max_body_bytes (413 RequestEntityTooLarge).
//
// Thread-safety: Handle is safe to call concurrently once configuration (Add*) is done.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/byte_stream.h"
#include "base/http_types.h"
#include "protocol/authn.h"
#include "protocol/query_api.h"

namespace irsa::protocol {

struct RouterOptions {
  // Enables POST /_irsa/reset, which calls `reset` (wipe and re-bootstrap).
  std::function<Status()> reset;
  // Body limit of the routes other than S3; 0: no limit beyond the HTTP server's.
  size_t max_body_bytes = 0;
};

class Router {
 public:
  using PrefixHandler = std::function<HttpResponse(HttpRequest&)>;
  // The S3 endpoint: `body` is the request body as it arrives (a streamed request), or null when
  // the body is whole in `request.body`.
  using S3Handler = std::function<HttpResponse(HttpRequest&, ByteSource* body)>;

  Router(const Authenticator& authn, QueryServices services, RouterOptions options);

  // Requests whose path starts with `prefix` go to `handler` (checked in registration order).
  void AddPrefix(std::string prefix, PrefixHandler handler);
  // The S3 endpoint (see above).
  void SetS3Handler(S3Handler handler) { s3_ = std::move(handler); }

  HttpResponse Handle(HttpRequest& request);

  // Whether Handle would give `request` to the S3 handler, from its request line and headers
  // alone (no body needed). Cheap; safe on the HTTP server's IO threads.
  bool RoutesToS3(const HttpRequest& request) const;
  // A request RoutesToS3 selected, with its body streamed from the connection.
  HttpResponse HandleS3Stream(HttpRequest& request, ByteSource& body);

 private:
  HttpResponse HandleQuery(HttpRequest& request);
  HttpResponse HandleReset(HttpRequest& request);

  const Authenticator& authn_;
  QueryServices services_;
  RouterOptions options_;
  QueryActionTable iam_actions_;
  QueryActionTable sts_actions_;
  std::vector<std::pair<std::string, PrefixHandler>> prefixes_;
  S3Handler s3_;
};

}  // namespace irsa::protocol
