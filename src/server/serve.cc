#include "server/serve.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>

#include "base/log.h"
#include "http/server.h"
#include "kube/webhook_extras.h"
#include "protocol/s3_rest.h"
#include "server/key_rotation.h"
#include "server/request_dispatch.h"
#include "server/tls_setup.h"

namespace irsa::server {
namespace {

// Holds requests until the node is configured. Wait() is one atomic load once open; it returns
// false when the node will never be configured (startup failed), and the request is refused.
// Abandon() before the server stops, so no request waits past the end of Serve().
class ConfigurationGate {
 public:
  bool Wait() {
    if (state_.load(std::memory_order_acquire) == kOpen) return true;
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return state_.load(std::memory_order_relaxed) != kWaiting; });
    return state_.load(std::memory_order_relaxed) == kOpen;
  }
  void Open() { Settle(kOpen); }
  void Abandon() { Settle(kAbandoned); }

 private:
  enum State { kWaiting, kOpen, kAbandoned };
  void Settle(State state) {
    {
      std::lock_guard lock(mu_);
      if (state_.load(std::memory_order_relaxed) != kWaiting) return;
      state_.store(state, std::memory_order_release);
    }
    cv_.notify_all();
  }
  std::atomic<State> state_{kWaiting};
  std::mutex mu_;
  std::condition_variable cv_;
};

// https://127.0.0.1:8443 -> https://localhost:8443 (the generated certificate names both; a name
// reads better in issuer URLs and condition keys).
// The default port is left out (https://10.0.0.5:443 -> https://10.0.0.5), as IAM normalises
// provider URLs: the issuer, the provider and the trust-policy condition keys then agree.
std::string IssuerBaseFor(const std::string& https_url) {
  std::string base = https_url;
  const std::string loopback = "https://127.0.0.1:";
  if (base.starts_with(loopback)) base = "https://localhost:" + base.substr(loopback.size());
  if (base.ends_with(":443")) base.resize(base.size() - 4);
  return base;
}

Result<http::ListenerOptions> ParseListen(const std::string& text, bool tls) {
  http::ListenerOptions listener;
  listener.tls = tls;
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return errors::InvalidParameterValue("listen address must be HOST:PORT, got " + text);
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  if (host.empty() || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return errors::InvalidParameterValue("listen address must be HOST:PORT, got " + text);
  }
  listener.host = host;
  listener.port = static_cast<uint16_t>(std::stoi(port));
  return listener;
}

std::string Url(const http::BoundEndpoint& endpoint) {
  std::string host = endpoint.host;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(endpoint.tls ? "https://" : "http://") + host + ":" +
         std::to_string(endpoint.port);
}

Status WriteFile(const std::string& path, const std::string& content, mode_t mode) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return errors::InvalidParameterValue("cannot write " + tmp);
    out << content;
    if (!out.flush()) return errors::InvalidParameterValue("cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), mode);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return errors::InvalidParameterValue("cannot rename " + tmp + " to " + path);
  }
  return OkStatus();
}

// AWS shared config/credentials (profile "irsa") for the CLI and SDKs.
Status WriteClientConfig(const Node& app, const std::string& endpoint, const std::string& ca) {
  const std::string dir = app.options().data_dir + "/aws";
  ::mkdir(dir.c_str(), 0700);
  std::string config = "[profile irsa]\nregion = us-east-1\nendpoint_url = " + endpoint + "\n";
  // The CA of the generated certificate: for the HTTPS endpoint and the issuers it hosts.
  // Absolute, so the file works from any directory.
  if (!ca.empty()) {
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(ca, ec);
    config += "ca_bundle = " + (ec ? ca : absolute.lexically_normal().string()) + "\n";
  }
  IRSA_RETURN_IF_ERROR(WriteFile(dir + "/config", config, 0644));
  if (auto creds = app.admin_credentials()) {
    IRSA_RETURN_IF_ERROR(WriteFile(dir + "/credentials",
                                   "[irsa]\naws_access_key_id = " + creds->first +
                                       "\naws_secret_access_key = " + creds->second + "\n",
                                   0600));
  }
  return OkStatus();
}

}  // namespace

