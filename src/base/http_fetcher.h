// Outbound HTTP(S) GET, injected wherever irsa talks to the network (remote OIDC discovery and
// JWKS, a real kube-apiserver). The http module provides the real implementation; tests use fakes.
//
// Thread-safety: implementations must be safe to call from many threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace irsa {

struct FetchRequest {
  std::string url;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{5000};  // whole exchange: connect, TLS, request, response
  size_t max_body_bytes = 1 << 20;          // larger responses fail
};

struct FetchResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& lower_name) const {
    for (const auto& [n, v] : headers) {
      if (n == lower_name) return v;
    }
    return {};
  }
};

class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  // Performs a GET. Transport failures (DNS, connect, TLS verification, timeout, oversized or
  // malformed response) are errors whose message names the URL and what failed; any HTTP status
  // is a successful FetchResponse.
  virtual Result<FetchResponse> Get(const FetchRequest& request) = 0;
};

}  // namespace irsa
