#include "server/webhook_handler.h"

#include <boost/json.hpp>
#include <cctype>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "base/log.h"

namespace irsa::server {
namespace {

namespace json = boost::json;

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

HttpResponse WebhookTextResponse(int status, std::string body, std::string error_code) {
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

WebhookMetrics::WebhookMetrics(metrics::Registry& registry)
    : mutated(ReviewCounters(registry).WithLabels({"mutated"})),
      skipped(ReviewCounters(registry).WithLabels({"skipped"})),
      rejected(ReviewCounters(registry).WithLabels({"rejected"})) {}

HttpResponse ServeAdmissionReview(const kube::WebhookOptions& options,
                                  kube::ServiceAccountLookup& lookup, const HttpRequest& request,
                                  WebhookMetrics& metrics, std::string_view source) {
  if (request.method != "POST") {
    HttpResponse response =
        WebhookTextResponse(405, "method not allowed, expect POST", "MethodNotAllowed");
    response.headers.emplace_back("Allow", "POST");
    return response;
  }
  if (!IsJsonMediaType(request.Header("content-type"))) {
    log::Warn("admission review rejected: Content-Type is not application/json",
              {{"source", source}, {"request_id", request.request_id}});
    return WebhookTextResponse(415, "invalid Content-Type, expect `application/json`",
                               "UnsupportedMediaType");
  }
  if (request.body.empty()) {
    log::Warn("admission review rejected: empty body",
              {{"source", source}, {"request_id", request.request_id}});
    return WebhookTextResponse(400, "empty body", "EmptyBody");
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
    return WebhookTextResponse(404, "not found: the webhook is POST /webhook/<cluster>/mutate",
                               "NotFound");
  }
  const std::string cluster(rest.substr(0, slash));
  std::shared_ptr<const kube::WebhookOptions> options;
  {
    std::lock_guard<std::mutex> lock(mu_);
    options = options_;
  }
  if (options == nullptr)
    return WebhookTextResponse(503, "webhook not ready", "ServiceUnavailable");
  Result<oidc::ClusterRecord> record = clusters_.Get(account_, cluster);
  if (!record.ok()) {
    if (record.error().code() == "ResourceNotFoundException") {
      log::Warn("admission review for an unknown cluster", {{"source", cluster}});
      return WebhookTextResponse(404, "no cluster named " + cluster, "NotFound");
    }
    log::Error("admission review: cluster lookup failed",
               {{"source", cluster}, {"error", record.error().message()}});
    return WebhookTextResponse(503, "cluster lookup failed", "ServiceUnavailable");
  }
  std::shared_ptr<ClusterLookup> lookup = LookupFor(cluster);
  return ServeAdmissionReview(*options, lookup->cached, request, metrics_, cluster);
}

kube::WebhookOptions ResolveWebhookEndpoints(const WebhookSettings& settings,
                                             const std::string& irsa_url) {
  kube::WebhookOptions options = settings.options;
  if (!settings.inject_endpoints) {
    options.sts_endpoint_url.clear();
    options.iam_endpoint_url.clear();
    options.s3_endpoint_url.clear();
    return options;
  }
  if (irsa_url.empty()) return options;
  for (std::string* url :
       {&options.sts_endpoint_url, &options.iam_endpoint_url, &options.s3_endpoint_url}) {
    if (url->empty()) *url = irsa_url;
  }
  return options;
}

}  // namespace irsa::server
