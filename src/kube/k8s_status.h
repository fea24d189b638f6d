// Kubernetes API errors. Inside the kube module a failure is an irsa::Error whose code() is the
// Kubernetes StatusReason ("NotFound", "AlreadyExists", "Conflict", ...) and whose http_status()
// is the Status code; StatusJson renders it as the v1 Status object every Kubernetes client
// understands (kubectl prints `Error from server (<reason>): <message>`).
#pragma once

#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "base/error.h"
#include "base/http_types.h"

namespace irsa::kube {

namespace k8s_errors {
Error BadRequest(std::string message);             // 400 BadRequest
Error Unauthorized();                              // 401 Unauthorized, message "Unauthorized"
Error Forbidden(std::string message);              // 403 Forbidden
Error NotFound(std::string message);               // 404 NotFound
Error MethodNotAllowed(std::string message);       // 405 MethodNotAllowed
Error NotAcceptable(std::string message);          // 406 NotAcceptable
Error AlreadyExists(std::string message);          // 409 AlreadyExists
Error Conflict(std::string message);               // 409 Conflict
Error RequestEntityTooLarge(std::string message);  // 413 RequestEntityTooLarge
Error UnsupportedMediaType(std::string message);   // 415 UnsupportedMediaType
Error Invalid(std::string message);                // 422 Invalid
Error InternalError(std::string message);          // 500 InternalError

// `<resource> "<name>" not found`, e.g. serviceaccounts "x" not found.
Error ResourceNotFound(std::string_view resource, std::string_view name);
// `<resource> "<name>" already exists`.
Error ResourceAlreadyExists(std::string_view resource, std::string_view name);
// The optimistic-concurrency conflict message Kubernetes sends on a stale resourceVersion.
Error ResourceConflict(std::string_view resource, std::string_view name);
}  // namespace k8s_errors

// Converts any Error into Kubernetes terms: errors already carrying a Kubernetes reason pass
// through; other 4xx become BadRequest/NotFound/Conflict by status; 5xx become InternalError
// ("Internal error occurred: <message>").
Error ToKubernetesError(const Error& error);

// The v1 Status object for a failure:
// {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":...,
//  "reason":...,"code":...}
boost::json::object StatusJson(const Error& error);
// The v1 Status object for a success (e.g. a namespace deletion answer).
boost::json::object SuccessStatusJson(std::string_view name, std::string_view kind);

// HTTP responses with Content-Type application/json.
HttpResponse JsonResponse(int status, const boost::json::value& body);
HttpResponse ErrorResponse(const Error& error);

}  // namespace irsa::kube
