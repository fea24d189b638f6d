// `irsa webhook`: the pod-identity mutating admission webhook as a standalone HTTPS server for a
// real kube-apiserver (POST /mutate, GET /healthz), reading ServiceAccounts from that API server
// with the credentials of a kubeconfig or of the pod it runs in (webhook_handler.h).
#pragma once

#include <string>

#include "server/webhook_handler.h"

namespace irsa::server {

struct StandaloneWebhookOptions {
  WebhookSettings webhook;
  std::string listen_tls = "0.0.0.0:8443";
  std::string tls_cert;
  std::string tls_key;
  std::string kubeconfig;
  std::string context;
  bool in_cluster = false;
  int threads = 0;
  std::string log_level = "info";
};

// Serves until SIGINT/SIGTERM. Returns the process exit code (2: usage, 1: failure).
int RunStandaloneWebhook(const StandaloneWebhookOptions& options);

}  // namespace irsa::server
