// Internal to the http module: the transport-independent half of the server. Holds the options,
// handler and metric handles shared by all connections; routes a parsed request to a built-in
// endpoint or the handler; renders response heads, server-generated errors and access-log lines.
//
// Thread-safety: after construction everything here is read-only or atomic, and is used
// concurrently from all IO threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

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
  kCount,
};

class ServerCore {
 public:
  ServerCore(ServerOptions options, Server::Handler handler);

  const ServerOptions& options() const { return options_; }
  const Clock& clock() const { return *options_.clock; }
  Random& random() const { return *options_.random; }

  // Answers a built-in endpoint or calls the handler (catching anything it throws). Sets the
  // response labels for built-ins. `req.request_id` must already be set.
  void Dispatch(HttpRequest& req, HttpResponse& resp);

  // A response for an error the server produced itself (labels service="http").
  void ErrorResponse(const Error& error, std::string_view request_id, HttpResponse& resp) const;

  // Counts the request in the metrics and writes its access-log line (unless disabled).
  // `log_buffer` is scratch space reused between calls.
  void Record(const HttpRequest& req, const HttpResponse& resp, size_t body_bytes_sent,
              MonoTime started, std::string& log_buffer);

  void CountError(HttpErrorReason reason) { errors_[static_cast<int>(reason)]->Inc(); }

  // Connection accounting: TryOpen reserves a slot (false when at max_connections); Closed
  // releases it and wakes WaitForNoConnections.
  bool TryOpenConnection();
  void ConnectionClosed();
  int64_t open_connections() const { return open_.load(std::memory_order_relaxed); }
  // Waits until no connection is open or `until` (real time: this is about sockets) passes;
  // true if none is open.
  bool WaitForNoConnections(std::chrono::steady_clock::time_point until);

  void set_draining() { draining_.store(true, std::memory_order_release); }
  bool draining() const { return draining_.load(std::memory_order_acquire); }

 private:
  ServerOptions options_;
  Server::Handler handler_;

  metrics::Family<metrics::Counter>* requests_;
  metrics::Family<metrics::Histogram>* durations_;
  metrics::Gauge* open_gauge_;
  metrics::Counter* errors_[static_cast<int>(HttpErrorReason::kCount)];

  std::atomic<int64_t> open_{0};
  std::atomic<bool> draining_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

// Appends the status line and headers (through the blank line) for `resp`.
// `keep_alive`: whether the connection stays open; `http10`: the request was HTTP/1.0 (then
// keep-alive is announced explicitly). No Content-Length for 1xx/204/304.
void RenderResponseHead(std::string& out, const HttpResponse& resp, std::string_view request_id,
                        bool keep_alive, bool http10, SystemTime now);

// The reason phrase for a status ("OK", "Not Found"); "Unknown" for unlisted codes.
std::string_view ReasonPhrase(int status);

// Whether a response with this status carries no body (1xx, 204, 304).
inline bool StatusHasNoBody(int status) { return status < 200 || status == 204 || status == 304; }

// Splits a request target into raw path and query. Accepts origin-form ("/a?b") and
// absolute-form ("http://host/a?b", path defaults to "/"), and "*". False otherwise.
bool SplitTarget(std::string_view target, std::string_view& path, std::string_view& query);

}  // namespace irsa::http::internal
