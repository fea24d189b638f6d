#include "http/fetcher.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <string>

#include "http/outbound_target.h"

namespace irsa::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct Fetcher::TlsContext {
  TlsContext() : ctx(asio::ssl::context::tls_client) {}
  asio::ssl::context ctx;
};

namespace {

constexpr size_t kMaxResponseHeader = 64 * 1024;

// One GET exchange on its own io_context.
class Exchange {
 public:
  Exchange(asio::io_context& ioc, const OutboundTarget& target, const FetchRequest& request,
           const FetcherOptions& options, asio::ssl::context* tls)
      : target_(target),
        request_(request),
        options_(options),
        resolver_(ioc),
        timer_(ioc),
        socket_(ioc) {
    if (target_.tls) tls_stream_.emplace(socket_, *tls);
  }

  asio::awaitable<void> Run() {
    timer_.expires_after(request_.timeout);
    timer_.async_wait([this](error_code ec) {
      if (ec) return;
      timed_out_ = true;
      resolver_.cancel();
      error_code ignored;
      socket_.close(ignored);
    });
    co_await RunStages();
    timer_.cancel();
    error_code ignored;
    socket_.close(ignored);
  }

  Result<FetchResponse> TakeResult() {
    if (error_) return *error_;
    return std::move(response_);
  }

