#include "protocol/error_render.h"

#include "base/encoding.h"

namespace irsa::protocol {
namespace {

void AddCommon(HttpResponse& r, const Error& error, std::string_view request_id) {
  r.status = error.http_status();
  if (!request_id.empty()) r.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  r.labels.error_code = error.code();
}

}  // namespace

std::string QueryErrorBody(const Error& error, std::string_view xml_namespace,
                           std::string_view request_id) {
  std::string out;
  out.reserve(256 + error.message().size());
  out += "<ErrorResponse xmlns=\"";
  AppendXmlEscaped(out, xml_namespace);
  out += "\"><Error><Type>";
  out += error.type();
  out += "</Type><Code>";
  AppendXmlEscaped(out, error.code());
  out += "</Code><Message>";
  AppendXmlEscaped(out, error.message());
  out += "</Message></Error><RequestId>";
  AppendXmlEscaped(out, request_id);
  out += "</RequestId></ErrorResponse>";
  return out;
}

HttpResponse RenderQueryError(const Error& error, std::string_view xml_namespace,
                              std::string_view request_id) {
  HttpResponse r;
  r.headers.emplace_back("Content-Type", "text/xml");
  AddCommon(r, error, request_id);
  r.body = QueryErrorBody(error, xml_namespace, request_id);
  return r;
}

HttpResponse RenderRestJsonError(const Error& error, std::string_view request_id) {
  HttpResponse r;
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("x-amzn-ErrorType", error.code());
  AddCommon(r, error, request_id);
  r.body = "{\"message\":\"";
  AppendJsonEscaped(r.body, ToValidUtf8(error.message()));
  r.body += "\"}";
  return r;
}

std::string_view KubeReason(int http_status, std::string_view error_code) {
  switch (http_status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 409:
      return error_code.find("AlreadyExists") != std::string_view::npos ? "AlreadyExists"
                                                                        : "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "RequestEntityTooLarge";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return http_status >= 500 ? "InternalError" : "BadRequest";
  }
}

std::string KubeStatusBody(const Error& error) {
  std::string out =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":")";
  AppendJsonEscaped(out, ToValidUtf8(error.message()));
  out += R"(","reason":")";
  out += KubeReason(error.http_status(), error.code());
  out += R"(","code":)";
  out += std::to_string(error.http_status());
  out += '}';
  return out;
}

HttpResponse RenderKubeStatus(const Error& error) {
  HttpResponse r;
  r.headers.emplace_back("Content-Type", "application/json");
  AddCommon(r, error, {});
  r.body = KubeStatusBody(error);
  return r;
}

}  // namespace irsa::protocol
