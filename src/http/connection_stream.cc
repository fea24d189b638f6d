// The connection's side of streamed bodies: pumping a request body from the socket into the
// handler's buffer (Content-Length or chunked, 100-continue, backpressure, timeouts) and writing a
// streamed response (Content-Length, chunked or until close) as the writer hands buffers over.
#include "http/connection_impl.h"

namespace irsa::http::internal {

template <class Stream>
void Connection<Stream>::OnBodyDemand(const std::shared_ptr<Exchange>& ex) {
  if (ex != ex_ || phase_ != Phase::kAwaiting || !streaming_ || response_started_) return;
  if (body_complete_ || read_pending_ || continue_in_flight_) return;
  PumpBody();
}

template <class Stream>
void Connection<Stream>::StartStreaming() {
  streaming_ = true;
  HttpRequest& r = req();
  phase_ = Phase::kAwaiting;
  started_ = core_.clock().Monotonic();
  keep_alive_ = parser_->keep_alive() && !draining_ && !core_.draining();
  head_ = r.method == "HEAD";
  ex_->head = head_;
  if (parser_->chunked()) {
    body_kind_ = BodyKind::kChunked;
    chunked_.emplace();
  } else if (auto length = parser_->content_length()) {
    body_kind_ = BodyKind::kLength;
    body_left_ = *length;
  } else if (r.HasHeader("transfer-encoding")) {
    core_.CountError(HttpErrorReason::kBadRequest);
    SendError(Error("NotImplemented", 501, "unsupported transfer coding"));
    return;
  }
  body_complete_ =
      body_kind_ == BodyKind::kNone || (body_kind_ == BodyKind::kLength && body_left_ == 0);
  expect_continue_ = !http10_ && IEquals(r.Header("expect"), "100-continue");
  if (body_complete_) ex_->stream.body_eof = true;  // not shared yet
  ClearDeadline();
  Hold();
  WorkerPool* pool = core_.options().worker_pool;
  if (pool &&
      pool->Submit([ex = ex_, handlers = core_.handlers()] { RunStreamHandler(ex, *handlers); })) {
    return;
  }
  core_.CountError(HttpErrorReason::kWorkerPoolFull);
  ex_->completed.store(true, std::memory_order_relaxed);
  core_.ErrorResponse(errors::ServiceUnavailable("server busy, retry later"), r, resp());
  Respond();
}

template <class Stream>
void Connection<Stream>::FailBody(Error error) {
  StreamState& s = ex_->stream;
  {
    std::lock_guard lock(s.mu);
    if (s.body_eof || s.body_error) return;
    s.body_error = std::move(error);
  }
  s.cv.notify_all();
}

template <class Stream>
void Connection<Stream>::NoteIoBytes() {
  StreamState& s = ex_->stream;
  s.io_bytes.store(buffer_.capacity() + (s.ring ? kBodyBufferBytes : 0), std::memory_order_relaxed);
  link_->NoteStreamBytes(s.io_bytes.load(std::memory_order_relaxed) +
                         s.out_bytes.load(std::memory_order_relaxed));
}

template <class Stream>
size_t Connection<Stream>::DecodeBody(char* out, size_t space, std::optional<Error>& error) {
  std::string_view in(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  switch (body_kind_) {
    case BodyKind::kLength: {
      const size_t n =
          static_cast<size_t>(std::min<uint64_t>(body_left_, std::min(in.size(), space)));
      std::memcpy(out, in.data(), n);
      buffer_.consume(n);
      body_left_ -= n;
      if (body_left_ == 0) body_complete_ = true;
      return n;
    }
    case BodyKind::kChunked: {
      const size_t before = in.size();
      Result<size_t> n = chunked_->Decode(in, out, space);
      buffer_.consume(before - in.size());
      if (!n.ok()) {
        error = n.error();
        return 0;
      }
      if (chunked_->done()) body_complete_ = true;
      return *n;
    }
    case BodyKind::kNone:
      body_complete_ = true;
      return 0;
  }
  return 0;
}

template <class Stream>
void Connection<Stream>::PumpBody() {
  if (response_started_ || body_complete_) return;
  if (!continue_sent_) {
    continue_sent_ = true;  // decided once: never a 100 in the middle of a body
    if (expect_continue_ && buffer_.size() == 0) {
      SendStreamContinue();
      return;
    }
  }
  StreamState& s = ex_->stream;
  size_t begin, size;
  {
    std::lock_guard lock(s.mu);
    if (!s.ring) s.ring = std::make_unique<char[]>(kBodyBufferBytes);
    begin = s.ring_begin;
    size = s.ring_size;
  }
  // Only the reader removes bytes meanwhile, so the free space computed here stays free.
  const size_t free = kBodyBufferBytes - size;
  const size_t tail = (begin + size) % kBodyBufferBytes;
  const size_t first = std::min(free, kBodyBufferBytes - tail);
  std::optional<Error> error;
  size_t produced = DecodeBody(s.ring.get() + tail, first, error);
  if (!error && !body_complete_ && produced == first && free > first) {
    produced += DecodeBody(s.ring.get(), free - first, error);
  }
  bool full, notify;
  {
    std::lock_guard lock(s.mu);
    s.ring_size += produced;
    if (error) s.body_error = *error;
    if (body_complete_) s.body_eof = true;
    full = s.ring_size == kBodyBufferBytes;
    if (full && !error && !body_complete_) s.io_waiting = true;
    notify = s.reader_waiting && (produced > 0 || error || body_complete_);
  }
  if (notify) s.cv.notify_all();
  NoteIoBytes();
  if (error) {
    // The handler reads the error and answers (400); the connection closes afterwards.
    core_.CountError(HttpErrorReason::kBadRequest);
    keep_alive_ = false;
    must_linger_ = true;
    return;
  }
  if (body_complete_ || full) return;
  StartBodyRead();
}

template <class Stream>
void Connection<Stream>::StartBodyRead() {
  read_pending_ = true;
  SetDeadline(core_.options().read_timeout);
  stream_.async_read_some(
      buffer_.prepare(kReadSize),
      [self = this->shared_from_this()](error_code ec, size_t n) { self->OnBodyRead(ec, n); });
}

template <class Stream>
void Connection<Stream>::OnBodyRead(error_code ec, size_t n) {
  read_pending_ = false;
  if (phase_ == Phase::kClosed) return;
  if (!ec) buffer_.commit(n);
  if (phase_ == Phase::kLinger) {
    buffer_.consume(buffer_.size());
    if (ec) {
      Close();
    } else {
      LingerRead();
    }
    return;
  }
  // Answered meanwhile: the bytes are discarded with the connection.
  if (response_started_ || phase_ != Phase::kAwaiting) return;
  ClearDeadline();
  if (ec) {
    FailBody(Error("IncompleteBody", 400, "the connection closed before the body was complete"));
    Close();
    return;
  }
  PumpBody();
}

template <class Stream>
void Connection<Stream>::SendStreamContinue() {
  continue_in_flight_ = true;
  SetDeadline(core_.options().write_timeout);
  asio::async_write(stream_, asio::buffer(k100Continue.data(), k100Continue.size()),
                    [self = this->shared_from_this()](error_code ec, size_t) {
                      self->OnStreamContinueWritten(ec);
                    });
}

template <class Stream>
void Connection<Stream>::OnStreamContinueWritten(error_code ec) {
  continue_in_flight_ = false;
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    FailBody(Error("IncompleteBody", 400, "the connection closed before the body was complete"));
    Close();
    return;
  }
  ClearDeadline();
  if (deferred_completion_) {
    deferred_completion_ = false;
    FinishResponse();
  } else if (deferred_data_) {
    deferred_data_ = false;
    OnResponseData(ex_);
  } else {
    PumpBody();
  }
}

template <class Stream>
void Connection<Stream>::OnResponseDataWritten(error_code ec, bool last, size_t data_bytes) {
  StreamState& s = ex_->stream;
  {
    std::lock_guard lock(s.mu);
    s.in_flight = false;
    if (ec) s.out_failed = true;
  }
  s.cv.notify_all();
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    Close();
    return;
  }
  out_sent_ += data_bytes;
  if (!last) {
    phase_ = Phase::kStreamOut;
    ClearDeadline();
    return;
  }
  core_.Record(req(), resp(), out_sent_, started_, log_buf_);
  if (out_framing_.kind == BodyFraming::Kind::kLength && out_sent_ != out_framing_.length) {
    log::Error("http streamed response body shorter than its Content-Length",
               {{"request_id", req().request_id}});
    core_.CountError(HttpErrorReason::kStreamAborted);
    Close();
    return;
  }
  OnWrite({});
}

