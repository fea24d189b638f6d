#include "iam/service_linked_roles.h"

#include <boost/json.hpp>

#include "base/ids.h"
#include "base/strings.h"
#include "iam/instance_profiles.h"
#include "iam/lookup.h"
#include "iam/roles.h"
#include "iam/validation.h"
#include "store/json_fields.h"

namespace irsa::iam {
namespace {

namespace json = boost::json;

constexpr const char* kDeletionTask = "slr_deletion_task";
constexpr std::string_view kServiceSuffix = ".amazonaws.com";

struct KnownService {
  std::string_view service;
  std::string_view role_suffix;  // after "AWSServiceRoleFor"
  bool custom_suffix;
};

constexpr KnownService kKnownServices[] = {
    {"autoscaling.amazonaws.com", "AutoScaling", true},
    {"elasticbeanstalk.amazonaws.com", "ElasticBeanstalk", true},
    {"eks.amazonaws.com", "AmazonEKS", false},
    {"eks-nodegroup.amazonaws.com", "AmazonEKSNodegroup", false},
    {"eks-fargate.amazonaws.com", "AmazonEKSForFargate", false},
    {"elasticloadbalancing.amazonaws.com", "ElasticLoadBalancing", false},
    {"ecs.amazonaws.com", "ECS", false},
    {"rds.amazonaws.com", "RDS", false},
    {"spot.amazonaws.com", "EC2Spot", false},
    {"spotfleet.amazonaws.com", "EC2SpotFleet", false},
    {"organizations.amazonaws.com", "Organizations", false},
    {"support.amazonaws.com", "Support", false},
    {"trustedadvisor.amazonaws.com", "TrustedAdvisor", false},
    {"guardduty.amazonaws.com", "AmazonGuardDuty", false},
    {"config.amazonaws.com", "Config", false},
    {"cloudtrail.amazonaws.com", "CloudTrail", false},
    {"ssm.amazonaws.com", "AmazonSSM", false},
    {"elasticache.amazonaws.com", "ElastiCache", false},
    {"opensearchservice.amazonaws.com", "AmazonOpenSearchService", false},
    {"es.amazonaws.com", "AmazonElasticsearchService", false},
    {"ops.apigateway.amazonaws.com", "APIGateway", false},
    {"securityhub.amazonaws.com", "SecurityHub", false},
    {"access-analyzer.amazonaws.com", "AccessAnalyzer", false},
    {"sso.amazonaws.com", "SSO", false},
    {"dynamodb.application-autoscaling.amazonaws.com", "ApplicationAutoScaling_DynamoDBTable",
     false},
    {"ecs.application-autoscaling.amazonaws.com", "ApplicationAutoScaling_ECSService", false},
};

std::string TrustPolicyFor(const std::string& service) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":")" +
         service + R"("},"Action":"sts:AssumeRole"}]})";
}

// "foo-bar.baz.amazonaws.com" -> "FooBarBaz".
std::string CamelLabels(std::string_view labels) {
  std::string out;
  bool upper = true;
  for (char c : labels) {
    if (c == '.' || c == '-') {
      upper = true;
      continue;
    }
    out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    upper = false;
  }
  return out;
}

}  // namespace

Result<std::string> ServiceLinkedRoleName(const std::string& service_name,
                                          const std::string& custom_suffix) {
  if (!service_name.ends_with(kServiceSuffix) || service_name.size() == kServiceSuffix.size()) {
    return errors::InvalidInput("Invalid service name: " + service_name);
  }
  std::string base;
  bool suffix_allowed = true;
  for (const KnownService& known : kKnownServices) {
    if (known.service == service_name) {
      base = std::string(known.role_suffix);
      suffix_allowed = known.custom_suffix;
    }
  }
  if (base.empty()) {
    base = CamelLabels(
        std::string_view(service_name).substr(0, service_name.size() - kServiceSuffix.size()));
  }
  std::string name = "AWSServiceRoleFor" + base;
  if (!custom_suffix.empty()) {
    if (!suffix_allowed) {
      return errors::InvalidInput("Custom suffix is not allowed for " + service_name);
    }
    name += "_" + custom_suffix;
  }
  if (name.size() > 64) {
    return errors::InvalidInput("The role name " + name +
                                " would be longer than 64 characters; use a shorter suffix.");
  }
  return name;
}

