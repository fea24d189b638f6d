// The IAM OIDC provider of a hosted cluster's issuer, as eksctl's `utils
// associate-iam-oidc-provider` makes it: URL = the cluster's issuer, client id sts.amazonaws.com,
// thumbprint = the SHA-1 of the CA certificate the issuer's TLS certificate chains to (none when
// that CA is unknown: IAM does not require one, and STS verifies hosted issuers' tokens with their
// keys, not by TLS).
//
// Planning changes nothing. Associating creates the provider when absent, adds the client id to an
// existing provider that lacks it, and otherwise leaves it alone; running it again is a no-op. A
// provider created concurrently between the plan and the creation counts as already there.
//
// Errors: ResourceNotFoundException "No cluster found for name: <name>." for an unknown cluster,
// InvalidInput for a CA PEM that holds no certificate, and the IAM errors of the provider calls.
// Thread-safe as the registry and the IAM functions are; one IAM transaction per change.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "iam/service_context.h"
#include "oidc/clusters.h"

namespace irsa::eks {

inline constexpr char kStsClientId[] = "sts.amazonaws.com";

struct OidcProviderPlan {
  // Where the provider stands now, and so what associating does.
  enum class State {
    kAbsent,           // associating creates it
    kMissingClientId,  // it exists without sts.amazonaws.com: associating adds the client id
    kAssociated,       // nothing to do
  };
  std::string cluster;
  std::string region;        // the cluster's
  std::string issuer;        // https://host[:port]/id/<ID>
  std::string provider_url;  // host[:port]/id/<ID>: the ARN's tail, trust policies' key prefix
  std::string provider_arn;  // arn:aws:iam::<account>:oidc-provider/<provider_url>
  std::string thumbprint;    // 40 lower-case hex digits; "" = no CA given
  State state = State::kAbsent;
};

// What the provider of `cluster` would be and whether it exists. `issuer_ca_pem` is the PEM of
// the issuer's CA (its first certificate is used), "" when unknown.
Result<OidcProviderPlan> PlanOidcProviderAssociation(oidc::ClusterRegistry& clusters,
                                                     const iam::ServiceContext& iam,
                                                     const std::string& account,
                                                     const std::string& cluster,
                                                     std::string_view issuer_ca_pem);

// Carries out `plan` (from PlanOidcProviderAssociation): returns the state the provider was in
// (kAssociated when it was created concurrently in the meantime). Afterwards the provider exists
// with client id sts.amazonaws.com. An existing provider's thumbprints are never changed.
Result<OidcProviderPlan::State> AssociateOidcProvider(const iam::ServiceContext& iam,
                                                      const std::string& account,
                                                      const OidcProviderPlan& plan);

}  // namespace irsa::eks
