// The bearer token EKS clusters accept from kubectl (aws-iam-authenticator's v1 format, as
// `aws eks get-token` makes it): "k8s-aws-v1." + base64url, without padding, of a presigned
// sts:GetCallerIdentity URL whose SigV4 signature also covers the header `x-k8s-aws-id: <cluster
// name>`. ParseKubeToken checks the token's shape the way aws-iam-authenticator does and rebuilds
// the request the signature must cover; verifying that signature against the signer's keys is the
// caller's job (server/kube_token_auth.h) — irsa holds the keys, so nothing is sent anywhere.
//
// Accepted, and nothing else (InvalidKubeToken, 401, naming the first rule broken; the message
// never contains the token or its signature):
//  - at most kMaxKubeTokenBytes; the prefix; base64url without padding;
//  - an absolute URL: https:// (or http:// for irsa's own hosts) to an AWS STS name
//    (sts.amazonaws.com, sts.<region>.amazonaws.com[.cn], sts-fips.<region>.amazonaws.com) or one
//    of irsa's own hosts (KubeTokenOptions); no user info, no fragment; path exactly "/";
//  - query parameters Action, Version, X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
//    X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature, X-Amz-Security-Token, each once;
//    Action=GetCallerIdentity, Version=2011-06-15; a credential scoped to the service sts;
//    X-Amz-SignedHeaders naming host and x-k8s-aws-id; X-Amz-Expires from 0 to
//    kMaxKubeTokenLifetimeSeconds (aws-iam-authenticator's bound); X-Amz-Date present.
//
// Stateless; safe from any thread. Untrusted input: never crashes (fuzz/kube_token_fuzz.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/http_types.h"
#include "base/result.h"

namespace irsa::eks {

inline constexpr std::string_view kKubeTokenPrefix = "k8s-aws-v1.";
inline constexpr size_t kMaxKubeTokenBytes = 4096;
// The bound of X-Amz-Expires, and the lifetime of every token after its X-Amz-Date (as on EKS).
inline constexpr int64_t kMaxKubeTokenLifetimeSeconds = 900;
inline constexpr std::string_view kClusterIdHeader = "x-k8s-aws-id";

struct KubeTokenOptions {
  // irsa's own STS endpoints, lower case: "host:port" (exactly), or ":port" (any host on that
  // port: a listener bound to a wildcard address).
  std::vector<std::string> own_hosts;
};

// The presigned request a token carries.
struct KubeTokenRequest {
  // GET /?<query as in the URL>, headers host: <host> and x-k8s-aws-id: <cluster>; `secure` when
  // the URL was https. Ready for protocol::ParseSigV4 / VerifySigV4.
  HttpRequest request;
  std::string host;             // as in the URL, lower-cased
  int64_t expires_seconds = 0;  // X-Amz-Expires
};

// Whether `token` looks like an EKS token at all (has the prefix).
bool IsKubeToken(std::string_view token);

// Checks `token` and rebuilds the request its signature covers, binding it to `cluster` (a token
// minted for another cluster then fails SigV4 verification).
Result<KubeTokenRequest> ParseKubeToken(std::string_view token, std::string_view cluster,
                                        const KubeTokenOptions& options);

// sts.amazonaws.com, sts.<region>.amazonaws.com, sts.<region>.amazonaws.com.cn,
// sts-fips.<region>.amazonaws.com (lower case, optional ":443").
bool IsAwsStsHost(std::string_view host);

}  // namespace irsa::eks
