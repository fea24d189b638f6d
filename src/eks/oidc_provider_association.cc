#include "eks/oidc_provider_association.h"

#include <algorithm>

#include "crypto/x509.h"
#include "iam/oidc_providers.h"

namespace irsa::eks {

Result<OidcProviderPlan> PlanOidcProviderAssociation(oidc::ClusterRegistry& clusters,
                                                     const iam::ServiceContext& iam,
                                                     const std::string& account,
                                                     const std::string& cluster,
                                                     std::string_view issuer_ca_pem) {
  IRSA_TRY(oidc::ClusterRecord record, clusters.Get(account, cluster));
  OidcProviderPlan plan;
  plan.cluster = record.name;
  plan.region = record.region;
  plan.issuer = record.issuer;
  IRSA_TRY(plan.provider_url, iam::NormalizeOidcUrl(record.issuer));
  plan.provider_arn = "arn:aws:iam::" + account + ":oidc-provider/" + plan.provider_url;
  if (!issuer_ca_pem.empty()) {
    IRSA_TRY(crypto::Certificate ca, crypto::Certificate::FromPem(issuer_ca_pem));
    plan.thumbprint = ca.Sha1Thumbprint();
  }
  auto provider = iam::GetOpenIDConnectProvider(iam, account, plan.provider_arn);
  if (!provider.ok()) {
    if (provider.error().code() != "NoSuchEntity") return provider.error();
    plan.state = OidcProviderPlan::State::kAbsent;
    return plan;
  }
  const std::vector<std::string>& ids = provider->client_ids;
  plan.state = std::find(ids.begin(), ids.end(), kStsClientId) != ids.end()
                   ? OidcProviderPlan::State::kAssociated
                   : OidcProviderPlan::State::kMissingClientId;
  return plan;
}

Result<OidcProviderPlan::State> AssociateOidcProvider(const iam::ServiceContext& iam,
                                                      const std::string& account,
                                                      const OidcProviderPlan& plan) {
  switch (plan.state) {
    case OidcProviderPlan::State::kAssociated:
      return plan.state;
    case OidcProviderPlan::State::kMissingClientId:
      // Idempotent: a client id added in the meantime is no error.
      IRSA_RETURN_IF_ERROR(
          iam::AddClientIDToOpenIDConnectProvider(iam, account, plan.provider_arn, kStsClientId));
      return plan.state;
    case OidcProviderPlan::State::kAbsent:
      break;
  }
  iam::CreateOidcProviderInput input;
  input.url = plan.issuer;
  input.client_ids = {kStsClientId};
  if (!plan.thumbprint.empty()) input.thumbprints = {plan.thumbprint};
  auto created = iam::CreateOpenIDConnectProvider(iam, account, input);
  if (created.ok()) return plan.state;
  if (created.error().code() != "EntityAlreadyExists") return created.error();
  // Created concurrently: it counts as there, given the client id (a no-op when it has it).
  IRSA_RETURN_IF_ERROR(
      iam::AddClientIDToOpenIDConnectProvider(iam, account, plan.provider_arn, kStsClientId));
  return OidcProviderPlan::State::kAssociated;
}

}  // namespace irsa::eks
