#include "http/connection_impl.h"

namespace irsa::http::internal {

template <class Stream>
void Connection<Stream>::Start() {
  last_response_ = SteadyClock::now();
  link_it_ = worker_.connections.insert(worker_.connections.end(), this);
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

template <class Stream>
void Connection<Stream>::Drain() {
  draining_ = true;
  if (phase_ == Phase::kIdle || phase_ == Phase::kHandshake) Close();
}

template <class Stream>
void Connection<Stream>::OnCompleted(const std::shared_ptr<Exchange>& ex) {
  if (ex != ex_ || phase_ != Phase::kAwaiting || response_started_) return;
  if (continue_in_flight_) {
    deferred_completion_ = true;
    return;
  }
  FinishResponse();
}

template <class Stream>
void Connection<Stream>::SetDeadline(std::chrono::milliseconds timeout) {
  SetDeadlineAt(SteadyClock::now() + timeout);
}

template <class Stream>
void Connection<Stream>::SetDeadlineAt(SteadyClock::time_point t) {
  deadline_ = t;
  if (t < timer_expiry_) ArmTimer(t);
}

template <class Stream>
void Connection<Stream>::ArmTimer(SteadyClock::time_point t) {
  timer_expiry_ = t;
  timer_.expires_at(t);  // cancels a pending wait, which then returns operation_aborted
  timer_.async_wait([self = this->shared_from_this()](error_code ec) { self->OnTimer(ec); });
}

template <class Stream>
void Connection<Stream>::OnTimer(error_code ec) {
  if (ec == asio::error::operation_aborted || phase_ == Phase::kClosed) return;
  timer_expiry_ = SteadyClock::time_point::max();
  if (deadline_ == SteadyClock::time_point::max()) return;
  if (deadline_ > SteadyClock::now()) {
    ArmTimer(deadline_);
    return;
  }
  deadline_ = SteadyClock::time_point::max();
  OnTimeout();
}

template <class Stream>
void Connection<Stream>::OnTimeout() {
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
    case Phase::kAwaiting:
      if (read_pending_) {
        core_.CountError(HttpErrorReason::kReadTimeout);
        FailBody(Error("RequestTimeout", 400,
                       "the request body did not arrive within the read timeout"));
        Close();
      } else if (continue_in_flight_) {
        core_.CountError(HttpErrorReason::kWriteTimeout);
        Close();
      }
      return;
    case Phase::kIdle:
    case Phase::kLinger:
      Close();
      return;
    case Phase::kHandling:
    case Phase::kStreamOut:
    case Phase::kClosed:
      return;
  }
}

template <class Stream>
void Connection<Stream>::Hold() {
  if (!hold_) hold_ = this->shared_from_this();
}

template <class Stream>
void Connection<Stream>::ReleaseHold() {
  // Posted: the caller may be running on this very object with no other reference to it.
  if (hold_) asio::post(worker_.ioc, [h = std::move(hold_)] {});
}

template <class Stream>
void Connection<Stream>::OnHandshake(error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    core_.CountError(HttpErrorReason::kTlsHandshake);
    Close();
    return;
  }
  ReadRequest();
}

template <class Stream>
void Connection<Stream>::PrepareExchange() {
  if (ex_ && ex_.use_count() == 1) {
    ex_->Reset();
  } else {
    ex_ = std::make_shared<Exchange>();
    ex_->conn = this->weak_from_this();
    ex_->worker = &worker_;
    ex_->link = link_;
  }
  HttpRequest& r = ex_->req;
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
}

template <class Stream>
void Connection<Stream>::ReadRequest() {
  PrepareExchange();
  const ServerOptions& o = core_.options();
  parser_.emplace(req(), o.max_header_bytes, o.max_body_bytes);
  header_done_ = false;
  target_error_ = TargetError::kNone;
  continue_sent_ = false;
  timed_out_ = false;
  streaming_ = false;
  body_kind_ = BodyKind::kNone;
  body_left_ = 0;
  body_complete_ = false;
  expect_continue_ = false;
  response_started_ = false;
  head_written_ = false;
  deferred_completion_ = false;
  deferred_data_ = false;
  out_sent_ = 0;
  chunked_.reset();
  if (buffer_.size() == 0) {
    phase_ = Phase::kIdle;
    // Idle since the last response went out (or since the connection opened): a moment before
    // the client could see that response, so idleness orders as the clients observe it.
    worker_.AddIdle(this, SteadyNs(last_response_));
    SetDeadline(o.idle_timeout);
    ReadSome();
  } else {
    phase_ = Phase::kReading;
    SetDeadline(o.read_timeout);
    Parse();
  }
}

