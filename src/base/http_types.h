// The HTTP request and response every layer shares: already parsed and size-limited by the http
// module, independent of Boost.Beast. Plain values; no thread-safety of their own.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type etc.
  std::string body;
  RequestLabels labels;
};

}  // namespace irsa
