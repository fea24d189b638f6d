// The side of an exchange that runs off the IO threads: Responder, the StreamHandler's body
// source, the response body sink. The IO side is in connection.cc.
#include <algorithm>
#include <cstring>
#include <exception>

#include "base/log.h"
#include "http/connection.h"
#include "http/exchange.h"

namespace irsa::http {
namespace internal {
namespace {

thread_local bool tls_io_thread = false;
thread_local Exchange* tls_inline_exchange = nullptr;

Error ConnectionGone() {
  return Error("IncompleteBody", 400, "the connection closed before the body was complete");
}

// Posts a connection method for `ex`; false if the server has stopped.
template <typename Method>
bool PostToConnection(const std::shared_ptr<Exchange>& ex, Method method) {
  if (!ex->link || !ex->worker) return false;
  return ex->link->Post(*ex->worker, [ex, method] {
    if (std::shared_ptr<ConnectionBase> conn = ex->conn.lock()) ((*conn).*method)(ex);
  });
}

void NoteBytes(Exchange& ex) {
  if (ex.link) {
    ex.link->NoteStreamBytes(ex.stream.io_bytes.load(std::memory_order_relaxed) +
                             ex.stream.out_bytes.load(std::memory_order_relaxed));
  }
}

// The request body of a streamed request, read on the handler's thread.
class BodySource final : public ByteSource {
 public:
  explicit BodySource(std::shared_ptr<Exchange> ex) : ex_(std::move(ex)) {}

  Result<size_t> Read(char* out, size_t max) override {
    if (max == 0) return size_t{0};
    StreamState& s = ex_->stream;
    std::unique_lock lock(s.mu);
    for (;;) {
      if (s.ring_size > 0) {
        size_t n = std::min(max, s.ring_size);
        const size_t first = std::min(n, kBodyBufferBytes - s.ring_begin);
        std::memcpy(out, s.ring.get() + s.ring_begin, first);
        std::memcpy(out + first, s.ring.get(), n - first);
        s.ring_begin = (s.ring_begin + n) % kBodyBufferBytes;
        // ring_begin is never rewound, even when the ring empties: the IO side may be filling the
        // free space it computed from the old position.
        s.ring_size -= n;
        // Wake the IO side once half the buffer is free, not for every byte.
        const bool wake =
            s.io_waiting && !s.body_eof && !s.body_error && s.ring_size <= kBodyBufferBytes / 2;
        if (wake) s.io_waiting = false;
        lock.unlock();
        if (wake) Demand();
        return n;
      }
      if (s.body_error) return *s.body_error;
      if (s.body_eof) return size_t{0};
      if (ex_->closed.load(std::memory_order_relaxed)) {
        s.body_error = ConnectionGone();
        return *s.body_error;
      }
      if (s.io_waiting) {
        s.io_waiting = false;
        lock.unlock();
        Demand();
        lock.lock();
        continue;
      }
      s.reader_waiting = true;
      s.cv.wait(lock);
      s.reader_waiting = false;
    }
  }

 private:
  void Demand() {
    if (!PostToConnection(ex_, &ConnectionBase::OnBodyDemand)) {
      std::lock_guard lock(ex_->stream.mu);
      if (!ex_->stream.body_error) ex_->stream.body_error = ConnectionGone();
    }
  }

  std::shared_ptr<Exchange> ex_;
};

// The response body of a streamed response, written on the writer's thread. Double-buffered:
// the writer fills one buffer while the IO thread sends the other.
class BodySink final : public ByteSink {
 public:
  explicit BodySink(std::shared_ptr<Exchange> ex)
      : ex_(std::move(ex)), s_(ex_->stream), limit_(ex_->resp.content_length) {
    s_.fill.clear();
    s_.fill.reserve(kResponseChunkBytes);
    s_.sending.clear();
    s_.sending.reserve(kResponseChunkBytes);
    s_.out_bytes.store(s_.fill.capacity() + s_.sending.capacity(), std::memory_order_relaxed);
    NoteBytes(*ex_);
  }

