#include "cli/utils_cmd.h"

#include <cstdio>
#include <memory>
#include <string>

#include "cli/offline.h"
#include "eks/oidc_provider_association.h"

namespace irsa::cli {
namespace {

struct AssociateArgs {
  OfflineOptions offline;
  std::string cluster;
  bool approve = false;
};

// ` for cluster "C" in "R"`, as eksctl says it.
std::string ForCluster(const eks::OidcProviderPlan& plan) {
  return " for cluster \"" + plan.cluster + "\" in \"" + plan.region + "\"";
}

// The provider's settings: client id and thumbprint (or why there is none).
std::string Settings(const eks::OidcProviderPlan& plan) {
  return std::string("client id ") + eks::kStsClientId + ", " +
         (plan.thumbprint.empty() ? "no thumbprint (no local CA in DATA/tls/ca.pem)"
                                  : "thumbprint " + plan.thumbprint);
}

void PrintAlreadyAssociated(const eks::OidcProviderPlan& plan) {
  std::printf(
      "IAM Open ID Connect provider is already associated with cluster \"%s\" in \"%s\": %s\n",
      plan.cluster.c_str(), plan.region.c_str(), plan.provider_arn.c_str());
}

Status AssociateIamOidcProvider(AssociateArgs& args) {
  IRSA_TRY(std::unique_ptr<server::Node> node, OpenOffline(args.offline));
  IRSA_TRY(const std::string ca_pem, ReadLocalCaPem(args.offline));
  const std::string& account = args.offline.account_id;
  IRSA_TRY(eks::OidcProviderPlan plan,
           eks::PlanOidcProviderAssociation(node->clusters(), node->iam(), account, args.cluster,
                                            ca_pem));
  using State = eks::OidcProviderPlan::State;
  if (plan.state == State::kAssociated) {
    PrintAlreadyAssociated(plan);
    return OkStatus();
  }
  if (!args.approve) {
    if (plan.state == State::kAbsent) {
      std::printf("(plan) would create IAM Open ID Connect provider%s: %s for issuer %s (%s)\n",
                  ForCluster(plan).c_str(), plan.provider_arn.c_str(), plan.issuer.c_str(),
                  Settings(plan).c_str());
    } else {
      std::printf("(plan) would add client id %s to IAM Open ID Connect provider %s%s\n",
                  eks::kStsClientId, plan.provider_arn.c_str(), ForCluster(plan).c_str());
    }
    std::printf("no changes were applied, run again with '--approve' to apply the changes\n");
    return OkStatus();
  }
  IRSA_TRY(State before, eks::AssociateOidcProvider(node->iam(), account, plan));
  switch (before) {
    case State::kAbsent:
      std::printf("created IAM Open ID Connect provider%s: %s (%s)\n", ForCluster(plan).c_str(),
                  plan.provider_arn.c_str(), Settings(plan).c_str());
      break;
    case State::kMissingClientId:
      std::printf("added client id %s to IAM Open ID Connect provider %s%s\n", eks::kStsClientId,
                  plan.provider_arn.c_str(), ForCluster(plan).c_str());
      break;
    case State::kAssociated:
      PrintAlreadyAssociated(plan);  // created concurrently
      break;
  }
  return OkStatus();
}

}  // namespace

void AddUtilsCommands(CLI::App& app) {
  CLI::App* utils = app.add_subcommand("utils", "eksctl's utilities (eksctl utils …)");
  utils->require_subcommand(1);
  auto args = std::make_shared<AssociateArgs>();
  CLI::App* associate =
      utils->add_subcommand("associate-iam-oidc-provider",
                            "Create the IAM OIDC provider of a cluster's issuer (as eksctl utils "
                            "associate-iam-oidc-provider; plan only unless --approve)");
  AddOfflineOptions(*associate, args->offline);
  associate->add_option("--cluster", args->cluster, "Cluster name")->required();
  associate->add_flag("--approve", args->approve, "Apply the plan (otherwise only print it)");
  associate->callback([args] {
    if (Status done = AssociateIamOidcProvider(*args); !done.ok()) {
      throw CLI::RuntimeError(ReportError("utils associate-iam-oidc-provider", done.error()));
    }
  });
}

}  // namespace irsa::cli
