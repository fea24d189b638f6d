#include "http/stream_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <array>
#include <cerrno>
#include <cstring>

#include "base/error.h"
#include "http/outbound_target.h"

namespace irsa::http {

namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr size_t kReceiveBuffer = 64 * 1024;  // also the longest header line
constexpr size_t kSendBuffer = 64 * 1024;
constexpr size_t kMaxHeader = 64 * 1024;

// A connected socket, optionally wrapped in TLS; blocking semantics with poll-bounded waits.
class Connection {
 public:
  Connection(std::string display, std::chrono::milliseconds timeout)
      : display_(std::move(display)), timeout_(timeout) {}
  ~Connection() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Error Fail(std::string_view stage, std::string detail = {}) const {
    std::string message = "upstream " + display_ + ": " + std::string(stage);
    if (!detail.empty()) message += ": " + detail;
    return errors::ServiceUnavailable(std::move(message));
  }

  Status Connect(const OutboundTarget& target, SSL_CTX* tls) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (target.ip_literal) hints.ai_flags = AI_NUMERICHOST;
    addrinfo* found = nullptr;
    if (int rc = ::getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &found); rc != 0) {
      return Fail("DNS lookup failed", ::gai_strerror(rc));
    }
    std::string last = "no address";
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) continue;
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 ||
          (errno == EINPROGRESS && Wait(fd, POLLOUT) && SocketError(fd) == 0)) {
        fd_ = fd;
        break;
      }
      last = errno == 0 ? "timed out" : std::strerror(errno);
      ::close(fd);
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) return Fail("connect failed", last);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!target.tls) return OkStatus();

    ssl_ = SSL_new(tls);
    if (ssl_ == nullptr) return Fail("TLS setup failed", OpenSslErrors());
    SSL_set_fd(ssl_, fd_);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    bool configured = false;
    if (target.ip_literal) {
      configured = X509_VERIFY_PARAM_set1_ip_asc(param, target.host.c_str()) == 1;
    } else {
      configured = SSL_set1_host(ssl_, target.host.c_str()) == 1 &&
                   SSL_set_tlsext_host_name(ssl_, target.host.c_str()) == 1;
    }
    if (!configured) return Fail("TLS setup failed", OpenSslErrors());
    SSL_set_verify(ssl_, SSL_VERIFY_PEER, nullptr);
    while (true) {
      int rc = SSL_connect(ssl_);
      if (rc == 1) return OkStatus();
      int err = SSL_get_error(ssl_, rc);
      if ((err == SSL_ERROR_WANT_READ && Wait(fd_, POLLIN)) ||
          (err == SSL_ERROR_WANT_WRITE && Wait(fd_, POLLOUT))) {
        continue;
      }
      long verify = SSL_get_verify_result(ssl_);
      if (verify != X509_V_OK) {
        return Fail("TLS certificate verification failed", X509_verify_cert_error_string(verify));
      }
      return Fail("TLS handshake failed", OpenSslErrors());
    }
  }

  Status WriteAll(const char* data, size_t size) {
    while (size > 0) {
      ssize_t n;
      if (ssl_ != nullptr) {
        ERR_clear_error();
        int rc = SSL_write(ssl_, data, static_cast<int>(std::min<size_t>(size, 1 << 30)));
        if (rc <= 0) {
          int err = SSL_get_error(ssl_, rc);
          if ((err == SSL_ERROR_WANT_WRITE && Wait(fd_, POLLOUT)) ||
              (err == SSL_ERROR_WANT_READ && Wait(fd_, POLLIN))) {
            continue;
          }
          return Fail("sending failed", OpenSslErrors());
        }
        n = rc;
      } else {
        n = ::send(fd_, data, size, MSG_NOSIGNAL);
        if (n < 0) {
          if ((errno == EAGAIN || errno == EWOULDBLOCK) && Wait(fd_, POLLOUT)) continue;
          if (errno == EINTR) continue;
          return Fail("sending failed", std::strerror(errno));
        }
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
    return OkStatus();
  }

  // Bytes read (0: the peer closed).
  Result<size_t> ReadSome(char* out, size_t max) {
    while (true) {
      if (ssl_ != nullptr) {
        ERR_clear_error();
        int rc = SSL_read(ssl_, out, static_cast<int>(std::min<size_t>(max, 1 << 30)));
        if (rc > 0) return static_cast<size_t>(rc);
        int err = SSL_get_error(ssl_, rc);
        if (err == SSL_ERROR_ZERO_RETURN) return size_t{0};
        if ((err == SSL_ERROR_WANT_READ && Wait(fd_, POLLIN)) ||
            (err == SSL_ERROR_WANT_WRITE && Wait(fd_, POLLOUT))) {
          continue;
        }
        // A peer that closes without close_notify: the end (the parser decides whether the body
        // was complete).
        if (err == SSL_ERROR_SYSCALL || err == SSL_ERROR_SSL) {
          if (timed_out_) return Fail("reading timed out");
          return size_t{0};
        }
        return Fail("reading failed", OpenSslErrors());
      }
      ssize_t n = ::recv(fd_, out, max, 0);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      if ((errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (Wait(fd_, POLLIN)) continue;
        return Fail("reading timed out");
      }
      if (errno == ECONNRESET) return size_t{0};
      return Fail("reading failed", std::strerror(errno));
    }
  }

 private:
  // Waits until `fd` is ready for `events`; false on timeout (errno 0) or poll failure.
  bool Wait(int fd, short events) {
    pollfd p{fd, events, 0};
    while (true) {
      int rc = ::poll(&p, 1, static_cast<int>(timeout_.count()));
      if (rc > 0) return true;
      if (rc < 0 && errno == EINTR) continue;
      if (rc == 0) {
        timed_out_ = true;
        errno = 0;
      }
      return false;
    }
  }
  static int SocketError(int fd) {
    int error = 0;
    socklen_t len = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
    errno = error;
    return error;
  }

  std::string display_;
  std::chrono::milliseconds timeout_;
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  bool timed_out_ = false;
};

class Response final : public StreamResponse {
 public:
  Response(std::unique_ptr<Connection> connection, bool head)
      : connection_(std::move(connection)), buffer_(new char[kReceiveBuffer]) {
    parser_.body_limit(boost::none);
    parser_.header_limit(kMaxHeader);
    parser_.eager(true);
    if (head) parser_.skip(true);
  }

  // Reads until the status line and headers are parsed.
  Status ReadHeader() {
    while (!parser_.is_header_done()) {
      parser_.get().body().data = nullptr;
      parser_.get().body().size = 0;
      IRSA_TRY(bool more, Feed());
      if (!more && !parser_.is_header_done()) {
        return connection_->Fail("reading the response failed", "connection closed");
      }
    }
    for (const auto& field : parser_.get()) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      headers_.emplace_back(std::move(name), std::string(field.value()));
    }
    return OkStatus();
  }

  int status() const override { return static_cast<int>(parser_.get().result_int()); }
  const std::vector<std::pair<std::string, std::string>>& headers() const override {
    return headers_;
  }

  Result<size_t> Read(char* out, size_t max) override {
    if (failed_) return *failed_;
    if (max == 0) return size_t{0};
    while (!parser_.is_done()) {
      parser_.get().body().data = out;
      parser_.get().body().size = max;
      Result<bool> more = Feed();
      const size_t produced = max - parser_.get().body().size;
      parser_.get().body().data = nullptr;
      if (!more.ok()) {
        failed_ = more.error();
        return *failed_;
      }
      if (produced > 0) return produced;
      if (!*more && !parser_.is_done()) {
        failed_ = connection_->Fail("reading the response failed", "body cut short");
        return *failed_;
      }
    }
    return size_t{0};
  }

 private:
  // Gives the parser buffered bytes, reading from the connection when it needs more. False when
  // the connection ended (after telling the parser).
  Result<bool> Feed() {
    if (begin_ == end_ || need_more_) {
      // Keep the unparsed rest (a partial header line or chunk header) and append to it.
      if (begin_ > 0) {
        std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      }
      if (end_ == kReceiveBuffer) return connection_->Fail("malformed response", "line too long");
      IRSA_TRY(size_t n, connection_->ReadSome(buffer_.get() + end_, kReceiveBuffer - end_));
      if (n == 0) {
        error_code ec;
        parser_.put_eof(ec);
        if (ec) return connection_->Fail("reading the response failed", ec.message());
        return false;
      }
      end_ += n;
      need_more_ = false;
    }
    error_code ec;
    size_t used = parser_.put(boost::asio::buffer(buffer_.get() + begin_, end_ - begin_), ec);
    begin_ += used;
    if (ec == bhttp::error::need_more) {
      need_more_ = true;
      return true;
    }
    if (ec == bhttp::error::need_buffer) return true;
    if (ec) return connection_->Fail("malformed response", ec.message());
    return true;
  }

  std::unique_ptr<Connection> connection_;
  bhttp::response_parser<bhttp::buffer_body> parser_;
  std::unique_ptr<char[]> buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool need_more_ = false;  // the parser needs more bytes than buffered to go on
  std::vector<std::pair<std::string, std::string>> headers_;
  std::optional<Error> failed_;
};

}  // namespace

