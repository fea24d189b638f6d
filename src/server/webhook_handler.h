// The pod-identity mutating admission webhook over HTTP (docs/webhook.md; wire spec §5):
//
//   * `irsa serve` routes POST /webhook/<cluster>/mutate for the clusters it hosts
//     (HostedWebhook); ServiceAccounts come from irsa's own Kubernetes API store.
//   * `irsa webhook` (webhook_server.h) is a standalone HTTPS webhook for a real kube-apiserver:
//     POST /mutate and GET /healthz; ServiceAccounts are read from the API server
//     (kube/apiserver_lookup.h) with the credentials of a kubeconfig or of the pod it runs in.
//
// Both answer through ServeAdmissionReview: 405 unless POST, 415 unless the media type is
// application/json, 400 for an empty body, otherwise 200 with the AdmissionReview response of
// kube::HandleAdmissionReview (malformed reviews are answered allowed:false with a message).
// Every review is logged (outcome and reasons; never tokens or the pod body) and counted in
// irsa_webhook_reviews_total{outcome} (outcome: mutated, skipped, rejected).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/http_types.h"
#include "base/metrics.h"
#include "kube/k8s_store_lookup.h"
#include "kube/service_account_lookup.h"
#include "kube/webhook.h"
#include "oidc/clusters.h"
#include "store/store.h"

namespace irsa::server {

// The webhook settings `irsa serve` (flags --webhook-*) and `irsa webhook` share.
struct WebhookSettings {
  kube::WebhookOptions options;
  // serve: inject AWS_ENDPOINT_URL_STS = irsa's public HTTPS endpoint (--issuer-url-base, else
  // the HTTPS listener) unless sts_endpoint_url names another one. webhook: unused (the URL flag
  // alone enables the injection).
  bool inject_sts_endpoint = false;
  // AWS_ENDPOINT_URL_STS/_IAM/_S3 = irsa's URL whenever it is known (cli/webhook_endpoints.h);
  // false clears them all, also URLs given explicitly.
  bool inject_endpoints = true;
  // `irsa webhook --irsa-url`: irsa's URL as pods reach it. `irsa serve` passes its own instead.
  std::string irsa_url;
};

// `settings.options` with the endpoint URLs filled in from `irsa_url` when injection is on and a
// URL is known (URLs given explicitly are kept), or cleared when injection is off.
kube::WebhookOptions ResolveWebhookEndpoints(const WebhookSettings& settings,
                                             const std::string& irsa_url);

// A text/plain response labelled service "webhook" (errors of the webhook routes).
HttpResponse WebhookTextResponse(int status, std::string body, std::string error_code);

// irsa_webhook_reviews_total{outcome} in `registry`; references stay valid for its lifetime.
struct WebhookMetrics {
  explicit WebhookMetrics(metrics::Registry& registry);
  metrics::Counter& mutated;
  metrics::Counter& skipped;
  metrics::Counter& rejected;
};

// Answers one /mutate request (see the file comment). `source` names the cluster in logs
// ("" for the standalone webhook). Never throws.
HttpResponse ServeAdmissionReview(const kube::WebhookOptions& options,
                                  kube::ServiceAccountLookup& lookup, const HttpRequest& request,
                                  WebhookMetrics& metrics, std::string_view source);

// The webhook of the clusters `irsa serve` hosts: POST /webhook/<cluster>/mutate. The cluster
// must exist in `account` (404 otherwise); its ServiceAccounts are read from the store through a
// per-cluster CachingServiceAccountLookup (positive TTL 5 s, negative TTL 1 s, so a pod created
// right after its ServiceAccount is mutated and annotation changes show within seconds).
//
// Handle answers 503 until SetOptions has been called (the STS endpoint URL is known only once
// the listeners are bound). Thread-safety: Handle and SetOptions may be called concurrently.
// `store`, `clusters`, `clock` and `registry` must outlive this object.
class HostedWebhook {
 public:
  static constexpr std::string_view kPrefix = "/webhook/";
  static constexpr size_t kMaxClusters = 1000;  // cached per-cluster lookups

  HostedWebhook(store::Store& store, oidc::ClusterRegistry& clusters, const Clock& clock,
                std::string account, metrics::Registry& registry);

  void SetOptions(kube::WebhookOptions options);
  HttpResponse Handle(const HttpRequest& request);

 private:
  struct ClusterLookup {
    ClusterLookup(store::Store& store, const std::string& account, const std::string& cluster,
                  const Clock& clock);
    kube::StoreServiceAccountLookup live;
    kube::CachingServiceAccountLookup cached;
  };
  std::shared_ptr<ClusterLookup> LookupFor(const std::string& cluster);

  store::Store& store_;
  oidc::ClusterRegistry& clusters_;
  const Clock& clock_;
  const std::string account_;
  WebhookMetrics metrics_;
  std::mutex mu_;
  std::shared_ptr<const kube::WebhookOptions> options_;            // guarded by mu_
  std::map<std::string, std::shared_ptr<ClusterLookup>> lookups_;  // guarded by mu_
};

}  // namespace irsa::server
