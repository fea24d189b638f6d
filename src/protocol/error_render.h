// The one place an irsa::Error becomes a wire error (DESIGN.md "One place renders an Error").
//
//  * Query (IAM, STS): <ErrorResponse xmlns="..."><Error><Type>Sender|Receiver</Type>
//    <Code>..</Code><Message>..</Message></Error><RequestId>..</RequestId></ErrorResponse>,
//    HTTP status = error.http_status(), Content-Type text/xml (wire spec §1.4).
//  * REST-JSON (EKS): header x-amzn-ErrorType: <Code>, body {"message":"..."},
//    Content-Type application/json.
//  * Kubernetes: a v1 Status object with reason derived from the HTTP status.
// Every response carries x-amzn-RequestId when a request id is given and labels.error_code.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"
#include "base/http_types.h"

namespace irsa::protocol {

HttpResponse RenderQueryError(const Error& error, std::string_view xml_namespace,
                              std::string_view request_id);
std::string QueryErrorBody(const Error& error, std::string_view xml_namespace,
                           std::string_view request_id);

HttpResponse RenderRestJsonError(const Error& error, std::string_view request_id);

// Kubernetes Status reason for an HTTP status: 400 BadRequest, 401 Unauthorized,
// 403 Forbidden, 404 NotFound, 405 MethodNotAllowed, 409 AlreadyExists when the error code says
// so (EntityAlreadyExists/AlreadyExists) else Conflict, 410 Gone, 413 RequestEntityTooLarge,
// 415 UnsupportedMediaType, 422 Invalid, 429 TooManyRequests, 504 Timeout, 503
// ServiceUnavailable, other 5xx InternalError, anything else BadRequest.
std::string_view KubeReason(int http_status, std::string_view error_code = {});

// {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":...,
//  "reason":...,"code":<http status>}, Content-Type application/json.
HttpResponse RenderKubeStatus(const Error& error);
std::string KubeStatusBody(const Error& error);

}  // namespace irsa::protocol
