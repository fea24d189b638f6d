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

// GET/HEAD <prefix><ID><document> of a hosted issuer: its discovery document and its key set
// (at `keys_document`), 404 for anything else. `label` prefixes the metric labels ("" for the
// cluster issuers, "Outbound" for the account issuers). `lookup` finds an issuer by id (an
// issuer type with discovery_json and jwks_json).
template <typename Lookup>
HttpResponse ServeIssuerDocument(const HttpRequest& request, size_t prefix_length,
                                 std::string_view keys_document, const std::string& label,
                                 const Lookup& lookup) {
  std::string_view rest = std::string_view(request.path).substr(prefix_length);
  size_t slash = rest.find('/');
  std::string id(rest.substr(0, slash));
  std::string_view document = slash == std::string_view::npos ? "" : rest.substr(slash);
  auto not_found = [] {
    HttpResponse r = Json(404, "{\"message\":\"no such issuer document\"}", "oidc", "NotFound");
    r.labels.error_code = "NotFound";
    return r;
  };
  if (request.method != "GET" && request.method != "HEAD") return not_found();
  auto issuer = lookup(id);
  if (!issuer.ok()) return RestError(issuer.error(), request, "oidc", label + "Issuer");
  if (!*issuer) return not_found();
  if (document == "/.well-known/openid-configuration") {
    HttpResponse r = Json(200, (**issuer)->discovery_json, "oidc", label + "Discovery");
    r.headers.emplace_back("Cache-Control", "public, max-age=3600");
    return r;
  }
  if (document == keys_document) {
    HttpResponse r = Json(200, (**issuer)->jwks_json, "oidc", label + "Keys");
    r.headers.emplace_back("Cache-Control", "public, max-age=300");
    return r;
  }
  return not_found();
}

}  // namespace

Router::PrefixHandler MakeOidcIssuerHandler(oidc::ClusterRegistry& clusters) {
  return [&clusters](HttpRequest& request) -> HttpResponse {
    return ServeIssuerDocument(request, std::string_view("/id/").size(), "/keys", "",
                               [&](const std::string& id) { return clusters.IssuerById(id); });
  };
}

Router::PrefixHandler MakeOutboundIssuerHandler(oidc::OutboundIssuers& issuers) {
  return [&issuers](HttpRequest& request) -> HttpResponse {
    return ServeIssuerDocument(request, std::string_view("/outbound/").size(),
                               "/.well-known/jwks.json", "Outbound",
                               [&](const std::string& id) { return issuers.IssuerById(id); });
  };
}

}  // namespace irsa::protocol
