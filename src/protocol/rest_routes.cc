#include "protocol/rest_routes.h"

#include <boost/json.hpp>

#include "protocol/error_render.h"

namespace irsa::protocol {
namespace json = boost::json;
namespace {

HttpResponse Json(int status, std::string body, std::string_view service, std::string_view action) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::move(body);
  response.labels.service = std::string(service);
  response.labels.action = std::string(action);
  return response;
}

HttpResponse RestError(const Error& error, const HttpRequest& request, std::string_view service,
                       std::string_view action) {
  HttpResponse response = RenderRestJsonError(error, request.request_id);
  response.labels.service = std::string(service);
  response.labels.action = std::string(action);
  return response;
}

double EpochSeconds(SystemTime t) {
  return static_cast<double>(t.time_since_epoch().count()) / 1e9;
}

json::object ClusterJson(const oidc::ClusterRecord& c) {
  return json::object{{"name", c.name},
                      {"arn", c.arn},
                      {"createdAt", EpochSeconds(c.created)},
                      {"version", c.kubernetes_version},
                      {"platformVersion", "irsa.1"},
                      {"status", "ACTIVE"},
                      {"identity", json::object{{"oidc", json::object{{"issuer", c.issuer}}}}},
                      {"tags", json::object{}},
                      {"accessConfig", json::object{{"authenticationMode", "API"}}}};
}

}  // namespace

Router::PrefixHandler MakeOidcIssuerHandler(oidc::ClusterRegistry& clusters) {
  return [&clusters](HttpRequest& request) -> HttpResponse {
    // /id/<ID>/<document>
    std::string_view rest = std::string_view(request.path).substr(4);
    size_t slash = rest.find('/');
    std::string id(rest.substr(0, slash));
    std::string_view document = slash == std::string_view::npos ? "" : rest.substr(slash);
    auto not_found = [&] {
      HttpResponse r = Json(404, "{\"message\":\"no such issuer document\"}", "oidc", "NotFound");
      r.labels.error_code = "NotFound";
      return r;
    };
    if (request.method != "GET" && request.method != "HEAD") return not_found();
    Result<std::optional<std::shared_ptr<const oidc::HostedIssuer>>> issuer =
        clusters.IssuerById(id);
    if (!issuer.ok()) return RestError(issuer.error(), request, "oidc", "Issuer");
    if (!*issuer) return not_found();
    if (document == "/.well-known/openid-configuration") {
      HttpResponse r = Json(200, (**issuer)->discovery_json, "oidc", "Discovery");
      r.headers.emplace_back("Cache-Control", "public, max-age=3600");
      return r;
    }
    if (document == "/keys") {
      HttpResponse r = Json(200, (**issuer)->jwks_json, "oidc", "Keys");
      r.headers.emplace_back("Cache-Control", "public, max-age=300");
      return r;
    }
    return not_found();
  };
}

Router::PrefixHandler MakeEksHandler(const Authenticator& authn, const authz::Authorizer& authz,
                                     oidc::ClusterRegistry& clusters) {
  return [&authn, &authz, &clusters](HttpRequest& request) -> HttpResponse {
    std::string_view rest = std::string_view(request.path).substr(9);  // after "/clusters"
    if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
    std::string name(rest);
    std::string action;
    if (request.method == "GET") action = name.empty() ? "ListClusters" : "DescribeCluster";
    if (request.method == "POST" && name.empty()) action = "CreateCluster";
    if (request.method == "DELETE" && !name.empty()) action = "DeleteCluster";
    if (action.empty() || name.find('/') != std::string::npos) {
      return RestError(
          errors::NotFound("No EKS operation for " + request.method + " " + request.path +
                           " (irsa serves ListClusters, "
                           "DescribeCluster, CreateCluster, "
                           "DeleteCluster)"),
          request, "eks", "Unknown");
    }
    Result<AuthResult> auth = authn.Authenticate(request);
    if (!auth.ok()) return RestError(auth.error(), request, "eks", action);
    if (!auth->signed_request) {
      return RestError(errors::MissingAuthenticationToken("Missing Authentication Token"), request,
                       "eks", action);
    }
    const authz::Caller& caller = auth->caller;
    authz::RequestFacts facts;
    facts.source_ip = request.remote_address;
    facts.secure_transport = request.secure;
    facts.requested_region = auth->region;

    if (action == "CreateCluster") {
      boost::system::error_code ec;
      json::value body = json::parse(request.body, ec);
      const json::value* name_value =
          body.is_object() ? body.as_object().if_contains("name") : nullptr;
      if (ec || !name_value || !name_value->is_string()) {
        return RestError(errors::InvalidParameterException(
                             "CreateCluster needs a JSON body with a string \"name\"."),
                         request, "eks", action);
      }
      name = std::string(name_value->as_string());
    }
    const std::string arn = "arn:aws:eks:" + clusters.options().region + ":" + caller.account +
                            ":cluster/" + (name.empty() ? "*" : name);
    if (Status allowed = authz.Authorize(caller, "eks:" + action, arn, facts); !allowed.ok()) {
      // EKS reports authorization failures as AccessDeniedException.
      return RestError(Error("AccessDeniedException", 403, allowed.error().message()), request,
                       "eks", action);
    }
    if (action == "ListClusters") {
      Result<std::vector<oidc::ClusterRecord>> list = clusters.List(caller.account);
      if (!list.ok()) return RestError(list.error(), request, "eks", action);
      json::array names;
      for (const auto& c : *list) names.emplace_back(json::string(c.name));
      return Json(200, json::serialize(json::object{{"clusters", std::move(names)}}), "eks",
                  action);
    }
    Result<oidc::ClusterRecord> cluster = action == "CreateCluster"
                                              ? clusters.Create(caller.account, name)
                                              : clusters.Get(caller.account, name);
    if (!cluster.ok()) return RestError(cluster.error(), request, "eks", action);
    if (action == "DeleteCluster") {
      if (Status deleted = clusters.Delete(caller.account, name); !deleted.ok()) {
        return RestError(deleted.error(), request, "eks", action);
      }
    }
    json::object out{{"cluster", ClusterJson(*cluster)}};
    return Json(200, json::serialize(out), "eks", action);
  };
}

}  // namespace irsa::protocol
