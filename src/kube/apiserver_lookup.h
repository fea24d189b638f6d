// ServiceAccountLookup over a real kube-apiserver, for the standalone webhook (`irsa webhook`):
// GET <server>/api/v1/namespaces/<ns>/serviceaccounts/<name> with a bearer token, through the
// injected HttpFetcher (the http module's Fetcher in production, a fake in tests). Wrap it in a
// CachingServiceAccountLookup.
//
// Credentials come from a kubeconfig (ParseKubeconfig) or from the pod the webhook runs in
// (InClusterConfig). Only what the lookup needs is supported: a server URL, a CA (PEM data or
// file; none = the system trust store) and a bearer token (inline or a token file). Client
// certificates, exec/auth-provider plugins and insecure-skip-tls-verify are rejected with an
// error that says so.
//
// Thread-safety: Get may be called concurrently (the fetcher must be thread-safe).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/http_fetcher.h"
#include "base/result.h"
#include "kube/service_account_info.h"

namespace irsa::kube {

struct ApiServerConfig {
  std::string server;             // "https://host:port" plus an optional path, no trailing '/'
  std::string ca_pem;             // PEM trust anchors (certificate-authority-data), or ""
  std::string ca_file;            // PEM file of trust anchors (certificate-authority), or ""
  std::string bearer_token;       // static token, or ""
  std::string bearer_token_file;  // re-read periodically (projected tokens rotate), or ""
};

// Kubeconfig files larger than this are rejected.
inline constexpr size_t kMaxKubeconfigBytes = 1 << 20;

// Reads the API server of a kubeconfig's context (`context`, or current-context when empty):
// clusters[].cluster.{server, certificate-authority-data, certificate-authority} and
// users[].user.{token, tokenFile}. `kubeconfig_dir` resolves relative file names. Accepts the
// YAML kubectl writes (block mappings and sequences, plain and quoted scalars, comments, `{}`
// and `[]`) and JSON. InvalidParameterValue naming the problem otherwise; never throws.
Result<ApiServerConfig> ParseKubeconfig(std::string_view text, const std::string& kubeconfig_dir,
                                        const std::string& context = "");

// The in-cluster configuration: https://<host>:<port> (IPv6 hosts bracketed), the service
// account CA and token files. `host`/`port` are $KUBERNETES_SERVICE_HOST/_PORT; errors when
// either is empty (not running in a pod).
inline constexpr std::string_view kInClusterTokenFile =
    "/var/run/secrets/kubernetes.io/serviceaccount/token";
inline constexpr std::string_view kInClusterCaFile =
    "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
Result<ApiServerConfig> InClusterConfig(std::string_view host, std::string_view port,
                                        std::string token_file = std::string(kInClusterTokenFile),
                                        std::string ca_file = std::string(kInClusterCaFile));

struct ApiServerLookupOptions {
  std::chrono::milliseconds timeout{5000};                          // per GET
  std::chrono::nanoseconds token_reload = std::chrono::minutes(1);  // bearer_token_file
};

// Answers (kube/service_account_info.h contract):
//   200 → the ServiceAccount's metadata.annotations (string values; others ignored);
//   404 → nullopt; a namespace or name that is not a valid Kubernetes name → nullopt without a
//         request (such an object cannot exist; also keeps the URL path well-formed);
//   anything else (401, 403, 5xx, transport failure, a body that is not a ServiceAccount) →
//   ServiceUnavailable naming the status and the API server's Status message. The token is never
//   part of an error.
class ApiServerServiceAccountLookup final : public ServiceAccountLookup {
 public:
  // `fetcher` and `clock` must outlive the lookup; `config.server` must be set.
  ApiServerServiceAccountLookup(HttpFetcher& fetcher, const Clock& clock, ApiServerConfig config,
                                ApiServerLookupOptions options = {});

  Result<std::optional<ServiceAccountInfo>> Get(const std::string& ns,
                                                const std::string& name) override;

 private:
  Result<std::string> Token();

  HttpFetcher& fetcher_;
  const Clock& clock_;
  const ApiServerConfig config_;
  const ApiServerLookupOptions options_;
  std::mutex mu_;
  std::string file_token_;                   // guarded by mu_
  std::optional<MonoTime> file_token_read_;  // guarded by mu_
};

// DNS-1123 label (namespaces) and subdomain (ServiceAccount names).
bool IsDns1123Label(std::string_view name);
bool IsDns1123Subdomain(std::string_view name);

}  // namespace irsa::kube
