#include "kube/k8s_status.h"

#include <utility>

namespace irsa::kube {
namespace json = boost::json;

namespace k8s_errors {
Error BadRequest(std::string message) { return Error("BadRequest", 400, std::move(message)); }
Error Unauthorized() { return Error("Unauthorized", 401, "Unauthorized"); }
Error Forbidden(std::string message) { return Error("Forbidden", 403, std::move(message)); }
Error NotFound(std::string message) { return Error("NotFound", 404, std::move(message)); }
Error MethodNotAllowed(std::string message) {
  return Error("MethodNotAllowed", 405, std::move(message));
}
Error NotAcceptable(std::string message) { return Error("NotAcceptable", 406, std::move(message)); }
Error AlreadyExists(std::string message) { return Error("AlreadyExists", 409, std::move(message)); }
Error Conflict(std::string message) { return Error("Conflict", 409, std::move(message)); }
Error RequestEntityTooLarge(std::string message) {
  return Error("RequestEntityTooLarge", 413, std::move(message));
}
Error UnsupportedMediaType(std::string message) {
  return Error("UnsupportedMediaType", 415, std::move(message));
}
Error Invalid(std::string message) { return Error("Invalid", 422, std::move(message)); }
Error InternalError(std::string message) {
  return Error("InternalError", 500, "Internal error occurred: " + message);
}

Error ResourceNotFound(std::string_view resource, std::string_view name) {
  return NotFound(std::string(resource) + " \"" + std::string(name) + "\" not found");
}
Error ResourceAlreadyExists(std::string_view resource, std::string_view name) {
  return AlreadyExists(std::string(resource) + " \"" + std::string(name) + "\" already exists");
}
Error ResourceConflict(std::string_view resource, std::string_view name) {
  return Conflict("Operation cannot be fulfilled on " + std::string(resource) + " \"" +
                  std::string(name) +
                  "\": the object has been modified; please apply your changes to the latest "
                  "version and try again");
}
}  // namespace k8s_errors

namespace {
bool IsKubernetesReason(const std::string& code) {
  static constexpr std::string_view kReasons[] = {"BadRequest",
                                                  "Unauthorized",
                                                  "Forbidden",
                                                  "NotFound",
                                                  "MethodNotAllowed",
                                                  "NotAcceptable",
                                                  "AlreadyExists",
                                                  "Conflict",
                                                  "RequestEntityTooLarge",
                                                  "UnsupportedMediaType",
                                                  "Invalid",
                                                  "InternalError"};
  for (std::string_view r : kReasons) {
    if (code == r) return true;
  }
  return false;
}
}  // namespace

Error ToKubernetesError(const Error& error) {
  if (IsKubernetesReason(error.code())) return error;
  int status = error.http_status();
  if (status >= 500 || status < 400) return k8s_errors::InternalError(error.message());
  switch (status) {
    case 401:
      return k8s_errors::Unauthorized();
    case 403:
      return k8s_errors::Forbidden(error.message());
    case 404:
      return k8s_errors::NotFound(error.message());
    case 409:
      return k8s_errors::Conflict(error.message());
    case 413:
      return k8s_errors::RequestEntityTooLarge(error.message());
    default:
      return k8s_errors::BadRequest(error.message());
  }
}

json::object StatusJson(const Error& error) {
  Error k = ToKubernetesError(error);
  return json::object{{"kind", "Status"},           {"apiVersion", "v1"},
                      {"metadata", json::object()}, {"status", "Failure"},
                      {"message", k.message()},     {"reason", k.code()},
                      {"code", k.http_status()}};
}

json::object SuccessStatusJson(std::string_view name, std::string_view kind) {
  return json::object{{"kind", "Status"},
                      {"apiVersion", "v1"},
                      {"metadata", json::object()},
                      {"status", "Success"},
                      {"details", json::object{{"name", name}, {"kind", kind}}}};
}

HttpResponse JsonResponse(int status, const json::value& body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = json::serialize(body);
  return r;
}

HttpResponse ErrorResponse(const Error& error) {
  Error k = ToKubernetesError(error);
  HttpResponse r = JsonResponse(k.http_status(), StatusJson(k));
  r.labels.error_code = k.code();
  return r;
}

}  // namespace irsa::kube
