// The HTTP/1.1 server: accepts connections (plain or TLS), parses requests with size limits and
// timeouts, assigns each request an id, answers the built-in endpoints and hands everything else
// to the application's handler; writes the access log and request metrics.
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
// Every response carries `x-amzn-RequestId` (the request's id), `Date`, `Server: irsa` and its
// framing (`Content-Length`, or `Transfer-Encoding: chunked` for a streamed body of unknown
// length); headers of these names set by the handler are replaced. Protocol errors produced by
// the server itself are rendered by ServerOptions::request_error_responder or error_responder:
//   400 malformed request, 408 request not received within read_timeout,
//   413 body larger than max_body_bytes, 431 header larger than max_header_bytes,
//   500 handler threw or dropped its Responder, 503 worker pool full (streamed requests).
// After such an error the connection is closed; the server keeps serving other connections.
//
// ---- Handlers and the threading model ----
//
// IO threads (ServerOptions::io_threads) run the sockets: accept, TLS, parsing, writing. Each
// connection lives on one IO thread. A request is handed to the application in one of three forms:
//
//  * Handler `HttpResponse(HttpRequest&)` (synchronous): called on the connection's IO thread;
//    its return value is the response. For work answered from memory (the STS hot path). It must
//    not block: every other connection of that IO thread waits while it runs.
//
//  * AsyncHandler `void(HttpRequest&, Responder)`: called on the IO thread; the application
//    decides per request whether to answer inline (call the Responder before returning: no thread
//    hop, same cost as the synchronous form) or to hand the request to a WorkerPool
//    (base/worker_pool.h) and call the Responder later from that thread (blocking store calls).
//    If the pool refuses the task (queue full), answer at once, e.g. 503 ServiceUnavailable.
//    The request stays valid and unchanged by the server until the Responder is called (or every
//    copy of it is destroyed); the handler may move the body out of it, but the access log reads
//    its method, path, request_id and remote_address after completion.
//
//  * StreamHandler `HttpResponse(HttpRequest&, ByteSource& body)`: for requests selected by
//    ServerOptions::stream_body from the request line and headers alone. The server does not
//    buffer such a body and does not apply max_body_bytes; it submits the handler to
//    ServerOptions::worker_pool (503 if the pool refuses) and the handler reads the body from the
//    connection through `body` (Content-Length or chunked; `req.body` is empty). Reads block the
//    pool thread and apply backpressure: the connection reads from the socket only while the
//    handler's bounded buffer has room. `Expect: 100-continue` is honoured: "100 Continue" is
//    sent when the handler first reads; a handler that answers without reading sends its final
//    response instead. A body not read to its end when the handler returns is discarded and the
//    connection closed after the response (up to 8 MiB / 1 s are drained first, so the client
//    sees the response rather than a reset). Read fails (an Error, never a crash) if the client
//    disconnects, the body is malformed (BadRequest: then answer 400) or the client stops sending
//    for read_timeout.
//
// Streamed responses: any handler may return a response with `body_writer` (base/http_types.h).
// The writer runs on a thread that may block: inline on the pool thread for a StreamHandler or a
// Responder called off the IO threads (the Responder call then returns when the body is sent),
// otherwise on ServerOptions::worker_pool (503 if there is none or it refuses). It writes through
// a ByteSink that blocks while the client is slow (backpressure; at most two 64 KiB buffers per
// connection) and fails once the client disconnects or a write exceeds write_timeout. With
// `content_length` set the body is sent with that Content-Length (writing more fails; writing
// less closes the connection after the short body); unset, it is sent chunked (to HTTP/1.0
// clients: delimited by closing the connection). If the writer returns an error before anything
// was sent (the first 64 KiB are buffered), the client receives that error's response (through
// error_responder) instead; later, the connection is closed, truncating the body. HEAD requests
// and bodiless statuses never call the writer; a HEAD response announces `content_length`.
//
// Per connection, memory is bounded whatever the body sizes: the header (max_header_bytes), a
// buffered body (max_body_bytes), or for streamed exchanges a 16 KiB read buffer, a 64 KiB body
// buffer and two 64 KiB response buffers (see PeakStreamBufferBytes).
//
// ---- Connection limits ----
//
// At most max_connections connections are open. When a new connection arrives at that limit, the
// connection of another client address that has been idle longest (a keep-alive connection
// waiting for its next request, or a new one that has not sent a byte) is closed to make room
// (irsa_http_idle_evictions_total); the open count may exceed the limit by the evictions in
// flight for an IO-loop turn. A client never evicts its own connections, so a client holding
// thousands of idle connections cannot lock others out, nor churn through them. With nothing to
// evict the newcomer is closed at once (reason max_connections). With
// max_connections_per_client > 0, a client address (IPv4-mapped IPv6 counts as IPv4) with that
// many open connections has further ones closed at once (reason per_client_limit).
//
// Metrics (in ServerOptions::registry):
//   irsa_requests_total{service,action,code}       code = HTTP status, e.g. "200"
//   irsa_request_duration_seconds{service,action}  from the complete request (for streamed
//                                                  requests: the end of the header) to the
//                                                  response (handler's return or Responder call;
//                                                  streamed bodies: the last byte written)
//   irsa_open_connections
//   irsa_http_errors_total{reason}  reason: bad_request, header_too_large, body_too_large,
//       read_timeout, write_timeout, tls_handshake, max_connections, accept, handler_exception,
//       per_client_limit, worker_pool_full, stream_aborted (a streamed response cut short)
//   irsa_http_idle_evictions_total
// Server-generated and built-in responses are labelled service="http".
//
// Access log: one JSON line per request through log::WriteRaw with ts, request_id, remote,
// method, path (decoded, never the query string), status, bytes (body bytes sent), duration_ms,
// service, action, error, principal. Headers, bodies and query strings are never logged.
//
// Thread-safety: Start, Stop and BoundEndpoints may be called from any thread except an IO thread
// (i.e. not from inside a handler). Handlers are called concurrently (IO threads, pool threads)
// and must be thread-safe. Stop waits for in-flight requests, including those whose handler runs
// on a worker pool: stop the server before shutting its pool down.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_stream.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/http_types.h"
#include "base/metrics.h"
#include "base/random.h"
#include "base/result.h"
#include "base/worker_pool.h"

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
// The same with the request the error answers, as parsed so far: method, target and path (empty
// when the request line was malformed), the headers received (possibly none), request_id. Lets an
// application answer in the protocol of the endpoint the request was for (irsa: S3's XML for the
// S3 endpoint); nullopt leaves the error to error_responder. Called on IO threads and pool
// threads; must be cheap and thread-safe.
using RequestErrorResponder =
    std::function<std::optional<HttpResponse>(const Error& error, const HttpRequest& request)>;

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
  // See "Connection limits" above. max_connections_per_client 0 = no per-client limit.
  size_t max_connections = 10000;
  size_t max_connections_per_client = 0;

  std::function<bool()> ready;  // /readyz; unset = ready. Called on IO threads.

  bool access_log = true;
  bool access_log_builtin = false;  // also log /healthz, /readyz and /metrics requests

  // Injected dependencies; null selects the process-wide default. Not owned; must outlive the
  // Server.
  metrics::Registry* registry = nullptr;  // DefaultRegistry()
  Random* random = nullptr;               // SystemRandom: request ids
  const Clock* clock = nullptr;           // SystemClock: Date header, durations, log timestamps

  ErrorResponder error_responder;  // unset = AWS Query XML envelope
  // Consulted before error_responder when set.
  RequestErrorResponder request_error_responder;

  // Selects the requests handled by the StreamHandler, from the request line and headers alone
  // (`req.body` is empty; method, target, path, query, headers, remote_address, secure and
  // request_id are set). Called on IO threads; must be cheap and thread-safe. Built-in endpoints
  // are never streamed. Set only together with a StreamHandler and worker_pool.
  std::function<bool(const HttpRequest& req)> stream_body;

  // Runs StreamHandlers and streamed response bodies (see above). Not owned; must outlive the
  // Server. Required for a StreamHandler; optional otherwise (then a response with a body_writer
  // produced on an IO thread is answered 500).
  WorkerPool* worker_pool = nullptr;
};

