// Outbound HTTP(S) requests whose bodies are streamed both ways: the request body is pulled from
// a ByteSource while it is sent, the response body is read by the caller from a ByteSource while
// it arrives. Memory per exchange is a fixed buffer whatever the body sizes. Injected where irsa
// forwards large bodies (an S3-compatible upstream); the http module provides the real
// implementation (http/stream_client.h).
//
// Contract:
//  - One connection per exchange (`Connection: close`); no redirects are followed, any HTTP
//    status is a successful response.
//  - A request body is sent with `Content-Length: content_length`; the source must yield exactly
//    that many bytes (fewer or more fails the exchange). No body: no Content-Length unless
//    `content_length` is set (0 for an empty PUT).
//  - The last piece of a body is sent only after the source returned its end (Read == 0): if the
//    source fails instead (a digest or signature that is checked after the last byte), Send
//    returns that error and the server never receives a complete body (the connection closes
//    short of Content-Length), so a forwarded upload that failed verification is not stored.
//  - `io_timeout` bounds every wait for the network (connect, TLS handshake, each read and each
//    write): a peer that stops for that long fails the exchange; a slow but moving one does not.
//  - Transport failures (DNS, connect, TLS verification, timeout, malformed response) are
//    ServiceUnavailable errors naming the URL without its query string, never header values.
//
// Ownership and threading: Send may be called from many threads at once. The returned response
// owns its connection; it is used by one thread at a time and closes the connection when
// destroyed (an unread rest of the body is abandoned).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/byte_stream.h"
#include "base/result.h"

namespace irsa {

struct StreamRequest {
  std::string method = "GET";
  std::string url;  // http:// or https://; path and query as they go on the wire (encoded)
  // Sent as given (Host is added when absent; Content-Length and Connection are set by the
  // client). Values must not contain CR, LF or NUL (InvalidParameterValue).
  std::vector<std::pair<std::string, std::string>> headers;
  ByteSource* body = nullptr;  // borrowed for the duration of Send
  std::optional<uint64_t> content_length;
  std::chrono::milliseconds io_timeout{30000};
};

// The response: status and headers when Send returns; the body read through ByteSource::Read
// (0 at its end, which is the Content-Length, the last chunk, or the connection's close).
class StreamResponse : public ByteSource {
 public:
  virtual int status() const = 0;
  // Header fields with lower-cased names, in the order received.
  virtual const std::vector<std::pair<std::string, std::string>>& headers() const = 0;
  // The first value of `lower_name`, or "".
  std::string Header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers()) {
      if (name == lower_name) return value;
    }
    return {};
  }
};

class HttpStreamClient {
 public:
  virtual ~HttpStreamClient() = default;
  // Sends the request (its body to the end) and reads the response's status line and headers.
  virtual Result<std::unique_ptr<StreamResponse>> Send(const StreamRequest& request) = 0;
};

}  // namespace irsa
