// EKS over REST-JSON (eks.service-2.json): the operation table of the EKS API irsa serves and
// its dispatcher. Every operation declares its IAM action, the resource it names (the cluster
// ARN) and the condition keys it supplies; the dispatcher authenticates (SigV4, service "eks"),
// authorizes through the one Authorizer before the operation runs, and renders results and
// errors as EKS does (AccessDeniedException for denials; x-amzn-ErrorType + {"message"}).
//
//   GET    /clusters            ListClusters     eks:ListClusters     *
//   POST   /clusters            CreateCluster    eks:CreateCluster    cluster  aws:RequestTag/*,
//                                                                              aws:TagKeys
//   GET    /clusters/{name}     DescribeCluster  eks:DescribeCluster  cluster  aws:ResourceTag/*
//   DELETE /clusters/{name}     DeleteCluster    eks:DeleteCluster    cluster  aws:ResourceTag/*
//
// Thread-safety: the handler is safe to call concurrently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "authz/authorizer.h"
#include "eks/clusters_api.h"
#include "protocol/authn.h"
#include "protocol/authorization_doc.h"
#include "protocol/router.h"

namespace irsa::protocol {

// All references must outlive the handler.
Router::PrefixHandler MakeEksHandler(const Authenticator& authn, const authz::Authorizer& authz,
                                     eks::ClustersApi& clusters, std::string region);

// The table's documentation (docs/authorization.md).
std::vector<OperationDoc> DocumentEksTable();

}  // namespace irsa::protocol