struct BoundEndpoint {
  std::string host;  // the bound address, e.g. "127.0.0.1" or "::1"
  uint16_t port = 0;
  bool tls = false;
  std::string ToString() const;  // "127.0.0.1:8080", "[::1]:8080"
};

namespace internal {
struct Exchange;
}  // namespace internal

// The one-shot completion of a request given to an AsyncHandler. A cheap copyable handle: the
// first call sends the response; later calls (through any copy) are ignored. If every copy is
// destroyed without a call, the client receives 500 InternalFailure, so a lost request never
// hangs a connection (a task a WorkerPool cancels answers this way). May be called from any
// thread; called on the IO thread inside the handler it answers inline without a thread hop.
// Called off the IO threads with a response that has a body_writer, it streams the body on the
// calling thread and returns when the body is sent or failed.
class Responder {
 public:
  Responder(const Responder& other);
  Responder(Responder&& other) noexcept;
  Responder& operator=(const Responder& other);
  Responder& operator=(Responder&& other) noexcept;
  ~Responder();

  void operator()(HttpResponse response) const;

  // True once the request is answered or its connection has closed (the server stopped, or a read
  // or write failed: a disconnect is noticed when the connection next reads or writes, e.g.
  // while a streamed body is read). Work for it may then be skipped; calling is harmless.
  bool Done() const;

