#include "iam/access_advisor.h"

#include <algorithm>
#include <set>

#include "base/arn.h"
#include "base/ids.h"
#include "base/strings.h"
#include "iam/attachments.h"
#include "iam/groups.h"
#include "iam/policies.h"
#include "iam/roles.h"
#include "iam/service_access.h"
#include "iam/users.h"

namespace irsa::iam {
namespace {

constexpr const char* kServedNamespaces[] = {"eks", "iam", "s3", "sts"};

ReportEntity UserEntity(const UserRecord& user) {
  return {user.arn, user.name, "USER", user.id, user.path, {user.arn}};
}

ReportEntity RoleEntity(const RoleRecord& role) {
  return {role.arn, role.name, "ROLE", role.id, role.path, {role.arn}};
}

Result<ReportEntity> GroupEntity(const ServiceContext& ctx, const std::string& account,
                                 const std::string& name) {
  ReportEntity entity;
  std::string marker;
  do {
    IRSA_TRY(GroupWithUsers page, GetGroup(ctx, account, name, marker, 1000));
    entity = {page.group.arn, page.group.name, "GROUP",
              page.group.id,  page.group.path, std::move(entity.users_and_roles)};
    for (const UserRecord& user : page.users.items) entity.users_and_roles.push_back(user.arn);
    marker = page.users.truncated ? page.users.marker : "";
  } while (!marker.empty());
  return entity;
}

// The services the policies' Allow statements name or, for "*"/NotAction, the served ones.
std::set<std::string> NamedServices(const std::vector<policy::CompiledPolicyPtr>& policies) {
  std::set<std::string> out;
  for (const auto& compiled : policies) {
    for (const policy::CompiledStatement& statement : compiled->statements()) {
      if (statement.effect != policy::Effect::kAllow) continue;
      bool everything = statement.not_action;
      for (const policy::ActionPattern& action : statement.actions) {
        if (action.matches_all) {
          everything = true;
        } else if (!statement.not_action && !action.service.empty() &&
                   action.service.find_first_of("*?") == std::string::npos) {
          out.insert(action.service);
        }
      }
      if (everything) out.insert(std::begin(kServedNamespaces), std::end(kServedNamespaces));
    }
  }
  return out;
}

}  // namespace

std::string ServiceDisplayName(std::string_view service_namespace) {
  static const std::map<std::string, std::string, std::less<>> names = {
      {"cloudwatch", "Amazon CloudWatch"},
      {"dynamodb", "Amazon DynamoDB"},
      {"ec2", "Amazon EC2"},
      {"ecr", "Amazon Elastic Container Registry"},
      {"eks", "Amazon Elastic Kubernetes Service"},
      {"iam", "AWS Identity and Access Management"},
      {"kms", "AWS Key Management Service"},
      {"lambda", "AWS Lambda"},
      {"logs", "Amazon CloudWatch Logs"},
      {"s3", "Amazon S3"},
      {"sns", "Amazon SNS"},
      {"sqs", "Amazon SQS"},
      {"sts", "AWS Security Token Service"},
  };
  auto found = names.find(service_namespace);
  return found == names.end() ? std::string(service_namespace) : found->second;
}

Result<std::string> AccessAdvisor::Generate(const ServiceContext& ctx, const std::string& account,
                                            const std::string& arn, bool action_level) {
  std::optional<Arn> parsed = Arn::Parse(arn);
  if (!parsed) return errors::InvalidInput("ARN " + arn + " is not valid.");
  auto report = std::make_shared<AccessReport>();
  report->account = account;
  report->action_level = action_level;
  report->created = ctx.clock.Now();
  std::vector<policy::CompiledPolicyPtr> policies;
  auto compile = [&](const std::string& document) -> Status {
    auto compiled = policy::CompilePolicy(document, policy::PolicyKind::kIdentity);
    if (!compiled.ok()) return errors::ServiceFailure("a stored policy no longer compiles");
    policies.push_back(*compiled);
    return OkStatus();
  };
  if (parsed->resource.starts_with("policy/")) {
    IRSA_TRY(PolicyInfo info, GetPolicy(ctx, account, arn));
    IRSA_TRY(std::string document, GetPolicyDocument(ctx, account, arn));
    IRSA_RETURN_IF_ERROR(compile(document));
    ListEntitiesForPolicyInput input;
    input.policy_arn = info.policy.arn;
    input.usage = PolicyUsageFilter::kPermissionsPolicy;
    input.max_items = 1000;
    do {
      IRSA_TRY(PolicyEntities page, ListEntitiesForPolicy(ctx, account, input));
      for (const PolicyEntity& user : page.users) {
        IRSA_TRY(UserRecord record, GetUser(ctx, account, user.name));
        report->entities.push_back(UserEntity(record));
      }
      for (const PolicyEntity& role : page.roles) {
        IRSA_TRY(RoleRecord record, GetRole(ctx, account, role.name));
        report->entities.push_back(RoleEntity(record));
      }
      for (const PolicyEntity& group : page.groups) {
        IRSA_TRY(ReportEntity entity, GroupEntity(ctx, account, group.name));
        report->entities.push_back(std::move(entity));
      }
      input.marker = page.truncated ? page.marker : "";
    } while (!input.marker.empty());
  } else {
    IRSA_TRY(PrincipalPolicies entity, GatherEntityPolicies(ctx, account, arn));
    for (const GatheredPolicy& gathered : entity.identity) {
      IRSA_RETURN_IF_ERROR(compile(gathered.document));
    }
    if (parsed->resource.starts_with("group/")) {
      IRSA_TRY(ReportEntity group, GroupEntity(ctx, account, entity.name));
      // A group's report is about its members.
      for (const std::string& member : group.users_and_roles) {
        const std::string name = member.substr(member.rfind('/') + 1);
        IRSA_TRY(UserRecord record, GetUser(ctx, account, name));
        report->entities.push_back(UserEntity(record));
      }
    } else {
      report->entities.push_back({entity.arn,
                                  entity.name,
                                  entity.is_role ? "ROLE" : "USER",
                                  entity.unique_id,
                                  entity.path,
                                  {entity.arn}});
    }
  }
  std::sort(report->entities.begin(), report->entities.end(),
            [](const ReportEntity& a, const ReportEntity& b) { return a.arn < b.arn; });

  std::map<std::string, authz::EntityUses> uses;
  std::set<std::string> candidates = NamedServices(policies);
  for (const ReportEntity& entity : report->entities) {
    for (const std::string& who : entity.users_and_roles) {
      auto [it, inserted] = uses.emplace(who, authz::EntityUses{});
      if (inserted) it->second = recorder_.Uses(who);
      for (const auto& [service, use] : it->second) candidates.insert(service);
    }
  }
  for (const std::string& service : candidates) {
    const bool granted = std::any_of(policies.begin(), policies.end(), [&](const auto& compiled) {
      return GrantsServiceAccess(*compiled, service);
    });
    if (!granted) continue;
    ServiceReport out;
    out.service_namespace = service;
    out.service_name = ServiceDisplayName(service);
    std::vector<std::optional<SystemTime>>& per_entity = report->entity_last[service];
    std::map<std::string, TrackedAction> actions;
    for (const ReportEntity& entity : report->entities) {
      std::optional<SystemTime> entity_last;
      for (const std::string& who : entity.users_and_roles) {
        const authz::EntityUses& of = uses.at(who);
        auto s = of.find(service);
        if (s == of.end()) continue;
        const authz::AccessUse& last = s->second.last;
        if (!entity_last || *entity_last < last.at) entity_last = last.at;
        if (!out.last_authenticated || *out.last_authenticated < last.at) {
          out.last_authenticated = last.at;
          out.last_entity = who;
          out.last_region = last.region;
        }
        for (const auto& [name, use] : s->second.actions) {
          TrackedAction& tracked = actions[name];
          if (tracked.entity.empty() || tracked.at < use.at) {
            tracked = {name, who, use.at, use.region};
          }
        }
      }
      if (entity_last) ++out.total_entities;
      per_entity.push_back(entity_last);
    }
    if (action_level) {
      for (auto& [name, tracked] : actions) out.actions.push_back(std::move(tracked));
    }
    report->services.push_back(std::move(out));
  }
  report->completed = ctx.clock.Now();
  report->job_id = NewUuid(ctx.random);
  std::lock_guard<std::mutex> lock(mu_);
  jobs_.emplace(report->job_id, report);
  order_.push_back(report->job_id);
  if (order_.size() > kMaxJobs) {
    jobs_.erase(order_.front());
    order_.erase(order_.begin());
  }
  return report->job_id;
}

void AccessAdvisor::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  jobs_.clear();
  order_.clear();
}

Result<std::shared_ptr<const AccessReport>> AccessAdvisor::Get(const std::string& account,
                                                               const std::string& job_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = jobs_.find(job_id);
  if (found == jobs_.end() || found->second->account != account) {
    return errors::NoSuchEntity("No such job with the specified job id " + job_id + ".");
  }
  return found->second;
}

}  // namespace irsa::iam
