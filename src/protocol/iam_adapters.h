// Pieces shared by the IAM Query adapters (iam_*_actions.cc): model checks of common members,
// readers of the RoleName / UserName / PolicyArn parameters, and the ARN an action about a role
// or user is authorized against.
//
// All functions are stateless; the readers return ValidationError in AWS's message shape.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {

// policyNameType: 1-128 characters of [\w+=,.@-].
void CheckPolicyName(Validator& v, std::string_view name);
// policyDocumentType: 1-131072 characters of the model's document pattern.
void CheckDocument(Validator& v, std::string_view member, std::string_view document);
// roleNameType: 1-64 characters of [\w+=,.@-].
void CheckRoleName(Validator& v, std::string_view name);

// Required PolicyArn (arnType, 20-2048).
Result<std::string> ReadPolicyArn(const QueryCall& call);
// Required RoleName (roleNameType).
Result<std::string> ReadRoleName(const QueryCall& call);
// Required GroupName (groupNameType, 1-128).
Result<std::string> ReadGroupName(const QueryCall& call);
// Required UserName: userNameType (1-64) or existingUserNameType (1-128), as the action's model
// says.
Result<std::string> ReadUserName(const QueryCall& call, size_t max_length);

// The ARN of the role / user an action is about, with its real path when the entity exists (a
// policy may name the path); "" as the user name means the account's root user.
std::string RoleResource(const QueryCall& call, const std::string& role_name);
std::string UserResource(const QueryCall& call, const std::string& user_name);
std::string GroupResource(const QueryCall& call, const std::string& group_name);

// The tag operations of one taggable entity: Tag<entity>, Untag<entity> and List<entity>Tags,
// authorized on `resource` (Tag with aws:RequestTag/* and aws:TagKeys, Untag with aws:TagKeys).
// `read_id` reads the entity's identifier parameter (name or ARN) with its model checks; the
// three functions are the entity's service-layer operations (e.g. iam::TagRole).
struct TagOperations {
  std::string entity;  // "Role": TagRole, UntagRole, ListRoleTags
  std::function<Result<std::string>(const QueryCall&)> read_id;
  Status (*tag)(const iam::ServiceContext&, const std::string& account, const std::string& id,
                const std::vector<iam::Tag>& tags);
  Status (*untag)(const iam::ServiceContext&, const std::string& account, const std::string& id,
                  const std::vector<std::string>& keys);
  Result<iam::ListPage<iam::Tag>> (*list)(const iam::ServiceContext&, const std::string& account,
                                          const std::string& id, const std::string& marker,
                                          int max_items);
};
void DeclareTagActions(QueryActionTable& iam, const TagOperations& ops,
                       const ResourceSpec& resource);

// Attach/Detach/ListAttached{Role,User,Group}Policies and
// Put/Get/List/Delete{Role,User,Group}Policy.
void RegisterIamPrincipalPolicyActions(QueryActionTable& iam);

// Every IAM family beyond users, roles, policies, OIDC providers and simulation (groups, login
// profiles, MFA, instance profiles, certificates, account reports, …): router.cc registers them
// with this one call (iam_surface_actions.cc).
void RegisterIamSurfaceActions(QueryActionTable& iam);
void RegisterIamGroupActions(QueryActionTable& iam);
void RegisterIamInstanceProfileActions(QueryActionTable& iam);
void RegisterIamLoginProfileActions(QueryActionTable& iam);
void RegisterIamMfaActions(QueryActionTable& iam);
void RegisterIamCredentialReportActions(QueryActionTable& iam);
void RegisterIamKeyActions(QueryActionTable& iam);
void RegisterIamServerCertificateActions(QueryActionTable& iam);
void RegisterIamAccountActions(QueryActionTable& iam);
void RegisterIamSamlActions(QueryActionTable& iam);
void RegisterIamOutboundFederationActions(QueryActionTable& iam);

}  // namespace irsa::protocol
