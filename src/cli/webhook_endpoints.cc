#include "cli/webhook_endpoints.h"

namespace irsa::cli {

const char kEndpointSdkSupport[] =
    "Endpoints: AWS_ENDPOINT_URL_STS/_IAM/_S3 (service-specific endpoints) are honoured by\n"
    "botocore >= 1.31 (boto3 >= 1.28), AWS CLI v1 >= 1.29 and v2 >= 2.13, the JavaScript SDK v3\n"
    "(releases since October 2023) and the Go SDK v2 (since late 2023). They are ignored by the\n"
    "Go SDK v1, the JavaScript SDK v2 and older CLIs (Debian bookworm's AWS CLI v2 2.9): pods\n"
    "using those need transparent mode (--transparent-address, docs/webhook.md), in which\n"
    "hostAliases send sts.amazonaws.com & co. to irsa and the CA bundle is injected for every\n"
    "runtime (AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, REQUESTS_CA_BUNDLE).";

void AddWebhookEndpointFlags(CLI::App& command, server::WebhookSettings& flags,
                             const std::string& prefix) {
  kube::WebhookOptions& options = flags.options;
  const std::string p = "--" + prefix;
  const bool standalone = prefix.empty();
  command.add_flag(p + "inject-endpoints,!" + p + "no-inject-endpoints", flags.inject_endpoints,
                   standalone ? "Inject AWS_ENDPOINT_URL_STS/_IAM/_S3 = --irsa-url (default: on)"
                              : "Inject AWS_ENDPOINT_URL_STS/_IAM/_S3 = irsa's HTTPS endpoint "
                                "(--issuer-url-base, else the HTTPS listener; default: on)");
  if (standalone) {
    command.add_option("--irsa-url", flags.irsa_url,
                       "irsa's URL as pods reach it (e.g. https://irsa.irsa-system.svc), "
                       "injected as AWS_ENDPOINT_URL_*");
  }
  command.add_option(p + "iam-endpoint-url", options.iam_endpoint_url,
                     "AWS_ENDPOINT_URL_IAM (default: irsa's URL)");
  command.add_option(p + "s3-endpoint-url", options.s3_endpoint_url,
                     "AWS_ENDPOINT_URL_S3 (default: irsa's URL)");
  command.add_option(p + "transparent-address", options.transparent_address,
                     "IP of irsa's HTTPS service (port 443) for transparent mode's hostAliases");
  command.add_flag(p + "transparent", options.transparent_default,
                   "Transparent mode for every pod (else ServiceAccounts annotated "
                   "irsa.dev/transparent-endpoints=true)");
  command
      .add_option(p + "transparent-region", options.transparent_regions,
                  "Regions whose sts/eks/s3 host names transparent mode maps (repeatable)")
      ->capture_default_str();
  command.footer(kEndpointSdkSupport);
}

}  // namespace irsa::cli
