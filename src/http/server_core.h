// Internal to the http module: the transport-independent half of the server. Holds the options,
// handlers and metric handles shared by all connections; answers built-in endpoints and calls the
// synchronous handler; renders response heads, server-generated errors and access-log lines;
// accounts connections (global and per-client limits).
//
// Thread-safety: after construction everything here is read-only or atomic, and is used
// concurrently from all IO threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/error.h"
#include "base/http_types.h"
#include "base/metrics.h"
#include "http/server.h"

namespace irsa::http::internal {

// Why a connection failed; one irsa_http_errors_total series each.
enum class HttpErrorReason {
  kBadRequest,
  kHeaderTooLarge,
  kBodyTooLarge,
  kReadTimeout,
  kWriteTimeout,
  kTlsHandshake,
  kMaxConnections,
  kAccept,
  kHandlerException,
  kPerClientLimit,
  kWorkerPoolFull,
  kStreamAborted,
  kCount,
};

// The application's handlers: `sync` or `async` (exactly one), `stream` optional. Shared with pool
// tasks, which may outlive the server.
struct Handlers {
  Server::Handler sync;
  Server::AsyncHandler async;
  Server::StreamHandler stream;
};

// Result of ServerCore::TryOpenConnection.
enum class Admission { kAdmitted, kFull, kPerClientLimit };

class ServerCore {
 public:
  ServerCore(ServerOptions options, Handlers handlers);

  const ServerOptions& options() const { return options_; }
  const Clock& clock() const { return *options_.clock; }
  Random& random() const { return *options_.random; }

  const std::shared_ptr<const Handlers>& handlers() const { return handlers_; }

  // Whether `req` (method and decoded path) names a built-in endpoint.
  static bool IsBuiltin(const HttpRequest& req);
  // Answers a built-in endpoint (labels service="http").
  void AnswerBuiltin(const HttpRequest& req, HttpResponse& resp);
  // Calls the synchronous handler, catching anything it throws (500) and refusing an invalid
  // status (500). `req.request_id` must already be set.
  void CallHandler(HttpRequest& req, HttpResponse& resp);
  // AnswerBuiltin or CallHandler.
  void Dispatch(HttpRequest& req, HttpResponse& resp);

  // A response for an error the server produced itself (labels service="http"), for `req` as
  // parsed so far (its request_id set).
  void ErrorResponse(const Error& error, const HttpRequest& req, HttpResponse& resp) const;

  // Counts the request in the metrics and writes its access-log line (unless disabled).
  // `log_buffer` is scratch space reused between calls.
  void Record(const HttpRequest& req, const HttpResponse& resp, size_t body_bytes_sent,
              MonoTime started, std::string& log_buffer);

  void CountError(HttpErrorReason reason) { errors_[static_cast<int>(reason)]->Inc(); }

  void CountIdleEviction() { idle_evictions_->Inc(); }

  // Connection accounting. `client_key` identifies the client address (its bytes, an
  // IPv4-mapped IPv6 address as IPv4; counted only when max_connections_per_client > 0).
  // TryOpenConnection reserves a slot unless the client is at
  // its limit or the server at max_connections; ForceOpenConnection reserves one regardless of
  // max_connections (a room-making eviction is under way); ConnectionClosed releases it and wakes
  // WaitForNoConnections.
  Admission TryOpenConnection(const std::string& client_key);
  void ForceOpenConnection(const std::string& client_key);
  void ConnectionClosed(const std::string& client_key);
  int64_t open_connections() const { return open_.load(std::memory_order_relaxed); }
  // Waits until no connection is open or `until` (real time: this is about sockets) passes;
  // true if none is open.
  bool WaitForNoConnections(std::chrono::steady_clock::time_point until);

  void set_draining() { draining_.store(true, std::memory_order_release); }
  bool draining() const { return draining_.load(std::memory_order_acquire); }

 private:
  ServerOptions options_;
  std::shared_ptr<const Handlers> handlers_;

  metrics::Family<metrics::Counter>* requests_;
  metrics::Family<metrics::Histogram>* durations_;
  metrics::Gauge* open_gauge_;
  metrics::Counter* errors_[static_cast<int>(HttpErrorReason::kCount)];
  metrics::Counter* idle_evictions_;

  std::atomic<int64_t> open_{0};
  std::atomic<bool> draining_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::mutex clients_mu_;
  std::unordered_map<std::string, size_t> clients_;  // open connections per client key
};

// How a response body is delimited on the wire.
struct BodyFraming {
  enum class Kind {
    kLength,      // Content-Length: length
    kChunked,     // Transfer-Encoding: chunked
    kUntilClose,  // neither; the body ends when the connection closes (HTTP/1.0, unknown length)
    kNone,        // neither, and no body follows (HEAD of a body of unknown length)
  };
  Kind kind = Kind::kLength;
  uint64_t length = 0;
};

// Appends the status line and headers (through the blank line) for `resp`.
// `keep_alive`: whether the connection stays open; `http10`: the request was HTTP/1.0 (then
// keep-alive is announced explicitly). No Content-Length for 1xx/204/304.
void RenderResponseHead(std::string& out, const HttpResponse& resp, std::string_view request_id,
                        bool keep_alive, bool http10, SystemTime now);
// The same with explicit framing (ignored for 1xx/204/304, which never carry framing headers).
void RenderResponseHead(std::string& out, const HttpResponse& resp, std::string_view request_id,
                        bool keep_alive, bool http10, SystemTime now, BodyFraming framing);

// The reason phrase for a status ("OK", "Not Found"); "Unknown" for unlisted codes.
std::string_view ReasonPhrase(int status);

// Whether a response with this status carries no body (1xx, 204, 304).
inline bool StatusHasNoBody(int status) { return status < 200 || status == 204 || status == 304; }

// Splits a request target into raw path and query. Accepts origin-form ("/a?b") and
// absolute-form ("http://host/a?b", path defaults to "/"), and "*". False otherwise.
bool SplitTarget(std::string_view target, std::string_view& path, std::string_view& query);

}  // namespace irsa::http::internal
