#include "http/connection.h"

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <array>
#include <chrono>
#include <string>

#include "base/encoding.h"
#include "base/ids.h"
#include "base/log.h"

namespace irsa::http::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using beast::error_code;

constexpr size_t kReadSize = 16 * 1024;
// After answering a request it did not read whole (413, 400, 408), the connection keeps reading
// and discarding what the client still sends, up to this much or kLingerTime, before it closes:
// clients that send the whole body before reading (urllib, curl without Expect) then see the
// answer instead of a reset (bodies of a few MiB are drained whole).
constexpr size_t kLingerBytes = 8 * 1024 * 1024;
constexpr std::chrono::milliseconds kLingerTime{1000};
// Request bodies above this are not kept allocated between requests on a connection.
constexpr size_t kKeepBodyCapacity = 64 * 1024;

// Parses one request directly into an HttpRequest (no intermediate Beast message).
// Single use: a new parser is made for every request on a connection.
class RequestParser final : public bhttp::basic_parser<true> {
 public:
  RequestParser(HttpRequest& req, size_t max_header, size_t max_body) : req_(req) {
    header_limit(static_cast<std::uint32_t>(std::min<size_t>(max_header, UINT32_MAX)));
    body_limit(max_body);
    eager(true);
  }

  int version() const { return version_; }
  size_t max_body() const { return max_body_; }

 private:
  void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target,
                       int version, error_code&) override {
    req_.method.assign(method.data(), method.size());
    req_.target.assign(target.data(), target.size());
    version_ = version;
  }
  void on_response_impl(int, beast::string_view, int, error_code& ec) override {
    ec = bhttp::error::bad_version;  // unreachable for a request parser
  }
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value,
                     error_code&) override {
    auto& [lower, val] = req_.headers.emplace_back();
    lower.resize(name.size());
    for (size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    val.assign(value.data(), value.size());
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length) req_.body.reserve(static_cast<size_t>(std::min<std::uint64_t>(*length, max_body_)));
  }
  size_t on_body_impl(beast::string_view body, error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  HttpRequest& req_;
  int version_ = 11;
  size_t max_body_ = 0;

 public:
  void set_max_body(size_t n) { max_body_ = n; }
};

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

