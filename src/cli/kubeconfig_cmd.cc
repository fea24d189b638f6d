#include "cli/kubeconfig_cmd.h"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "base/encoding.h"
#include "cli/offline.h"
#include "server/kube_clusters.h"

namespace irsa::cli {
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return errors::InvalidParameterValue("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void AddKubeconfigCommand(CLI::App& app) {
  struct Args {
    OfflineOptions offline;
    std::string cluster, output;
    int64_t lifetime = server::kDefaultKubeAdminLifetime;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "kubeconfig", "Write a kubeconfig for the Kubernetes API irsa serves for a cluster");
  AddOfflineOptions(*cmd, args->offline);
  cmd->add_option("--cluster", args->cluster, "Cluster name")->required();
  cmd->add_option("--output,-o", args->output, "File to write (default: stdout)");
  cmd->add_option("--token-lifetime", args->lifetime,
                  "Admin token lifetime in seconds (at most 86400; the token is for bootstrapping "
                  "and stops working when the cluster's keys rotate)")
      ->capture_default_str();
  cmd->callback([args] {
    auto fail = [](const Error& e) { throw CLI::RuntimeError(ReportError("kubeconfig", e)); };
    Result<std::unique_ptr<server::Node>> app = OpenOffline(args->offline);
    if (!app.ok()) fail(app.error());
    Result<std::string> endpoints = ReadFile(args->offline.data_dir + "/endpoints.json");
    if (!endpoints.ok()) fail(endpoints.error());
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(*endpoints, ec);
    const boost::json::value* https = v.is_object() ? v.as_object().if_contains("https") : nullptr;
    const boost::json::value* ca = v.is_object() ? v.as_object().if_contains("ca_bundle") : nullptr;
    if (ec || !https || !https->is_string()) {
      fail(errors::InvalidParameterValue("irsa serve has no HTTPS listener (DATA/endpoints.json)"));
    }
    Result<std::string> token =
        server::MintKubeAdminToken((*app)->clusters(), SystemClock::Instance(),
                                   args->offline.account_id, args->cluster, args->lifetime);
    if (!token.ok()) fail(token.error());
    std::string base = (*app)->options().issuer_base;
    if (base.empty()) base = std::string(https->as_string());
    std::string ca_data;
    if (ca && ca->is_string() && !ca->as_string().empty()) {
      Result<std::string> pem = ReadFile(std::string(ca->as_string()));
      if (!pem.ok()) fail(pem.error());
      ca_data = Base64Encode(*pem);
    }
    const std::string& name = args->cluster;
    std::string out = "apiVersion: v1\nkind: Config\nclusters:\n- name: " + name +
                      "\n  cluster:\n    server: " + base + "/k8s/" + name + "\n";
    if (!ca_data.empty()) out += "    certificate-authority-data: " + ca_data + "\n";
    out += "users:\n- name: irsa-admin@" + name + "\n  user:\n    token: " + *token +
           "\ncontexts:\n- name: " + name + "\n  context:\n    cluster: " + name +
           "\n    user: irsa-admin@" + name + "\n    namespace: default\ncurrent-context: " + name +
           "\n";
    if (args->output.empty()) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      return;
    }
    std::ofstream file(args->output, std::ios::trunc);
    file << out;
    if (!file.flush()) fail(errors::InvalidParameterValue("cannot write " + args->output));
    ::chmod(args->output.c_str(), 0600);
  });
}

}  // namespace irsa::cli
