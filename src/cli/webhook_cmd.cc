#include "cli/webhook_cmd.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "base/log.h"
#include "http/fetcher.h"
#include "http/server.h"
#include "kube/apiserver_lookup.h"

namespace irsa::cli {
namespace {

namespace json = boost::json;

HttpResponse TextResponse(int status, std::string body, std::string error_code) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  response.body = std::move(body);
  response.body += '\n';
  response.labels.service = "webhook";
  response.labels.action = "Mutate";
  response.labels.error_code = std::move(error_code);
  return response;
}

// True when the media type (before any parameters) is application/json, case-insensitively.
bool IsJsonMediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  if (type.size() != kJson.size()) return false;
  for (size_t i = 0; i < type.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(type[i])) != kJson[i]) return false;
  }
  return true;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += "; ";
    out += part;
  }
  return out;
}

// What HandleAdmissionReview answered: the outcome and the review uid, read back from the
// response it rendered (the response is ours, so it always parses).
struct Outcome {
  std::string name = "rejected";
  std::string uid;
};
Outcome ClassifyResponse(std::string_view body) {
  Outcome outcome;
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec || !root.is_object()) return outcome;
  const json::value* response = root.as_object().if_contains("response");
  if (response == nullptr || !response->is_object()) return outcome;
  const json::object& r = response->as_object();
  if (const json::value* uid = r.if_contains("uid"); uid != nullptr && uid->is_string()) {
    outcome.uid = std::string(uid->as_string());
  }
  const json::value* allowed = r.if_contains("allowed");
  if (allowed == nullptr || !allowed->is_bool() || !allowed->as_bool()) return outcome;
  outcome.name = r.contains("patch") ? "mutated" : "skipped";
  return outcome;
}

metrics::Family<metrics::Counter>& ReviewCounters(metrics::Registry& registry) {
  return registry.CounterFamily(
      "irsa_webhook_reviews_total",
      "Pod admission reviews answered by the webhook, by outcome (mutated, skipped, rejected).",
      {"outcome"});
}

}  // namespace

void AddWebhookFlags(CLI::App& command, WebhookFlags& flags, const std::string& prefix) {
  const bool standalone = prefix.empty();
  const std::string p = "--" + prefix;
  kube::WebhookOptions& o = flags.options;
  command
      .add_option(p + "annotation-prefix", o.annotation_prefix,
                  "Prefix of the ServiceAccount and pod annotations")
      ->capture_default_str();
  command
      .add_option(p + "token-audience", o.token_audience,
                  "Default audience of the projected token (SA annotation <prefix>/audience wins)")
      ->capture_default_str();
  command
      .add_option(p + "token-mount-path", o.token_mount_path,
                  "Where the projected token is mounted (file name: token)")
      ->capture_default_str();
  command
      .add_option(p + "token-expiration", o.token_expiration,
                  "Default expirationSeconds of the projected token (< 600 acts as 600)")
      ->capture_default_str();
  command.add_option(p + "region" + (standalone ? ",--aws-default-region" : ""),
                     o.aws_default_region,
                     "Inject AWS_DEFAULT_REGION and AWS_REGION with this region (default: none)");
  command.add_flag(p + "sts-regional-endpoints" + (standalone ? ",--sts-regional-endpoint" : ""),
                   o.sts_regional_endpoint, "Inject AWS_STS_REGIONAL_ENDPOINTS=regional");
  if (!standalone) {
    command.add_flag(p + "inject-sts-endpoint", flags.inject_sts_endpoint,
                     "Inject AWS_ENDPOINT_URL_STS = irsa's HTTPS endpoint even with "
                     "--webhook-no-inject-endpoints (or --webhook-sts-endpoint-url)");
  }
  command.add_option(p + "sts-endpoint-url", o.sts_endpoint_url,
                     standalone ? "Inject AWS_ENDPOINT_URL_STS with this URL (irsa's endpoint)"
                                : "The URL --webhook-inject-sts-endpoint injects");
  AddWebhookEndpointFlags(command, flags.endpoints, o, prefix);  // cli/webhook_endpoints.h
  command.add_flag(p + "inject-role-session-name", o.inject_role_session_name,
                   "Inject AWS_ROLE_SESSION_NAME = the pod name (downward API)");
  command.add_option(p + "ca-bundle-config-map", o.ca_bundle_config_map,
                     "Mount this ConfigMap (in the pod's namespace) and inject AWS_CA_BUNDLE");
  command.add_option(p + "ca-bundle-key", o.ca_bundle_key, "Key of the CA bundle ConfigMap")
      ->capture_default_str();
  command
      .add_option(p + "ca-bundle-mount-path", o.ca_bundle_mount_path,
                  "Where the CA bundle ConfigMap is mounted")
      ->capture_default_str();
}