struct StreamClient::Tls {
  SSL_CTX* ctx = nullptr;
  ~Tls() {
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
};

StreamClient::StreamClient(std::unique_ptr<Tls> tls) : tls_(std::move(tls)) {}
StreamClient::~StreamClient() = default;

Result<std::unique_ptr<StreamClient>> StreamClient::Create(StreamClientOptions options) {
  auto tls = std::make_unique<Tls>();
  tls->ctx = SSL_CTX_new(TLS_client_method());
  if (tls->ctx == nullptr) {
    return errors::InternalFailure("cannot create a TLS context: " + OpenSslErrors());
  }
  SSL_CTX_set_min_proto_version(tls->ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(tls->ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(tls->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_AUTO_RETRY);
  if (options.use_system_ca) SSL_CTX_set_default_verify_paths(tls->ctx);
  if (!options.ca_bundle_file.empty() &&
      SSL_CTX_load_verify_locations(tls->ctx, options.ca_bundle_file.c_str(), nullptr) != 1) {
    return errors::InvalidParameterValue("cannot load CA bundle " + options.ca_bundle_file + ": " +
                                         OpenSslErrors());
  }
  SSL_CTX_set_verify(tls->ctx, SSL_VERIFY_PEER, nullptr);
  return std::unique_ptr<StreamClient>(new StreamClient(std::move(tls)));
}

Result<std::unique_ptr<StreamResponse>> StreamClient::Send(const StreamRequest& request) {
  IRSA_TRY(OutboundTarget target, ParseOutboundTarget(request.url, "URL"));
  std::string head = request.method + " " + target.request_target + " HTTP/1.1\r\n";
  bool has_host = false;
  for (const auto& [name, value] : request.headers) {
    if (!SafeHeaderText(name) || !SafeHeaderText(value) || name.empty()) {
      return errors::InvalidParameterValue("invalid header for " + target.display);
    }
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "content-length" || lower == "connection" || lower == "transfer-encoding") {
      continue;
    }
    has_host = has_host || lower == "host";
    head += name + ": " + value + "\r\n";
  }
  if (!has_host) head += "Host: " + target.host_header + "\r\n";
  if (request.content_length) {
    head += "Content-Length: " + std::to_string(*request.content_length) + "\r\n";
  } else if (request.body != nullptr) {
    return errors::InvalidParameterValue("a streamed request body needs its content_length");
  }
  head += "Connection: close\r\n\r\n";

  auto connection = std::make_unique<Connection>(target.display, request.io_timeout);
  IRSA_RETURN_IF_ERROR(connection->Connect(target, tls_->ctx));
  Status sent = connection->WriteAll(head.data(), head.size());
  if (sent.ok() && request.body != nullptr) {
    // The piece read last is sent only once the source has returned its end: a source that fails
    // at its end (a digest or signature checked after the last byte) never lets the server see a
    // complete body.
    std::unique_ptr<char[]> pending(new char[kSendBuffer]);
    std::unique_ptr<char[]> next(new char[kSendBuffer]);
    size_t pending_size = 0;
    uint64_t read = 0;
    while (sent.ok()) {
      Result<size_t> n = request.body->Read(next.get(), kSendBuffer);
      if (!n.ok()) return n.error();  // the source's own error (e.g. a client's bad chunk)
      read += *n;
      if (read > *request.content_length) {
        return connection->Fail("request body longer than its Content-Length");
      }
      if (*n == 0 && read != *request.content_length) {
        return connection->Fail("request body shorter than its Content-Length");
      }
      if (pending_size > 0) sent = connection->WriteAll(pending.get(), pending_size);
      if (*n == 0) break;
      std::swap(pending, next);
      pending_size = *n;
    }
  }
  auto response = std::make_unique<Response>(std::move(connection), request.method == "HEAD");
  Status header = response->ReadHeader();
  // A server that answered early and closed: its answer counts, not our failed write.
  if (!header.ok()) return sent.ok() ? header.error() : sent.error();
  return std::unique_ptr<StreamResponse>(std::move(response));
}

}  // namespace irsa::http
