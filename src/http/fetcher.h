// The real HttpFetcher: HTTP/1.1 GET over plain TCP or TLS (Boost.Beast + OpenSSL).
//
//   IRSA_TRY(auto fetcher, http::Fetcher::Create({.ca_bundle_file = "/etc/irsa/ca.pem"}));
//   Result<FetchResponse> r = fetcher->Get({.url = "https://issuer.example/keys"});
//
// Behaviour:
// - https verifies the server certificate against the system CA store (unless disabled) plus an
//   optional PEM bundle, checks the host name (DNS SAN, or IP SAN for IP-literal hosts) and
//   sends SNI. TLS 1.2 or newer.
// - One connection per call (`Connection: close`); FetchRequest::timeout bounds the whole
//   exchange (DNS, connect, TLS, request, response). Redirects are not followed: a 3xx is
//   returned as-is. Bodies larger than FetchRequest::max_body_bytes fail.
// - Errors name the URL (scheme, host, port and path; never userinfo or the query string) and
//   the stage that failed: DNS lookup, connect, TLS handshake/verification, sending, reading,
//   timeout, or a too-large/malformed response. Invalid URLs are InvalidParameterValue;
//   transport failures are ServiceUnavailable.
//
// Thread-safety: Get may be called concurrently from many threads; each call runs its own
// io_context on the calling thread (the call blocks).
#pragma once

#include <memory>
#include <string>

#include "base/http_fetcher.h"
#include "base/result.h"

namespace irsa::http {

struct FetcherOptions {
  std::string ca_bundle_file;  // optional PEM file of extra trust anchors
  bool use_system_ca = true;   // also trust the system CA store
  std::string user_agent = "irsa";
};

class Fetcher final : public HttpFetcher {
 public:
  // Fails if the CA bundle cannot be loaded or the TLS context cannot be set up.
  static Result<std::unique_ptr<Fetcher>> Create(FetcherOptions options = {});
  ~Fetcher() override;
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  Result<FetchResponse> Get(const FetchRequest& request) override;

 private:
  struct TlsContext;
  Fetcher(FetcherOptions options, std::unique_ptr<TlsContext> tls);

  FetcherOptions options_;
  std::unique_ptr<TlsContext> tls_;
};

}  // namespace irsa::http