WebhookMetrics::WebhookMetrics(metrics::Registry& registry)
    : mutated(ReviewCounters(registry).WithLabels({"mutated"})),
      skipped(ReviewCounters(registry).WithLabels({"skipped"})),
      rejected(ReviewCounters(registry).WithLabels({"rejected"})) {}

HttpResponse ServeAdmissionReview(const kube::WebhookOptions& options,
                                  kube::ServiceAccountLookup& lookup, const HttpRequest& request,
                                  WebhookMetrics& metrics, std::string_view source) {
  if (request.method != "POST") {
    HttpResponse response =
        TextResponse(405, "method not allowed, expect POST", "MethodNotAllowed");
    response.headers.emplace_back("Allow", "POST");
    return response;
  }
  if (!IsJsonMediaType(request.Header("content-type"))) {
    log::Warn("admission review rejected: Content-Type is not application/json",
              {{"source", source}, {"request_id", request.request_id}});
    return TextResponse(415, "invalid Content-Type, expect `application/json`",
                        "UnsupportedMediaType");
  }
  if (request.body.empty()) {
    log::Warn("admission review rejected: empty body",
              {{"source", source}, {"request_id", request.request_id}});
    return TextResponse(400, "empty body", "EmptyBody");
  }
  std::vector<std::string> reasons;
  HttpResponse response;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = kube::HandleAdmissionReview(options, request.body, lookup, &reasons);
  response.labels.service = "webhook";
  response.labels.action = "Mutate";
  Outcome outcome;
  try {
    outcome = ClassifyResponse(response.body);
  } catch (const std::exception&) {  // bad_alloc: count it as rejected, still answer
  }
  const std::string joined = Join(reasons);
  if (outcome.name == "mutated") {
    metrics.mutated.Inc();
  } else if (outcome.name == "skipped") {
    metrics.skipped.Inc();
  } else {
    metrics.rejected.Inc();
    response.labels.error_code = "InvalidAdmissionReview";
  }
  log::Write(outcome.name == "rejected" ? log::Level::kWarn : log::Level::kInfo, "admission review",
             {{"source", source},
              {"request_id", request.request_id},
              {"uid", outcome.uid},
              {"outcome", outcome.name},
              {"reasons", joined}});
  return response;
}

// --- irsa serve: POST /webhook/<cluster>/mutate ---

HostedWebhook::ClusterLookup::ClusterLookup(store::Store& store, const std::string& account,
                                            const std::string& cluster, const Clock& clock)
    : live(store, account, cluster),
      cached(live, clock,
             kube::ServiceAccountCacheOptions{.positive_ttl = std::chrono::seconds(5),
                                              .negative_ttl = std::chrono::seconds(1)}) {}

HostedWebhook::HostedWebhook(store::Store& store, oidc::ClusterRegistry& clusters,
                             const Clock& clock, std::string account, metrics::Registry& registry)
    : store_(store),
      clusters_(clusters),
      clock_(clock),
      account_(std::move(account)),
      metrics_(registry) {}

void HostedWebhook::SetOptions(kube::WebhookOptions options) {
  auto shared = std::make_shared<const kube::WebhookOptions>(std::move(options));
  std::lock_guard<std::mutex> lock(mu_);
  options_ = std::move(shared);
}