template <class Stream>
void Connection<Stream>::OnResponseData(const std::shared_ptr<Exchange>& ex) {
  if (ex != ex_ || phase_ == Phase::kClosed) return;
  if (continue_in_flight_) {
    deferred_data_ = true;
    return;
  }
  StreamState& s = ex_->stream;
  bool last, abort;
  {
    std::lock_guard lock(s.mu);
    last = s.last;
    abort = s.abort;
  }
  const std::string& data = s.sending;  // not touched by the writer while in flight
  HttpResponse& r = resp();
  if (!response_started_) {
    BeginResponse();
    keep_alive_ = keep_alive_ && !draining_ && !core_.draining();
    if (r.content_length) {
      out_framing_ = {.kind = BodyFraming::Kind::kLength, .length = *r.content_length};
    } else if (http10_) {
      out_framing_ = {.kind = BodyFraming::Kind::kUntilClose};
      keep_alive_ = false;
    } else {
      out_framing_ = {.kind = BodyFraming::Kind::kChunked};
    }
    head_buf_.clear();
    RenderResponseHead(head_buf_, r, req().request_id, keep_alive_, http10_, core_.clock().Now(),
                       out_framing_);
  }
  if (abort) {
    core_.CountError(HttpErrorReason::kStreamAborted);
    core_.Record(req(), r, out_sent_, started_, log_buf_);
    {
      std::lock_guard lock(s.mu);
      s.in_flight = false;
      s.out_failed = true;
    }
    s.cv.notify_all();
    Close();
    return;
  }
  const bool chunked = out_framing_.kind == BodyFraming::Kind::kChunked;
  // Passed by value: the write operation keeps its own copy of the (small) buffer array. Unused
  // entries stay empty.
  std::array<asio::const_buffer, 5> buffers;
  size_t count = 0;
  if (!head_written_) {
    buffers[count++] = asio::buffer(head_buf_);
    head_written_ = true;
  }
  if (!data.empty()) {
    if (chunked) {
      auto [end, ec] =
          std::to_chars(chunk_line_, chunk_line_ + sizeof chunk_line_ - 2, data.size(), 16);
      (void)ec;
      std::memcpy(end, "\r\n", 2);
      buffers[count++] = asio::buffer(chunk_line_, static_cast<size_t>(end + 2 - chunk_line_));
    }
    buffers[count++] = asio::buffer(data);
    if (chunked) buffers[count++] = asio::buffer(kCrLf.data(), kCrLf.size());
  }
  if (chunked && last) buffers[count++] = asio::buffer(kLastChunk.data(), kLastChunk.size());
  phase_ = Phase::kWriting;
  last_response_ = SteadyClock::now();
  SetDeadlineAt(last_response_ + core_.options().write_timeout);
  NoteIoBytes();
  asio::async_write(stream_, buffers,
                    [self = this->shared_from_this(), last, n = data.size()](
                        error_code ec, size_t) { self->OnResponseDataWritten(ec, last, n); });
}

