// irsa: one binary, many subcommands. Each subcommand lives in its own <name>_cmd.{h,cc}.
#include <CLI/CLI.hpp>

#include "cli/cluster_cmd.h"
#include "cli/exec_cmd.h"
#include "cli/iamserviceaccount_cmd.h"
#include "cli/kubeconfig_cmd.h"
#include "cli/policy_cmd.h"
#include "cli/serve_cmd.h"
#include "cli/utils_cmd.h"
#include "cli/version_cmd.h"
#include "cli/webhook_cmd.h"

int main(int argc, char** argv) {
  CLI::App app{"irsa: self-hosted IAM Roles for Service Accounts (IAM, STS, OIDC, Kubernetes)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", irsa::cli::VersionText());
  irsa::cli::AddServeCommand(app);
  irsa::cli::AddPolicyCommands(app);
  irsa::cli::AddClusterCommands(app);
  irsa::cli::AddTokenCommand(app);
  irsa::cli::AddKubeconfigCommand(app);
  irsa::cli::AddExecCommand(app);
  irsa::cli::AddCreateIamServiceAccountCommand(app);
  irsa::cli::AddUtilsCommands(app);
  irsa::cli::AddWebhookCommand(app);
  irsa::cli::AddCompletionCommand(app);  // last: it lists the commands above
  CLI11_PARSE(app, argc, argv);
  return 0;
}
