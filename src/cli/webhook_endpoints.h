// Webhook flags for irsa's endpoints and transparent mode (kube/webhook_extras.h), shared by
// `irsa serve` (--webhook-…) and `irsa webhook`:
//
//   --[webhook-]inject-endpoints / --[webhook-]no-inject-endpoints (default: inject)
//       AWS_ENDPOINT_URL_STS, _IAM and _S3 = irsa's URL whenever it is known: `irsa serve` knows
//       it (--issuer-url-base, else its HTTPS listener); `irsa webhook` is told with --irsa-url.
//       --[webhook-]sts-endpoint-url still overrides the STS one.
//   --[webhook-]transparent-address IP, --[webhook-]transparent,
//   --[webhook-]transparent-region R (repeatable)
//       hostAliases for the AWS host names → IP (irsa's Service address, HTTPS on port 443), for
//       every pod with --transparent, else for ServiceAccounts annotated
//       irsa.dev/transparent-endpoints=true.
//
// The help footer says which SDKs honour AWS_ENDPOINT_URL_* (and which need transparent mode).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "server/webhook_handler.h"

namespace irsa::cli {

// Registers the flags above on `command` (`prefix` as in AddWebhookFlags) and its help footer.
void AddWebhookEndpointFlags(CLI::App& command, server::WebhookSettings& flags,
                             const std::string& prefix);

// The help footer (also in docs/webhook.md).
extern const char kEndpointSdkSupport[];

}  // namespace irsa::cli
