#include "cli/iamserviceaccount_cmd.h"

#include <boost/json.hpp>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/local_kube_client.h"
#include "cli/offline.h"
#include "eks/oidc_provider_association.h"
#include "iam/attachments.h"
#include "iam/policies.h"
#include "iam/roles.h"

namespace irsa::cli {
namespace {

namespace json = boost::json;

constexpr const char* kRoleArnAnnotation = "eks.amazonaws.com/role-arn";
constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
constexpr const char* kManagedByValue = "eksctl";

struct Args {
  OfflineOptions offline;
  std::string name;
  std::string ns = "default";
  std::string cluster;
  std::string role_name;
  std::vector<std::string> policy_arns;
  bool role_only = false;
  bool override_existing = false;
  bool approve = false;
};

// What exists now, and so what --approve will do.
struct Plan {
  eks::OidcProviderPlan provider;
  std::string role_name;
  std::string role_arn;
  std::optional<iam::RoleRecord> role;
  std::string trust_policy;
  std::vector<std::pair<std::string, bool>> policies;  // ARN, already attached
  bool namespace_exists = false;
  std::optional<json::object> service_account;
};

std::string SaPath(const std::string& ns, const std::string& name) {
  return "/api/v1/namespaces/" + ns + "/serviceaccounts/" + name;
}

// eksctl's trust policy (wire spec §6.2 item 5).
std::string TrustPolicy(const Plan& plan, const Args& args) {
  json::object string_equals;
  string_equals[plan.provider.provider_url + ":sub"] =
      "system:serviceaccount:" + args.ns + ":" + args.name;
  string_equals[plan.provider.provider_url + ":aud"] = eks::kStsClientId;
  json::object statement{{"Effect", "Allow"},
                         {"Action", json::array{"sts:AssumeRoleWithWebIdentity"}},
                         {"Principal", json::object{{"Federated", plan.provider.provider_arn}}},
                         {"Condition", json::object{{"StringEquals", std::move(string_equals)}}}};
  json::object document{{"Version", "2012-10-17"},
                        {"Statement", json::array{std::move(statement)}}};
  return json::serialize(document);
}

std::string DefaultRoleName(const Args& args) {
  std::string name =
      "eksctl-" + args.cluster + "-addon-iamserviceaccount-" + args.ns + "-" + args.name;
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("_+=,.@-").find(c) != std::string_view::npos;
    if (!ok) c = '-';
  }
  return name.substr(0, 64);
}

// The value of metadata.<field>.<key> of a Kubernetes object, if it is a string.
std::optional<std::string> MetaEntry(const json::object& object, const char* field,
                                     const std::string& key) {
  const json::value* meta = object.if_contains("metadata");
  if (!meta || !meta->is_object()) return std::nullopt;
  const json::value* map = meta->as_object().if_contains(field);
  if (!map || !map->is_object()) return std::nullopt;
  const json::value* v = map->as_object().if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

Result<Plan> MakePlan(server::Node& app, LocalKubeClient& kube, const Args& args) {
  const std::string& account = args.offline.account_id;
  const iam::ServiceContext& ctx = app.iam();
  Plan plan;
  IRSA_TRY(const std::string ca_pem, ReadLocalCaPem(args.offline));
  IRSA_TRY(plan.provider,
           eks::PlanOidcProviderAssociation(app.clusters(), ctx, account, args.cluster, ca_pem));

  plan.role_name = args.role_name.empty() ? DefaultRoleName(args) : args.role_name;
  if (auto role = iam::GetRole(ctx, account, plan.role_name); role.ok()) {
    plan.role = *role;
    plan.role_arn = role->arn;
  } else if (role.error().code() != "NoSuchEntity") {
    return role.error();
  } else {
    plan.role_arn = "arn:aws:iam::" + account + ":role/" + plan.role_name;
  }
  plan.trust_policy = TrustPolicy(plan, args);

  std::map<std::string, bool> attached;
  if (plan.role) {
    IRSA_TRY(auto page, iam::ListAttachedRolePolicies(ctx, account, plan.role_name, "/", "", 1000));
    for (const auto& a : page.items) attached[a.policy_arn] = true;
  }
  for (const std::string& arn : args.policy_arns) {
    auto policy = iam::GetPolicy(ctx, account, arn);
    if (!policy.ok()) return policy.error().WithContext("--attach-policy-arn " + arn + ": ");
    plan.policies.emplace_back(arn, attached.count(arn) > 0);
  }

  if (!args.role_only) {
    auto ns = kube.Call(args.cluster, "GET", "/api/v1/namespaces/" + args.ns);
    if (ns.ok()) {
      plan.namespace_exists = true;
    } else if (ns.error().http_status() != 404) {
      return ns.error();
    }
    if (plan.namespace_exists) {
      auto sa = kube.Call(args.cluster, "GET", SaPath(args.ns, args.name));
      if (sa.ok()) {
        plan.service_account = *sa;
      } else if (sa.error().http_status() != 404) {
        return sa.error();
      }
    }
  }
  return plan;
}

// True when the SA already carries the annotation and label with these values.
bool SaUpToDate(const json::object& sa, const std::string& role_arn) {
  return MetaEntry(sa, "annotations", kRoleArnAnnotation) == role_arn &&
         MetaEntry(sa, "labels", kManagedByLabel) == std::string(kManagedByValue);
}

// Whether an existing role's trust policy mentions this provider and subject.
bool TrustMentions(const iam::RoleRecord& role, const Plan& plan, const Args& args) {
  const std::string& doc = role.assume_role_policy;
  return doc.find(plan.provider.provider_url) != std::string::npos &&
         doc.find("system:serviceaccount:" + args.ns + ":" + args.name) != std::string::npos;
}

void PrintPlan(const Plan& plan, const Args& args) {
  const std::string sa = args.ns + "/" + args.name;
  std::printf("cluster %s: OIDC issuer %s\n", args.cluster.c_str(), plan.provider.issuer.c_str());
  switch (plan.provider.state) {
    case eks::OidcProviderPlan::State::kAbsent:
      std::printf("[plan] create IAM OIDC provider %s (client id %s)\n",
                  plan.provider.provider_arn.c_str(), eks::kStsClientId);
      break;
    case eks::OidcProviderPlan::State::kMissingClientId:
      std::printf("[plan] reuse IAM OIDC provider %s; add client id %s\n",
                  plan.provider.provider_arn.c_str(), eks::kStsClientId);
      break;
    case eks::OidcProviderPlan::State::kAssociated:
      std::printf("[plan] reuse IAM OIDC provider %s\n", plan.provider.provider_arn.c_str());
      break;
  }
  if (!plan.role) {
    std::printf("[plan] create IAM role %s with trust policy:\n  %s\n", plan.role_name.c_str(),
                plan.trust_policy.c_str());
  } else {
    std::printf(
        "[plan] reuse existing IAM role %s (%s): its trust policy and settings will not "
        "be changed\n",
        plan.role_name.c_str(), plan.role_arn.c_str());
  }
  for (const auto& [arn, already] : plan.policies) {
    std::printf(already ? "[plan] policy %s is already attached to %s\n"
                        : "[plan] attach policy %s to role %s\n",
                arn.c_str(), plan.role_name.c_str());
  }
  if (args.role_only) {
    std::printf("[plan] --role-only: ServiceAccount %s will not be created or changed\n",
                sa.c_str());
    return;
  }
  if (!plan.namespace_exists) std::printf("[plan] create namespace %s\n", args.ns.c_str());
  if (!plan.service_account) {
    std::printf("[plan] create ServiceAccount %s with annotation %s=%s and label %s=%s\n",
                sa.c_str(), kRoleArnAnnotation, plan.role_arn.c_str(), kManagedByLabel,
                kManagedByValue);
  } else if (!args.override_existing) {
    std::printf(
        "[plan] ServiceAccount %s exists: leave it alone "
        "(--override-existing-serviceaccounts to annotate it)\n",
        sa.c_str());
  } else if (SaUpToDate(*plan.service_account, plan.role_arn)) {
    std::printf("[plan] ServiceAccount %s exists and is already annotated\n", sa.c_str());
  } else {
    std::printf("[plan] ServiceAccount %s exists: merge annotation %s=%s and label %s=%s\n",
                sa.c_str(), kRoleArnAnnotation, plan.role_arn.c_str(), kManagedByLabel,
                kManagedByValue);
  }
}

Status Apply(server::Node& app, LocalKubeClient& kube, const Plan& plan, const Args& args) {
  const std::string& account = args.offline.account_id;
  const iam::ServiceContext& ctx = app.iam();
  const std::string sa = args.ns + "/" + args.name;

  // 1. The OIDC provider.
  IRSA_TRY(const eks::OidcProviderPlan::State before,
           eks::AssociateOidcProvider(ctx, account, plan.provider));
  const char* provider_arn = plan.provider.provider_arn.c_str();
  if (before == eks::OidcProviderPlan::State::kMissingClientId) {
    std::printf("reused IAM OIDC provider %s; added client id %s\n", provider_arn,
                eks::kStsClientId);
  } else if (plan.provider.state == eks::OidcProviderPlan::State::kAbsent) {
    std::printf(before == eks::OidcProviderPlan::State::kAbsent
                    ? "created IAM OIDC provider %s\n"
                    : "reused IAM OIDC provider %s (created concurrently)\n",
                provider_arn);
  } else {
    std::printf("reused IAM OIDC provider %s\n", provider_arn);
  }

  // 2. The role.
  if (!plan.role) {
    iam::CreateRoleInput input;
    input.name = plan.role_name;
    input.assume_role_policy = plan.trust_policy;
    IRSA_TRY(iam::RoleResult created, iam::CreateRole(ctx, account, input));
    std::printf("created IAM role %s\n", created.role.arn.c_str());
    for (const auto& w : created.warnings) {
      std::printf("  warning: trust policy: %s\n", w.message.c_str());
    }
  } else {
    std::printf("reused existing IAM role %s (trust policy and settings not changed)\n",
                plan.role_arn.c_str());
    if (!TrustMentions(*plan.role, plan, args)) {
      std::printf(
          "  warning: its trust policy does not name %s and "
          "system:serviceaccount:%s:%s; AssumeRoleWithWebIdentity from that "
          "ServiceAccount will be denied until it does\n",
          plan.provider.provider_url.c_str(), args.ns.c_str(), args.name.c_str());
    }
  }

  // 3. Policies (AttachRolePolicy is idempotent).
  for (const auto& [arn, already] : plan.policies) {
    IRSA_RETURN_IF_ERROR(iam::AttachRolePolicy(ctx, account, plan.role_name, arn));
    std::printf(
        already ? "policy %s was already attached to role %s\n" : "attached policy %s to role %s\n",
        arn.c_str(), plan.role_name.c_str());
  }

  // 4. Namespace and ServiceAccount.
  if (args.role_only) {
    std::printf("--role-only: ServiceAccount %s not created or changed\n", sa.c_str());
    return OkStatus();
  }
  if (!plan.namespace_exists) {
    json::object ns{
        {"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", json::object{{"name", args.ns}}}};
    auto created = kube.Call(args.cluster, "POST", "/api/v1/namespaces", json::serialize(ns));
    if (created.ok()) {
      std::printf("created namespace %s\n", args.ns.c_str());
    } else if (created.error().code() != "AlreadyExists") {
      return created.error();
    }
  }
  const json::object metadata_patch{
      {"metadata", json::object{{"annotations", json::object{{kRoleArnAnnotation, plan.role_arn}}},
                                {"labels", json::object{{kManagedByLabel, kManagedByValue}}}}}};
  if (!plan.service_account) {
    json::object object{{"apiVersion", "v1"}, {"kind", "ServiceAccount"}};
    json::object meta = metadata_patch.at("metadata").as_object();
    meta.emplace("name", args.name);
    meta.emplace("namespace", args.ns);
    object.emplace("metadata", std::move(meta));
    auto created =
        kube.Call(args.cluster, "POST", "/api/v1/namespaces/" + args.ns + "/serviceaccounts",
                  json::serialize(object));
    if (created.ok()) {
      std::printf("created ServiceAccount %s with annotation %s=%s\n", sa.c_str(),
                  kRoleArnAnnotation, plan.role_arn.c_str());
      return OkStatus();
    }
    if (created.error().code() != "AlreadyExists") return created.error();
    std::printf("ServiceAccount %s was created concurrently\n", sa.c_str());
  }
  if (!args.override_existing) {
    std::printf(
        "ServiceAccount %s exists: left alone (not annotated with %s; pods using it get "
        "no AWS credentials from this role). Rerun with "
        "--override-existing-serviceaccounts to annotate it.\n",
        sa.c_str(), plan.role_arn.c_str());
    return OkStatus();
  }
  if (plan.service_account && SaUpToDate(*plan.service_account, plan.role_arn)) {
    std::printf("ServiceAccount %s already has annotation %s=%s: left as it is\n", sa.c_str(),
                kRoleArnAnnotation, plan.role_arn.c_str());
    return OkStatus();
  }
  IRSA_RETURN_IF_ERROR(kube.Call(args.cluster, "PATCH", SaPath(args.ns, args.name),
                                 json::serialize(metadata_patch), "application/merge-patch+json"));
  std::printf("updated ServiceAccount %s: merged annotation %s=%s and label %s=%s\n", sa.c_str(),
              kRoleArnAnnotation, plan.role_arn.c_str(), kManagedByLabel, kManagedByValue);
  return OkStatus();
}

}  // namespace

void AddCreateIamServiceAccountCommand(CLI::App& app) {
  CLI::App* create = nullptr;
  try {
    create = app.get_subcommand("create");
  } catch (const CLI::OptionNotFound&) {
    create = app.add_subcommand("create", "Create resources (eksctl-style)");
    create->require_subcommand(1);
  }
  auto args = std::make_shared<Args>();
  CLI::App* cmd = create->add_subcommand(
      "iamserviceaccount",
      "Create an IAM role for a Kubernetes ServiceAccount and annotate the ServiceAccount "
      "(as eksctl create iamserviceaccount; plan only unless --approve)");
  AddOfflineOptions(*cmd, args->offline);
  cmd->add_option("--name", args->name, "ServiceAccount name")->required();
  cmd->add_option("--namespace", args->ns, "ServiceAccount namespace (created if missing)")
      ->capture_default_str();
  cmd->add_option("--cluster", args->cluster, "Cluster name")->required();
  cmd->add_option("--role-name", args->role_name,
                  "IAM role name (default eksctl-<cluster>-addon-iamserviceaccount-<ns>-<name>)");
  cmd->add_option("--attach-policy-arn", args->policy_arns,
                  "Managed policy to attach (repeatable or comma-separated)")
      ->delimiter(',');
  cmd->add_flag("--role-only", args->role_only, "Create only the role, not the ServiceAccount");
  cmd->add_flag("--override-existing-serviceaccounts", args->override_existing,
                "Annotate ServiceAccounts that already exist");
  cmd->add_flag("--approve", args->approve, "Apply the plan (otherwise only print it)");
  cmd->callback([args] {
    auto fail = [](const Error& e) {
      throw CLI::RuntimeError(ReportError("create iamserviceaccount", e));
    };
    Result<std::unique_ptr<server::Node>> app = OpenOffline(args->offline);
    if (!app.ok()) fail(app.error());
    LocalKubeClient kube(**app, args->offline.account_id);
    Result<Plan> plan = MakePlan(**app, kube, *args);
    if (!plan.ok()) fail(plan.error());
    if (!args->approve) {
      PrintPlan(*plan, *args);
      std::printf("plan only: nothing was changed (rerun with --approve to apply)\n");
      return;
    }
    std::printf("cluster %s: OIDC issuer %s\n", args->cluster.c_str(),
                plan->provider.issuer.c_str());
    if (Status applied = Apply(**app, kube, *plan, *args); !applied.ok()) fail(applied.error());
  });
}

}  // namespace irsa::cli
