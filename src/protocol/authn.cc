#include "protocol/authn.h"

#include "protocol/sigv4.h"

namespace irsa::protocol {
namespace {

Error InvalidToken() {
  return errors::InvalidClientTokenId("The security token included in the request is invalid.");
}

}  // namespace

Result<AuthResult> Authenticator::Authenticate(const HttpRequest& request) const {
  return Authenticate(request, SigV4Options{}, nullptr);
}

Result<AuthResult> Authenticator::Authenticate(const HttpRequest& request,
                                               const SigV4Options& options,
                                               SignatureDetails* details) const {
  Result<SigV4Request> parsed = ParseSigV4(request);
  if (!parsed.ok()) {
    if (parsed.error().code() == "MissingAuthenticationToken") return AuthResult{};
    return parsed.error();
  }
  AuthResult result;
  result.signed_request = true;
  result.service = parsed->service;
  result.region = parsed->region;

  std::string secret;
  if (parsed->access_key_id.starts_with("ASIA")) {
    if (!parsed->security_token) return InvalidToken();
    IRSA_TRY(sts::SessionRecord session, sessions_.Open(*parsed->security_token));
    if (session.access_key_id != parsed->access_key_id) return InvalidToken();
    IRSA_RETURN_IF_ERROR(VerifySigV4(*parsed, session.secret_access_key, request, clock_,
                                     SigningKeyCache::Default(), options));
    if (clock_.NowUnixSeconds() >= session.expires_at) {
      return errors::ExpiredToken("The security token included in the request is expired");
    }
    result.caller = session.ToCaller();
    if (details != nullptr) *details = {*parsed, session.secret_access_key};
    return result;
  }
  IRSA_TRY(iam::ResolvedKey key, keys_.Resolve(parsed->access_key_id));
  IRSA_RETURN_IF_ERROR(
      VerifySigV4(*parsed, key.secret, request, clock_, SigningKeyCache::Default(), options));
  if (usage_ != nullptr) usage_->Record(parsed->access_key_id, parsed->service, parsed->region);
  result.caller = std::move(key.caller);
  if (details != nullptr) *details = {*parsed, key.secret};
  return result;
}

}  // namespace irsa::protocol
