#include "cli/cluster_cmd.h"

#include <cstdio>

#include "base/ids.h"
#include "base/time_format.h"
#include "cli/offline.h"

namespace irsa::cli {
namespace {

void PrintCluster(const oidc::ClusterRecord& c) {
  std::printf("name:    %s\narn:     %s\nissuer:  %s\nsigning: %s\ncreated: %s\n", c.name.c_str(),
              c.arn.c_str(), c.issuer.c_str(), c.key_algorithm.c_str(),
              FormatIso8601(c.created).c_str());
}

struct ClusterArgs {
  OfflineOptions offline;
  std::string name;
  std::string algorithm = "ES256";
};

template <typename Fn>
void Subcommand(CLI::App& parent, const char* name, const char* help, bool needs_name, Fn fn) {
  auto args = std::make_shared<ClusterArgs>();
  CLI::App* cmd = parent.add_subcommand(name, help);
  AddOfflineOptions(*cmd, args->offline);
  if (needs_name) cmd->add_option("NAME", args->name, "Cluster name")->required();
  if (std::string_view(name) == "create") {
    cmd->add_option("--signing-algorithm", args->algorithm, "ES256 (default) or RS256")
        ->check(CLI::IsMember({"ES256", "RS256"}));
  }
  cmd->callback([args, fn, name] {
    Result<std::unique_ptr<server::Node>> app = OpenOffline(args->offline);
    if (!app.ok())
      throw CLI::RuntimeError(ReportError(std::string("cluster ") + name, app.error()));
    Status status = fn(**app, *args);
    if (!status.ok()) {
      throw CLI::RuntimeError(ReportError(std::string("cluster ") + name, status.error()));
    }
  });
}

}  // namespace

void AddClusterCommands(CLI::App& app) {
  CLI::App* cluster = app.add_subcommand("cluster", "Manage the clusters irsa hosts issuers for");
  cluster->require_subcommand(1);
  Subcommand(*cluster, "create", "Create a cluster with its OIDC issuer and signing key", true,
             [](server::Node& a, const ClusterArgs& args) -> Status {
               if (a.options().issuer_base.empty()) {
                 return errors::InvalidParameterValue(
                     "the issuer URL base is unknown: start `irsa serve` once (it records it in "
                     "DATA/endpoints.json) or pass --issuer-url-base to serve");
               }
               IRSA_TRY(oidc::ClusterRecord c,
                        a.clusters().Create(args.offline.account_id, args.name, args.algorithm));
               PrintCluster(c);
               return OkStatus();
             });
  Subcommand(*cluster, "describe", "Show a cluster", true,
             [](server::Node& a, const ClusterArgs& args) -> Status {
               IRSA_TRY(oidc::ClusterRecord c,
                        a.clusters().Get(args.offline.account_id, args.name));
               PrintCluster(c);
               IRSA_TRY(auto keys, a.clusters().ListKeys(args.offline.account_id, args.name));
               for (const auto& k : keys) {
                 std::printf("key:     %s %s %s%s\n", k.kid.c_str(), k.algorithm.c_str(),
                             k.retired ? "retired " : "active",
                             k.retired ? FormatIso8601(*k.retired).c_str() : "");
               }
               return OkStatus();
             });
  Subcommand(*cluster, "list", "List clusters", false,
             [](server::Node& a, const ClusterArgs& args) -> Status {
               IRSA_TRY(auto list, a.clusters().List(args.offline.account_id));
               for (const auto& c : list) std::printf("%s\t%s\n", c.name.c_str(), c.issuer.c_str());
               return OkStatus();
             });
  Subcommand(*cluster, "delete", "Delete a cluster and its keys", true,
             [](server::Node& a, const ClusterArgs& args) -> Status {
               return a.clusters().Delete(args.offline.account_id, args.name);
             });
  Subcommand(*cluster, "rotate-keys", "Make a new signing key active; keep the old published", true,
             [](server::Node& a, const ClusterArgs& args) -> Status {
               IRSA_TRY(std::string kid,
                        a.clusters().RotateKeys(args.offline.account_id, args.name));
               std::printf("active key: %s\n", kid.c_str());
               return OkStatus();
             });
}

void AddTokenCommand(CLI::App& app) {
  struct TokenArgs {
    OfflineOptions offline;
    std::string cluster, ns = "default", service_account, pod_name, pod_uid, sa_uid;
    std::vector<std::string> audiences;
    int64_t duration = 3600;
    int count = 1;
  };
  auto args = std::make_shared<TokenArgs>();
  CLI::App* cmd = app.add_subcommand(
      "token", "Mint a service-account token as the cluster's kube-apiserver would");
  AddOfflineOptions(*cmd, args->offline);
  cmd->add_option("--cluster", args->cluster, "Cluster name")->required();
  cmd->add_option("--namespace,-n", args->ns, "Namespace")->capture_default_str();
  cmd->add_option("--service-account", args->service_account, "Service account name")->required();
  cmd->add_option("--audience", args->audiences,
                  "Audience (repeatable; default sts.amazonaws.com)");
  cmd->add_option("--duration", args->duration, "Lifetime in seconds (600-86400)")
      ->check(CLI::Range(600, 86400))
      ->capture_default_str();
  cmd->add_option("--service-account-uid", args->sa_uid, "Service account uid (default: random)");
  cmd->add_option("--pod-name", args->pod_name, "Bind to a pod name (with --pod-uid)");
  cmd->add_option("--pod-uid", args->pod_uid, "Bind to a pod uid");
  cmd->add_option("--count", args->count,
                  "Mint this many distinct tokens (each its own jti and, unless "
                  "--service-account-uid is given, its own uid), one per line")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->callback([args] {
    Result<std::unique_ptr<server::Node>> app = OpenOffline(args->offline);
    if (!app.ok()) throw CLI::RuntimeError(ReportError("token", app.error()));
    for (int i = 0; i < args->count; ++i) {
      jwt::ServiceAccountTokenSpec spec;
      spec.namespace_name = args->ns;
      spec.service_account_name = args->service_account;
      spec.service_account_uid =
          args->sa_uid.empty() ? NewUuid(SystemRandom::Instance()) : args->sa_uid;
      spec.audiences =
          args->audiences.empty() ? std::vector<std::string>{"sts.amazonaws.com"} : args->audiences;
      spec.issued_at = SystemClock::Instance().NowUnixSeconds();
      spec.lifetime_seconds = args->duration;
      if (!args->pod_name.empty() || !args->pod_uid.empty()) {
        spec.pod_name = args->pod_name;
        spec.pod_uid = args->pod_uid;
      }
      Result<std::string> token = (*app)->clusters().MintServiceAccountToken(
          args->offline.account_id, args->cluster, std::move(spec));
      if (!token.ok()) throw CLI::RuntimeError(ReportError("token", token.error()));
      std::printf("%s\n", token->c_str());
    }
  });
}

}  // namespace irsa::cli
