// Authentication of AWS-signed requests: SigV4 against long-term access keys (AKIA…) or
// stateless session credentials (ASIA… + X-Amz-Security-Token), yielding the Caller.
//
// Thread-safety: Authenticate is safe to call concurrently.
#pragma once

#include <string>

#include "authz/caller.h"
#include "base/clock.h"
#include "base/http_types.h"
#include "base/result.h"
#include "iam/access_key_usage.h"
#include "iam/credentials.h"
#include "protocol/sigv4.h"
#include "sts/session_token.h"

namespace irsa::protocol {

struct AuthResult {
  authz::Caller caller;  // kAnonymous when the request is unsigned
  bool signed_request = false;
  std::string service;  // SigV4 credential-scope service ("iam", "sts", "eks", …)
  std::string region;   // SigV4 credential-scope region
};

// What a signed request's body is verified against after authentication (S3's aws-chunked
// bodies carry chunk signatures chained to the request's): the parsed signature and the secret of
// the key that made it. Lives for one request; the secret is never logged or rendered.
struct SignatureDetails {
  SigV4Request parsed;
  std::string secret;
};

class Authenticator {
 public:
  // All references must outlive the Authenticator.
  // `usage`, when given, records every request a long-term key authenticates
  // (GetAccessKeyLastUsed); it is an in-memory update, never a store write.
  Authenticator(iam::AccessKeyResolver& keys, const sts::SessionTokenCodec& sessions,
                const Clock& clock, iam::AccessKeyUsage* usage = nullptr)
      : keys_(keys), sessions_(sessions), clock_(clock), usage_(usage) {}

  // Unsigned requests succeed with an anonymous caller (the router decides whether the action
  // accepts them). Signed requests must verify: InvalidClientTokenId, SignatureDoesNotMatch,
  // IncompleteSignature, RequestTimeTooSkewed, ExpiredToken, AccessDenied (expired presign).
  Result<AuthResult> Authenticate(const HttpRequest& request) const;
  // The same under explicit SigV4 options (S3: declared payload hashes, UNSIGNED-PAYLOAD over
  // TLS, S3's error codes and clock skew). When `details` is given and the request is signed, it
  // receives the signature and the key's secret.
  Result<AuthResult> Authenticate(const HttpRequest& request, const SigV4Options& options,
                                  SignatureDetails* details) const;

 private:
  iam::AccessKeyResolver& keys_;
  const sts::SessionTokenCodec& sessions_;
  const Clock& clock_;
  iam::AccessKeyUsage* usage_;
};

}  // namespace irsa::protocol
