#include "protocol/oidc_routes.h"

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

Router::PrefixHandler MakeOutboundIssuerHandler(oidc::OutboundIssuers& issuers) {
  return [&issuers](HttpRequest& request) -> HttpResponse {
    // /outbound/<ID>/<document>
    std::string_view rest = std::string_view(request.path).substr(10);
    size_t slash = rest.find('/');
    std::string id(rest.substr(0, slash));
    std::string_view document = slash == std::string_view::npos ? "" : rest.substr(slash);
    auto not_found = [&] {
      HttpResponse r = Json(404, "{\"message\":\"no such issuer document\"}", "oidc", "NotFound");
      r.labels.error_code = "NotFound";
      return r;
    };
    if (request.method != "GET" && request.method != "HEAD") return not_found();
    Result<std::optional<std::shared_ptr<const oidc::AccountIssuer>>> issuer =
        issuers.IssuerById(id);
    if (!issuer.ok()) return RestError(issuer.error(), request, "oidc", "OutboundIssuer");
    if (!*issuer) return not_found();
    if (document == "/.well-known/openid-configuration") {
      HttpResponse r = Json(200, (**issuer)->discovery_json, "oidc", "OutboundDiscovery");
      r.headers.emplace_back("Cache-Control", "public, max-age=3600");
      return r;
    }
    if (document == "/.well-known/jwks.json") {
      HttpResponse r = Json(200, (**issuer)->jwks_json, "oidc", "OutboundKeys");
      r.headers.emplace_back("Cache-Control", "public, max-age=300");
      return r;
    }
    return not_found();
  };
}

}  // namespace irsa::protocol
