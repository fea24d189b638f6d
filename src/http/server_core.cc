#include "http/server_core.h"

#include <charconv>
#include <cstdio>
#include <exception>
#include <thread>

#include "base/encoding.h"
#include "base/log.h"
#include "base/time_format.h"

namespace irsa::http::internal {
namespace {

constexpr std::string_view kReasonNames[] = {
    "bad_request",       "header_too_large", "body_too_large",   "read_timeout",
    "write_timeout",     "tls_handshake",    "max_connections",  "accept",
    "handler_exception", "per_client_limit", "worker_pool_full", "stream_aborted",
};
static_assert(std::size(kReasonNames) == static_cast<size_t>(HttpErrorReason::kCount));

HttpResponse DefaultErrorResponse(const Error& error, std::string_view request_id) {
  HttpResponse resp;
  resp.status = error.http_status();
  resp.headers.emplace_back("Content-Type", "text/xml");
  std::string& b = resp.body;
  b = "<ErrorResponse><Error><Type>";
  b += error.type();
  b += "</Type><Code>";
  AppendXmlEscaped(b, error.code());
  b += "</Code><Message>";
  AppendXmlEscaped(b, error.message());
  b += "</Message></Error><RequestId>";
  AppendXmlEscaped(b, request_id);
  b += "</RequestId></ErrorResponse>";
  return resp;
}

void SetText(HttpResponse& resp, int status, std::string body, std::string_view action) {
  resp.status = status;
  resp.headers.clear();
  resp.body_writer = nullptr;
  resp.content_length.reset();
  resp.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  resp.body = std::move(body);
  resp.labels = {};
  resp.labels.service = "http";
  resp.labels.action = action;
}

bool IsBuiltinPath(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

// Headers the server sets itself; the handler's values for these are dropped.
bool IsReservedHeader(std::string_view name) {
  static constexpr std::string_view kReserved[] = {
      "content-length", "transfer-encoding", "connection", "date",
      "server",         "x-amzn-requestid",  "keep-alive", "upgrade",
  };
  for (std::string_view r : kReserved) {
    if (name.size() != r.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < r.size() && eq; ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      eq = c == r[i];
    }
    if (eq) return true;
  }
  return false;
}

bool SafeHeaderText(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

// The Date header value, cached per thread for the current second.
std::string_view HttpDate(SystemTime now) {
  thread_local int64_t cached_second = INT64_MIN;
  thread_local std::string cached;
  int64_t second = ToUnixSeconds(now);
  if (second != cached_second) {
    cached = FormatHttpDate(now);
    cached_second = second;
  }
  return cached;
}

}  // namespace

ServerCore::ServerCore(ServerOptions options, Handlers handlers)
    : options_(std::move(options)),
      handlers_(std::make_shared<const Handlers>(std::move(handlers))) {
  if (!options_.registry) options_.registry = &metrics::DefaultRegistry();
  if (!options_.random) options_.random = &SystemRandom::Instance();
  if (!options_.clock) options_.clock = &SystemClock::Instance();
  if (!options_.error_responder) options_.error_responder = DefaultErrorResponse;
  if (options_.io_threads <= 0) {
    options_.io_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  metrics::Registry& r = *options_.registry;
  requests_ = &r.CounterFamily("irsa_requests_total", "HTTP requests served, by HTTP status.",
                               {"service", "action", "code"});
  durations_ = &r.HistogramFamily("irsa_request_duration_seconds",
                                  "Time from a complete request to its response, in seconds.",
                                  {"service", "action"});
  open_gauge_ = &r.GetGauge("irsa_open_connections", "Open client connections.");
  auto& errors = r.CounterFamily("irsa_http_errors_total",
                                 "Connection-level HTTP errors, by reason.", {"reason"});
  for (size_t i = 0; i < std::size(kReasonNames); ++i) {
    errors_[i] = &errors.WithLabels({kReasonNames[i]});
  }
  idle_evictions_ =
      &r.GetCounter("irsa_http_idle_evictions_total",
                    "Idle connections closed to make room for a new one at max_connections.");
}

bool ServerCore::IsBuiltin(const HttpRequest& req) {
  return (req.method == "GET" || req.method == "HEAD") && IsBuiltinPath(req.path);
}

void ServerCore::Dispatch(HttpRequest& req, HttpResponse& resp) {
  if (IsBuiltin(req)) {
    AnswerBuiltin(req, resp);
  } else {
    CallHandler(req, resp);
  }
}

void ServerCore::AnswerBuiltin(const HttpRequest& req, HttpResponse& resp) {
  if (req.path == "/healthz") {
    SetText(resp, 200, "ok", "Healthz");
  } else if (req.path == "/readyz") {
    bool ready = !draining();
    if (ready && options_.ready) {
      try {
        ready = options_.ready();
      } catch (...) {
        ready = false;
      }
    }
    SetText(resp, ready ? 200 : 503, ready ? "ok" : "not ready", "Readyz");
  } else {
    std::string text;
    options_.registry->RenderTo(text);
    SetText(resp, 200, std::move(text), "Metrics");
    resp.headers[0].second = "text/plain; version=0.0.4; charset=utf-8";
  }
}

void ServerCore::CallHandler(HttpRequest& req, HttpResponse& resp) {
  try {
    resp = handlers_->sync(req);
  } catch (const std::exception& e) {
    CountError(HttpErrorReason::kHandlerException);
    log::Error("http handler threw", {{"request_id", req.request_id}, {"what", e.what()}});
    ErrorResponse(errors::InternalFailure("internal error"), req, resp);
  } catch (...) {
    CountError(HttpErrorReason::kHandlerException);
    log::Error("http handler threw", {{"request_id", req.request_id}});
    ErrorResponse(errors::InternalFailure("internal error"), req, resp);
  }
  if (resp.status < 200 || resp.status > 599) {
    log::Error("http handler returned an invalid status", {{"request_id", req.request_id}});
    ErrorResponse(errors::InternalFailure("internal error"), req, resp);
  }
}

void ServerCore::ErrorResponse(const Error& error, const HttpRequest& req,
                               HttpResponse& resp) const {
  try {
    std::optional<HttpResponse> own;
    if (options_.request_error_responder) own = options_.request_error_responder(error, req);
    resp = own ? std::move(*own) : options_.error_responder(error, req.request_id);
  } catch (...) {
    resp = DefaultErrorResponse(error, req.request_id);
  }
  resp.labels = {};
  resp.labels.service = "http";
  resp.labels.error_code = error.code();
}

void ServerCore::Record(const HttpRequest& req, const HttpResponse& resp, size_t body_bytes_sent,
                        MonoTime started, std::string& line) {
  const MonoTime now = clock().Monotonic();
  const double seconds = std::chrono::duration<double>(now - started).count();
  char code[8];
  auto [code_end, ec] = std::to_chars(code, code + sizeof code, resp.status);
  (void)ec;
  const std::string_view code_text(code, static_cast<size_t>(code_end - code));
  const RequestLabels& l = resp.labels;
  requests_->WithLabels({l.service, l.action, code_text}).Inc();
  durations_->WithLabels({l.service, l.action}).Observe(seconds);

  if (!options_.access_log) return;
  if (!options_.access_log_builtin && l.service == "http" && IsBuiltinPath(req.path) &&
      l.error_code.empty()) {
    return;
  }
  line.clear();
  line += "{\"ts\":\"";
  line += FormatIso8601Millis(clock().Now());
  line += "\",\"level\":\"info\",\"msg\":\"access\",\"request_id\":\"";
  AppendJsonEscaped(line, req.request_id);
  line += "\",\"remote\":\"";
  AppendJsonEscaped(line, req.remote_address);
  line += "\",\"method\":\"";
  AppendJsonEscaped(line, req.method);
  line += "\",\"path\":\"";
  AppendJsonEscaped(line, req.path);
  line += "\",\"status\":";
  line += code_text;
  line += ",\"bytes\":";
  AppendInt(line, static_cast<int64_t>(body_bytes_sent));
  char ms[32];
  const auto printed =
      std::to_chars(ms, ms + sizeof ms, seconds * 1000.0, std::chars_format::fixed, 3);
  line += ",\"duration_ms\":";
  line.append(ms, printed.ec == std::errc() ? static_cast<size_t>(printed.ptr - ms) : 0);
  line += ",\"service\":\"";
  AppendJsonEscaped(line, l.service);
  line += "\",\"action\":\"";
  AppendJsonEscaped(line, l.action);
  line += "\",\"error\":\"";
  AppendJsonEscaped(line, l.error_code);
  line += "\",\"principal\":\"";
  AppendJsonEscaped(line, l.principal);
  line += "\"}";
  log::WriteRaw(line);
}

Admission ServerCore::TryOpenConnection(const std::string& client_key) {
  const size_t per_client = options_.max_connections_per_client;
  std::unique_lock<std::mutex> lock;
  size_t* client_count = nullptr;
  if (per_client > 0) {
    lock = std::unique_lock(clients_mu_);
    client_count = &clients_[client_key];
    if (*client_count >= per_client) {
      if (*client_count == 0) clients_.erase(client_key);
      return Admission::kPerClientLimit;
    }
  }
  int64_t n = open_.fetch_add(1, std::memory_order_relaxed);
  if (n >= static_cast<int64_t>(options_.max_connections)) {
    open_.fetch_sub(1, std::memory_order_relaxed);
    if (client_count && *client_count == 0) clients_.erase(client_key);
    return Admission::kFull;
  }
  if (client_count) ++*client_count;
  open_gauge_->Inc();
  return Admission::kAdmitted;
}

void ServerCore::ForceOpenConnection(const std::string& client_key) {
  if (options_.max_connections_per_client > 0) {
    std::lock_guard lock(clients_mu_);
    ++clients_[client_key];
  }
  open_.fetch_add(1, std::memory_order_relaxed);
  open_gauge_->Inc();
}

void ServerCore::ConnectionClosed(const std::string& client_key) {
  if (options_.max_connections_per_client > 0) {
    std::lock_guard lock(clients_mu_);
    auto it = clients_.find(client_key);
    if (it != clients_.end() && --it->second == 0) clients_.erase(it);
  }
  open_gauge_->Dec();
  if (open_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    std::lock_guard lock(mu_);
    cv_.notify_all();
  }
}

bool ServerCore::WaitForNoConnections(std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mu_);
  return cv_.wait_until(lock, until, [&] { return open_.load(std::memory_order_acquire) == 0; });
}

void RenderResponseHead(std::string& out, const HttpResponse& resp, std::string_view request_id,
                        bool keep_alive, bool http10, SystemTime now) {
  RenderResponseHead(out, resp, request_id, keep_alive, http10, now,
                     {.kind = BodyFraming::Kind::kLength, .length = resp.body.size()});
}

void RenderResponseHead(std::string& out, const HttpResponse& resp, std::string_view request_id,
                        bool keep_alive, bool http10, SystemTime now, BodyFraming framing) {
  out += "HTTP/1.1 ";
  AppendInt(out, resp.status);
  out += ' ';
  out += ReasonPhrase(resp.status);
  out += "\r\nServer: irsa\r\nDate: ";
  out += HttpDate(now);
  out += "\r\nx-amzn-RequestId: ";
  out += request_id;
  out += "\r\n";
  for (const auto& [name, value] : resp.headers) {
    if (name.empty() || IsReservedHeader(name) || !SafeHeaderText(name) || !SafeHeaderText(value)) {
      continue;
    }
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!StatusHasNoBody(resp.status)) {
    switch (framing.kind) {
      case BodyFraming::Kind::kLength: {
        out += "Content-Length: ";
        char buf[24];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, framing.length);
        (void)ec;
        out.append(buf, end);
        out += "\r\n";
        break;
      }
      case BodyFraming::Kind::kChunked:
        out += "Transfer-Encoding: chunked\r\n";
        break;
      case BodyFraming::Kind::kUntilClose:
      case BodyFraming::Kind::kNone:
        break;
    }
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (http10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

bool SplitTarget(std::string_view target, std::string_view& path, std::string_view& query) {
  query = {};
  if (target == "*") {
    path = target;
    return true;
  }
  std::string_view rest = target;
  if (rest.empty()) return false;
  if (rest.front() != '/') {
    // absolute-form: scheme "://" authority [path-abempty] ["?" query]
    size_t scheme_end = rest.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return false;
    for (char c : rest.substr(0, scheme_end)) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '+' || c == '-' || c == '.';
      if (!ok) return false;
    }
    rest.remove_prefix(scheme_end + 3);
    size_t path_start = rest.find_first_of("/?");
    if (path_start == std::string_view::npos) {
      path = "/";
      return true;
    }
    rest.remove_prefix(path_start);
    if (rest.front() == '?') {
      path = "/";
      query = rest.substr(1);
      return true;
    }
  }
  size_t q = rest.find('?');
  if (q == std::string_view::npos) {
    path = rest;
  } else {
    path = rest.substr(0, q);
    query = rest.substr(q + 1);
  }
  return true;
}

}  // namespace irsa::http::internal
