#include "cli/serve_cmd.h"

#include <sys/stat.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "base/log.h"
#include "cli/app.h"
#include "cli/offline.h"
#include "cli/tls_setup.h"
#include "cli/webhook_cmd.h"
#include "http/server.h"
#include "kube/webhook_extras.h"

namespace irsa::cli {
namespace {

struct ServeOptions {
  AppOptions app;
  std::string listen = "127.0.0.1:8080";
  std::string listen_tls = "127.0.0.1:8443";
  std::string tls_cert;
  std::string tls_key;
  std::vector<std::string> tls_sans;  // extra names of the generated server certificate
  int threads = 0;
  std::string log_level = "info";
  size_t max_body_bytes = 1 << 20;
  bool access_log = true;
  WebhookFlags webhook;  // --webhook-* (cli/webhook_cmd.h)
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
Status WriteClientConfig(const App& app, const std::string& endpoint, const std::string& ca) {
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

int Serve(const ServeOptions& options) {
  log::Level level;
  if (!log::ParseLevel(options.log_level, level)) {
    std::fprintf(stderr, "irsa serve: --log-level must be debug, info, warn or error\n");
    return 2;
  }
  log::SetLevel(level);
  if (options.app.admin_access_key_id.empty() != options.app.admin_secret_access_key.empty()) {
    std::fprintf(stderr,
                 "irsa serve: --admin-access-key-id and --admin-secret-access-key go together\n");
    return 2;
  }
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "irsa serve: %s: %s\n", e.code().c_str(), e.message().c_str());
    return 1;
  };
  // --- webhook flags (cli/webhook_cmd.h) ---
  if (Status valid = kube::ValidateWebhookOptions(options.webhook.options); !valid.ok()) {
    std::fprintf(stderr, "irsa serve: webhook: %s\n", valid.error().message().c_str());
    return 2;
  }
  // --- end webhook flags ---

  http::ServerOptions server_options;
  server_options.io_threads = options.threads;
  server_options.max_body_bytes = options.max_body_bytes;
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
      std::vector<std::string> names = kube::TransparentHostNames({options.app.region});
      names.insert(names.end(), options.tls_sans.begin(), options.tls_sans.end());
      Result<TlsFiles> files = EnsureLocalTls(options.app.data_dir, tls->host, names);
      if (!files.ok()) return fail(files.error());
      server_options.tls = {files->certificate_chain, files->private_key};
      ca_bundle = files->ca_bundle;
    }
  }

  Result<std::unique_ptr<App>> app = App::Open(options.app);
  if (!app.ok()) return fail(app.error());
  protocol::Router& router = (*app)->router();
  // --- webhook route: POST /webhook/<cluster>/mutate (cli/webhook_cmd.h) ---
  HostedWebhook webhook((*app)->store(), (*app)->clusters(), SystemClock::Instance(),
                        options.app.account_id, metrics::DefaultRegistry());
  router.AddPrefix(std::string(HostedWebhook::kPrefix),
                   [&webhook](HttpRequest& request) { return webhook.Handle(request); });
  // --- end webhook route ---
  http::Server server(server_options,
                      [&router](HttpRequest& request) { return router.Handle(request); });
  if (Status started = server.Start(); !started.ok()) return fail(started.error());

