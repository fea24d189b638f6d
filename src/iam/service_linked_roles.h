// Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole,
// GetServiceLinkedRoleDeletionStatus.
//
// A service-linked role is named "AWSServiceRoleFor<Service>" (AWS's names for the common
// services, e.g. eks.amazonaws.com -> AWSServiceRoleForAmazonEKS; otherwise the service's DNS
// labels in CamelCase: foo-bar.amazonaws.com -> AWSServiceRoleForFooBar), optionally followed by
// "_<CustomSuffix>" for services that allow several (autoscaling, elasticbeanstalk and services
// irsa does not know), lives under the path /aws-service-role/<service>/, and trusts exactly the
// service principal. Only the service may change it (roles.h CheckRoleModifiable). irsa attaches
// no service policy to it (it hosts none of the services).
//
// Deletion runs at once and is recorded as a task: SUCCEEDED, or FAILED when the role is still in
// use (held by an instance profile), with the reason and the resources using it.
// Thread-safe; each call is one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

struct CreateServiceLinkedRoleInput {
  std::string service_name;  // e.g. "autoscaling.amazonaws.com"
  std::string description;
  std::string custom_suffix;
};

// InvalidInput for a service name that is not "<labels>.amazonaws.com", a suffix the service
// does not allow, or a name already taken ("Service role name <n> has been taken in this
// account, please try a different suffix.").
Result<RoleRecord> CreateServiceLinkedRole(const ServiceContext& ctx, const std::string& account,
                                           const CreateServiceLinkedRoleInput& input);
// The role name CreateServiceLinkedRole gives `service_name` with `custom_suffix`, or
// InvalidInput.
Result<std::string> ServiceLinkedRoleName(const std::string& service_name,
                                          const std::string& custom_suffix);

// Returns the deletion task id ("task/aws-service-role/<service>/<role>/<uuid>").
// NoSuchEntity for an unknown role; InvalidInput for a role that is not service-linked.
Result<std::string> DeleteServiceLinkedRole(const ServiceContext& ctx, const std::string& account,
                                            const std::string& role_name);

struct RoleUsage {
  std::string region;
  std::vector<std::string> resources;
};
struct DeletionStatus {
  std::string status;  // SUCCEEDED | FAILED
  std::optional<std::string> reason;
  std::vector<RoleUsage> usage;
};
// InvalidInput for a malformed task id; NoSuchEntity for an unknown one.
Result<DeletionStatus> GetServiceLinkedRoleDeletionStatus(const ServiceContext& ctx,
                                                          const std::string& account,
                                                          const std::string& task_id);
// The role ARN a deletion task id names ("" if malformed), for authorization.
std::string DeletionTaskRoleArn(const std::string& account, const std::string& task_id);

}  // namespace irsa::iam