template <class Stream>
void Connection<Stream>::ReadSome() {
  stream_.async_read_some(
      buffer_.prepare(kReadSize),
      [self = this->shared_from_this()](error_code ec, size_t n) { self->OnRead(ec, n); });
}

template <class Stream>
void Connection<Stream>::OnRead(error_code ec, size_t n) {
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
    worker_.RemoveIdle(this);
    phase_ = Phase::kReading;
    SetDeadline(core_.options().read_timeout);
  }
  Parse();
}

template <class Stream>
void Connection<Stream>::Parse() {
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
    if (!header_done_ && parser_->is_header_done() && !OnHeader()) return;
    if (parser_->is_done()) {
      OnRequest();
      return;
    }
    if (used == 0) break;
  }
  if (parser_->is_header_done() && !continue_sent_ && buffer_.size() == 0 &&
      parser_->version() >= 11 && IEquals(req().Header("expect"), "100-continue")) {
    SendContinue();
    return;
  }
  ReadSome();
}

template <class Stream>
bool Connection<Stream>::OnHeader() {
  header_done_ = true;
  HttpRequest& r = req();
  r.request_id = NewUuid(core_.random());
  http10_ = parser_->version() < 11;
  std::string_view raw_path, query;
  if (!SplitTarget(r.target, raw_path, query)) {
    target_error_ = TargetError::kTarget;
  } else {
    r.query.assign(query);
    std::optional<std::string> path = PercentDecode(raw_path, /*plus_as_space=*/false);
    if (path) {
      r.path = std::move(*path);
    } else {
      target_error_ = TargetError::kPercent;
      r.path.assign(raw_path);
    }
  }
  const ServerOptions& o = core_.options();
  if (target_error_ == TargetError::kNone && o.stream_body && !ServerCore::IsBuiltin(r)) {
    bool stream = false;
    try {
      stream = o.stream_body(r);
    } catch (...) {
      log::Error("http stream_body predicate threw", {{"request_id", r.request_id}});
    }
    if (stream) {
      StartStreaming();
      return false;
    }
  }
  // A buffered body: the body limit applies.
  if (auto length = parser_->content_length(); length && *length > o.max_body_bytes) {
    FailParse(bhttp::error::body_limit);
    return false;
  }
  parser_->body_limit(o.max_body_bytes);
  parser_->eager(true);
  return true;
}

template <class Stream>
void Connection<Stream>::SendContinue() {
  continue_sent_ = true;
  phase_ = Phase::kContinue;
  SteadyClock::time_point read_deadline = deadline_;
  SetDeadline(core_.options().write_timeout);
  asio::async_write(stream_, asio::buffer(k100Continue.data(), k100Continue.size()),
                    [self = this->shared_from_this(), read_deadline](error_code ec, size_t) {
                      if (self->phase_ == Phase::kClosed) return;
                      if (ec) {
                        self->Close();
                        return;
                      }
                      self->phase_ = Phase::kReading;
                      self->SetDeadlineAt(read_deadline);
                      self->ReadSome();
                    });
}

