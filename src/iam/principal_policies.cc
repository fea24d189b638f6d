#include "iam/principal_policies.h"

#include "base/arn.h"
#include "base/strings.h"
#include "iam/groups.h"
#include "iam/lookup.h"

namespace irsa::iam {
namespace {

// Appends inline (kind_inline) and attached (kind_attach) policies of the entity `key`; `group`
// names the group they come from (empty for the principal's own).
Status GatherIdentity(store::StoreTx& tx, const std::string& account, const std::string& key,
                      const char* kind_inline, const char* kind_attach, PrincipalPolicies& out,
                      const std::string& group = "") {
  store::ListQuery inline_query{.account = account, .kind = kind_inline, .parent = key};
  inline_query.limit = 100000;
  IRSA_TRY(store::Page inline_rows, tx.List(inline_query));
  for (const auto& row : inline_rows.rows) {
    IRSA_TRY(InlinePolicyRecord record, InlinePolicyFromBody(row.body));
    out.identity.push_back(
        {group.empty() ? PolicySourceType::kInline : PolicySourceType::kGroupInline, record.name,
         group, record.name, "", std::move(record.document)});
  }
  store::ListQuery attach_query{.account = account, .kind = kind_attach, .parent = key};
  attach_query.limit = 100000;
  IRSA_TRY(store::Page attached, tx.List(attach_query));
  for (const auto& row : attached.rows) {
    IRSA_TRY(auto policy, FindPolicy(tx, account, row.id.key));
    if (!policy) continue;  // deleted policies cannot be attached; be tolerant anyway
    IRSA_TRY(auto version, tx.Get({policy->account, kind::kPolicyVersion, policy->row.id.key,
                                   policy->record.default_version_id}));
    if (!version) return errors::ServiceFailure("default policy version is missing");
    IRSA_TRY(PolicyVersionRecord v, PolicyVersionFromBody(version->body));
    out.identity.push_back(
        {policy->aws_managed() ? PolicySourceType::kAwsManaged : PolicySourceType::kManaged,
         policy->record.arn, group, policy->record.name, v.version_id, std::move(v.document)});
  }
  return OkStatus();
}

Result<std::optional<GatheredPolicy>> GatherBoundary(store::StoreTx& tx, const std::string& account,
                                                     const std::string& arn) {
  if (arn.empty()) return std::optional<GatheredPolicy>();
  IRSA_TRY(auto policy, FindPolicy(tx, account, arn));
  if (!policy) return errors::ServiceFailure("permissions boundary policy is missing");
  IRSA_TRY(auto version, tx.Get({policy->account, kind::kPolicyVersion, policy->row.id.key,
                                 policy->record.default_version_id}));
  if (!version) return errors::ServiceFailure("default policy version is missing");
  IRSA_TRY(PolicyVersionRecord v, PolicyVersionFromBody(version->body));
  return std::optional<GatheredPolicy>(GatheredPolicy{PolicySourceType::kBoundary,
                                                      policy->record.arn, "", policy->record.name,
                                                      v.version_id, std::move(v.document)});
}

}  // namespace

Result<PrincipalPolicies> GatherRolePolicies(const ServiceContext& ctx, const std::string& account,
                                             const std::string& role_name) {
  PrincipalPolicies out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedRole role, LoadRole(tx, account, role_name));
    out.is_role = true;
    out.name = role.record.name;
    out.arn = role.record.arn;
    out.unique_id = role.record.id;
    out.path = role.record.path;
    out.max_session_duration = role.record.max_session_duration;
    out.tags = role.record.tags;
    out.trust =
        GatheredPolicy{PolicySourceType::kTrust,      role.record.arn, "", role.record.name, "",
                       role.record.assume_role_policy};
    IRSA_RETURN_IF_ERROR(GatherIdentity(tx, account, role.row.id.key, kind::kRolePolicy,
                                        kind::kRoleAttachment, out));
    IRSA_TRY(out.boundary, GatherBoundary(tx, account, role.record.permissions_boundary_arn));
    return OkStatus();
  }));
  return out;
}

