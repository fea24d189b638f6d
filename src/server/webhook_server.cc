#include "server/webhook_server.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/log.h"
#include "http/fetcher.h"
#include "http/server.h"
#include "kube/apiserver_lookup.h"

namespace irsa::server {
namespace {

Result<http::ListenerOptions> ParseListenTls(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return errors::InvalidParameterValue("--listen-tls must be HOST:PORT, got " + text);
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  if (host.empty() || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return errors::InvalidParameterValue("--listen-tls must be HOST:PORT, got " + text);
  }
  return http::ListenerOptions{
      .host = host, .port = static_cast<uint16_t>(std::stoi(port)), .tls = true};
}

Result<kube::ApiServerConfig> LoadApiServerConfig(const StandaloneWebhookOptions& options) {
  if (options.in_cluster) {
    const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
    const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
    return kube::InClusterConfig(host ? host : "", port ? port : "");
  }
  std::ifstream in(options.kubeconfig, std::ios::binary);
  if (!in) return errors::InvalidParameterValue("cannot read " + options.kubeconfig);
  std::ostringstream text;
  text << in.rdbuf();
  const size_t slash = options.kubeconfig.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : options.kubeconfig.substr(0, slash);
  Result<kube::ApiServerConfig> config =
      kube::ParseKubeconfig(text.str(), dir.empty() ? "/" : dir, options.context);
  if (!config.ok()) return config.error().WithContext(options.kubeconfig + ": ");
  return config;
}

// The fetcher trusting the API server's CA: the Fetcher loads its bundle from a file, so inline
// certificate-authority-data goes through a private temporary file removed right after loading.
Result<std::unique_ptr<http::Fetcher>> MakeApiServerFetcher(const kube::ApiServerConfig& config) {
  http::FetcherOptions fetcher_options;
  fetcher_options.user_agent = "irsa-webhook";
  fetcher_options.use_system_ca = config.ca_pem.empty() && config.ca_file.empty();
  if (!config.ca_file.empty()) {
    fetcher_options.ca_bundle_file = config.ca_file;
    return http::Fetcher::Create(fetcher_options);
  }
  if (config.ca_pem.empty()) return http::Fetcher::Create(fetcher_options);
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/irsa-webhook-ca-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return errors::InvalidParameterValue("cannot create a temporary CA file");
  const std::string& pem = config.ca_pem;
  size_t written = 0;
  while (written < pem.size()) {
    ssize_t n = ::write(fd, pem.data() + written, pem.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  fetcher_options.ca_bundle_file = path;
  Result<std::unique_ptr<http::Fetcher>> fetcher =
      written == pem.size() ? http::Fetcher::Create(fetcher_options)
                            : Result<std::unique_ptr<http::Fetcher>>(errors::InvalidParameterValue(
                                  "cannot write a temporary CA file"));
  ::unlink(path.c_str());
  return fetcher;
}

}  // namespace

int RunStandaloneWebhook(const StandaloneWebhookOptions& options) {
  log::Level level;
  if (!log::ParseLevel(options.log_level, level)) {
    std::fprintf(stderr, "irsa webhook: --log-level must be debug, info, warn or error\n");
    return 2;
  }
  log::SetLevel(level);
  auto usage = [](const std::string& message) {
    std::fprintf(stderr, "irsa webhook: %s\n", message.c_str());
    return 2;
  };
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "irsa webhook: %s: %s\n", e.code().c_str(), e.message().c_str());
    return 1;
  };
  const kube::WebhookOptions webhook_options =
      ResolveWebhookEndpoints(options.webhook, options.webhook.irsa_url);
  if (Status valid = kube::ValidateWebhookOptions(webhook_options); !valid.ok()) {
    return usage(valid.error().message());
  }
  if (options.in_cluster == !options.kubeconfig.empty()) {
    return usage("give exactly one of --kubeconfig FILE and --in-cluster");
  }
  if (options.tls_cert.empty() || options.tls_key.empty()) {
    return usage(
        "--tls-cert and --tls-key are required (kube-apiserver calls webhooks over "
        "HTTPS)");
  }
  Result<http::ListenerOptions> listener = ParseListenTls(options.listen_tls);
  if (!listener.ok()) return usage(listener.error().message());

  Result<kube::ApiServerConfig> config = LoadApiServerConfig(options);
  if (!config.ok()) return fail(config.error());
  Result<std::unique_ptr<http::Fetcher>> fetcher = MakeApiServerFetcher(*config);
  if (!fetcher.ok()) return fail(fetcher.error());
  const Clock& clock = SystemClock::Instance();
  kube::ApiServerServiceAccountLookup live(**fetcher, clock, *config);
  kube::CachingServiceAccountLookup lookup(live, clock);
  WebhookMetrics metrics(metrics::DefaultRegistry());

  http::ServerOptions server_options;
  server_options.listeners.push_back(*listener);
  server_options.tls = {options.tls_cert, options.tls_key};
  server_options.io_threads = options.threads;
  server_options.max_body_bytes = kube::kMaxAdmissionReviewBytes;
  http::Server server(server_options, [&](HttpRequest& request) {
    if (request.path == "/mutate") {
      return ServeAdmissionReview(webhook_options, lookup, request, metrics, "");
    }
    return WebhookTextResponse(404, "not found: the webhook is POST /mutate", "NotFound");
  });
  if (Status started = server.Start(); !started.ok()) return fail(started.error());
  for (const http::BoundEndpoint& endpoint : server.BoundEndpoints()) {
    std::printf("irsa webhook listening on https://%s (POST /mutate, GET /healthz)\n",
                endpoint.ToString().c_str());
  }
  std::printf("  ServiceAccounts from %s\n", config->server.c_str());
  std::fflush(stdout);
  int signal_number = http::RunUntilSignal(server, std::chrono::seconds(10));
  log::Info("stopped", {{"signal", std::to_string(signal_number)}});
  return 0;
}

}  // namespace irsa::server
