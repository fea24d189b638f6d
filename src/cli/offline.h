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

// Refuses to work on state that does not exist, so a forgotten --data-dir never creates a new
// node (with a new master key) next to the real one: the data directory must exist (unless both
// the store and the master key are given explicitly), the master key file must exist (unless
// --master-key is given) and so must the SQLite database (the default one, or the one `store_url`
// names). `store_url` is the resolved store ("" = DATA/irsa.db). NotFound names the missing path
// and says how to point at the right directory (--data-dir, IRSA_DATA_DIR).
Status CheckExistingNode(const OfflineOptions& options, const std::string& store_url);

// Opens the node's state (the store named by --store, else DATA/store_url, else DATA/irsa.db),
// after CheckExistingNode. The issuer base for new clusters comes from DATA/endpoints.json
// (written by `irsa serve`); without it clusters cannot be created.
Result<std::unique_ptr<server::Node>> OpenOffline(OfflineOptions& options);

// The PEM of the local CA `irsa serve` generated for its HTTPS listener (DATA/tls/ca.pem), the
// root of the issuer certificates it serves; "" when the file does not exist (the node serves an
// operator's certificate, or no HTTPS). InternalFailure naming the path when it cannot be read.
Result<std::string> ReadLocalCaPem(const OfflineOptions& options);

// Prints "irsa <command>: <code>: <message>" and returns the exit code for an error.
int ReportError(std::string_view command, const Error& error);

}  // namespace irsa::cli
