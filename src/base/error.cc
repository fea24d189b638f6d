#include "base/error.h"

#include <utility>

namespace irsa {

Error::Error(std::string code, int http_status, std::string message)
    : code_(std::move(code)), http_status_(http_status), message_(std::move(message)) {}

Error Error::WithContext(std::string_view prefix) const {
  std::string message(prefix);
  message += message_;
  return Error(code_, http_status_, std::move(message));
}

namespace errors {
#define IRSA_DEFINE_ERROR(name, code, status) \
  Error name(std::string message) { return Error(code, status, std::move(message)); }

IRSA_DEFINE_ERROR(ValidationError, "ValidationError", 400)
IRSA_DEFINE_ERROR(InvalidInput, "InvalidInput", 400)
IRSA_DEFINE_ERROR(InvalidAction, "InvalidAction", 400)
IRSA_DEFINE_ERROR(InvalidParameterValue, "InvalidParameterValue", 400)
IRSA_DEFINE_ERROR(MissingParameter, "MissingParameter", 400)
IRSA_DEFINE_ERROR(MalformedQueryString, "MalformedQueryString", 400)
IRSA_DEFINE_ERROR(ServiceFailure, "ServiceFailure", 500)
IRSA_DEFINE_ERROR(InternalFailure, "InternalFailure", 500)
IRSA_DEFINE_ERROR(ServiceUnavailable, "ServiceUnavailable", 503)
IRSA_DEFINE_ERROR(Throttling, "Throttling", 400)
IRSA_DEFINE_ERROR(NotFound, "NotFound", 404)
IRSA_DEFINE_ERROR(RequestEntityTooLarge, "RequestEntityTooLarge", 413)
IRSA_DEFINE_ERROR(MissingAuthenticationToken, "MissingAuthenticationToken", 403)
IRSA_DEFINE_ERROR(IncompleteSignature, "IncompleteSignature", 400)
IRSA_DEFINE_ERROR(InvalidClientTokenId, "InvalidClientTokenId", 403)
IRSA_DEFINE_ERROR(SignatureDoesNotMatch, "SignatureDoesNotMatch", 403)
IRSA_DEFINE_ERROR(RequestTimeTooSkewed, "RequestTimeTooSkewed", 403)
IRSA_DEFINE_ERROR(ExpiredToken, "ExpiredToken", 403)
IRSA_DEFINE_ERROR(AccessDenied, "AccessDenied", 403)
IRSA_DEFINE_ERROR(NoSuchEntity, "NoSuchEntity", 404)
IRSA_DEFINE_ERROR(EntityAlreadyExists, "EntityAlreadyExists", 409)
IRSA_DEFINE_ERROR(LimitExceeded, "LimitExceeded", 409)
IRSA_DEFINE_ERROR(DeleteConflict, "DeleteConflict", 409)
IRSA_DEFINE_ERROR(ConcurrentModification, "ConcurrentModification", 409)
IRSA_DEFINE_ERROR(MalformedPolicyDocument, "MalformedPolicyDocument", 400)
IRSA_DEFINE_ERROR(UnmodifiableEntity, "UnmodifiableEntity", 400)
IRSA_DEFINE_ERROR(PolicyNotAttachable, "PolicyNotAttachable", 400)
IRSA_DEFINE_ERROR(PolicyEvaluation, "PolicyEvaluation", 500)
IRSA_DEFINE_ERROR(ResourceNotFoundException, "ResourceNotFoundException", 404)
IRSA_DEFINE_ERROR(ResourceInUseException, "ResourceInUseException", 409)
IRSA_DEFINE_ERROR(InvalidParameterException, "InvalidParameterException", 400)
IRSA_DEFINE_ERROR(InvalidIdentityToken, "InvalidIdentityToken", 400)
IRSA_DEFINE_ERROR(ExpiredTokenException, "ExpiredTokenException", 400)
IRSA_DEFINE_ERROR(IDPCommunicationError, "IDPCommunicationError", 400)
IRSA_DEFINE_ERROR(IDPRejectedClaim, "IDPRejectedClaim", 403)
IRSA_DEFINE_ERROR(PackedPolicyTooLarge, "PackedPolicyTooLarge", 400)
IRSA_DEFINE_ERROR(RegionDisabledException, "RegionDisabledException", 403)

#undef IRSA_DEFINE_ERROR
}  // namespace errors

}  // namespace irsa
