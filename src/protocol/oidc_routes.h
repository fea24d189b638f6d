// The OIDC issuers irsa hosts for its clusters: GET /id/<ID>/.well-known/openid-configuration and
// GET /id/<ID>/keys (public, unauthenticated, cacheable); and the account issuers of outbound web
// identity federation: GET /outbound/<ID>/.well-known/openid-configuration and
// GET /outbound/<ID>/.well-known/jwks.json.
#pragma once

#include "oidc/clusters.h"
#include "oidc/outbound_issuers.h"
#include "protocol/router.h"

namespace irsa::protocol {

// `clusters` must outlive the returned handler.
Router::PrefixHandler MakeOidcIssuerHandler(oidc::ClusterRegistry& clusters);
// `issuers` must outlive the returned handler. Served whether the feature is enabled or not
// (tokens issued before it was disabled stay verifiable).
Router::PrefixHandler MakeOutboundIssuerHandler(oidc::OutboundIssuers& issuers);

}  // namespace irsa::protocol