  Status Write(std::string_view bytes) override {
    if (!status_.ok()) return status_;
    if (limit_ && bytes.size() > *limit_ - written_) {
      status_ = errors::InternalFailure("response body longer than its Content-Length " +
                                        std::to_string(*limit_));
      return status_;
    }
    written_ += bytes.size();
    while (!bytes.empty()) {
      const size_t n = std::min(bytes.size(), kResponseChunkBytes - s_.fill.size());
      s_.fill.append(bytes.data(), n);
      bytes.remove_prefix(n);
      if (s_.fill.size() == kResponseChunkBytes) {
        if (Status f = Flush(false, false); !f.ok()) return f;
      }
    }
    return OkStatus();
  }

  // Nothing has been handed to the connection yet (the response has not started).
  bool nothing_sent() const { return !posted_; }
  // The first failure of a Write (also when the writer ignored it).
  const Status& status() const { return status_; }

  // Sends what is buffered and ends the body (ok) or cuts the response short (!ok); waits until
  // the connection has written it.
  Status Finish(bool ok) { return Flush(ok, !ok); }

 private:
  Status Flush(bool last, bool abort) {
    std::unique_lock lock(s_.mu);
    s_.cv.wait(lock, [&] { return !s_.in_flight || s_.out_failed || ex_->closed; });
    if (s_.out_failed || ex_->closed) {
      if (status_.ok()) status_ = Error("ClientDisconnected", 400, "the client connection closed");
      return status_;
    }
    s_.fill.swap(s_.sending);
    s_.fill.clear();
    s_.in_flight = true;
    s_.last = last;
    s_.abort = abort;
    lock.unlock();
    posted_ = true;
    if (!PostToConnection(ex_, &ConnectionBase::OnResponseData)) {
      lock.lock();
      s_.in_flight = false;
      s_.out_failed = true;
      status_ = Error("ClientDisconnected", 400, "the server stopped");
      return status_;
    }
    if (!last && !abort) return OkStatus();
    lock.lock();
    s_.cv.wait(lock, [&] { return !s_.in_flight || s_.out_failed || ex_->closed; });
    if (s_.in_flight || s_.out_failed) {
      if (status_.ok()) status_ = Error("ClientDisconnected", 400, "the client connection closed");
    }
    return status_;
  }

