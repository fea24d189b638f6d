#include "http/server.h"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <csignal>
#include <mutex>
#include <utility>

#include "base/log.h"
#include "http/connection.h"
#include "http/server_core.h"

namespace irsa::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using internal::HttpErrorReason;

constexpr std::chrono::milliseconds kAcceptRetry{50};
constexpr std::chrono::seconds kForceCloseWait{2};

Error StartError(std::string message) { return errors::InternalFailure(std::move(message)); }

Result<std::unique_ptr<asio::ssl::context>> MakeTlsContext(const TlsOptions& tls) {
  if (tls.certificate_chain_file.empty() || tls.private_key_file.empty()) {
    return StartError("TLS listener configured without certificate chain and private key files");
  }
  std::unique_ptr<asio::ssl::context> ctx;
  try {
    ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  } catch (const std::exception& e) {
    return StartError(std::string("cannot create TLS context: ") + e.what());
  }
  SSL_CTX* c = ctx->native_handle();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_options(
      c, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  // TLS 1.2 suites: forward-secret AEAD only. (TLS 1.3 suites are all acceptable.)
  if (SSL_CTX_set_cipher_list(c, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1) {
    return StartError("cannot set TLS cipher list");
  }
  // Session resumption: server-side cache (TLS 1.2 session ids) plus tickets (the default).
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_SERVER);
  static constexpr unsigned char kSessionContext[] = "irsa";
  SSL_CTX_set_session_id_context(c, kSessionContext, sizeof kSessionContext - 1);
  error_code ec;
  ctx->use_certificate_chain_file(tls.certificate_chain_file, ec);
  if (ec) {
    return StartError("cannot load TLS certificate chain " + tls.certificate_chain_file + ": " +
                      ec.message());
  }
  ctx->use_private_key_file(tls.private_key_file, asio::ssl::context::pem, ec);
  if (ec) {
    return StartError("cannot load TLS private key " + tls.private_key_file + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    return StartError("TLS private key " + tls.private_key_file +
                      " does not match the certificate in " + tls.certificate_chain_file);
  }
  return ctx;
}

// A reserved connection slot, released unless ownership passed to a connection.
class Slot {
 public:
  Slot(internal::ServerCore& core, std::string client_key)
      : core_(&core), client_key_(std::move(client_key)) {}
  Slot(Slot&& other) noexcept
      : core_(std::exchange(other.core_, nullptr)), client_key_(std::move(other.client_key_)) {}
  Slot& operator=(Slot&&) = delete;
  ~Slot() {
    if (core_) core_->ConnectionClosed(client_key_);
  }
  const std::string& client_key() const { return client_key_; }
  // Hands the slot over; returns the client key.
  std::string Release() {
    core_ = nullptr;
    return std::move(client_key_);
  }

 private:
  internal::ServerCore* core_;
  std::string client_key_;
};

// The client address as a map key: 4 bytes for IPv4 (also IPv4-mapped IPv6), 16 for IPv6.
std::string ClientKey(const asio::ip::address& address) {
  if (address.is_v6()) {
    const asio::ip::address_v6 v6 = address.to_v6();
    if (v6.is_v4_mapped()) {
      const auto bytes = asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_bytes();
      return std::string(bytes.begin(), bytes.end());
    }
    const auto bytes = v6.to_bytes();
    return std::string(bytes.begin(), bytes.end());
  }
  const auto bytes = address.to_v4().to_bytes();
  return std::string(bytes.begin(), bytes.end());
}

void RunWorker(internal::Worker& w) {
  internal::MarkIoThread();
  for (;;) {
    try {
      w.ioc.run();
      return;
    } catch (const std::exception& e) {
      log::Error("http io thread caught an exception", {{"what", e.what()}});
    } catch (...) {
      log::Error("http io thread caught an unknown exception");
    }
  }
}

}  // namespace

std::string BoundEndpoint::ToString() const {
  std::string out;
  if (host.find(':') != std::string::npos) {
    out = "[" + host + "]";
  } else {
    out = host;
  }
  out += ':';
  out += std::to_string(port);
  return out;
}

class Server::Impl {
 public:
  Impl(ServerOptions options, internal::Handlers handlers)
      : core_(std::move(options), std::move(handlers)),
        link_(std::make_shared<internal::ServerLink>()) {}
  ~Impl() { Stop(std::chrono::milliseconds(0)); }

  Status Start();
  void Stop(std::chrono::milliseconds grace);
  std::vector<BoundEndpoint> BoundEndpoints() const {
    std::lock_guard lock(mu_);
    return bound_;
  }
  int64_t OpenConnections() const { return core_.open_connections(); }
  size_t PeakStreamBufferBytes() const {
    return link_->peak_stream_bytes.load(std::memory_order_relaxed);
  }

 private:
  struct Listener {
    explicit Listener(asio::io_context& ioc) : acceptor(ioc), retry(ioc) {}
    tcp::acceptor acceptor;
    asio::steady_timer retry;
    bool tls = false;
    BoundEndpoint bound;
  };
  enum class State { kNew, kRunning, kStopped };

  Status Listen(const ListenerOptions& opt, Listener& l);
  void Accept(Listener& l);
  // A connection accepted at max_connections, waiting for an idle one to be evicted.
  struct Newcomer {
    tcp::socket socket;
    asio::ssl::context* tls;
    Slot slot;
    std::vector<internal::Worker*> candidates;  // workers with idle connections, oldest first
  };
  void OnAccepted(Listener& l, internal::Worker& w, tcp::socket socket);
  void EvictFor(std::shared_ptr<Newcomer> job, size_t index);
  template <typename F>
  void ForEachConnection(F f);

  internal::ServerCore core_;
  std::shared_ptr<internal::ServerLink> link_;
  mutable std::mutex mu_;  // guards state_ and the vectors below against Start/Stop/Bound races
  State state_ = State::kNew;
  std::unique_ptr<asio::ssl::context> tls_;  // outlives the workers' connections
  std::vector<std::unique_ptr<internal::Worker>> workers_;
  std::vector<std::unique_ptr<Listener>> listeners_;  // run on workers_[0]; destroyed first
  size_t next_worker_ = 0;                            // touched only on workers_[0]'s thread
  std::vector<BoundEndpoint> bound_;
};

Status Server::Impl::Listen(const ListenerOptions& opt, Listener& l) {
  const std::string where = opt.host + ":" + std::to_string(opt.port);
  error_code ec;
  tcp::resolver resolver(workers_[0]->ioc);
  auto results = resolver.resolve(opt.host, std::to_string(opt.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return StartError("listen " + where + ": cannot resolve host: " +
                      (ec ? ec.message() : std::string("no addresses")));
  }
  tcp::endpoint ep = results.begin()->endpoint();
  l.acceptor.open(ep.protocol(), ec);
  if (!ec) l.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) l.acceptor.bind(ep, ec);
  if (!ec) l.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return StartError("listen " + where + ": " + ec.message());
  tcp::endpoint local = l.acceptor.local_endpoint(ec);
  if (ec) return StartError("listen " + where + ": " + ec.message());
  l.tls = opt.tls;
  l.bound.host = local.address().to_string();
  l.bound.port = local.port();
  l.bound.tls = opt.tls;
  return OkStatus();
}

Status Server::Impl::Start() {
  std::lock_guard lock(mu_);
  if (state_ != State::kNew) return StartError("http server: Start called twice");
  const ServerOptions& o = core_.options();
  if (o.listeners.empty()) return StartError("http server: no listeners configured");
  if (o.stream_body && !core_.handlers()->stream) {
    return StartError("http server: stream_body is set but no StreamHandler was given");
  }
  if (core_.handlers()->stream && !o.worker_pool) {
    return StartError("http server: a StreamHandler needs ServerOptions::worker_pool");
  }
  bool any_tls = false;
  for (const auto& l : o.listeners) any_tls |= l.tls;
  if (any_tls) {
    auto ctx = MakeTlsContext(o.tls);
    if (!ctx) return ctx.error();
    tls_ = std::move(*ctx);
  }
  for (int i = 0; i < o.io_threads; ++i) workers_.push_back(std::make_unique<internal::Worker>());
  for (const auto& opt : o.listeners) {
    listeners_.push_back(std::make_unique<Listener>(workers_[0]->ioc));
    Status s = Listen(opt, *listeners_.back());
    if (!s) {
      listeners_.clear();
      workers_.clear();
      tls_.reset();
      state_ = State::kStopped;
      return s;
    }
  }
  for (auto& l : listeners_) {
    asio::post(workers_[0]->ioc, [this, l = l.get()] { Accept(*l); });
  }
  for (auto& w : workers_) {
    w->thread = std::thread([w = w.get()] { RunWorker(*w); });
  }
  state_ = State::kRunning;
  for (const auto& l : listeners_) {
    bound_.push_back(l->bound);
    log::Info("http listening",
              {{"address", l->bound.ToString()}, {"tls", l->tls ? "true" : "false"}});
  }
  return OkStatus();
}

void Server::Impl::Accept(Listener& l) {
  if (core_.draining()) return;
  internal::Worker& w = *workers_[next_worker_++ % workers_.size()];
  l.acceptor.async_accept(asio::any_io_executor(w.ioc.get_executor()),
                          [this, &l, &w](error_code ec, tcp::socket socket) {
                            if (ec == asio::error::operation_aborted || core_.draining()) return;
                            if (ec) {
                              // Typically EMFILE/ENFILE: back off instead of spinning.
                              core_.CountError(HttpErrorReason::kAccept);
                              log::Warn("http accept failed", {{"error", ec.message()}});
                              l.retry.expires_after(kAcceptRetry);
                              l.retry.async_wait([this, &l](error_code wait_ec) {
                                if (!wait_ec) Accept(l);
                              });
                              return;
                            }
                            OnAccepted(l, w, std::move(socket));
                            Accept(l);
                          });
}

// Runs on workers_[0]'s thread (the acceptors').
void Server::Impl::OnAccepted(Listener& l, internal::Worker& w, tcp::socket socket) {
  error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone; the socket closes here
  std::string client_key = ClientKey(peer.address());
  asio::ssl::context* tls = l.tls ? tls_.get() : nullptr;
  switch (core_.TryOpenConnection(client_key)) {
    case internal::Admission::kAdmitted:
      break;
    case internal::Admission::kPerClientLimit:
      core_.CountError(HttpErrorReason::kPerClientLimit);
      return;  // the socket closes here
    case internal::Admission::kFull: {
      // Make room by closing the connection idle the longest, if one (of another client) is.
      std::vector<internal::Worker*> candidates;
      for (auto& worker : workers_) {
        if (worker->idle_count.load(std::memory_order_relaxed) > 0) {
          candidates.push_back(worker.get());
        }
      }
      if (candidates.empty()) {
        core_.CountError(HttpErrorReason::kMaxConnections);
        return;
      }
      std::sort(candidates.begin(), candidates.end(), [](internal::Worker* a, internal::Worker* b) {
        return a->oldest_idle_ns.load(std::memory_order_relaxed) <
               b->oldest_idle_ns.load(std::memory_order_relaxed);
      });
      core_.ForceOpenConnection(client_key);
      EvictFor(std::make_shared<Newcomer>(Newcomer{.socket = std::move(socket),
                                                   .tls = tls,
                                                   .slot = Slot(core_, std::move(client_key)),
                                                   .candidates = std::move(candidates)}),
               0);
      return;
    }
  }
  asio::post(w.ioc, [this, &w, tls, slot = Slot(core_, std::move(client_key)),
                     socket = std::move(socket)]() mutable {
    std::string key = slot.Release();  // the connection owns the slot from here on
    internal::StartConnection(core_, w, link_, std::move(socket), tls, std::move(key));
  });
}

// On candidates[index]'s thread: closes its longest-idle connection of another client and starts
// the newcomer there, or passes on to the next candidate; with none left the newcomer is refused
// (its socket closes and its slot is released when the job is destroyed).
void Server::Impl::EvictFor(std::shared_ptr<Newcomer> job, size_t index) {
  internal::Worker& w = *job->candidates[index];
  asio::post(w.ioc, [this, &w, job = std::move(job), index]() mutable {
    if (core_.draining()) return;
    if (internal::ConnectionBase* victim = w.OldestIdleNotFrom(job->slot.client_key())) {
      core_.CountIdleEviction();
      victim->ForceClose();
      // Re-home the socket on this worker (it was accepted on another one).
      error_code ec;
      const tcp::socket::protocol_type protocol = job->socket.local_endpoint(ec).protocol();
      const tcp::socket::native_handle_type fd = job->socket.release(ec);
      if (ec) return;
      tcp::socket socket(w.ioc);
      socket.assign(protocol, fd, ec);
      if (ec) {
        ::close(fd);
        return;
      }
      std::string key = job->slot.Release();
      internal::StartConnection(core_, w, link_, std::move(socket), job->tls, std::move(key));
      return;
    }
    if (index + 1 < job->candidates.size()) {
      EvictFor(std::move(job), index + 1);
      return;
    }
    core_.CountError(HttpErrorReason::kMaxConnections);
  });
}

template <typename F>
void Server::Impl::ForEachConnection(F f) {
  for (auto& w : workers_) {
    asio::post(w->ioc, [w = w.get(), f] {
      std::vector<internal::ConnectionBase*> conns(w->connections.begin(), w->connections.end());
      for (internal::ConnectionBase* c : conns) f(*c);
    });
  }
}

void Server::Impl::Stop(std::chrono::milliseconds grace) {
  std::lock_guard lock(mu_);
  if (state_ != State::kRunning) {
    state_ = State::kStopped;
    return;
  }
  state_ = State::kStopped;
  core_.set_draining();
  asio::post(workers_[0]->ioc, [this] {
    for (auto& l : listeners_) {
      error_code ignored;
      l->acceptor.close(ignored);
      l->retry.cancel();
    }
  });
  ForEachConnection([](internal::ConnectionBase& c) { c.Drain(); });
  const auto deadline = std::chrono::steady_clock::now() + grace;
  if (!core_.WaitForNoConnections(deadline)) {
    log::Warn("http stop: grace period over, closing remaining connections",
              {{"open", std::to_string(core_.open_connections())}});
    ForEachConnection([](internal::ConnectionBase& c) { c.ForceClose(); });
    core_.WaitForNoConnections(std::chrono::steady_clock::now() + kForceCloseWait);
  }
  // From here on, completions from other threads (late Responders, pool tasks) are dropped.
  link_->Shutdown();
  for (auto& w : workers_) w->guard.reset();
  for (auto& w : workers_) w->ioc.stop();  // anything left is destroyed with the io_context
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  // Acceptors first (they run on workers_[0]), then the io_contexts with any pending handlers.
  listeners_.clear();
  workers_.clear();
  tls_.reset();
  log::Info("http server stopped");
}

Server::Server(ServerOptions options, Handler handler, StreamHandler stream_handler)
    : impl_(std::make_unique<Impl>(
          std::move(options),
          internal::Handlers{.sync = std::move(handler), .stream = std::move(stream_handler)})) {}
Server::Server(ServerOptions options, AsyncHandler handler, StreamHandler stream_handler)
    : impl_(std::make_unique<Impl>(
          std::move(options),
          internal::Handlers{.async = std::move(handler), .stream = std::move(stream_handler)})) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
std::vector<BoundEndpoint> Server::BoundEndpoints() const { return impl_->BoundEndpoints(); }
void Server::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }
int64_t Server::OpenConnections() const { return impl_->OpenConnections(); }
size_t Server::PeakStreamBufferBytes() const { return impl_->PeakStreamBufferBytes(); }

int RunUntilSignal(Server& server, std::chrono::milliseconds grace) {
  asio::io_context ioc(1);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&](const error_code& ec, int signo) {
    if (!ec) received = signo;
  });
  for (;;) {
    try {
      ioc.run();
      break;
    } catch (const std::exception& e) {
      log::Error("signal wait failed", {{"what", e.what()}});
    }
  }
  log::Info("signal received, stopping http server", {{"signal", std::to_string(received)}});
  server.Stop(grace);
  return received;
}

}  // namespace irsa::http
