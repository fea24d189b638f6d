// `irsa serve`: runs the IAM/STS/OIDC/Kubernetes endpoints until SIGINT/SIGTERM.
#pragma once

#include <CLI/CLI.hpp>

namespace irsa::cli {

void AddServeCommand(CLI::App& app);

}  // namespace irsa::cli