int Serve(const ServeOptions& options) {
  log::Level level;
  if (!log::ParseLevel(options.log_level, level)) {
    std::fprintf(stderr, "irsa serve: --log-level must be debug, info, warn or error\n");
    return 2;
  }
  log::SetLevel(level);
  if (options.node.admin_access_key_id.empty() != options.node.admin_secret_access_key.empty()) {
    std::fprintf(stderr,
                 "irsa serve: --admin-access-key-id and --admin-secret-access-key go together\n");
    return 2;
  }
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "irsa serve: %s: %s\n", e.code().c_str(), e.message().c_str());
    return 1;
  };
  if (Status valid = kube::ValidateWebhookOptions(options.webhook.options); !valid.ok()) {
    std::fprintf(stderr, "irsa serve: webhook: %s\n", valid.error().message().c_str());
    return 2;
  }

  http::ServerOptions server_options;
  server_options.io_threads = options.threads;
  // S3 uploads are streamed (below) and capped by the S3 handler; every other body is read whole
  // up to --max-body-bytes.
  server_options.max_body_bytes = options.max_body_bytes;
  server_options.max_connections = options.max_connections;
  server_options.max_connections_per_client = options.max_connections_per_client;
  server_options.idle_timeout = std::chrono::seconds(options.idle_timeout_seconds);
  server_options.access_log = options.access_log;
  Result<http::ListenerOptions> plain = ParseListen(options.listen, false);
  if (!plain.ok()) return fail(plain.error());
  server_options.listeners.push_back(*plain);
  std::string ca_bundle;
  if (options.listen_tls != "none" && !options.listen_tls.empty()) {
    Result<http::ListenerOptions> tls = ParseListen(options.listen_tls, true);
    if (!tls.ok()) return fail(tls.error());
    server_options.listeners.push_back(*tls);
    if (!options.tls_cert.empty() || !options.tls_key.empty()) {
      if (options.tls_cert.empty() || options.tls_key.empty()) {
        return fail(errors::InvalidParameterValue("--tls-cert and --tls-key go together"));
      }
      server_options.tls = {options.tls_cert, options.tls_key};
    } else {
      // Also the AWS host names of transparent mode (kube/webhook_extras.h) for --region.
      std::vector<std::string> names = kube::TransparentHostNames({options.node.region});
      names.insert(names.end(), options.tls_sans.begin(), options.tls_sans.end());
      Result<TlsFiles> files = EnsureLocalTls(options.node.data_dir, tls->host, names);
      if (!files.ok()) return fail(files.error());
      server_options.tls = {files->certificate_chain, files->private_key};
      ca_bundle = files->ca_bundle;
    }
  }

  NodeOptions node_options = options.node;
  node_options.max_body_bytes = options.max_body_bytes;
  node_options.serve_s3 = true;
  Result<std::unique_ptr<Node>> opened = Node::Open(node_options);
  if (!opened.ok()) return fail(opened.error());
  Node* node = opened->get();
  protocol::Router& router = node->router();
  HostedWebhook webhook(node->store(), node->clusters(), SystemClock::Instance(),
                        options.node.account_id, metrics::DefaultRegistry());
  router.AddPrefix(std::string(HostedWebhook::kPrefix),
                   [&webhook](HttpRequest& request) { return webhook.Handle(request); });
  // Bind, configure, then serve: the issuer base and the webhook's STS endpoint depend on the
  // bound listeners, so requests accepted before the node is configured wait for it (a few
  // microseconds) instead of reading a half-configured node.
  ConfigurationGate gate;
  // Routed requests run on the request workers (server/request_dispatch.h). Declared before the
  // server, so the server (which waits for requests in flight on the pool) stops first.
  std::unique_ptr<WorkerPool> workers;
  const bool on_postgres = options.node.store_url.starts_with("postgres");
  const int worker_threads = options.worker_threads == ServeOptions::kAutoWorkerThreads
                                 ? (on_postgres ? 16 : 0)
                                 : options.worker_threads;
  if (worker_threads > 0) {
    workers = std::make_unique<WorkerPool>(WorkerPoolOptions{
        .name = "request", .threads = worker_threads, .max_queue = options.worker_queue});
  }
  // S3 bodies are streamed (protocol/s3_rest.h): uploads (PUT and POST to the S3 endpoint) are
  // handed over while they arrive and downloads written while they are sent, each on a thread of
  // this pool, never read whole into memory.
  WorkerPool s3_streams(WorkerPoolOptions{.name = "s3-stream",
                                          .threads = options.s3_stream_threads,
                                          .max_queue = options.s3_stream_queue});
  server_options.worker_pool = &s3_streams;
  server_options.stream_body = [&router](const HttpRequest& request) {
    return (request.method == "PUT" || request.method == "POST") && router.RoutesToS3(request);
  };
  // Errors the HTTP server produces itself (503 when a pool is full, 413, 400, 408, ...) in the
  // envelope of the endpoint the request was for: S3's XML for S3, the Query XML otherwise.
  server_options.request_error_responder =
      [&router](const Error& error, const HttpRequest& request) -> std::optional<HttpResponse> {
    if (router.RoutesToS3(request)) return protocol::RenderS3ServerError(error, request);
    return std::nullopt;
  };
  auto shutting_down = [] {
    HttpResponse unavailable;
    unavailable.status = 503;
    unavailable.body = "irsa is shutting down\n";
    return unavailable;
  };
  http::Server server(server_options,
                      DispatchRequests(
                          [&router, &gate, shutting_down](HttpRequest& request) {
                            if (!gate.Wait()) return shutting_down();
                            return router.Handle(request);
                          },
                          workers.get(),
                          [&router](const HttpRequest& request) {
                            if (router.RoutesToS3(request)) {
                              return protocol::RenderS3ServerError(
                                  errors::ServiceUnavailable("every request worker is busy"),
                                  request);
                            }
                            return PoolFullResponse(request);
                          }),
                      [&router, &gate, shutting_down](HttpRequest& request, ByteSource& body) {
                        if (!gate.Wait()) return shutting_down();
                        return router.HandleS3Stream(request, body);
                      });
  // Every return below abandons the gate before `server` stops (declared after it).
  struct AbandonOnExit {
    ConfigurationGate& gate;
    ~AbandonOnExit() { gate.Abandon(); }
  } abandon_on_exit{gate};
  if (Status started = server.Start(); !started.ok()) return fail(started.error());

  std::string http_url, https_url;
  for (const auto& endpoint : server.BoundEndpoints()) {
    (endpoint.tls ? https_url : http_url) = Url(endpoint);
  }
  if (options.node.issuer_base.empty()) {
    if (https_url.empty()) {
      log::Warn("no HTTPS listener: hosted OIDC issuers need --issuer-url-base");
    } else {
      node->set_issuer_base(IssuerBaseFor(https_url));
    }
  }
  {
    std::vector<BoundListener> listeners;
    for (const auto& e : server.BoundEndpoints()) listeners.push_back({e.host, e.port, e.tls});
    if (Status s = node->ConfigureEndpoints(listeners, ca_bundle); !s.ok()) return fail(s.error());
  }
  std::string endpoints = "{\"http\":\"" + http_url + "\"";
  endpoints += ",\"issuer_base\":\"" + node->options().issuer_base + "\"";
  if (!https_url.empty()) {
    endpoints += ",\"https\":\"" + https_url + "\",\"ca_bundle\":\"" + ca_bundle + "\"";
  }
  endpoints += ",\"account_id\":\"" + options.node.account_id + "\"}\n";
  const std::string& data_dir = options.node.data_dir;
  {
    kube::WebhookOptions webhook_options =
        ResolveWebhookEndpoints(options.webhook, node->options().issuer_base);
    if (options.webhook.inject_sts_endpoint && webhook_options.sts_endpoint_url.empty()) {
      webhook_options.sts_endpoint_url = node->options().issuer_base;
      if (webhook_options.sts_endpoint_url.empty()) {
        return fail(errors::InvalidParameterValue(
            "--webhook-inject-sts-endpoint needs an HTTPS listener or --issuer-url-base"));
      }
    }
    if (Status valid = kube::ValidateWebhookOptions(webhook_options); !valid.ok()) {
      return fail(valid.error());
    }
    webhook.SetOptions(std::move(webhook_options));
  }
  gate.Open();
  if (Status s = WriteClientConfig(*node, http_url, ca_bundle); !s.ok()) return fail(s.error());
  // Offline commands on this data directory (irsa cluster, token, …) use the same store.
  const std::string store_url_file = data_dir + "/" + std::string(kStoreUrlFile);
  if (options.node.store_url.empty()) {
    std::remove(store_url_file.c_str());
  } else if (Status s = WriteFile(store_url_file, options.node.store_url + "\n", 0600); !s.ok()) {
    return fail(s.error());
  }
  if (Status s = WriteFile(data_dir + "/endpoints.json", endpoints, 0644); !s.ok()) {
    return fail(s.error());
  }

  std::printf("irsa serving account %s\n  IAM/STS endpoint: %s\n", options.node.account_id.c_str(),
              http_url.c_str());
  if (!https_url.empty()) {
    std::printf("  HTTPS endpoint:   %s%s%s\n", https_url.c_str(),
                ca_bundle.empty() ? "" : "  (trust the local CA: --ca-bundle ",
                ca_bundle.empty() ? "" : (ca_bundle + " or AWS_CA_BUNDLE)").c_str());
  }
  if (const auto& generated = node->generated_admin_key()) {
    std::printf("  root access key generated: %s (secret in %s/aws/credentials)\n",
                generated->first.c_str(), data_dir.c_str());
  }
  std::printf(
      "Try:\n  AWS_CONFIG_FILE=%s/aws/config AWS_SHARED_CREDENTIALS_FILE=%s/aws/credentials \\\n"
      "    aws --profile irsa --endpoint-url %s sts get-caller-identity\n",
      data_dir.c_str(), data_dir.c_str(), http_url.c_str());
  std::fflush(stdout);

  // Scheduled signing-key rotation of hosted clusters and account issuers (when enabled).
  KeyRotationJob rotation(node->clusters(), std::chrono::seconds(60), &node->outbound_issuers());
  if (options.node.key_rotation_seconds > 0) rotation.Start();

  int signal_number = http::RunUntilSignal(server, std::chrono::seconds(10));
  rotation.Stop();
  log::Info("stopped", {{"signal", std::to_string(signal_number)}});
  return 0;
}

}  // namespace irsa::server