Result<RoleRecord> CreateServiceLinkedRole(const ServiceContext& ctx, const std::string& account,
                                           const CreateServiceLinkedRoleInput& input) {
  IRSA_RETURN_IF_ERROR(ValidateName(input.service_name, "aWSServiceName", 128));
  if (!input.custom_suffix.empty()) {
    IRSA_RETURN_IF_ERROR(ValidateName(input.custom_suffix, "customSuffix", 64));
  }
  IRSA_RETURN_IF_ERROR(ValidateDescription(input.description, "description", true));
  IRSA_TRY(std::string name, ServiceLinkedRoleName(input.service_name, input.custom_suffix));
  RoleRecord role;
  role.name = name;
  role.id = NewUniqueId(id_prefix::kRole, ctx.random);
  role.path = "/aws-service-role/" + input.service_name + "/";
  role.arn = RoleArn(account, role.path, name);
  role.created = ctx.clock.Now();
  role.assume_role_policy = TrustPolicyFor(input.service_name);
  role.description = input.description;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto existing, tx.Get({account, kind::kRole, "", AsciiLower(name)}));
    if (existing) {
      return errors::InvalidInput("Service role name " + name +
                                  " has been taken in this account, please try a different "
                                  "suffix.");
    }
    IRSA_TRY(int64_t count, tx.Count({.account = account, .kind = kind::kRole}));
    if (count >= ctx.quotas.roles_per_account) {
      return errors::LimitExceeded("Cannot exceed quota for RolesPerAccount: " +
                                   std::to_string(ctx.quotas.roles_per_account));
    }
    return tx.Insert(RoleRow(account, role));
  }));
  return role;
}

Result<std::string> DeleteServiceLinkedRole(const ServiceContext& ctx, const std::string& account,
                                            const std::string& role_name) {
  IRSA_RETURN_IF_ERROR(ValidateName(role_name, "roleName", 64));
  std::string task_id;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole loaded, LoadRole(tx, account, role_name));
    if (!IsServiceLinkedRole(loaded.record)) {
      return errors::InvalidInput("Role " + loaded.record.name +
                                  " is not a service-linked role; use DeleteRole.");
    }
    const std::string service = loaded.record.path.substr(
        18, loaded.record.path.size() - 19);  // "/aws-service-role/<service>/"
    task_id =
        "task/aws-service-role/" + service + "/" + loaded.record.name + "/" + NewUuid(ctx.random);
    json::object task{{"role_arn", loaded.record.arn}, {"status", "SUCCEEDED"}};
    const std::string& key = loaded.row.id.key;
    IRSA_TRY(std::vector<store::Row> profiles,
             ListAllRows(tx, {.account = account, .kind = kind::kProfileRole, .parent = key}));
    if (!profiles.empty()) {
      json::array resources;
      for (const store::Row& link : profiles) {
        IRSA_TRY(json::object body, store::ParseStoredObject(link.body, "instance profile link"));
        resources.push_back(json::value(store::JsonString(body, "arn")));
      }
      task["status"] = "FAILED";
      task["reason"] = "The service-linked role is in use by instance profiles.";
      task["resources"] = std::move(resources);
    } else {
      IRSA_TRY(int64_t a, tx.DeleteChildren(account, kind::kRoleAttachment, key));
      IRSA_TRY(int64_t b, tx.DeleteChildren(account, kind::kRolePolicy, key));
      IRSA_TRY(int64_t c, tx.DeleteChildren(account, kind::kRoleBoundary, key));
      (void)a, (void)b, (void)c;
      IRSA_TRY(bool deleted, tx.Delete(loaded.row.id));
      (void)deleted;
    }
    store::Row row;
    row.id = {account, kDeletionTask, "", task_id};
    row.body = json::serialize(task);
    return tx.Insert(row);
  }));
  return task_id;
}

std::string DeletionTaskRoleArn(const std::string& account, const std::string& task_id) {
  // task/aws-service-role/<service>/<role>/<uuid>
  constexpr std::string_view kPrefix = "task/aws-service-role/";
  if (!task_id.starts_with(kPrefix)) return "";
  std::string_view rest = std::string_view(task_id).substr(kPrefix.size());
  size_t last = rest.rfind('/');
  if (last == std::string_view::npos) return "";
  std::string_view service_and_role = rest.substr(0, last);
  size_t slash = service_and_role.find('/');
  if (slash == std::string_view::npos || slash + 1 >= service_and_role.size()) return "";
  return RoleArn(account,
                 "/aws-service-role/" + std::string(service_and_role.substr(0, slash)) + "/",
                 std::string(service_and_role.substr(slash + 1)));
}

Result<DeletionStatus> GetServiceLinkedRoleDeletionStatus(const ServiceContext& ctx,
                                                          const std::string& account,
                                                          const std::string& task_id) {
  if (DeletionTaskRoleArn(account, task_id).empty()) {
    return errors::InvalidInput("Invalid deletion task id: " + task_id);
  }
  DeletionStatus out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get({account, kDeletionTask, "", task_id}));
    if (!row) return errors::NoSuchEntity("Deletion task " + task_id + " cannot be found.");
    IRSA_TRY(json::object body, store::ParseStoredObject(row->body, "deletion task"));
    out.status = store::JsonString(body, "status");
    std::string reason = store::JsonString(body, "reason");
    if (!reason.empty()) out.reason = reason;
    std::vector<std::string> resources = store::JsonStrings(body, "resources");
    if (!resources.empty()) out.usage.push_back({"us-east-1", std::move(resources)});
    return OkStatus();
  }));
  return out;
}

}  // namespace irsa::iam
