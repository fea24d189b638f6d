// Internal to the http module: parses one request directly into an HttpRequest (no intermediate
// Beast message). Single use: a new parser is made for every request on a connection.
//
// The parser stops after the header (eager off, no body limit) so that the connection can decide
// from the header whether the body is buffered (then it sets body_limit and eager itself and
// keeps feeding this parser) or streamed (then the body bytes never reach this parser).
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cstdint>

#include "base/http_types.h"

namespace irsa::http::internal {

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // `max_body` only sizes the body reservation; the limit is set with body_limit().
  RequestParser(HttpRequest& req, size_t max_header, size_t max_body)
      : req_(req), max_body_(max_body) {
    header_limit(static_cast<std::uint32_t>(std::min<size_t>(max_header, UINT32_MAX)));
    body_limit(boost::none);
    eager(false);
  }

  int version() const { return version_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target,
                       int version, error_code&) override {
    req_.method.assign(method.data(), method.size());
    req_.target.assign(target.data(), target.size());
    version_ = version;
  }
  void on_response_impl(int, string_view, int, error_code& ec) override {
    ec = boost::beast::http::error::bad_version;  // unreachable for a request parser
  }
  void on_field_impl(boost::beast::http::field, string_view name, string_view value,
                     error_code&) override {
    auto& [lower, val] = req_.headers.emplace_back();
    lower.resize(name.size());
    for (size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    val.assign(value.data(), value.size());
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length) req_.body.reserve(static_cast<size_t>(std::min<std::uint64_t>(*length, max_body_)));
  }
  size_t on_body_impl(string_view body, error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  HttpRequest& req_;
  size_t max_body_;
  int version_ = 11;
};

}  // namespace irsa::http::internal
