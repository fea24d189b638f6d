#include "server/kube_token_auth.h"

namespace irsa::server {

Result<VerifiedKubeToken> KubeTokenAuthenticator::Verify(std::string_view token,
                                                         std::string_view cluster) const {
  IRSA_TRY(eks::KubeTokenRequest request, eks::ParseKubeToken(token, cluster, options_));
  protocol::SigV4Options sigv4;
  sigv4.presigned_lifetime = std::chrono::seconds(eks::kMaxKubeTokenLifetimeSeconds);
  IRSA_TRY(protocol::AuthResult auth, authn_.Authenticate(request.request, sigv4, nullptr));
  if (!auth.signed_request || auth.service != "sts") {
    return Error("InvalidKubeToken", 401, "the presigned URL is not signed for sts");
  }
  if (auth.caller.type == authz::CallerType::kAnonymous) {
    return Error("InvalidKubeToken", 401, "the presigned URL names no caller");
  }
  return VerifiedKubeToken{std::move(auth.caller), std::move(request.host)};
}

}  // namespace irsa::server
