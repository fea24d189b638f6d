// Subcommands that work on a data directory directly (a running server on the same SQLite file
// sees their writes within its staleness bound; see docs/storage.md).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "server/node.h"

namespace irsa::cli {

struct OfflineOptions {
  std::string data_dir = ".data";
  std::string store_url;
  std::string master_key_b64;
  std::string master_key_file;  // "" = DATA/master.key
  std::string account_id;       // "" = from DATA/endpoints.json, else 111122223333
};

// Adds --data-dir, --store, --master-key, --master-key-file and --account-id (with env vars) to
// `command`.
void AddOfflineOptions(CLI::App& command, OfflineOptions& options);

// Opens the node's state (the store named by --store, else DATA/store_url, else DATA/irsa.db).
// The issuer base for new clusters comes from DATA/endpoints.json
// (written by `irsa serve`); without it clusters cannot be created.
Result<std::unique_ptr<server::Node>> OpenOffline(OfflineOptions& options);

// Prints "irsa <command>: <code>: <message>" and returns the exit code for an error.
int ReportError(std::string_view command, const Error& error);

}  // namespace irsa::cli
