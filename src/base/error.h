// The AWS error vocabulary: every failure on the request path is an Error value carrying the
// wire code (botocore's `error.code`, e.g. "NoSuchEntity"), the HTTP status, whether the fault is
// the caller's (Sender) or ours (Receiver), and a human-readable message.
//
// Errors are cheap to copy and immutable once built. Messages may carry diagnostics (which
// statement or condition failed) but never secrets: no secret keys, tokens or private keys.
#pragma once

#include <string>
#include <string_view>

namespace irsa {

class Error {
 public:
  Error(std::string code, int http_status, std::string message);

  const std::string& code() const { return code_; }
  int http_status() const { return http_status_; }
  const std::string& message() const { return message_; }
  // "Sender" for 4xx, "Receiver" for 5xx: the <Type> element of the Query error envelope.
  std::string_view type() const { return http_status_ >= 500 ? "Receiver" : "Sender"; }

  // Returns a copy whose message is `prefix` + message().
  Error WithContext(std::string_view prefix) const;

  bool operator==(const Error&) const = default;

 private:
  std::string code_;
  int http_status_;
  std::string message_;
};

// Factories for the codes irsa emits. Status codes follow the botocore models; codes without a
// model entry follow what AWS is observed to send (../shared/reference/irsa-wire-spec.md §1.5).
namespace errors {
// Generic / protocol.
Error ValidationError(std::string message);        // 400
Error InvalidInput(std::string message);           // 400
Error InvalidAction(std::string message);          // 400
Error InvalidParameterValue(std::string message);  // 400
Error MissingParameter(std::string message);       // 400
Error MalformedQueryString(std::string message);   // 400
Error ServiceFailure(std::string message);         // 500, Receiver
Error InternalFailure(std::string message);        // 500, Receiver
Error ServiceUnavailable(std::string message);     // 503, Receiver
Error Throttling(std::string message);             // 400
Error NotFound(std::string message);               // 404 (plain HTTP resources)
Error RequestEntityTooLarge(std::string message);  // 413
// Authentication.
Error MissingAuthenticationToken(std::string message);  // 403
Error IncompleteSignature(std::string message);         // 400
Error InvalidClientTokenId(std::string message);        // 403
Error SignatureDoesNotMatch(std::string message);       // 403
Error RequestTimeTooSkewed(std::string message);        // 403
Error ExpiredToken(std::string message);                // 403 (session credentials expired)
Error AccessDenied(std::string message);                // 403
// IAM.
Error NoSuchEntity(std::string message);             // 404
Error EntityAlreadyExists(std::string message);      // 409
Error LimitExceeded(std::string message);            // 409
Error DeleteConflict(std::string message);           // 409
Error ConcurrentModification(std::string message);   // 409
Error MalformedPolicyDocument(std::string message);  // 400
Error UnmodifiableEntity(std::string message);       // 400
Error PolicyNotAttachable(std::string message);      // 400
Error PolicyEvaluation(std::string message);         // 500
// EKS (REST-JSON).
Error ResourceNotFoundException(std::string message);  // 404
Error ResourceInUseException(std::string message);     // 409
Error InvalidParameterException(std::string message);  // 400
// STS.
Error InvalidIdentityToken(std::string message);     // 400
Error ExpiredTokenException(std::string message);    // 400
Error IDPCommunicationError(std::string message);    // 400
Error IDPRejectedClaim(std::string message);         // 403
Error PackedPolicyTooLarge(std::string message);     // 400
Error RegionDisabledException(std::string message);  // 403
}  // namespace errors

}  // namespace irsa
