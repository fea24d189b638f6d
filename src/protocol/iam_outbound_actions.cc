// IAM outbound web identity federation over the Query protocol:
// Enable/Disable/GetOutboundWebIdentityFederationInfo (oidc/outbound_issuers.h).
#include "oidc/outbound_issuers.h"
#include "protocol/iam_adapters.h"
#include "protocol/query_api.h"

namespace irsa::protocol {
namespace {

Result<oidc::OutboundIssuers*> Issuers(const QueryCall& call) {
  if (call.services.outbound == nullptr) {
    return errors::ServiceFailure("outbound web identity federation is not configured");
  }
  return call.services.outbound;
}

Result<HttpResponse> EnableOutboundWebIdentityFederation(const QueryCall& call) {
  IRSA_TRY(oidc::OutboundIssuers * issuers, Issuers(call));
  IRSA_TRY(std::string issuer, issuers->Enable(call.account()));
  XmlWriter w = call.Writer();
  w.Element("IssuerIdentifier", issuer);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> DisableOutboundWebIdentityFederation(const QueryCall& call) {
  IRSA_TRY(oidc::OutboundIssuers * issuers, Issuers(call));
  IRSA_RETURN_IF_ERROR(issuers->Disable(call.account()));
  return call.Empty();
}

Result<HttpResponse> GetOutboundWebIdentityFederationInfo(const QueryCall& call) {
  IRSA_TRY(oidc::OutboundIssuers * issuers, Issuers(call));
  IRSA_TRY(oidc::OutboundFederation federation, issuers->Info(call.account()));
  XmlWriter w = call.Writer();
  w.Element("IssuerIdentifier", federation.issuer).Bool("JwtVendingEnabled", federation.enabled);
  return w.Finish(call.http.request_id);
}

}  // namespace

void RegisterIamOutboundFederationActions(QueryActionTable& iam) {
  using namespace access;
  Declare(iam, "iam", "EnableOutboundWebIdentityFederation", EnableOutboundWebIdentityFederation,
          AnyResource());
  Declare(iam, "iam", "DisableOutboundWebIdentityFederation", DisableOutboundWebIdentityFederation,
          AnyResource());
  Declare(iam, "iam", "GetOutboundWebIdentityFederationInfo", GetOutboundWebIdentityFederationInfo,
          AnyResource());
}

}  // namespace irsa::protocol
