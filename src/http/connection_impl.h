// Internal to the http module: the connection class template, shared by connection.cc (accepting,
// parsing, handling, writing, closing) and connection_stream.cc (streamed request and response
// bodies). Each .cc explicitly instantiates its members for the plain and the TLS stream.
//
// Threading: every member runs on the connection's IO thread.
#pragma once

#include "http/connection.h"

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/error.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cstring>
#include <string>

#include "base/chunked_decoder.h"
#include "base/encoding.h"
#include "base/ids.h"
#include "base/log.h"
#include "http/request_parser.h"

namespace irsa::http::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using beast::error_code;

inline constexpr size_t kReadSize = 16 * 1024;
// After answering a request it did not read whole (413, 400, 408, a streamed body the handler
// left unread), the connection keeps reading and discarding what the client still sends, up to
// this much or kLingerTime, before it closes: clients that send the whole body before reading
// (urllib, curl without Expect) then see the answer instead of a reset (bodies of a few MiB are
// drained whole).
inline constexpr size_t kLingerBytes = 8 * 1024 * 1024;
inline constexpr std::chrono::milliseconds kLingerTime{1000};
// Request bodies above this are not kept allocated between requests on a connection.
inline constexpr size_t kKeepBodyCapacity = 64 * 1024;
inline constexpr std::string_view k100Continue = "HTTP/1.1 100 Continue\r\n\r\n";
inline constexpr std::string_view kCrLf = "\r\n";
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

inline bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

inline int64_t SteadyNs(SteadyClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

template <class Stream>
class Connection final : public ConnectionBase,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  Connection(ServerCore& core, Worker& worker, std::shared_ptr<ServerLink> link, Stream stream,
             std::string remote, std::string client_key)
      : core_(core),
        worker_(worker),
        link_(std::move(link)),
        stream_(std::move(stream)),
        timer_(worker.ioc),
        remote_(std::move(remote)),
        client_key_(std::move(client_key)) {}

  ~Connection() override {
    worker_.RemoveIdle(this);
    if (ex_) ex_->Close();
    if (linked_) worker_.connections.erase(link_it_);
    core_.ConnectionClosed(client_key_);
  }

  void Start();

  void Drain() override;

  void ForceClose() override { Close(); }

  void OnCompleted(const std::shared_ptr<Exchange>& ex) override;

  void OnBodyDemand(const std::shared_ptr<Exchange>& ex) override;

  void OnResponseData(const std::shared_ptr<Exchange>& ex) override;

  const std::string& client_key() const override { return client_key_; }

 private:
  enum class Phase {
    kHandshake,
    kIdle,       // waiting for the first byte of a request
    kReading,    // reading a request's header (and a buffered body)
    kContinue,   // writing "100 Continue" for a buffered body
    kHandling,   // the synchronous handler runs (on this thread)
    kAwaiting,   // the answer comes from another thread; a streamed body may be read meanwhile
    kWriting,    // writing a response, or one piece of a streamed response
    kStreamOut,  // a streamed response waits for the writer's next buffer
    kLinger,
    kClosed
  };
  enum class BodyKind { kNone, kLength, kChunked };

  tcp::socket& Socket() { return beast::get_lowest_layer(stream_); }
  HttpRequest& req() { return ex_->req; }
  HttpResponse& resp() { return ex_->resp; }

  // ---- deadlines: one timer per connection, re-armed only when the deadline moves earlier ----

  void SetDeadline(std::chrono::milliseconds timeout);
  void SetDeadlineAt(SteadyClock::time_point t);
  // No deadline (waiting for the application); a pending timer wait ends without re-arming.
  void ClearDeadline() { deadline_ = SteadyClock::time_point::max(); }

  void ArmTimer(SteadyClock::time_point t);

  void OnTimer(error_code ec);

  void OnTimeout();

  // ---- waiting for other threads ----

  // Keeps the connection alive while only another thread (a Responder, a pool task) will call
  // back; released when the exchange ends or the connection closes.
  void Hold();
  void ReleaseHold();

  // ---- reading ----

  void OnHandshake(error_code ec);

  void PrepareExchange();

  void ReadRequest();

  void ReadSome();

  void OnRead(error_code ec, size_t n);

  void Parse();

  // The header is complete: decides between a buffered and a streamed body. False when the
  // request has been taken over (streamed, or answered with an error).
  bool OnHeader();

  void SendContinue();

  void FailParse(error_code ec);

  // ---- handling ----

  void OnRequest();

  // The handler has answered (ex_->outcome): turns failures into error responses, then writes
  // the response or hands its body_writer to the worker pool.
  void FinishResponse();

  // A server-generated error for a request that could not be parsed or taken; closes afterwards.
  void SendError(const Error& error);

  // The response is about to start: a streamed body that was not read to its end is given up.
  void BeginResponse();

  // Writes a response whose body is in memory.
  void Respond();

  void OnWrite(error_code ec);

  // ---- streamed request bodies ----

  void StartStreaming();

  void FailBody(Error error);

  void NoteIoBytes();

  // Moves body bytes from the read buffer into `out`; sets body_complete_ at the end of the body.
  size_t DecodeBody(char* out, size_t space, std::optional<Error>& error);

  // Fills the body buffer from what has arrived, then reads more from the socket unless the
  // buffer is full (the reader restarts the pump) or the body is complete.
  void PumpBody();

  void StartBodyRead();

  void OnBodyRead(error_code ec, size_t n);

  void SendStreamContinue();

  void OnStreamContinueWritten(error_code ec);

  // ---- streamed responses ----

  void OnResponseDataWritten(error_code ec, bool last, size_t data_bytes);

  // ---- closing ----

  // Half-closes and discards what the client still sends for a short while, so that unread
  // request bytes do not turn our close into a reset that destroys the response in flight.
  void Linger();

  void LingerRead();

  void Close();

  enum class TargetError { kNone, kTarget, kPercent };

  ServerCore& core_;
  Worker& worker_;
  std::shared_ptr<ServerLink> link_;
  Stream stream_;
  asio::steady_timer timer_;
  std::string remote_;
  std::string client_key_;
  std::list<ConnectionBase*>::iterator link_it_;
  bool linked_ = false;
  std::shared_ptr<Connection> hold_;

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
  MonoTime started_{};
  SteadyClock::time_point last_response_{};  // the last response write began (idle ordering)

  // The current request.
  bool header_done_ = false;
  TargetError target_error_ = TargetError::kNone;
  // Streamed request body (IO side).
  bool streaming_ = false;
  BodyKind body_kind_ = BodyKind::kNone;
  uint64_t body_left_ = 0;  // kLength: bytes still to come
  std::optional<ChunkedDecoder> chunked_;
  bool body_complete_ = false;  // every body byte is in the body buffer
  bool expect_continue_ = false;
  bool read_pending_ = false;        // a body read is in flight
  bool continue_in_flight_ = false;  // "100 Continue" of a streamed body is being written
  bool deferred_completion_ = false;
  bool deferred_data_ = false;
  // Response.
  bool response_started_ = false;
  bool head_written_ = false;  // streamed response: its head has been written
  BodyFraming out_framing_;
  uint64_t out_sent_ = 0;
  char chunk_line_[24];

  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::shared_ptr<Exchange> ex_;
  std::string head_buf_;
  std::string log_buf_;
};

}  // namespace irsa::http::internal
