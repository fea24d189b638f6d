// Routes outside the AWS Query endpoint:
//   GET /id/<ID>/.well-known/openid-configuration, GET /id/<ID>/keys — the OIDC issuers irsa
//       hosts for its clusters (public, unauthenticated, cacheable).
//   /clusters[/<name>] — the EKS REST-JSON operations IRSA tooling uses: ListClusters,
//       DescribeCluster, CreateCluster, DeleteCluster (SigV4, service "eks").
#pragma once

#include "authz/authorizer.h"
#include "oidc/clusters.h"
#include "protocol/authn.h"
#include "protocol/router.h"

namespace irsa::protocol {

// All references must outlive the returned handlers.
Router::PrefixHandler MakeOidcIssuerHandler(oidc::ClusterRegistry& clusters);
Router::PrefixHandler MakeEksHandler(const Authenticator& authn, const authz::Authorizer& authz,
                                     oidc::ClusterRegistry& clusters);

}  // namespace irsa::protocol
