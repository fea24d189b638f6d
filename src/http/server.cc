#include "http/server.h"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <mutex>

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

// Releases a reserved connection slot unless ownership passed to a connection.
struct SlotRelease {
  void operator()(internal::ServerCore* core) const { core->ConnectionClosed(); }
};
using Slot = std::unique_ptr<internal::ServerCore, SlotRelease>;

void RunWorker(internal::Worker& w) {
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
  Impl(ServerOptions options, Handler handler) : core_(std::move(options), std::move(handler)) {}
  ~Impl() { Stop(std::chrono::milliseconds(0)); }

  Status Start();
  void Stop(std::chrono::milliseconds grace);
  std::vector<BoundEndpoint> BoundEndpoints() const {
    std::lock_guard lock(mu_);
    return bound_;
  }
  int64_t OpenConnections() const { return core_.open_connections(); }

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
  template <typename F>
  void ForEachConnection(F f);

  internal::ServerCore core_;
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
                            if (!core_.TryOpenConnection()) {
                              core_.CountError(HttpErrorReason::kMaxConnections);
                              error_code ignored;
                              socket.close(ignored);
                              Accept(l);
                              return;
                            }
                            asio::post(
                                w.ioc, [this, &w, tls = l.tls ? tls_.get() : nullptr,
                                        slot = Slot(&core_), socket = std::move(socket)]() mutable {
                                  slot.release();  // the connection owns the slot from here on
                                  internal::StartConnection(core_, w, std::move(socket), tls);
                                });
                            Accept(l);
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

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
std::vector<BoundEndpoint> Server::BoundEndpoints() const { return impl_->BoundEndpoints(); }
void Server::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }
int64_t Server::OpenConnections() const { return impl_->OpenConnections(); }

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