using TlsStream = asio::ssl::stream<tcp::socket>;
template void Connection<tcp::socket>::OnBodyDemand(const std::shared_ptr<Exchange>& ex);
template void Connection<tcp::socket>::StartStreaming();
template void Connection<tcp::socket>::FailBody(Error error);
template void Connection<tcp::socket>::NoteIoBytes();
template size_t Connection<tcp::socket>::DecodeBody(char* out, size_t space,
                                                    std::optional<Error>& error);
template void Connection<tcp::socket>::PumpBody();
template void Connection<tcp::socket>::StartBodyRead();
template void Connection<tcp::socket>::OnBodyRead(error_code ec, size_t n);
template void Connection<tcp::socket>::SendStreamContinue();
template void Connection<tcp::socket>::OnStreamContinueWritten(error_code ec);
template void Connection<tcp::socket>::OnResponseDataWritten(error_code ec, bool last,
                                                             size_t data_bytes);
template void Connection<tcp::socket>::OnResponseData(const std::shared_ptr<Exchange>& ex);
template void Connection<TlsStream>::OnBodyDemand(const std::shared_ptr<Exchange>& ex);
template void Connection<TlsStream>::StartStreaming();
template void Connection<TlsStream>::FailBody(Error error);
template void Connection<TlsStream>::NoteIoBytes();
template size_t Connection<TlsStream>::DecodeBody(char* out, size_t space,
                                                  std::optional<Error>& error);
template void Connection<TlsStream>::PumpBody();
template void Connection<TlsStream>::StartBodyRead();
template void Connection<TlsStream>::OnBodyRead(error_code ec, size_t n);
template void Connection<TlsStream>::SendStreamContinue();
template void Connection<TlsStream>::OnStreamContinueWritten(error_code ec);
template void Connection<TlsStream>::OnResponseDataWritten(error_code ec, bool last,
                                                           size_t data_bytes);
template void Connection<TlsStream>::OnResponseData(const std::shared_ptr<Exchange>& ex);

}  // namespace irsa::http::internal