  std::shared_ptr<Exchange> ex_;
  StreamState& s_;
  std::optional<uint64_t> limit_;
  uint64_t written_ = 0;
  bool posted_ = false;
  Status status_;
};

}  // namespace

void StreamState::Reset() {
  ring.reset();
  ring_begin = ring_size = 0;
  body_eof = false;
  body_error.reset();
  io_waiting = true;
  reader_waiting = false;
  std::string().swap(fill);
  std::string().swap(sending);
  in_flight = last = abort = out_failed = false;
  io_bytes.store(0, std::memory_order_relaxed);
  out_bytes.store(0, std::memory_order_relaxed);
}

void Exchange::Reset() {
  resp = HttpResponse();
  outcome = Outcome::kPending;
  writer_error.reset();
  head = false;
  responders.store(0, std::memory_order_relaxed);
  completed.store(false, std::memory_order_relaxed);
  completed_inline = false;
  closed.store(false, std::memory_order_relaxed);
  stream.Reset();
}

void Exchange::Close() {
  {
    std::lock_guard lock(stream.mu);
    closed.store(true, std::memory_order_relaxed);
    if (!stream.body_eof && !stream.body_error) stream.body_error = ConnectionGone();
    stream.out_failed = true;
  }
  stream.cv.notify_all();
}

bool OnIoThread() { return tls_io_thread; }
void MarkIoThread() { tls_io_thread = true; }

InlineScope::InlineScope(Exchange* ex) : previous_(tls_inline_exchange) {
  tls_inline_exchange = ex;
}
InlineScope::~InlineScope() { tls_inline_exchange = previous_; }

bool WantsStreamedBody(const Exchange& ex) {
  return ex.outcome == Exchange::Outcome::kResponse && ex.resp.body_writer && !ex.head &&
         !StatusHasNoBody(ex.resp.status);
}

void Complete(const std::shared_ptr<Exchange>& ex, Exchange::Outcome outcome,
              HttpResponse* response) {
  if (ex->completed.exchange(true, std::memory_order_acq_rel)) return;
  ex->outcome = outcome;
  if (response) ex->resp = std::move(*response);
  if (tls_inline_exchange == ex.get()) {
    ex->completed_inline = true;  // the connection continues once the handler returns
    return;
  }
  if (WantsStreamedBody(*ex) && !OnIoThread()) {
    StreamResponseBody(ex);
    return;
  }
  PostToConnection(ex, &ConnectionBase::OnCompleted);
}

void StreamResponseBody(const std::shared_ptr<Exchange>& ex) {
  BodyWriter writer = std::move(ex->resp.body_writer);
  ex->resp.body_writer = nullptr;
  BodySink sink(ex);
  Status status;
  try {
    status = writer(sink);
  } catch (const std::exception& e) {
    log::Error("http body writer threw", {{"request_id", ex->req.request_id}, {"what", e.what()}});
    status = errors::InternalFailure("internal error");
  } catch (...) {
    log::Error("http body writer threw", {{"request_id", ex->req.request_id}});
    status = errors::InternalFailure("internal error");
  }
  writer = nullptr;  // release what it holds before the response completes
  if (status.ok() && !sink.status().ok()) status = sink.status();
  if (!status.ok() && sink.nothing_sent()) {
    // Nothing has left yet: answer with the error instead.
    ex->outcome = Exchange::Outcome::kWriterFailed;
    ex->writer_error = status.error();
    PostToConnection(ex, &ConnectionBase::OnCompleted);
    return;
  }
  if (!status.ok()) {
    log::Warn("http body writer failed mid-response",
              {{"request_id", ex->req.request_id}, {"error", status.error().message()}});
  }
  (void)sink.Finish(status.ok());
}

void RunStreamHandler(const std::shared_ptr<Exchange>& ex, const Handlers& handlers) {
  if (ex->closed.load(std::memory_order_relaxed)) {
    ex->completed.store(true, std::memory_order_relaxed);
    return;  // the client left while the request waited for a thread
  }
  HttpResponse resp;
  Exchange::Outcome outcome = Exchange::Outcome::kResponse;
  {
    BodySource body(ex);
    try {
      resp = handlers.stream(ex->req, body);
    } catch (const std::exception& e) {
      log::Error("http handler threw", {{"request_id", ex->req.request_id}, {"what", e.what()}});
      outcome = Exchange::Outcome::kThrew;
    } catch (...) {
      log::Error("http handler threw", {{"request_id", ex->req.request_id}});
      outcome = Exchange::Outcome::kThrew;
    }
  }
  Complete(ex, outcome, outcome == Exchange::Outcome::kResponse ? &resp : nullptr);
}

}  // namespace internal

Responder::Responder(std::shared_ptr<internal::Exchange> exchange)
    : exchange_(std::move(exchange)) {
  if (exchange_) exchange_->responders.fetch_add(1, std::memory_order_relaxed);
}

Responder::Responder(const Responder& other) : exchange_(other.exchange_) {
  if (exchange_) exchange_->responders.fetch_add(1, std::memory_order_relaxed);
}

Responder::Responder(Responder&& other) noexcept : exchange_(std::move(other.exchange_)) {}

Responder& Responder::operator=(const Responder& other) {
  if (this != &other) *this = Responder(other);
  return *this;
}

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    Responder old(std::move(*this));
    exchange_ = std::move(other.exchange_);
  }
  return *this;
}

Responder::~Responder() {
  if (exchange_ && exchange_->responders.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    internal::Complete(exchange_, internal::Exchange::Outcome::kDropped, nullptr);
  }
}

void Responder::operator()(HttpResponse response) const {
  if (!exchange_) return;
  internal::Complete(exchange_, internal::Exchange::Outcome::kResponse, &response);
}

bool Responder::Done() const {
  return !exchange_ || exchange_->completed.load(std::memory_order_acquire) ||
         exchange_->closed.load(std::memory_order_acquire);
}

}  // namespace irsa::http