  // Internal: made by the server.
  explicit Responder(std::shared_ptr<internal::Exchange> exchange);

 private:
  std::shared_ptr<internal::Exchange> exchange_;
};

class Server {
 public:
  using Handler = std::function<HttpResponse(HttpRequest&)>;
  using AsyncHandler = std::function<void(HttpRequest&, Responder)>;
  using StreamHandler = std::function<HttpResponse(HttpRequest&, ByteSource& body)>;

  // `stream_handler` (optional) serves the requests ServerOptions::stream_body selects.
  Server(ServerOptions options, Handler handler, StreamHandler stream_handler = nullptr);
  Server(ServerOptions options, AsyncHandler handler, StreamHandler stream_handler = nullptr);
  // Stops (with no grace period) if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads TLS material, binds and listens on every listener, and starts the IO threads.
  // Errors (bad options — e.g. stream_body without a StreamHandler or worker_pool —, unreadable
  // or invalid certificate/key, address in use, ...) name the listener or file. Call at most once.
  Status Start();

  // The actual address of each listener, in ServerOptions::listeners order (after Start).
  std::vector<BoundEndpoint> BoundEndpoints() const;

  // Graceful stop: stops accepting, closes idle connections, lets in-flight requests finish
  // (also those answered on a worker pool, and streamed bodies) and flushes their responses
  // (sent with `Connection: close`), then closes what is left once `grace` has passed (their
  // body reads and writes fail) and joins the IO threads. Idempotent; returns when everything is
  // closed. Responders called afterwards do nothing.
  void Stop(std::chrono::milliseconds grace);

  // Open connections right now (also the irsa_open_connections gauge).
  int64_t OpenConnections() const;

  // The most bytes one connection has held in buffers for a streamed exchange so far (read
  // buffer, request body buffer, response buffers): a bound that does not grow with body sizes.
  // For tests and diagnostics.
  size_t PeakStreamBufferBytes() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Blocks the calling thread until SIGINT or SIGTERM arrives, then calls server.Stop(grace).
// Returns the signal number.
int RunUntilSignal(Server& server, std::chrono::milliseconds grace);

}  // namespace irsa::http
