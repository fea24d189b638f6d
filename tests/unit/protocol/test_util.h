// Helpers for protocol tests: building HttpRequests from compact text.
#pragma once

#include <string>
#include <string_view>

#include "base/http_types.h"

namespace irsa::protocol::testing {

// `headers` is "name: value\n" lines (names lower-cased here). `target` is path[?query].
inline HttpRequest MakeRequest(std::string_view method, std::string_view target,
                               std::string_view headers, std::string_view body = {}) {
  HttpRequest r;
  r.method = std::string(method);
  r.target = std::string(target);
  size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
  while (!headers.empty()) {
    size_t nl = headers.find('\n');
    std::string_view line = headers.substr(0, nl);
    headers = nl == std::string_view::npos ? std::string_view() : headers.substr(nl + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace_back(std::move(name), std::string(value));
  }
  r.body = std::string(body);
  return r;
}

inline void SetHeader(HttpRequest& r, std::string_view name, std::string_view value) {
  for (auto& [n, v] : r.headers) {
    if (n == name) {
      v = std::string(value);
      return;
    }
  }
  r.headers.emplace_back(std::string(name), std::string(value));
}

inline void RemoveHeader(HttpRequest& r, std::string_view name) {
  std::erase_if(r.headers, [&](const auto& h) { return h.first == name; });
}

}  // namespace irsa::protocol::testing
