// The parts of outbound HTTP(S) clients (fetcher.h, stream_client.h) that do not depend on how
// they move bytes: the target a URL names, header-text safety and OpenSSL's error queue.
// Stateless; thread-safe (OpenSslErrors drains the calling thread's queue).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace irsa::http {

struct OutboundTarget {
  bool tls = false;
  bool ip_literal = false;
  std::string host;         // DNS name or IP address (no brackets)
  std::string port;         // decimal
  std::string host_header;  // Host header value
  std::string request_target;
  std::string display;  // scheme://host:port/path, for messages (never the query)
};

// An absolute http(s) URL without credentials. InvalidParameterValue "invalid <what>: <why>"
// otherwise; the message never repeats the URL (it may hold secrets).
Result<OutboundTarget> ParseOutboundTarget(std::string_view url, std::string_view what);

// False for text holding CR, LF or NUL (it could split a header).
bool SafeHeaderText(std::string_view s);

// The calling thread's OpenSSL error queue as text ("; "-separated), emptied.
std::string OpenSslErrors();

}  // namespace irsa::http