  std::string http_url, https_url;
  for (const auto& endpoint : server.BoundEndpoints()) {
    (endpoint.tls ? https_url : http_url) = Url(endpoint);
  }
  if (options.app.issuer_base.empty()) {
    if (https_url.empty()) {
      log::Warn("no HTTPS listener: hosted OIDC issuers need --issuer-url-base");
    } else {
      (*app)->set_issuer_base(IssuerBaseFor(https_url));
    }
  }
  std::string endpoints = "{\"http\":\"" + http_url + "\"";
  endpoints += ",\"issuer_base\":\"" + (*app)->options().issuer_base + "\"";
  if (!https_url.empty()) {
    endpoints += ",\"https\":\"" + https_url + "\",\"ca_bundle\":\"" + ca_bundle + "\"";
  }
  endpoints += ",\"account_id\":\"" + options.app.account_id + "\"}\n";
  const std::string& data_dir = options.app.data_dir;
  // --- webhook options: the STS endpoint is known once the listeners are bound ---
  {
    kube::WebhookOptions webhook_options = ResolveWebhookEndpoints(
        options.webhook.options, options.webhook.endpoints, (*app)->options().issuer_base);
    if (options.webhook.inject_sts_endpoint && webhook_options.sts_endpoint_url.empty()) {
      webhook_options.sts_endpoint_url = (*app)->options().issuer_base;
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
  // --- end webhook options ---
  if (Status s = WriteClientConfig(**app, http_url, ca_bundle); !s.ok()) return fail(s.error());
  // Offline commands on this data directory (irsa cluster, token, …) use the same store.
  const std::string store_url_file = data_dir + "/" + std::string(kStoreUrlFile);
  if (options.app.store_url.empty()) {
    std::remove(store_url_file.c_str());
  } else if (Status s = WriteFile(store_url_file, options.app.store_url + "\n", 0600); !s.ok()) {
    return fail(s.error());
  }
  if (Status s = WriteFile(data_dir + "/endpoints.json", endpoints, 0644); !s.ok()) {
    return fail(s.error());
  }

  std::printf("irsa serving account %s\n  IAM/STS endpoint: %s\n", options.app.account_id.c_str(),
              http_url.c_str());
  if (!https_url.empty()) {
    std::printf("  HTTPS endpoint:   %s%s%s\n", https_url.c_str(),
                ca_bundle.empty() ? "" : "  (trust the local CA: --ca-bundle ",
                ca_bundle.empty() ? "" : (ca_bundle + " or AWS_CA_BUNDLE)").c_str());
  }
  if (const auto& generated = (*app)->generated_admin_key()) {
    std::printf("  root access key generated: %s (secret in %s/aws/credentials)\n",
                generated->first.c_str(), data_dir.c_str());
  }
  std::printf(
      "Try:\n  AWS_CONFIG_FILE=%s/aws/config AWS_SHARED_CREDENTIALS_FILE=%s/aws/credentials \\\n"
      "    aws --profile irsa --endpoint-url %s sts get-caller-identity\n",
      data_dir.c_str(), data_dir.c_str(), http_url.c_str());
  std::fflush(stdout);

  // Scheduled signing-key rotation of hosted clusters (when enabled).
  std::mutex rotation_mu;
  std::condition_variable rotation_cv;
  bool stopping = false;
  std::thread rotation;
  if (options.app.key_rotation_seconds > 0) {
    App* node = app->get();
    rotation = std::thread([&, node] {
      std::unique_lock lock(rotation_mu);
      while (!rotation_cv.wait_for(lock, std::chrono::seconds(60), [&] { return stopping; })) {
        lock.unlock();
        Result<int> rotated = node->clusters().RotateDueKeys();
        if (!rotated.ok()) {
          log::Error("scheduled key rotation failed", {{"error", rotated.error().message()}});
        } else if (*rotated > 0) {
          log::Info("rotated cluster signing keys", {{"clusters", std::to_string(*rotated)}});
        }
        lock.lock();
      }
    });
  }

  int signal_number = http::RunUntilSignal(server, std::chrono::seconds(10));
  if (rotation.joinable()) {
    {
      std::lock_guard lock(rotation_mu);
      stopping = true;
    }
    rotation_cv.notify_all();
    rotation.join();
  }
  log::Info("stopped", {{"signal", std::to_string(signal_number)}});
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* serve = app.add_subcommand("serve", "Serve IAM, STS, OIDC and Kubernetes endpoints");
  serve->add_option("--listen", options->listen, "Plain HTTP listener HOST:PORT (port 0: any)")
      ->envname("IRSA_LISTEN")
      ->capture_default_str();
  serve->add_option("--listen-tls", options->listen_tls, "HTTPS listener HOST:PORT, or none")
      ->envname("IRSA_LISTEN_TLS")
      ->capture_default_str();
  serve->add_option("--tls-cert", options->tls_cert, "PEM certificate chain (default: generated)")
      ->envname("IRSA_TLS_CERT");
  serve->add_option("--tls-key", options->tls_key, "PEM private key (default: generated)")
      ->envname("IRSA_TLS_KEY");
  serve
      ->add_option("--tls-san", options->tls_sans,
                   "Extra DNS name or IP of the generated server certificate, repeatable (e.g. "
                   "the Service name irsa.irsa-system.svc)")
      ->envname("IRSA_TLS_SANS")
      ->delimiter(',');
  serve->add_option("--data-dir", options->app.data_dir, "State directory")
      ->envname("IRSA_DATA_DIR")
      ->capture_default_str();
  serve
      ->add_option("--store", options->app.store_url,
                   "sqlite:PATH or postgres://… (default: sqlite:DATA/irsa.db)")
      ->envname("IRSA_STORE");
  serve
      ->add_option("--store-pool-size", options->app.store_pool_size,
                   "PostgreSQL connections of this node (each request holds one while it reads "
                   "or writes)")
      ->envname("IRSA_STORE_POOL_SIZE")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  serve
      ->add_option("--quota", options->app.quotas,
                   "IAM quota override NAME=N, repeatable (e.g. RolesPerAccount=5000; names as in "
                   "LimitExceeded messages, see README)")
      ->envname("IRSA_QUOTAS")
      ->delimiter(',');
  serve->add_option("--master-key", options->app.master_key_b64, "Master key, base64 (32 bytes)")
      ->envname("IRSA_MASTER_KEY");
  serve
      ->add_option("--master-key-file", options->app.master_key_file,
                   "Master key file (default: DATA/master.key, created 0600)")
      ->envname("IRSA_MASTER_KEY_FILE");
  serve->add_option("--account-id", options->app.account_id, "Default account id (12 digits)")
      ->envname("IRSA_ACCOUNT_ID")
      ->capture_default_str();
  serve
      ->add_option("--admin-access-key-id", options->app.admin_access_key_id,
                   "Root access key id of the default account (default: generated once)")
      ->envname("IRSA_ADMIN_ACCESS_KEY_ID");
  serve
      ->add_option("--admin-secret-access-key", options->app.admin_secret_access_key,
                   "Root secret access key of the default account")
      ->envname("IRSA_ADMIN_SECRET_ACCESS_KEY");
  serve
      ->add_option("--issuer-url-base", options->app.issuer_base,
                   "Base of hosted OIDC issuer URLs (default: the HTTPS listener)")
      ->envname("IRSA_ISSUER_URL_BASE");
  serve->add_option("--region", options->app.region, "Region in EKS cluster ARNs")
      ->envname("IRSA_REGION")
      ->capture_default_str();
  serve
      ->add_option("--key-rotation-seconds", options->app.key_rotation_seconds,
                   "Rotate cluster signing keys older than this (0: only on command)")
      ->envname("IRSA_KEY_ROTATION_SECONDS");
  serve
      ->add_option("--oidc-ca-bundle", options->app.oidc_ca_bundle,
                   "Extra CA certificates (PEM) trusted for remote OIDC issuers")
      ->envname("IRSA_OIDC_CA_BUNDLE");
  serve->add_option("--threads", options->threads, "IO threads (default: cores)")
      ->envname("IRSA_THREADS");
  serve->add_option("--max-body-bytes", options->max_body_bytes, "Request body limit")
      ->envname("IRSA_MAX_BODY_BYTES")
      ->capture_default_str();
  serve
      ->add_flag("--access-log,!--no-access-log", options->access_log,
                 "Per-request JSON access log on stderr (default: on)")
      ->envname("IRSA_ACCESS_LOG");
  serve->add_option("--log-level", options->log_level, "debug, info, warn or error")
      ->envname("IRSA_LOG_LEVEL")
      ->capture_default_str();
  serve
      ->add_flag("--enable-reset-endpoint", options->app.enable_reset,
                 "Enable POST /_irsa/reset (wipes all state; test suites only)")
      ->envname("IRSA_ENABLE_RESET_ENDPOINT");
  AddWebhookFlags(*serve, options->webhook, "webhook-");  // cli/webhook_cmd.h
  serve->callback([options] {
    int code = Serve(*options);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace irsa::cli
