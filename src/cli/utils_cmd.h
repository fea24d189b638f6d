// `irsa utils …`, eksctl's utilities that irsa serves on a data directory:
//
//   irsa utils associate-iam-oidc-provider --cluster C [--approve] [--data-dir D]
//
// creates the IAM OIDC provider of cluster C's issuer (eks/oidc_provider_association.h; the
// thumbprint is that of DATA/tls/ca.pem when it exists). Without --approve it prints what it
// would do and changes nothing; with it, it creates the provider, or says it is already
// associated. Exit 0 in every case but an error (unknown cluster, no data directory: exit 1).
#pragma once

#include <CLI/CLI.hpp>

namespace irsa::cli {

// Adds `utils` and `utils associate-iam-oidc-provider`.
void AddUtilsCommands(CLI::App& app);

}  // namespace irsa::cli
