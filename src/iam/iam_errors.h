// The IAM error codes of the model (iam.service-2.json `error.code`, HTTP status) that base/error.h
// does not already name, for the IAM families built on top of the core entities.
#pragma once

#include <string>

#include "base/error.h"

namespace irsa::iam::iam_errors {

inline Error PasswordPolicyViolation(std::string message) {
  return Error("PasswordPolicyViolation", 400, std::move(message));
}
inline Error EntityTemporarilyUnmodifiable(std::string message) {
  return Error("EntityTemporarilyUnmodifiable", 409, std::move(message));
}
inline Error InvalidAuthenticationCode(std::string message) {
  return Error("InvalidAuthenticationCode", 403, std::move(message));
}
inline Error KeyPairMismatch(std::string message) {
  return Error("KeyPairMismatch", 400, std::move(message));
}
inline Error MalformedCertificate(std::string message) {
  return Error("MalformedCertificate", 400, std::move(message));
}
inline Error InvalidCertificate(std::string message) {
  return Error("InvalidCertificate", 400, std::move(message));
}
inline Error DuplicateCertificate(std::string message) {
  return Error("DuplicateCertificate", 409, std::move(message));
}
inline Error InvalidPublicKey(std::string message) {
  return Error("InvalidPublicKey", 400, std::move(message));
}
inline Error DuplicateSSHPublicKey(std::string message) {
  return Error("DuplicateSSHPublicKey", 400, std::move(message));
}
inline Error UnrecognizedPublicKeyEncoding(std::string message) {
  return Error("UnrecognizedPublicKeyEncoding", 400, std::move(message));
}
inline Error ReportExpired(std::string message) {
  return Error("ReportExpired", 410, std::move(message));
}
inline Error ReportNotPresent(std::string message) {
  return Error("ReportNotPresent", 410, std::move(message));
}
inline Error ReportInProgress(std::string message) {
  return Error("ReportInProgress", 404, std::move(message));
}
inline Error NotSupportedService(std::string message) {
  return Error("NotSupportedService", 404, std::move(message));
}
inline Error FeatureDisabled(std::string message) {
  return Error("FeatureDisabled", 404, std::move(message));
}
inline Error FeatureEnabled(std::string message) {
  return Error("FeatureEnabled", 409, std::move(message));
}
inline Error InvalidUserType(std::string message) {
  return Error("InvalidUserType", 400, std::move(message));
}

}  // namespace irsa::iam::iam_errors
