// `irsa kubeconfig --cluster C`: writes a kubeconfig for the Kubernetes API irsa serves for a
// hosted cluster (https, the local CA, an admin bearer token).
#pragma once

#include <CLI/CLI.hpp>

namespace irsa::cli {

void AddKubeconfigCommand(CLI::App& app);

}  // namespace irsa::cli
