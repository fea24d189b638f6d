// The OIDC issuers irsa hosts for its clusters: GET /id/<ID>/.well-known/openid-configuration and
// GET /id/<ID>/keys (public, unauthenticated, cacheable).
#pragma once

#include "oidc/clusters.h"
#include "protocol/router.h"

namespace irsa::protocol {

// `clusters` must outlive the returned handler.
Router::PrefixHandler MakeOidcIssuerHandler(oidc::ClusterRegistry& clusters);

}  // namespace irsa::protocol
