// The real HttpStreamClient (base/http_stream_client.h): HTTP/1.1 over plain TCP or TLS with
// blocking sockets on the calling thread (POSIX sockets and OpenSSL, every wait bounded by
// StreamRequest::io_timeout through poll), the response parsed incrementally by Boost.Beast's
// parser into the caller's buffer.
//
//   IRSA_TRY(auto client, http::StreamClient::Create({.ca_bundle_file = "ca.pem"}));
//   FileSource file(...);
//   IRSA_TRY(auto response, client->Send({.method = "PUT", .url = url, .headers = signed,
//                                         .body = &file, .content_length = size}));
//   if (response->status() != 200) ...;
//   while (true) { IRSA_TRY(size_t n, response->Read(buffer, sizeof buffer)); if (!n) break; }
//
// https verifies the server certificate against the system CA store (unless disabled) plus an
// optional PEM bundle, checks the host name (DNS or IP SAN) and sends SNI; TLS 1.2 or newer.
// If the server answers before the whole request body was sent and closes (e.g. 403 to an upload
// it refused), the answer is returned rather than the failed write.
//
// Memory per exchange: a 64 KiB receive buffer, the caller's read buffers, the response header
// (at most 64 KiB, larger is an error), and two 64 KiB buffers to send the request body (one
// holds the piece read last until the source has ended).
//
// Thread-safety: Send may be called concurrently; each call opens its own connection.
#pragma once

#include <memory>
#include <string>

#include "base/http_stream_client.h"
#include "base/result.h"

namespace irsa::http {

struct StreamClientOptions {
  std::string ca_bundle_file;  // optional PEM file of extra trust anchors
  bool use_system_ca = true;   // also trust the system CA store
};

class StreamClient final : public HttpStreamClient {
 public:
  // Fails if the CA bundle cannot be loaded or the TLS context cannot be set up.
  static Result<std::unique_ptr<StreamClient>> Create(StreamClientOptions options = {});
  ~StreamClient() override;

  Result<std::unique_ptr<StreamResponse>> Send(const StreamRequest& request) override;

 private:
  struct Tls;
  explicit StreamClient(std::unique_ptr<Tls> tls);
  std::unique_ptr<Tls> tls_;
};

}  // namespace irsa::http
