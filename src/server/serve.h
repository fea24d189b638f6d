// `irsa serve`: binds the listeners, configures the node (issuer base, webhook options) before it
// answers anything, writes the client configuration (DATA/aws/config, DATA/aws/credentials) and
// DATA/endpoints.json, runs the background jobs (key rotation) and serves until SIGINT/SIGTERM.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "server/node.h"
#include "server/webhook_handler.h"

namespace irsa::server {

struct ServeOptions {
  NodeOptions node;
  std::string listen = "127.0.0.1:8080";
  std::string listen_tls = "127.0.0.1:8443";
  std::string tls_cert;
  std::string tls_key;
  std::vector<std::string> tls_sans;  // extra names of the generated server certificate
  int threads = 0;                    // IO threads; 0 = one per core
  // Request workers (server/request_dispatch.h): threads that run routed requests off the IO
  // threads, and how many requests may wait for one. 0 threads: inline on the IO threads;
  // kAutoWorkerThreads: 16 on PostgreSQL (a store call is a network round trip), 0 on SQLite
  // (in-process; the thread hop would cost more than it saves, docs/performance.md).
  static constexpr int kAutoWorkerThreads = -1;
  int worker_threads = kAutoWorkerThreads;
  size_t worker_queue = 4096;
  // Threads that stream S3 bodies (uploads read from the connection, downloads written to it;
  // each holds a thread for its transfer) and how many may wait for one (beyond: 503 SlowDown).
  int s3_stream_threads = 16;
  size_t s3_stream_queue = 64;
  std::string log_level = "info";
  size_t max_body_bytes = 1 << 20;
  // Connection limits (http::ServerOptions, "Connection limits").
  size_t max_connections = 10000;
  size_t max_connections_per_client = 1000;  // 0 = no per-client limit
  int idle_timeout_seconds = 60;
  bool access_log = true;
  WebhookSettings webhook;  // --webhook-*
};

// Returns the process exit code (2: usage, 1: failure).
int Serve(const ServeOptions& options);

}  // namespace irsa::server