Result<PrincipalPolicies> GatherUserPolicies(const ServiceContext& ctx, const std::string& account,
                                             const std::string& user_name) {
  PrincipalPolicies out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    out.name = user.record.name;
    out.arn = user.record.arn;
    out.unique_id = user.record.id;
    out.path = user.record.path;
    out.tags = user.record.tags;
    IRSA_RETURN_IF_ERROR(GatherIdentity(tx, account, user.row.id.key, kind::kUserPolicy,
                                        kind::kUserAttachment, out));
    IRSA_TRY(std::vector<GroupRecord> groups, GroupsOfUser(tx, account, user.row.id.key));
    for (const GroupRecord& group : groups) {
      out.groups.push_back(group.name);
      IRSA_RETURN_IF_ERROR(GatherIdentity(tx, account, AsciiLower(group.name), kind::kGroupPolicy,
                                          kind::kGroupAttachment, out, group.name));
    }
    IRSA_TRY(out.boundary, GatherBoundary(tx, account, user.record.permissions_boundary_arn));
    return OkStatus();
  }));
  return out;
}

Result<PrincipalPolicies> GatherGroupPolicies(const ServiceContext& ctx, const std::string& account,
                                              const std::string& group_name) {
  PrincipalPolicies out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    out = PrincipalPolicies{};
    IRSA_TRY(LoadedGroup group, LoadGroup(tx, account, group_name));
    out.name = group.record.name;
    out.arn = group.record.arn;
    out.unique_id = group.record.id;
    out.path = group.record.path;
    return GatherIdentity(tx, account, group.row.id.key, kind::kGroupPolicy, kind::kGroupAttachment,
                          out, group.record.name);
  }));
  return out;
}

Result<PrincipalPolicies> GatherPrincipalPolicies(const ServiceContext& ctx,
                                                  const std::string& account,
                                                  const std::string& principal_arn) {
  std::optional<Arn> arn = Arn::Parse(principal_arn);
  if (!arn) return InvalidArn(principal_arn);
  Error not_found =
      errors::NoSuchEntity("Could not find user or role with ARN " + principal_arn + ".");
  if (arn->service != "iam" || arn->account != account) return not_found;
  const bool is_role = arn->resource.starts_with("role/");
  if (!is_role && !arn->resource.starts_with("user/")) return not_found;
  const std::string name = arn->resource.substr(arn->resource.rfind('/') + 1);
  Result<PrincipalPolicies> gathered =
      is_role ? GatherRolePolicies(ctx, account, name) : GatherUserPolicies(ctx, account, name);
  if (!gathered.ok()) {
    if (gathered.error().code() == "NoSuchEntity") return not_found;
    return gathered.error();
  }
  if (gathered->arn != principal_arn) return not_found;  // path or case differs
  return gathered;
}

std::string GatheredPolicyName(const GatheredPolicy& policy) {
  switch (policy.type) {
    case PolicySourceType::kTrust:
      return "trust:" + policy.id;
    case PolicySourceType::kInline:
      return "inline:" + policy.id;
    case PolicySourceType::kGroupInline:
      return "group:" + policy.group + ":inline:" + policy.id;
    default:
      return policy.id;
  }
}

Result<CompiledPrincipalPolicies> CompilePrincipalPolicies(const PrincipalPolicies& policies) {
  auto compile = [](const GatheredPolicy& gathered,
                    policy::PolicyKind kind) -> Result<policy::CompiledPolicyPtr> {
    policy::CompileOptions options;
    options.name = GatheredPolicyName(gathered);
    auto compiled = policy::CompilePolicy(gathered.document, kind, options);
    if (!compiled) {
      return errors::ServiceFailure("stored policy " + options.name +
                                    " does not compile: " + compiled.error().message());
    }
    return std::move(*compiled);
  };
  CompiledPrincipalPolicies out;
  if (policies.trust) {
    IRSA_TRY(out.trust, compile(*policies.trust, policy::PolicyKind::kTrust));
  }
  for (const auto& gathered : policies.identity) {
    IRSA_TRY(auto compiled, compile(gathered, policy::PolicyKind::kIdentity));
    out.identity.push_back(std::move(compiled));
  }
  if (policies.boundary) {
    IRSA_TRY(out.boundary, compile(*policies.boundary, policy::PolicyKind::kBoundary));
  }
  return out;
}

}  // namespace irsa::iam
