#include "cli/local_kube_client.h"

#include "base/clock.h"
#include "base/random.h"
#include "kube/api.h"
#include "server/kube_clusters.h"

namespace irsa::cli {

namespace {

// The cluster directory of the in-process client: clusters as server::HostedClusters finds them,
// every request allowed as the admin (the caller already holds the data directory and its keys).
class AdminDirectory final : public kube::ClusterDirectory {
 public:
  explicit AdminDirectory(server::HostedClusters& hosted) : hosted_(hosted) {}
  Result<std::optional<kube::ClusterInfo>> FindCluster(const std::string& cluster) override {
    return hosted_.FindCluster(cluster);
  }
  Result<kube::Authentication> Authenticate(const kube::ClusterInfo&, std::string_view,
                                            bool) override {
    kube::Authentication admin;
    admin.subject = server::KubeAdminSubject();
    return admin;
  }

 private:
  server::HostedClusters& hosted_;
};

}  // namespace

struct LocalKubeClient::Impl {
  Impl(server::Node& app, std::string account)
      : hosted(app.clusters(), SystemClock::Instance(), std::move(account)),
        directory(hosted),
        api(app.store(), SystemClock::Instance(), SystemRandom::Instance(), hosted, directory) {}
  server::HostedClusters hosted;
  AdminDirectory directory;
  kube::KubeApi api;
};

LocalKubeClient::LocalKubeClient(server::Node& app, std::string account)
    : impl_(std::make_unique<Impl>(app, std::move(account))) {}

LocalKubeClient::~LocalKubeClient() = default;

Result<boost::json::object> LocalKubeClient::Call(const std::string& cluster,
                                                  const std::string& method,
                                                  const std::string& path, const std::string& body,
                                                  const std::string& content_type) {
  HttpRequest request;
  request.method = method;
  request.target = path;
  const size_t q = path.find('?');
  request.path = path.substr(0, q);
  if (q != std::string::npos) request.query = path.substr(q + 1);
  request.headers = {
      {"accept", "application/json"}, {"content-type", content_type}, {"user-agent", "irsa-cli"}};
  request.body = body;
  request.remote_address = "local";
  HttpResponse response = impl_->api.Handle(cluster, request);
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(response.body, ec);
  const boost::json::object* object = !ec && parsed.is_object() ? &parsed.as_object() : nullptr;
  if (response.status >= 200 && response.status < 300 && object != nullptr) return *object;
  std::string reason = "InternalError";
  std::string message = response.body;
  if (object != nullptr) {
    if (const auto* r = object->if_contains("reason");
        r && r->is_string() && !r->as_string().empty())
      reason = std::string(r->as_string());
    if (const auto* m = object->if_contains("message"); m && m->is_string())
      message = std::string(m->as_string());
  }
  return Error(reason, response.status, message);
}

}  // namespace irsa::cli