std::shared_ptr<HostedWebhook::ClusterLookup> HostedWebhook::LookupFor(const std::string& cluster) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = lookups_.find(cluster);
  if (it != lookups_.end()) return it->second;
  // Bounded: deleted clusters' lookups are dropped (in-flight users keep theirs alive).
  if (lookups_.size() >= kMaxClusters) lookups_.erase(lookups_.begin());
  auto lookup = std::make_shared<ClusterLookup>(store_, account_, cluster, clock_);
  lookups_.emplace(cluster, lookup);
  return lookup;
}

HttpResponse HostedWebhook::Handle(const HttpRequest& request) {
  std::string_view rest = std::string_view(request.path).substr(kPrefix.size());
  const size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos || rest.substr(slash) != "/mutate") {
    return TextResponse(404, "not found: the webhook is POST /webhook/<cluster>/mutate",
                        "NotFound");
  }
  const std::string cluster(rest.substr(0, slash));
  std::shared_ptr<const kube::WebhookOptions> options;
  {
    std::lock_guard<std::mutex> lock(mu_);
    options = options_;
  }
  if (options == nullptr) return TextResponse(503, "webhook not ready", "ServiceUnavailable");
  Result<oidc::ClusterRecord> record = clusters_.Get(account_, cluster);
  if (!record.ok()) {
    if (record.error().code() == "ResourceNotFoundException") {
      log::Warn("admission review for an unknown cluster", {{"source", cluster}});
      return TextResponse(404, "no cluster named " + cluster, "NotFound");
    }
    log::Error("admission review: cluster lookup failed",
               {{"source", cluster}, {"error", record.error().message()}});
    return TextResponse(503, "cluster lookup failed", "ServiceUnavailable");
  }
  std::shared_ptr<ClusterLookup> lookup = LookupFor(cluster);
  return ServeAdmissionReview(*options, lookup->cached, request, metrics_, cluster);
}

// --- irsa webhook: standalone, for a real kube-apiserver ---

namespace {

struct StandaloneOptions {
  WebhookFlags webhook;
  std::string listen_tls = "0.0.0.0:8443";
  std::string tls_cert;
  std::string tls_key;
  std::string kubeconfig;
  std::string context;
  bool in_cluster = false;
  int threads = 0;
  std::string log_level = "info";
};

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

Result<kube::ApiServerConfig> LoadApiServerConfig(const StandaloneOptions& options) {
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

int RunWebhook(const StandaloneOptions& options) {
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
  const kube::WebhookOptions webhook_options = ResolveWebhookEndpoints(
      options.webhook.options, options.webhook.endpoints, options.webhook.endpoints.irsa_url);
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
    return TextResponse(404, "not found: the webhook is POST /mutate", "NotFound");
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

}  // namespace

void AddWebhookCommand(CLI::App& app) {
  auto options = std::make_shared<StandaloneOptions>();
  CLI::App* cmd = app.add_subcommand(
      "webhook",
      "Serve the pod-identity mutating admission webhook for a real kube-apiserver "
      "(POST /mutate)");
  cmd->add_option("--listen-tls", options->listen_tls, "HTTPS listener HOST:PORT")
      ->capture_default_str();
  cmd->add_option("--tls-cert", options->tls_cert, "PEM certificate chain")->required();
  cmd->add_option("--tls-key", options->tls_key, "PEM private key")->required();
  cmd->add_option("--kubeconfig", options->kubeconfig,
                  "Read ServiceAccounts with this kubeconfig's current context (token auth)");
  cmd->add_option("--context", options->context, "Kubeconfig context (default: current)");
  cmd->add_flag("--in-cluster", options->in_cluster,
                "Read ServiceAccounts with the pod's own service account");
  cmd->add_option("--threads", options->threads, "IO threads (default: cores)");
  cmd->add_option("--log-level", options->log_level, "debug, info, warn or error")
      ->capture_default_str();
  AddWebhookFlags(*cmd, options->webhook, "");
  cmd->callback([options] {
    int code = RunWebhook(*options);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace irsa::cli