template <class Stream>
void Connection<Stream>::FailParse(error_code ec) {
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

template <class Stream>
void Connection<Stream>::OnRequest() {
  phase_ = Phase::kHandling;
  started_ = core_.clock().Monotonic();
  HttpRequest& r = req();
  keep_alive_ = parser_->keep_alive() && !draining_ && !core_.draining();
  head_ = r.method == "HEAD";
  ex_->head = head_;
  if (target_error_ != TargetError::kNone) {
    core_.CountError(HttpErrorReason::kBadRequest);
    core_.ErrorResponse(
        Error("BadRequest", 400,
              target_error_ == TargetError::kTarget ? "malformed request target"
                                                    : "malformed percent-encoding in path"),
        r, resp());
    keep_alive_ = false;
    Respond();
    return;
  }
  if (ServerCore::IsBuiltin(r)) {
    core_.AnswerBuiltin(r, resp());
    Respond();
    return;
  }
  const Handlers& handlers = *core_.handlers();
  if (!handlers.async) {
    core_.CallHandler(r, resp());
    ex_->outcome = Exchange::Outcome::kResponse;
    FinishResponse();
    return;
  }
  bool threw = false;
  {
    InlineScope scope(ex_.get());
    try {
      handlers.async(r, Responder(ex_));
    } catch (const std::exception& e) {
      threw = true;
      log::Error("http handler threw", {{"request_id", r.request_id}, {"what", e.what()}});
    } catch (...) {
      threw = true;
      log::Error("http handler threw", {{"request_id", r.request_id}});
    }
  }
  if (ex_->completed_inline) {
    if (threw && ex_->outcome == Exchange::Outcome::kDropped) {
      ex_->outcome = Exchange::Outcome::kThrew;
    }
    FinishResponse();
    return;
  }
  if (threw) core_.CountError(HttpErrorReason::kHandlerException);
  phase_ = Phase::kAwaiting;
  ClearDeadline();
  Hold();
}

template <class Stream>
void Connection<Stream>::FinishResponse() {
  HttpResponse& r = resp();
  const std::string& id = req().request_id;
  switch (ex_->outcome) {
    case Exchange::Outcome::kDropped:
      log::Error("http handler dropped a request without answering", {{"request_id", id}});
      core_.ErrorResponse(errors::InternalFailure("internal error"), req(), r);
      break;
    case Exchange::Outcome::kThrew:
      core_.CountError(HttpErrorReason::kHandlerException);
      core_.ErrorResponse(errors::InternalFailure("internal error"), req(), r);
      break;
    case Exchange::Outcome::kWriterFailed: {
      RequestLabels labels = std::move(r.labels);
      core_.ErrorResponse(ex_->writer_error.value_or(errors::InternalFailure("internal error")),
                          req(), r);
      labels.error_code = r.labels.error_code;
      r.labels = std::move(labels);
      break;
    }
    case Exchange::Outcome::kResponse:
    case Exchange::Outcome::kPending:
      if (r.status < 200 || r.status > 599) {
        log::Error("http handler returned an invalid status", {{"request_id", id}});
        core_.ErrorResponse(errors::InternalFailure("internal error"), req(), r);
      }
      break;
  }
  if (WantsStreamedBody(*ex_)) {
    WorkerPool* pool = core_.options().worker_pool;
    if (!pool) {
      log::Error("http response has a body_writer but the server has no worker_pool",
                 {{"request_id", id}});
      core_.ErrorResponse(errors::InternalFailure("internal error"), req(), r);
    } else {
      phase_ = Phase::kAwaiting;
      ClearDeadline();
      Hold();
      if (pool->Submit([ex = ex_] { StreamResponseBody(ex); })) return;
      core_.CountError(HttpErrorReason::kWorkerPoolFull);
      core_.ErrorResponse(errors::ServiceUnavailable("server busy, retry later"), req(), r);
    }
  }
  Respond();
}

template <class Stream>
void Connection<Stream>::SendError(const Error& error) {
  phase_ = Phase::kHandling;
  started_ = core_.clock().Monotonic();
  HttpRequest& r = req();
  if (r.request_id.empty()) r.request_id = NewUuid(core_.random());
  std::string_view raw_path, query;
  if (r.path.empty() && !r.target.empty() && SplitTarget(r.target, raw_path, query)) {
    r.path.assign(raw_path);
  }
  http10_ = parser_ && parser_->version() < 11;
  keep_alive_ = false;
  must_linger_ = true;
  head_ = false;
  ex_->completed.store(true, std::memory_order_relaxed);
  core_.ErrorResponse(error, r, resp());
  Respond();
}

template <class Stream>
void Connection<Stream>::BeginResponse() {
  response_started_ = true;
  if (streaming_ && !body_complete_) {
    keep_alive_ = false;
    must_linger_ = true;
    FailBody(Error("IncompleteBody", 400, "the response was sent before the body was read"));
  }
}

template <class Stream>
void Connection<Stream>::Respond() {
  BeginResponse();
  HttpResponse& r = resp();
  // Stop() may have begun while the handler ran: announce the close.
  keep_alive_ = keep_alive_ && !draining_ && !core_.draining();
  BodyFraming framing{.kind = BodyFraming::Kind::kLength, .length = r.body.size()};
  if (head_ && r.content_length) {
    framing.length = *r.content_length;
  } else if (head_ && r.body_writer) {
    framing.kind = BodyFraming::Kind::kNone;
  }
  head_buf_.clear();
  RenderResponseHead(head_buf_, r, req().request_id, keep_alive_, http10_, core_.clock().Now(),
                     framing);
  const size_t body_bytes = (head_ || StatusHasNoBody(r.status)) ? 0 : r.body.size();
  core_.Record(req(), r, body_bytes, started_, log_buf_);
  phase_ = Phase::kWriting;
  last_response_ = SteadyClock::now();
  SetDeadlineAt(last_response_ + core_.options().write_timeout);
  std::array<asio::const_buffer, 2> buffers = {asio::buffer(head_buf_),
                                               asio::buffer(r.body.data(), body_bytes)};
  asio::async_write(stream_, buffers, [self = this->shared_from_this()](error_code ec, size_t) {
    self->OnWrite(ec);
  });
}

template <class Stream>
void Connection<Stream>::OnWrite(error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    Close();
    return;
  }
  ReleaseHold();
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

template <class Stream>
void Connection<Stream>::Linger() {
  phase_ = Phase::kLinger;
  error_code ignored;
  Socket().shutdown(tcp::socket::shutdown_send, ignored);
  SetDeadline(std::min(kLingerTime, core_.options().read_timeout));
  linger_left_ = kLingerBytes;
  if (!read_pending_) LingerRead();  // else OnBodyRead continues here
}

template <class Stream>
void Connection<Stream>::LingerRead() {
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

template <class Stream>
void Connection<Stream>::Close() {
  if (phase_ == Phase::kClosed) return;
  worker_.RemoveIdle(this);
  phase_ = Phase::kClosed;
  error_code ignored;
  Socket().close(ignored);
  timer_.cancel();
  if (ex_) ex_->Close();
  ReleaseHold();
}

using TlsStream = asio::ssl::stream<tcp::socket>;
template class Connection<tcp::socket>;
template class Connection<TlsStream>;

void Worker::AddIdle(ConnectionBase* c, int64_t since_ns) {
  if (c->in_idle_list_) RemoveIdle(c);
  c->idle_since_ns_ = since_ns;
  c->idle_prev_ = idle_tail_;
  c->idle_next_ = nullptr;
  if (idle_tail_) {
    idle_tail_->idle_next_ = c;
  } else {
    idle_head_ = c;
    oldest_idle_ns.store(since_ns, std::memory_order_relaxed);
  }
  idle_tail_ = c;
  c->in_idle_list_ = true;
  idle_count.fetch_add(1, std::memory_order_relaxed);
}

ConnectionBase* Worker::OldestIdleNotFrom(const std::string& client_key) const {
  for (ConnectionBase* c = idle_head_; c; c = c->idle_next_) {
    if (c->client_key() != client_key) return c;
  }
  return nullptr;
}

void Worker::RemoveIdle(ConnectionBase* c) {
  if (!c->in_idle_list_) return;
  if (c->idle_prev_) {
    c->idle_prev_->idle_next_ = c->idle_next_;
  } else {
    idle_head_ = c->idle_next_;
    oldest_idle_ns.store(idle_head_ ? idle_head_->idle_since_ns_ : INT64_MAX,
                         std::memory_order_relaxed);
  }
  if (c->idle_next_) {
    c->idle_next_->idle_prev_ = c->idle_prev_;
  } else {
    idle_tail_ = c->idle_prev_;
  }
  c->idle_prev_ = c->idle_next_ = nullptr;
  c->in_idle_list_ = false;
  idle_count.fetch_sub(1, std::memory_order_relaxed);
}

void StartConnection(ServerCore& core, Worker& worker, std::shared_ptr<ServerLink> link,
                     tcp::socket socket, asio::ssl::context* tls, std::string client_key) {
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
      core.ConnectionClosed(client_key);
      return;
    }
    auto c =
        std::make_shared<Connection<TlsStream>>(core, worker, std::move(link), std::move(*stream),
                                                std::move(remote), std::move(client_key));
    c->Start();
  } else {
    auto c = std::make_shared<Connection<tcp::socket>>(
        core, worker, std::move(link), std::move(socket), std::move(remote), std::move(client_key));
    c->Start();
  }
}

}  // namespace irsa::http::internal
