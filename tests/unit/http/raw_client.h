// A minimal blocking HTTP/1.1 client over a POSIX socket, for driving the server byte by byte in
// tests (the fetcher is tested separately). Every read has a timeout so a hung server fails the
// test instead of hanging it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace irsa::http::testing {

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::vector<size_t> chunk_sizes;  // chunked responses: each chunk's size, the final 0 included
  std::string Header(std::string_view lower) const {
    for (const auto& [n, v] : headers) {
      if (n == lower) return v;
    }
    return {};
  }
  bool HasHeader(std::string_view lower) const {
    for (const auto& [n, v] : headers) {
      if (n == lower) return true;
    }
    return false;
  }
};

class RawClient {
 public:
  // Connects to 127.0.0.1:port; with `local_ip` (e.g. "127.0.0.2", another loopback address) the
  // connection comes from that address, so tests can play several clients.
  explicit RawClient(uint16_t port, const char* local_ip = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (local_ip) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, local_ip, &local.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response (Content-Length framed, or until EOF without one). nullopt on timeout,
  // EOF before a complete head, or a malformed head.
  std::optional<RawResponse> Read(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t head_end;
    while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return std::nullopt;
    }
    RawResponse r;
    std::string_view head(buf_.data(), head_end);
    size_t line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return std::nullopt;
    r.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
    std::string_view rest =
        line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
    while (!rest.empty()) {
      size_t e = rest.find("\r\n");
      std::string_view line = rest.substr(0, e);
      rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 2);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      std::string name(line.substr(0, colon));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.emplace_back(std::move(name), std::string(value));
    }
    buf_.erase(0, head_end + 4);
    if (r.status < 200 || r.status == 204 || r.status == 304) return r;  // never a body
    if (head_only_) return r;
    if (r.Header("transfer-encoding") == "chunked") {
      // Chunk sizes and data only (the server sends no extensions or trailers).
      for (;;) {
        size_t eol;
        while ((eol = buf_.find("\r\n")) == std::string::npos) {
          if (!Fill(deadline)) return std::nullopt;
        }
        const size_t size = std::strtoull(buf_.substr(0, eol).c_str(), nullptr, 16);
        r.chunk_sizes.push_back(size);
        while (buf_.size() < eol + 2 + size + 2) {
          if (!Fill(deadline)) return std::nullopt;
        }
        if (buf_.compare(eol + 2 + size, 2, "\r\n") != 0) return std::nullopt;
        r.body.append(buf_, eol + 2, size);
        buf_.erase(0, eol + 2 + size + 2);
        if (size == 0) return r;
      }
    }
    if (r.HasHeader("content-length")) {
      size_t len = std::strtoull(r.Header("content-length").c_str(), nullptr, 10);
      while (buf_.size() < len) {
        if (!Fill(deadline)) return std::nullopt;
      }
      r.body = buf_.substr(0, len);
      buf_.erase(0, len);
    } else {
      while (Fill(deadline)) {
      }
      r.body = std::move(buf_);
      buf_.clear();
    }
    return r;
  }

  // Sends `request` and reads one response.
  std::optional<RawResponse> RoundTrip(std::string_view request) {
    if (!Send(request)) return std::nullopt;
    return Read();
  }

  // True if the peer closes the connection (EOF or reset) within `timeout` with no further data.
  bool WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      size_t before = buf_.size();
      if (!Fill(deadline)) return eof_ && buf_.size() == before;
    }
  }

  void set_head_only(bool v) { head_only_ = v; }
  int fd() const { return fd_; }
  // Half-closes the sending side (the server reads EOF).
  void ShutdownSend() { ::shutdown(fd_, SHUT_WR); }
  // Bytes received but not yet consumed by Read.
  const std::string& pending() const { return buf_; }

 private:
  // Appends what arrives before the deadline; false on EOF, error or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    int pr = ::poll(&p, 1, static_cast<int>(left.count()));
    if (pr <= 0) return false;
    char tmp[16384];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  bool head_only_ = false;
  std::string buf_;
};

}  // namespace irsa::http::testing
