// Where a node's requests run (issue 18: requests that need no store never wait behind a store
// call).
//
// With a worker pool, the IO threads only move bytes: accept, TLS, parsing, writing and the
// server's built-in /healthz, /readyz and /metrics. Every routed request (IAM, STS, EKS, S3, the
// OIDC issuers, the Kubernetes API, the webhook) is handed to a pool thread. A store call, an
// SQLite fsync or a PostgreSQL round trip then blocks one pool thread instead of every connection
// of an IO thread, and a node on PostgreSQL keeps as many requests in flight as it has pool
// threads (its throughput is bounded by round-trip latency, not CPU; docs/architecture.md).
//
// Without a pool (`irsa serve --worker-threads 0`) requests run inline on their IO thread: no
// thread hop, but one slow store call stalls every other connection of that thread.
//
// When the pool's queue is full, the request is answered at once with 503 ServiceUnavailable in
// the AWS Query XML envelope (the SDKs and the AWS CLI retry a 503 with backoff, whatever the
// service). Nothing is half-done: the request was never started.
//
// Thread-safety: the returned handler may be called concurrently from every IO thread. `handle`
// must be thread-safe and outlive the handler; `pool` (not owned) must outlive the http::Server
// that calls the handler (stop the server before the pool).
#pragma once

#include <functional>

#include "base/http_types.h"
#include "base/worker_pool.h"
#include "http/server.h"

namespace irsa::server {

using RequestHandle = std::function<HttpResponse(HttpRequest&)>;

// `pool` null: inline on the IO thread. `pool_full` answers a request the pool refused (null:
// PoolFullResponse); it must be thread-safe.
http::Server::AsyncHandler DispatchRequests(
    RequestHandle handle, WorkerPool* pool,
    std::function<HttpResponse(const HttpRequest&)> pool_full = nullptr);

// The answer to a request the pool had no room for (503 ServiceUnavailable, Query XML).
HttpResponse PoolFullResponse(const HttpRequest& request);

}  // namespace irsa::server
