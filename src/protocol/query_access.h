// The authorization half of the Query protocol's operation table: for every IAM and STS
// operation, the IAM action it is authorized as, the resource it names (an ARN derived from the
// request's parameters, with the real path, tags and permissions boundary of an existing entity)
// and the condition keys it supplies, as the AWS Service Authorization Reference lists them.
// The router authorizes every call from this declaration before the operation runs
// (router.cc); SimulatePrincipalPolicy, docs/authorization.md and the table-walking test read the
// same declarations.
//
// All functions here are stateless; resolvers read the store through the call's services.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authz/access.h"
#include "base/result.h"

namespace irsa::protocol {

struct QueryCall;

// The resource an operation acts on, as the request names it.
struct ResolvedResource {
  std::string arn;  // "*" for actions without resource-level permissions
  std::vector<std::pair<std::string, std::string>> tags;  // the existing entity's tags
  std::string permissions_boundary;  // an existing role's or user's boundary ARN, if any
};

struct ResourceSpec {
  std::string_view type;  // the SAR resource type: "role", "user", "policy", "oidc-provider", "*"
  Result<ResolvedResource> (*resolve)(const QueryCall& call) = nullptr;
  // Which resource-tag keys the type supplies (aws:ResourceTag/*; roles and users also
  // iam:ResourceTag/*).
  bool resource_tags = false;
  bool iam_resource_tags = false;
};

// Condition keys an operation supplies beyond the resource's tags.
struct KeySpec {
  std::vector<std::string_view> keys;  // as documented, e.g. {"aws:RequestTag/${TagKey}",
                                       // "aws:TagKeys"}
  std::string_view source;             // where the values come from, for the documentation
  Status (*add)(const QueryCall& call, const ResolvedResource& resource,
                authz::AccessRequest& access) = nullptr;
};

// How a Query operation is authorized.
enum class Authorization {
  kTable,          // the router: identity (and boundary, session) policies, from this table
  kAlwaysAllowed,  // sts:GetCallerIdentity, sts:GetSessionToken: answered even under an
                   // explicit deny
  kTrustPolicy,    // sts:AssumeRole*: the role's trust policy with the caller's policies, decided
                   // by the STS service with the same engine (its keys are declared here)
};

// Builds the AccessRequest of one call: resolves the resource, adds its tags and every key.
// Resolvers read the raw parameters and do not validate them: the handler validates every
// member after authorization, so an invalid request is refused either way and a valid one is
// authorized on exactly the resource it names.
Result<authz::AccessRequest> BuildAccessRequest(const QueryCall& call, std::string_view action,
                                                const ResourceSpec& resource,
                                                const std::vector<KeySpec>& keys);

namespace access {

// Resources.
ResourceSpec AnyResource();           // "*"
ResourceSpec Role();                  // RoleName → the role
ResourceSpec NewRole();               // Path + RoleName → the role to be created
ResourceSpec User();                  // UserName → the user
ResourceSpec UserOrCaller();          // UserName, or the calling user / root
ResourceSpec NewUser();               // Path + UserName
ResourceSpec Policy();                // PolicyArn → the managed policy
ResourceSpec NewPolicy();             // Path + PolicyName
ResourceSpec OidcProvider();          // OpenIDConnectProviderArn → the provider
ResourceSpec NewOidcProvider();       // Url → the provider to be created
ResourceSpec Group();                 // GroupName → the group (groups carry no tags)
ResourceSpec NewGroup();              // Path + GroupName
ResourceSpec InstanceProfile();       // InstanceProfileName → the profile, with its tags
ResourceSpec NewInstanceProfile();    // Path + InstanceProfileName
ResourceSpec NewServiceLinkedRole();  // AWSServiceName + CustomSuffix → the role to be created
ResourceSpec DeletionTaskRole();      // DeletionTaskId → the service-linked role it deletes
// The account's entities of one type, for List* operations whose SAR resource is that type:
// "arn:aws:iam::A:<type>/" ("group", "instance-profile", …), which "arn:…:<type>/*" and "*" grant.
ResourceSpec AllOf(std::string_view type);

// Keys.
KeySpec PolicyArnKey();         // iam:PolicyARN ← PolicyArn
KeySpec BoundaryParamKey();     // iam:PermissionsBoundary ← PermissionsBoundary
KeySpec ExistingBoundaryKey();  // iam:PermissionsBoundary ← the entity's current boundary
KeySpec RequestTagKeys();       // aws:RequestTag/*, aws:TagKeys ← Tags
KeySpec TagKeysKey();           // aws:TagKeys ← TagKeys
KeySpec AwsServiceNameKey();    // iam:AWSServiceName ← AWSServiceName

}  // namespace access
}  // namespace irsa::protocol
