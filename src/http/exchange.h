// Internal to the http module: one request/response exchange as shared between a connection (on
// its IO thread) and whatever answers it on another thread (a Responder, a StreamHandler on a
// worker pool, a streamed response body).
//
// Ownership: an Exchange is held by shared_ptr: by its connection while the exchange is current,
// by every Responder copy and by pool tasks working on it. It may outlive its connection (the
// client disconnected, the server stopped): then `closed` is set and everything that waits on it
// wakes up with an error. Nothing here points at the server except through ServerLink, which
// refuses to post once the server has stopped, so late completions are harmless.
//
// Threading: fields marked (IO) are touched only on the connection's IO thread, fields marked
// (mu) only under stream.mu; `req`, `resp` and the outcome are handed over by the completing
// thread before it posts to the IO thread (asio::post orders the two), or inline on the IO thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/byte_stream.h"
#include "base/error.h"
#include "base/http_types.h"
#include "http/server.h"

namespace irsa::http::internal {

class ConnectionBase;
class ServerLink;
struct Handlers;
struct Worker;

// Buffer sizes of a streamed exchange.
inline constexpr size_t kBodyBufferBytes = 64 * 1024;     // request body on its way to a reader
inline constexpr size_t kResponseChunkBytes = 64 * 1024;  // each of the two response buffers

struct StreamState {
  std::mutex mu;
  std::condition_variable cv;  // any change below

  // ---- request body: IO thread produces into the ring, the handler's ByteSource consumes ----
  std::unique_ptr<char[]> ring;     // kBodyBufferBytes, allocated on the first demand (IO)
  size_t ring_begin = 0;            // (mu)
  size_t ring_size = 0;             // (mu)
  bool body_eof = false;            // (mu) every body byte is in the ring
  std::optional<Error> body_error;  // (mu) final
  bool io_waiting = true;       // (mu) the IO side is not pumping until the reader posts a demand
  bool reader_waiting = false;  // (mu)

  // ---- response body: the writer's thread fills, the IO thread writes ----
  std::string fill;         // the writer's thread only
  std::string sending;      // read by the IO thread while in_flight; swapped with fill otherwise
  bool in_flight = false;   // (mu) `sending` is posted to or being written by the IO thread
  bool last = false;        // (mu) with in_flight: `sending` ends the body
  bool abort = false;       // (mu) with in_flight: the writer failed; close after `sending`
  bool out_failed = false;  // (mu) the connection cannot take more response bytes

  // Buffer bytes in use on each side, for Server::PeakStreamBufferBytes.
  std::atomic<size_t> io_bytes{0};
  std::atomic<size_t> out_bytes{0};

  // Drops buffers and resets the flags (between exchanges; no other thread holds the state).
  void Reset();
};

struct Exchange {
  enum class Outcome {
    kPending,
    kResponse,      // `resp` holds the handler's response
    kDropped,       // every Responder was destroyed uncalled: 500
    kThrew,         // the handler threw: 500
    kWriterFailed,  // the body writer failed before sending anything: `writer_error`
  };

  HttpRequest req;
  HttpResponse resp;
  Outcome outcome = Outcome::kPending;
  std::optional<Error> writer_error;

  // Fixed while the exchange is handed out.
  std::weak_ptr<ConnectionBase> conn;
  Worker* worker = nullptr;  // reached only through link->Post
  std::shared_ptr<ServerLink> link;
  bool head = false;  // a HEAD request: a response body is never written

  std::atomic<int> responders{0};      // live Responder copies
  std::atomic<bool> completed{false};  // the first completion won
  bool completed_inline = false;       // (IO) completed inside the handler call on the IO thread
  std::atomic<bool> closed{false};     // the connection is gone (set under stream.mu)

  StreamState stream;

  // Prepares a reused exchange for the next request on its connection (no other owner).
  void Reset();
  // Marks the exchange closed and wakes every waiter (IO thread or destruction).
  void Close();
};

// Completes `ex` once (later calls do nothing): stores the outcome and response, then either lets
// the connection pick it up inline (on the IO thread inside the handler call), streams the body
// on this thread (a body_writer off the IO threads), or posts to the connection.
void Complete(const std::shared_ptr<Exchange>& ex, Exchange::Outcome outcome,
              HttpResponse* response);

// Pool task of a streamed request: runs the StreamHandler with a ByteSource over the body, then
// completes the exchange (streaming the response body on this thread if it has one).
void RunStreamHandler(const std::shared_ptr<Exchange>& ex, const Handlers& handlers);

// Runs the response's body_writer on this (non-IO) thread, feeding the connection.
void StreamResponseBody(const std::shared_ptr<Exchange>& ex);

// Whether the completed response of `ex` has a body to stream (body_writer, not HEAD, a status
// with a body).
bool WantsStreamedBody(const Exchange& ex);

// The calling thread is an IO thread of some server.
bool OnIoThread();
void MarkIoThread();

// While alive, a completion of `ex` on this thread is inline (the handler call is on the stack).
class InlineScope {
 public:
  explicit InlineScope(Exchange* ex);
  ~InlineScope();
  InlineScope(const InlineScope&) = delete;
  InlineScope& operator=(const InlineScope&) = delete;

 private:
  Exchange* previous_;
};

}  // namespace irsa::http::internal
