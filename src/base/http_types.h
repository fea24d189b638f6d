// The HTTP request and response every layer shares: already parsed and size-limited by the http
// module, independent of Boost.Beast. Plain values; no thread-safety of their own.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/byte_stream.h"
#include "base/result.h"

namespace irsa {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target: path plus optional "?query"
  std::string path;    // percent-decoded path without the query
  std::string query;   // raw query string without '?', not decoded
  // Header names lower-cased; values as received (trimmed). Order kept; duplicates kept.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // textual IP of the peer
  bool secure = false;         // arrived over TLS
  std::string request_id;      // assigned by the server (UUID), echoed as x-amzn-RequestId

  // First header with this (lower-case) name, or empty.
  std::string_view Header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return {};
  }
  bool HasHeader(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return true;
    }
    return false;
  }
};

// Labels the request for metrics and the access log.
struct RequestLabels {
  std::string service;     // "iam", "sts", "eks", "kube", "oidc", "admin", ...
  std::string action;      // "GetCallerIdentity", ...
  std::string error_code;  // empty on success
  std::string principal;   // caller ARN, if authenticated (never a secret)
};

// Writes a response body while it is sent (http::Server, see its streaming section): called once,
// on a thread that may block, with a sink that writes to the client. Returns an error to abort.
using BodyWriter = std::function<Status(ByteSink& sink)>;

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type etc.
  std::string body;
  RequestLabels labels;

  // A streamed body instead of `body` (large downloads). Not called for HEAD requests and for
  // statuses without a body (1xx, 204, 304).
  BodyWriter body_writer;
  // The body's length when it is not `body.size()`: with body_writer, the exact number of bytes
  // the writer will write (sent as Content-Length; unset: the body is sent chunked); for a HEAD
  // response without body_writer, the length a GET would have had. Ignored otherwise.
  std::optional<uint64_t> content_length;
};

}  // namespace irsa