 private:
  auto Token(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

  void Fail(std::string_view stage, const std::string& detail) {
    std::string msg = "GET " + target_.display + ": ";
    if (timed_out_) {
      msg += "timed out after " + std::to_string(request_.timeout.count()) + " ms (" +
             std::string(stage) + ")";
    } else {
      msg += std::string(stage) + " failed";
      if (!detail.empty()) msg += ": " + detail;
    }
    error_ = errors::ServiceUnavailable(std::move(msg));
  }

  asio::awaitable<void> RunStages() {
    error_code ec;
    auto endpoints = co_await resolver_.async_resolve(target_.host, target_.port,
                                                      tcp::resolver::numeric_service, Token(ec));
    if (ec || endpoints.empty()) {
      Fail("DNS lookup of " + target_.host, ec ? ec.message() : "no addresses");
      co_return;
    }
    co_await asio::async_connect(socket_, endpoints, Token(ec));
    if (ec) {
      Fail("connect", ec.message());
      co_return;
    }
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    if (!target_.tls) {
      co_await Talk(socket_);
      co_return;
    }
    SSL* ssl = tls_stream_->native_handle();
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    bool configured = true;
    if (target_.ip_literal) {
      configured = X509_VERIFY_PARAM_set1_ip_asc(param, target_.host.c_str()) == 1;
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      configured = SSL_set1_host(ssl, target_.host.c_str()) == 1 &&
                   SSL_set_tlsext_host_name(ssl, target_.host.c_str()) == 1;
    }
    if (!configured) {
      Fail("TLS setup", "cannot set the expected host name " + OpenSslErrors());
      co_return;
    }
    SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
    co_await tls_stream_->async_handshake(asio::ssl::stream_base::client, Token(ec));
    if (ec) {
      std::string detail = ec.message();
      long verify = SSL_get_verify_result(ssl);
      if (verify != X509_V_OK) {
        detail = std::string("certificate verification failed: ") +
                 X509_verify_cert_error_string(verify);
      }
      ERR_clear_error();
      Fail("TLS handshake", detail);
      co_return;
    }
    co_await Talk(*tls_stream_);
  }

  template <class Stream>
  asio::awaitable<void> Talk(Stream& stream) {
    std::string head =
        "GET " + target_.request_target + " HTTP/1.1\r\nHost: " + target_.host_header +
        "\r\nUser-Agent: " + options_.user_agent + "\r\nAccept: */*\r\nConnection: close\r\n";
    for (const auto& [name, value] : request_.headers) {
      head += name;
      head += ": ";
      head += value;
      head += "\r\n";
    }
    head += "\r\n";
    error_code ec;
    co_await asio::async_write(stream, asio::buffer(head), Token(ec));
    if (ec) {
      Fail("sending the request", ec.message());
      co_return;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(kMaxResponseHeader);
    parser.body_limit(request_.max_body_bytes);
    beast::flat_buffer buffer;
    co_await bhttp::async_read(stream, buffer, parser, Token(ec));
    if (ec == asio::ssl::error::stream_truncated && parser.is_header_done() && !parser.is_done()) {
      // A TLS peer that closes without close_notify ends an until-EOF body: accept it.
      ec = {};
      parser.put_eof(ec);
    }
    if (ec && !(ec == asio::ssl::error::stream_truncated && parser.is_done())) {
      if (ec == bhttp::error::body_limit) {
        Fail("reading the response",
             "body larger than " + std::to_string(request_.max_body_bytes) + " bytes");
      } else if (ec == bhttp::error::header_limit) {
        Fail("reading the response",
             "header larger than " + std::to_string(kMaxResponseHeader) + " bytes");
      } else {
        Fail("reading the response", ec.message());
      }
      co_return;
    }
    auto msg = parser.release();
    response_.status = static_cast<int>(msg.result_int());
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      response_.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    response_.body = std::move(msg.body());
  }

  const OutboundTarget& target_;
  const FetchRequest& request_;
  const FetcherOptions& options_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  tcp::socket socket_;
  std::optional<asio::ssl::stream<tcp::socket&>> tls_stream_;
  bool timed_out_ = false;
  std::optional<Error> error_;
  FetchResponse response_;
};

}  // namespace

Result<std::unique_ptr<Fetcher>> Fetcher::Create(FetcherOptions options) {
  std::unique_ptr<TlsContext> tls;
  try {
    tls = std::make_unique<TlsContext>();
  } catch (const std::exception& e) {
    return errors::InternalFailure(std::string("cannot create TLS client context: ") + e.what());
  }
  SSL_CTX* c = tls->ctx.native_handle();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  error_code ec;
  if (options.use_system_ca) {
    tls->ctx.set_default_verify_paths(ec);
    if (ec) {
      return errors::InternalFailure("cannot load the system CA store: " + ec.message());
    }
  }
  if (!options.ca_bundle_file.empty()) {
    tls->ctx.load_verify_file(options.ca_bundle_file, ec);
    if (ec) {
      ERR_clear_error();
      return errors::InvalidParameterValue("cannot load CA bundle " + options.ca_bundle_file +
                                           ": " + ec.message());
    }
  }
  tls->ctx.set_verify_mode(asio::ssl::verify_peer, ec);
  return std::unique_ptr<Fetcher>(new Fetcher(std::move(options), std::move(tls)));
}

Fetcher::Fetcher(FetcherOptions options, std::unique_ptr<TlsContext> tls)
    : options_(std::move(options)), tls_(std::move(tls)) {}

Fetcher::~Fetcher() = default;

Result<FetchResponse> Fetcher::Get(const FetchRequest& request) {
  IRSA_TRY(OutboundTarget target, ParseOutboundTarget(request.url, "fetch URL"));
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || !SafeHeaderText(name) || !SafeHeaderText(value) ||
        name.find(':') != std::string::npos) {
      return errors::InvalidParameterValue("GET " + target.display + ": invalid request header");
    }
  }
  try {
    asio::io_context ioc(1);
    Exchange exchange(ioc, target, request, options_, &tls_->ctx);
    bool crashed = false;
    asio::co_spawn(ioc, exchange.Run(), [&](std::exception_ptr e) { crashed = e != nullptr; });
    ioc.run();
    if (crashed) {
      return errors::ServiceUnavailable("GET " + target.display + ": internal error");
    }
    return exchange.TakeResult();
  } catch (const std::exception& e) {
    return errors::ServiceUnavailable("GET " + target.display + ": " + e.what());
  }
}

}  // namespace irsa::http