template <class Stream>
class Connection final : public ConnectionBase,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  Connection(ServerCore& core, Worker& worker, Stream stream, std::string remote)
      : core_(core),
        worker_(worker),
        stream_(std::move(stream)),
        timer_(worker.ioc),
        remote_(std::move(remote)) {}

  ~Connection() override {
    if (linked_) worker_.connections.erase(link_);
    core_.ConnectionClosed();
  }

  void Start() {
    link_ = worker_.connections.insert(worker_.connections.end(), this);
    linked_ = true;
    if (core_.draining()) {
      Close();
      return;
    }
    if constexpr (kTls) {
      phase_ = Phase::kHandshake;
      SetDeadline(core_.options().read_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          [self = this->shared_from_this()](error_code ec) { self->OnHandshake(ec); });
    } else {
      ReadRequest();
    }
  }

  void Drain() override {
    draining_ = true;
    if (phase_ == Phase::kIdle || phase_ == Phase::kHandshake) Close();
  }

  void ForceClose() override { Close(); }

 private:
  enum class Phase {
    kHandshake,
    kIdle,
    kReading,
    kContinue,
    kHandling,
    kWriting,
    kLinger,
    kClosed
  };

  tcp::socket& Socket() { return beast::get_lowest_layer(stream_); }

  // ---- deadlines: one timer per connection, re-armed only when the deadline moves earlier ----

  void SetDeadline(std::chrono::milliseconds timeout) {
    SteadyClock::time_point t = SteadyClock::now() + timeout;
    deadline_ = t;
    if (t < timer_expiry_) ArmTimer(t);
  }

  void ArmTimer(SteadyClock::time_point t) {
    timer_expiry_ = t;
    timer_.expires_at(t);  // cancels a pending wait, which then returns operation_aborted
    timer_.async_wait([self = this->shared_from_this()](error_code ec) { self->OnTimer(ec); });
  }

  void OnTimer(error_code ec) {
    if (ec == asio::error::operation_aborted || phase_ == Phase::kClosed) return;
    if (deadline_ > SteadyClock::now()) {
      ArmTimer(deadline_);
      return;
    }
    deadline_ = SteadyClock::time_point::max();
    timer_expiry_ = SteadyClock::time_point::max();
    OnTimeout();
  }

  void OnTimeout() {
    switch (phase_) {
      case Phase::kReading: {
        core_.CountError(HttpErrorReason::kReadTimeout);
        timed_out_ = true;
        error_code ignored;
        Socket().cancel(ignored);  // the pending read completes; OnRead answers 408
        return;
      }
      case Phase::kHandshake:
        core_.CountError(HttpErrorReason::kTlsHandshake);
        Close();
        return;
      case Phase::kContinue:
      case Phase::kWriting:
        core_.CountError(HttpErrorReason::kWriteTimeout);
        Close();
        return;
      case Phase::kIdle:
      case Phase::kLinger:
        Close();
        return;
      case Phase::kHandling:
      case Phase::kClosed:
        return;
    }
  }

  // ---- reading ----

  void OnHandshake(error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (ec) {
      core_.CountError(HttpErrorReason::kTlsHandshake);
      Close();
      return;
    }
    ReadRequest();
  }

  void ReadRequest() {
    HttpRequest& r = req_;
    r.method.clear();
    r.target.clear();
    r.path.clear();
    r.query.clear();
    r.headers.clear();
    if (r.body.capacity() > kKeepBodyCapacity) {
      std::string().swap(r.body);
    } else {
      r.body.clear();
    }
    r.request_id.clear();
    r.remote_address = remote_;
    r.secure = kTls;
    const ServerOptions& o = core_.options();
    parser_.emplace(req_, o.max_header_bytes, o.max_body_bytes);
    parser_->set_max_body(o.max_body_bytes);
    continue_sent_ = false;
    timed_out_ = false;
    if (buffer_.size() == 0) {
      phase_ = Phase::kIdle;
      SetDeadline(o.idle_timeout);
      ReadSome();
    } else {
      phase_ = Phase::kReading;
      SetDeadline(o.read_timeout);
      Parse();
    }
  }

  void ReadSome() {
    stream_.async_read_some(
        buffer_.prepare(kReadSize),
        [self = this->shared_from_this()](error_code ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(error_code ec, size_t n) {
    if (phase_ == Phase::kClosed) return;
    if (ec) {
      if (timed_out_ && phase_ == Phase::kReading) {
        timed_out_ = false;
        SendError(Error("RequestTimeout", 408, "the request did not arrive in time"));
        return;
      }
      // EOF between requests is the normal end of a keep-alive connection; anything else
      // (reset, TLS failure, EOF mid-request) leaves nothing to answer.
      Close();
      return;
    }
    buffer_.commit(n);
    if (phase_ == Phase::kIdle) {
      phase_ = Phase::kReading;
      SetDeadline(core_.options().read_timeout);
    }
    Parse();
  }

  void Parse() {
    while (buffer_.size() > 0) {
      error_code ec;
      size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more) {
        ec = {};
        used = 0;
      }
      if (ec) {
        FailParse(ec);
        return;
      }
      if (parser_->is_done()) {
        OnRequest();
        return;
      }
      if (used == 0) break;
    }
    if (parser_->is_header_done() && !continue_sent_ && buffer_.size() == 0 &&
        parser_->version() >= 11 && IEquals(req_.Header("expect"), "100-continue")) {
      SendContinue();
      return;
    }
    ReadSome();
  }

  void SendContinue() {
    static constexpr std::string_view k100 = "HTTP/1.1 100 Continue\r\n\r\n";
    continue_sent_ = true;
    phase_ = Phase::kContinue;
    SteadyClock::time_point read_deadline = deadline_;
    SetDeadline(core_.options().write_timeout);
    asio::async_write(stream_, asio::buffer(k100.data(), k100.size()),
                      [self = this->shared_from_this(), read_deadline](error_code ec, size_t) {
                        if (self->phase_ == Phase::kClosed) return;
                        if (ec) {
                          self->Close();
                          return;
                        }
                        self->phase_ = Phase::kReading;
                        self->deadline_ = read_deadline;
                        if (read_deadline < self->timer_expiry_) self->ArmTimer(read_deadline);
                        self->ReadSome();
                      });
  }

  void FailParse(error_code ec) {
    if (ec == bhttp::error::header_limit) {
      core_.CountError(HttpErrorReason::kHeaderTooLarge);
      SendError(Error("RequestHeaderFieldsTooLarge", 431,
                      "request header larger than " +
                          std::to_string(core_.options().max_header_bytes) + " bytes"));
    } else if (ec == bhttp::error::body_limit) {
      core_.CountError(HttpErrorReason::kBodyTooLarge);
      SendError(errors::RequestEntityTooLarge(
          "request body larger than " + std::to_string(core_.options().max_body_bytes) + " bytes"));
    } else {
      core_.CountError(HttpErrorReason::kBadRequest);
      SendError(Error("BadRequest", 400, "malformed HTTP request: " + ec.message()));
    }
  }

  // ---- handling ----

  void OnRequest() {
    phase_ = Phase::kHandling;
    const MonoTime started = core_.clock().Monotonic();
    req_.request_id = NewUuid(core_.random());
    http10_ = parser_->version() < 11;
    keep_alive_ = parser_->keep_alive() && !draining_ && !core_.draining();
    head_ = req_.method == "HEAD";
    std::string_view raw_path, query;
    if (!SplitTarget(req_.target, raw_path, query)) {
      core_.CountError(HttpErrorReason::kBadRequest);
      core_.ErrorResponse(Error("BadRequest", 400, "malformed request target"), req_.request_id,
                          resp_);
      keep_alive_ = false;
      Respond(started);
      return;
    }
    req_.query.assign(query);
    std::optional<std::string> path = PercentDecode(raw_path, /*plus_as_space=*/false);
    if (!path) {
      core_.CountError(HttpErrorReason::kBadRequest);
      req_.path.assign(raw_path);
      core_.ErrorResponse(Error("BadRequest", 400, "malformed percent-encoding in path"),
                          req_.request_id, resp_);
      keep_alive_ = false;
      Respond(started);
      return;
    }
    req_.path = std::move(*path);
    core_.Dispatch(req_, resp_);
    Respond(started);
  }

  // A server-generated error for a request that could not be parsed; closes afterwards.
  void SendError(const Error& error) {
    phase_ = Phase::kHandling;
    const MonoTime started = core_.clock().Monotonic();
    req_.request_id = NewUuid(core_.random());
    std::string_view raw_path, query;
    if (!req_.target.empty() && SplitTarget(req_.target, raw_path, query)) {
      req_.path.assign(raw_path);
    }
    http10_ = parser_ && parser_->version() < 11;
    keep_alive_ = false;
    must_linger_ = true;
    head_ = false;
    core_.ErrorResponse(error, req_.request_id, resp_);
    Respond(started);
  }

  void Respond(MonoTime started) {
    // Stop() may have begun while the handler ran: announce the close.
    keep_alive_ = keep_alive_ && !draining_ && !core_.draining();
    head_buf_.clear();
    RenderResponseHead(head_buf_, resp_, req_.request_id, keep_alive_, http10_,
                       core_.clock().Now());
    const size_t body_bytes = (head_ || StatusHasNoBody(resp_.status)) ? 0 : resp_.body.size();
    core_.Record(req_, resp_, body_bytes, started, log_buf_);
    phase_ = Phase::kWriting;
    SetDeadline(core_.options().write_timeout);
    std::array<asio::const_buffer, 2> buffers = {asio::buffer(head_buf_),
                                                 asio::buffer(resp_.body.data(), body_bytes)};
    asio::async_write(stream_, buffers, [self = this->shared_from_this()](error_code ec, size_t) {
      self->OnWrite(ec);
    });
  }

  void OnWrite(error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (ec) {
      Close();
      return;
    }
    if (!keep_alive_ || draining_) {
      // After an error the client may still be sending the rejected request: linger. After a
      // normal close, linger only if more request bytes are already here.
      error_code avail_ec;
      if (must_linger_ || buffer_.size() > 0 || Socket().available(avail_ec) > 0) {
        Linger();
      } else {
        error_code ignored;
        Socket().shutdown(tcp::socket::shutdown_send, ignored);
        Close();
      }
      return;
    }
    ReadRequest();
  }

  // ---- closing ----

  // Half-closes and discards what the client still sends for a short while, so that unread
  // request bytes do not turn our close into a reset that destroys the response in flight.
  void Linger() {
    phase_ = Phase::kLinger;
    error_code ignored;
    Socket().shutdown(tcp::socket::shutdown_send, ignored);
    SetDeadline(std::min(kLingerTime, core_.options().read_timeout));
    linger_left_ = kLingerBytes;
    LingerRead();
  }

  void LingerRead() {
    Socket().async_read_some(buffer_.prepare(kReadSize),
                             [self = this->shared_from_this()](error_code ec, size_t n) {
                               if (self->phase_ == Phase::kClosed) return;
                               if (ec || n >= self->linger_left_) {
                                 self->Close();
                                 return;
                               }
                               self->linger_left_ -= n;
                               self->LingerRead();
                             });
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    error_code ignored;
    Socket().close(ignored);
    timer_.cancel();
  }

  ServerCore& core_;
  Worker& worker_;
  Stream stream_;
  asio::steady_timer timer_;
  std::string remote_;
  std::list<ConnectionBase*>::iterator link_;
  bool linked_ = false;

  Phase phase_ = Phase::kIdle;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
  SteadyClock::time_point timer_expiry_ = SteadyClock::time_point::max();
  bool timed_out_ = false;
  bool draining_ = false;
  bool keep_alive_ = false;
  bool http10_ = false;
  bool head_ = false;
  bool continue_sent_ = false;
  bool must_linger_ = false;  // the response answers a request we did not read completely
  size_t linger_left_ = 0;

  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  HttpRequest req_;
  HttpResponse resp_;
  std::string head_buf_;
  std::string log_buf_;
};

}  // namespace

void StartConnection(ServerCore& core, Worker& worker, tcp::socket socket,
                     asio::ssl::context* tls) {
  error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  std::string remote;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (!ec) {
    try {
      remote = peer.address().to_string();
    } catch (...) {
      remote.clear();
    }
  }
  if (tls) {
    using TlsStream = asio::ssl::stream<tcp::socket>;
    std::optional<TlsStream> stream;
    try {
      stream.emplace(std::move(socket), *tls);
    } catch (const std::exception& e) {
      log::Error("http: cannot create TLS session", {{"what", e.what()}});
      core.ConnectionClosed();
      return;
    }
    auto c = std::make_shared<Connection<TlsStream>>(core, worker, std::move(*stream),
                                                     std::move(remote));
    c->Start();
  } else {
    auto c = std::make_shared<Connection<tcp::socket>>(core, worker, std::move(socket),
                                                       std::move(remote));
    c->Start();
  }
}

}  // namespace irsa::http::internal
