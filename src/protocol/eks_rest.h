// EKS over REST-JSON (eks.service-2.json): the operation table of the EKS API irsa serves and
// its dispatcher. Every operation declares its IAM action, the resource it names and the
// condition keys it supplies (as the Service Authorization Reference lists them for EKS); the
// dispatcher authenticates (SigV4), authorizes through the one Authorizer before the operation
// runs, and renders results and errors as EKS does (AccessDeniedException for denials;
// x-amzn-ErrorType + {"message"}).
//
//   GET    /clusters                        ListClusters                  *
//   POST   /clusters                        CreateCluster                 cluster
//   GET    /clusters/{name}                 DescribeCluster               cluster
//   DELETE /clusters/{name}                 DeleteCluster                 cluster
//   POST   /clusters/{name}/access-entries  CreateAccessEntry             cluster
//   GET    /clusters/{name}/access-entries  ListAccessEntries             cluster
//   GET    …/access-entries/{principalArn}  DescribeAccessEntry           access-entry
//   POST   …/access-entries/{principalArn}  UpdateAccessEntry             access-entry
//   DELETE …/access-entries/{principalArn}  DeleteAccessEntry             access-entry
//   POST   …/{principalArn}/access-policies AssociateAccessPolicy         access-entry
//   GET    …/{principalArn}/access-policies ListAssociatedAccessPolicies  access-entry
//   DELETE …/access-policies/{policyArn}    DisassociateAccessPolicy      access-entry
//   GET    /access-policies                 ListAccessPolicies            *
//   POST   /tags/{resourceArn}              TagResource                   cluster, access-entry
//   DELETE /tags/{resourceArn}              UntagResource                 cluster, access-entry
//   GET    /tags/{resourceArn}              ListTagsForResource           cluster, access-entry
// (condition keys: DocumentEksTable and docs/authorization.md). Path parameters are split on the
// raw (still percent-encoded) path, so ARNs with '/' travel as botocore encodes them (%2F).
//
// Thread-safety: the handler is safe to call concurrently.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authz/authorizer.h"
#include "eks/access_entries.h"
#include "eks/clusters_api.h"
#include "protocol/authn.h"
#include "protocol/authorization_doc.h"
#include "protocol/router.h"

namespace irsa::protocol {

// What the EKS operations work on. The pointees must outlive the handler.
struct EksServices {
  eks::ClustersApi* clusters = nullptr;
  eks::AccessEntries* entries = nullptr;
  std::string region = "us-east-1";
};

// The handler for every EKS path (/clusters, /access-policies, /tags/). References must outlive
// it.
Router::PrefixHandler MakeEksHandler(const Authenticator& authn, const authz::Authorizer& authz,
                                     EksServices services);

// The table's documentation (docs/authorization.md).
std::vector<OperationDoc> DocumentEksTable();

// One operation of the table, as declared.
struct EksOperationInfo {
  std::string_view name;
  std::string_view method;
  std::string_view path;
  std::string_view resource_type;
  std::vector<std::string_view> keys;  // every condition key it may supply
};
const std::vector<EksOperationInfo>& EksOperationTable();

// The operation `request` routes to and what the one Authorizer is asked for it by `caller`
// (the dispatcher's first steps, exposed so that tests walk the table). NotFound when no
// operation matches.
Result<std::pair<EksOperationInfo, authz::AccessRequest>> EksAccessFor(const EksServices& services,
                                                                       const HttpRequest& request,
                                                                       const authz::Caller& caller);

}  // namespace irsa::protocol
