#include "server/request_dispatch.h"

#include <memory>
#include <utility>

#include "base/error.h"
#include "protocol/error_render.h"
#include "protocol/xml_writer.h"

namespace irsa::server {

HttpResponse PoolFullResponse(const HttpRequest& request) {
  return protocol::RenderQueryError(
      errors::ServiceUnavailable("irsa is at capacity: every request worker is busy and the "
                                 "queue is full; retry with backoff"),
      protocol::kStsXmlNamespace, request.request_id);
}

http::Server::AsyncHandler DispatchRequests(
    RequestHandle handle, WorkerPool* pool,
    std::function<HttpResponse(const HttpRequest&)> pool_full) {
  if (pool == nullptr) {
    return [handle = std::move(handle)](HttpRequest& request, http::Responder respond) {
      respond(handle(request));
    };
  }
  // Shared so that a queued task never refers into a moved-from handler object.
  auto shared = std::make_shared<const RequestHandle>(std::move(handle));
  if (!pool_full) pool_full = PoolFullResponse;
  return [shared, pool, pool_full](HttpRequest& request, http::Responder respond) {
    // The request stays valid until `respond` is called (http/server.h), so the task may hold a
    // reference to it.
    const bool queued = pool->Submit([handle = shared.get(), &request, respond] {
      if (respond.Done()) return;  // the client left while the request was queued
      respond((*handle)(request));
    });
    if (!queued) respond(pool_full(request));
  };
}

}  // namespace irsa::server
