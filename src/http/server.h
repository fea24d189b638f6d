// The HTTP/1.1 server: accepts connections (plain or TLS), parses requests with size limits and
// timeouts, assigns each request an id, answers the built-in endpoints and hands everything else
// to the application's Handler; writes the access log and request metrics.
//
//   http::ServerOptions options;
//   options.listeners.push_back({.host = "0.0.0.0", .port = 8443, .tls = true});
//   options.tls = {.certificate_chain_file = "cert.pem", .private_key_file = "key.pem"};
//   http::Server server(std::move(options), [&](HttpRequest& r) { return Route(r); });
//   if (Status s = server.Start(); !s) return s;
//   http::RunUntilSignal(server, std::chrono::seconds(10));
//
// Built-in endpoints (GET or HEAD, exact path), answered before the handler is called:
//   /healthz  200 "ok"
//   /readyz   200 "ok" if ServerOptions::ready is unset or returns true, else 503; always 503
//             once Stop() has begun
//   /metrics  the Prometheus text rendering of ServerOptions::registry
//
// Every response carries `x-amzn-RequestId` (the request's id), `Date`, `Server: irsa` and
// `Content-Length` (headers of these names set by the handler are replaced). Protocol errors
// produced by the server itself are rendered by ServerOptions::error_responder:
//   400 malformed request, 408 request not received within read_timeout,
//   413 body larger than max_body_bytes, 431 header larger than max_header_bytes,
//   500 handler threw.
// After such an error the connection is closed; the server keeps serving other connections.
//
// Metrics (in ServerOptions::registry):
//   irsa_requests_total{service,action,code}       code = HTTP status, e.g. "200"
//   irsa_request_duration_seconds{service,action}  from the complete request to the handler's
//                                                  return (excludes network write time)
//   irsa_open_connections
//   irsa_http_errors_total{reason}  reason: bad_request, header_too_large, body_too_large,
//       read_timeout, write_timeout, tls_handshake, max_connections, accept, handler_exception
// Server-generated and built-in responses are labelled service="http".
//
// Access log: one JSON line per request through log::WriteRaw with ts, request_id, remote,
// method, path (decoded, never the query string), status, bytes (body bytes sent), duration_ms,
// service, action, error, principal. Headers, bodies and query strings are never logged.
//
// Thread-safety: Start, Stop and BoundEndpoints may be called from any thread except an IO
// thread (i.e. not from inside the handler). The handler is called concurrently on the IO threads
// and must be thread-safe; it runs synchronously on an IO thread, so it must not block for long.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "base/http_types.h"
#include "base/metrics.h"
#include "base/random.h"
#include "base/result.h"

namespace irsa::http {

struct ListenerOptions {
  std::string host = "127.0.0.1";  // IP literal or resolvable name; "0.0.0.0" / "::" for all
  uint16_t port = 0;               // 0 picks a free port (see Server::BoundEndpoints)
  bool tls = false;                // requires ServerOptions::tls
};

struct TlsOptions {
  std::string certificate_chain_file;  // PEM: leaf first, then intermediates (ECDSA P-256)
  std::string private_key_file;        // PEM, unencrypted
};

// Renders an error produced by the server itself (not by the handler) into a response; the
// server adds the standard headers. The default is the AWS Query XML error envelope.
using ErrorResponder = std::function<HttpResponse(const Error& error, std::string_view request_id)>;

struct ServerOptions {
  std::vector<ListenerOptions> listeners;
  TlsOptions tls;  // used when any listener has tls = true; TLS 1.2+, session resumption on

  int io_threads = 0;                   // 0 = std::thread::hardware_concurrency()
  size_t max_header_bytes = 16 * 1024;  // request line + header fields
  size_t max_body_bytes = 1024 * 1024;
  // The whole request (first byte to last body byte) must arrive within this; a TLS handshake
  // must complete within it too.
  std::chrono::milliseconds read_timeout{30000};
  // A kept-alive connection may wait this long for the first byte of its next request.
  std::chrono::milliseconds idle_timeout{60000};
  // A response must be written within this.
  std::chrono::milliseconds write_timeout{30000};
  size_t max_connections = 10000;  // further connections are accepted and closed at once

  std::function<bool()> ready;  // /readyz; unset = ready. Called on IO threads.

  bool access_log = true;
  bool access_log_builtin = false;  // also log /healthz, /readyz and /metrics requests

  // Injected dependencies; null selects the process-wide default. Not owned; must outlive the
  // Server.
  metrics::Registry* registry = nullptr;  // DefaultRegistry()
  Random* random = nullptr;               // SystemRandom: request ids
  const Clock* clock = nullptr;           // SystemClock: Date header, durations, log timestamps

  ErrorResponder error_responder;  // unset = AWS Query XML envelope
};

struct BoundEndpoint {
  std::string host;  // the bound address, e.g. "127.0.0.1" or "::1"
  uint16_t port = 0;
  bool tls = false;
  std::string ToString() const;  // "127.0.0.1:8080", "[::1]:8080"
};

class Server {
 public:
  using Handler = std::function<HttpResponse(HttpRequest&)>;

  Server(ServerOptions options, Handler handler);
  // Stops (with no grace period) if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads TLS material, binds and listens on every listener, and starts the IO threads.
  // Errors (bad options, unreadable or invalid certificate/key, address in use, ...) name the
  // listener or file. Call at most once.
  Status Start();

  // The actual address of each listener, in ServerOptions::listeners order (after Start).
  std::vector<BoundEndpoint> BoundEndpoints() const;

  // Graceful stop: stops accepting, closes idle connections, lets in-flight requests finish
  // and flushes their responses (sent with `Connection: close`), then closes what is left once
  // `grace` has passed and joins the IO threads. Idempotent; returns when everything is closed.
  void Stop(std::chrono::milliseconds grace);

  // Open connections right now (also the irsa_open_connections gauge).
  int64_t OpenConnections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Blocks the calling thread until SIGINT or SIGTERM arrives, then calls server.Stop(grace).
// Returns the signal number.
int RunUntilSignal(Server& server, std::chrono::milliseconds grace);

}  // namespace irsa::http
