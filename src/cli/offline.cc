#include "cli/offline.h"

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/openssl_util.h"

namespace irsa::cli {
namespace {

std::string Absolute(const std::string& path) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

Error NoNode(const std::string& what) {
  return errors::NotFound(
      what +
      ". Offline commands work on the state of an existing `irsa serve` and never create it: "
      "pass --data-dir DIR (or set IRSA_DATA_DIR) naming the directory that `irsa serve "
      "--data-dir DIR` uses (`irsa serve` creates a new one)");
}

}  // namespace

Status CheckExistingNode(const OfflineOptions& options, const std::string& store_url) {
  const bool explicit_store = !store_url.empty();
  const bool explicit_key = !options.master_key_b64.empty();
  std::error_code ec;
  if (!std::filesystem::is_directory(options.data_dir, ec) && !(explicit_store && explicit_key)) {
    return NoNode("no irsa data directory at " + Absolute(options.data_dir));
  }
  if (!explicit_key) {
    const std::string key_file = options.master_key_file.empty() ? options.data_dir + "/master.key"
                                                                 : options.master_key_file;
    if (!std::filesystem::exists(key_file, ec)) {
      return NoNode("no master key at " + Absolute(key_file) +
                    (options.master_key_file.empty()
                         ? " (give --master-key/--master-key-file when the node has its key "
                           "elsewhere)"
                         : ""));
    }
  }
  if (!explicit_store || store_url.starts_with("sqlite:")) {
    const std::string db = explicit_store ? store_url.substr(std::string_view("sqlite:").size())
                                          : options.data_dir + "/irsa.db";
    if (!std::filesystem::exists(db, ec)) {
      return NoNode("no irsa database at " + Absolute(db));
    }
  }
  return OkStatus();
}

void AddOfflineOptions(CLI::App& command, OfflineOptions& options) {
  command.add_option("--data-dir", options.data_dir, "State directory of the irsa node")
      ->envname("IRSA_DATA_DIR")
      ->capture_default_str();
  command.add_option("--store", options.store_url, "sqlite:PATH or postgres://…")
      ->envname("IRSA_STORE");
  command.add_option("--master-key", options.master_key_b64, "Master key, base64")
      ->envname("IRSA_MASTER_KEY");
  command
      .add_option("--master-key-file", options.master_key_file,
                  "Master key file (default: DATA/master.key)")
      ->envname("IRSA_MASTER_KEY_FILE");
  command.add_option("--account-id", options.account_id, "Account (default: the node's)")
      ->envname("IRSA_ACCOUNT_ID");
}

Result<std::unique_ptr<server::Node>> OpenOffline(OfflineOptions& options) {
  server::NodeOptions app;
  app.data_dir = options.data_dir;
  app.store_url = options.store_url;
  if (app.store_url.empty()) {
    // The store of the node serving this data directory (`irsa serve --store`), if not SQLite.
    std::ifstream store(options.data_dir + "/" + std::string(server::kStoreUrlFile));
    std::getline(store, app.store_url);
  }
  IRSA_RETURN_IF_ERROR(CheckExistingNode(options, app.store_url));
  app.master_key_b64 = options.master_key_b64;
  app.master_key_file = options.master_key_file;
  std::ifstream in(options.data_dir + "/endpoints.json");
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text.str(), ec);
    if (!ec && v.is_object()) {
      const auto& o = v.as_object();
      if (auto* base = o.if_contains("issuer_base"); base && base->is_string()) {
        app.issuer_base = std::string(base->as_string());
      }
      if (auto* account = o.if_contains("account_id");
          account && account->is_string() && options.account_id.empty()) {
        options.account_id = std::string(account->as_string());
      }
    }
  }
  if (options.account_id.empty()) options.account_id = "111122223333";
  app.account_id = options.account_id;
  return server::Node::Open(app);
}

Result<std::string> ReadLocalCaPem(const OfflineOptions& options) {
  const std::string path = options.data_dir + "/tls/ca.pem";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::string();
  return crypto::ReadFileToString(path);
}

int ReportError(std::string_view command, const Error& error) {
  std::fprintf(stderr, "irsa %.*s: %s: %s\n", static_cast<int>(command.size()), command.data(),
               error.code().c_str(), error.message().c_str());
  return 1;
}

}  // namespace irsa::cli
