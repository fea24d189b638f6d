#include "cli/webhook_cmd.h"

#include <memory>
#include <string>

#include "cli/webhook_endpoints.h"
#include "server/webhook_server.h"

namespace irsa::cli {

void AddWebhookFlags(CLI::App& command, WebhookFlags& flags, const std::string& prefix) {
  const bool standalone = prefix.empty();
  const std::string p = "--" + prefix;
  kube::WebhookOptions& o = flags.options;
  command
      .add_option(p + "annotation-prefix", o.annotation_prefix,
                  "Prefix of the ServiceAccount and pod annotations")
      ->capture_default_str();
  command
      .add_option(p + "token-audience", o.token_audience,
                  "Default audience of the projected token (SA annotation <prefix>/audience wins)")
      ->capture_default_str();
  command
      .add_option(p + "token-mount-path", o.token_mount_path,
                  "Where the projected token is mounted (file name: token)")
      ->capture_default_str();
  command
      .add_option(p + "token-expiration", o.token_expiration,
                  "Default expirationSeconds of the projected token (< 600 acts as 600)")
      ->capture_default_str();
  command.add_option(p + "region" + (standalone ? ",--aws-default-region" : ""),
                     o.aws_default_region,
                     "Inject AWS_DEFAULT_REGION and AWS_REGION with this region (default: none)");
  command.add_flag(p + "sts-regional-endpoints" + (standalone ? ",--sts-regional-endpoint" : ""),
                   o.sts_regional_endpoint, "Inject AWS_STS_REGIONAL_ENDPOINTS=regional");
  if (!standalone) {
    command.add_flag(p + "inject-sts-endpoint", flags.inject_sts_endpoint,
                     "Inject AWS_ENDPOINT_URL_STS = irsa's HTTPS endpoint even with "
                     "--webhook-no-inject-endpoints (or --webhook-sts-endpoint-url)");
  }
  command.add_option(p + "sts-endpoint-url", o.sts_endpoint_url,
                     standalone ? "Inject AWS_ENDPOINT_URL_STS with this URL (irsa's endpoint)"
                                : "The URL --webhook-inject-sts-endpoint injects");
  AddWebhookEndpointFlags(command, flags, prefix);  // cli/webhook_endpoints.h
  command.add_flag(p + "inject-role-session-name", o.inject_role_session_name,
                   "Inject AWS_ROLE_SESSION_NAME = the pod name (downward API)");
  command.add_option(p + "ca-bundle-config-map", o.ca_bundle_config_map,
                     "Mount this ConfigMap (in the pod's namespace) and inject AWS_CA_BUNDLE");
  command.add_option(p + "ca-bundle-key", o.ca_bundle_key, "Key of the CA bundle ConfigMap")
      ->capture_default_str();
  command
      .add_option(p + "ca-bundle-mount-path", o.ca_bundle_mount_path,
                  "Where the CA bundle ConfigMap is mounted")
      ->capture_default_str();
}

void AddWebhookCommand(CLI::App& app) {
  auto options = std::make_shared<server::StandaloneWebhookOptions>();
  CLI::App* cmd = app.add_subcommand(
      "webhook",
      "Serve the pod-identity mutating admission webhook for a real kube-apiserver "
      "(POST /mutate)");
  cmd->add_option("--listen-tls", options->listen_tls, "HTTPS listener HOST:PORT")
      ->capture_default_str();
  cmd->add_option("--tls-cert", options->tls_cert, "PEM certificate chain")->required();
  cmd->add_option("--tls-key", options->tls_key, "PEM private key")->required();
  cmd->add_option("--kubeconfig", options->kubeconfig,
                  "Read ServiceAccounts with this kubeconfig's current context (token auth)");
  cmd->add_option("--context", options->context, "Kubeconfig context (default: current)");
  cmd->add_flag("--in-cluster", options->in_cluster,
                "Read ServiceAccounts with the pod's own service account");
  cmd->add_option("--threads", options->threads, "IO threads (default: cores)");
  cmd->add_option("--log-level", options->log_level, "debug, info, warn or error")
      ->capture_default_str();
  AddWebhookFlags(*cmd, options->webhook, "");
  cmd->callback([options] {
    int code = server::RunStandaloneWebhook(*options);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace irsa::cli
