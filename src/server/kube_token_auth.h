// Authentication of EKS tokens (`aws eks get-token`, k8s-aws-v1.…) for the Kubernetes API of
// hosted clusters, in process: the token's shape as aws-iam-authenticator checks it
// (eks/kube_token.h), then its SigV4 signature against the signer's keys, exactly as a presigned
// sts:GetCallerIdentity request to irsa would be verified (protocol::Authenticator: long-term
// access keys and session tokens; not past X-Amz-Date + X-Amz-Expires, at most 5 minutes in the
// future). The signature must cover x-k8s-aws-id: <this cluster>, so a token minted for another
// cluster fails. Nothing is sent anywhere: irsa holds the keys.
//
// Thread-safety: Verify may be called concurrently once SetOwnHosts has been called (or never).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "authz/caller.h"
#include "base/result.h"
#include "eks/kube_token.h"
#include "protocol/authn.h"

namespace irsa::server {

struct VerifiedKubeToken {
  authz::Caller caller;
  std::string sts_host;  // the host the URL was presigned for
};

class KubeTokenAuthenticator {
 public:
  // `authn` must outlive this.
  explicit KubeTokenAuthenticator(const protocol::Authenticator& authn) : authn_(authn) {}

  // irsa's own STS hosts ("host:port", or ":port" for a wildcard listener), accepted besides
  // AWS's STS names. Call before concurrent use.
  void SetOwnHosts(std::vector<std::string> hosts) { options_.own_hosts = std::move(hosts); }

  // The caller whose keys signed `token` for `cluster`. Errors (never containing the token):
  // InvalidKubeToken (shape), and the SigV4/credential errors of protocol::Authenticator
  // (SignatureDoesNotMatch, InvalidClientTokenId, AccessDenied "Request has expired", …).
  Result<VerifiedKubeToken> Verify(std::string_view token, std::string_view cluster) const;

 private:
  const protocol::Authenticator& authn_;
  eks::KubeTokenOptions options_;
};

}  // namespace irsa::server
