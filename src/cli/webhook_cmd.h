// The command-line side of the pod-identity webhook: the --webhook-* flags of `irsa serve` and
// the `irsa webhook` command (server/webhook_server.h serves it; server/webhook_handler.h answers
// the reviews).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "server/webhook_handler.h"

namespace irsa::cli {

// Webhook flags shared by `irsa serve` (names prefixed "webhook-") and `irsa webhook`.
using WebhookFlags = server::WebhookSettings;

// Adds the webhook flags to `command`; `prefix` is prepended to every long name ("webhook-" for
// serve, "" for the standalone command, which also accepts the upstream flag names).
void AddWebhookFlags(CLI::App& command, WebhookFlags& flags, const std::string& prefix);

// Registers `irsa webhook`.
void AddWebhookCommand(CLI::App& app);

}  // namespace irsa::cli
