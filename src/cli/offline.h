// Subcommands that work on a data directory directly (a running server on the same SQLite file
// sees their writes within its staleness bound; see docs/storage.md).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/app.h"

namespace irsa::cli {

struct OfflineOptions {
  std::string data_dir = ".data";
  std::string store_url;
  std::string master_key_b64;
  std::string account_id;  // "" = from DATA/endpoints.json, else 111122223333
};

// Adds --data-dir, --store, --master-key and --account-id (with env vars) to `command`.
void AddOfflineOptions(CLI::App& command, OfflineOptions& options);

// Opens the node's state. The issuer base for new clusters comes from DATA/endpoints.json
// (written by `irsa serve`); without it clusters cannot be created.
Result<std::unique_ptr<App>> OpenOffline(OfflineOptions& options);

// Prints "irsa <command>: <code>: <message>" and returns the exit code for an error.
int ReportError(std::string_view command, const Error& error);

}  // namespace irsa::cli
