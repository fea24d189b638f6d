// Typed access to JWT claims (RFC 7519 §4.1) and the Kubernetes service-account claims.
//
// All functions take an untrusted claims object and fail with InvalidIdentityToken and a precise
// message naming the claim (never its whole value when it could be large). "Absent" is not an
// error for the Get* functions (std::nullopt); wrong types are. Pure functions, thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace irsa::jwt {

// A string claim; error if present with another type.
Result<std::optional<std::string>> GetStringClaim(const boost::json::object& claims,
                                                  std::string_view name);
// A NumericDate (whole seconds since the epoch). JSON integers only: fractions, floats in
// exponent form, strings, booleans and values outside int64 are rejected.
Result<std::optional<int64_t>> GetNumericDate(const boost::json::object& claims,
                                              std::string_view name);
// "aud" as a list: a string becomes one element; an array must be non-empty and contain only
// strings.
Result<std::optional<std::vector<std::string>>> GetAudiences(const boost::json::object& claims);

struct StandardClaims {
  std::optional<std::string> iss, sub, jti, azp;
  std::optional<std::vector<std::string>> aud;
  std::optional<int64_t> exp, nbf, iat;
};
// Extracts and type-checks the registered claims (presence is the caller's policy).
Result<StandardClaims> GetStandardClaims(const boost::json::object& claims);
// Errors of the form "Missing a required claim: <name>" (the AWS wording) if any of iss, sub, aud,
// exp is absent.
Status RequireClaims(const StandardClaims& claims);

// Time checks with `skew_seconds` tolerance: exp <= now - skew -> ExpiredTokenException
// ("Token expired: ..."); nbf or iat > now + skew -> InvalidIdentityToken. Absent claims pass.
Status CheckTimes(const StandardClaims& claims, int64_t now, int64_t skew_seconds = 300);

// The "kubernetes.io" claim of a service-account token.
struct KubernetesClaims {
  std::string namespace_name;
  std::string service_account_name;
  std::string service_account_uid;
  std::optional<std::string> pod_name, pod_uid;
  std::optional<std::string> node_name, node_uid;
  std::optional<std::string> secret_name, secret_uid;
};
// nullopt when there is no "kubernetes.io" claim; error when it is not an object or its
// namespace / serviceaccount.name / serviceaccount.uid are missing or not strings.
Result<std::optional<KubernetesClaims>> GetKubernetesClaims(const boost::json::object& claims);

// A nested object member (e.g. claims["kubernetes.io"]); nullptr if absent or not an object.
const boost::json::object* FindObject(const boost::json::object& obj, std::string_view name);

}  // namespace irsa::jwt
