#include "cli/serve_cmd.h"

#include <memory>

#include "cli/webhook_cmd.h"
#include "server/serve.h"

namespace irsa::cli {

void AddServeCommand(CLI::App& app) {
  auto options = std::make_shared<server::ServeOptions>();
  CLI::App* serve = app.add_subcommand("serve", "Serve IAM, STS, OIDC and Kubernetes endpoints");
  serve->add_option("--listen", options->listen, "Plain HTTP listener HOST:PORT (port 0: any)")
      ->envname("IRSA_LISTEN")
      ->capture_default_str();
  serve->add_option("--listen-tls", options->listen_tls, "HTTPS listener HOST:PORT, or none")
      ->envname("IRSA_LISTEN_TLS")
      ->capture_default_str();
  serve->add_option("--tls-cert", options->tls_cert, "PEM certificate chain (default: generated)")
      ->envname("IRSA_TLS_CERT");
  serve->add_option("--tls-key", options->tls_key, "PEM private key (default: generated)")
      ->envname("IRSA_TLS_KEY");
  serve
      ->add_option("--tls-san", options->tls_sans,
                   "Extra DNS name or IP of the generated server certificate, repeatable (e.g. "
                   "the Service name irsa.irsa-system.svc)")
      ->envname("IRSA_TLS_SANS")
      ->delimiter(',');
  serve->add_option("--data-dir", options->node.data_dir, "State directory")
      ->envname("IRSA_DATA_DIR")
      ->capture_default_str();
  serve
      ->add_option("--store", options->node.store_url,
                   "sqlite:PATH or postgres://… (default: sqlite:DATA/irsa.db)")
      ->envname("IRSA_STORE");
  serve
      ->add_option("--store-pool-size", options->node.store_pool_size,
                   "PostgreSQL connections of this node (each request holds one while it reads "
                   "or writes)")
      ->envname("IRSA_STORE_POOL_SIZE")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  serve
      ->add_option("--quota", options->node.quotas,
                   "IAM quota override NAME=N, repeatable (e.g. RolesPerAccount=5000; names as in "
                   "LimitExceeded messages, see README)")
      ->envname("IRSA_QUOTAS")
      ->delimiter(',');
  serve->add_option("--master-key", options->node.master_key_b64, "Master key, base64 (32 bytes)")
      ->envname("IRSA_MASTER_KEY");
  serve
      ->add_option("--master-key-file", options->node.master_key_file,
                   "Master key file (default: DATA/master.key, created 0600)")
      ->envname("IRSA_MASTER_KEY_FILE");
  serve->add_option("--account-id", options->node.account_id, "Default account id (12 digits)")
      ->envname("IRSA_ACCOUNT_ID")
      ->capture_default_str();
  serve
      ->add_option("--admin-access-key-id", options->node.admin_access_key_id,
                   "Root access key id of the default account (default: generated once)")
      ->envname("IRSA_ADMIN_ACCESS_KEY_ID");
  serve
      ->add_option("--admin-secret-access-key", options->node.admin_secret_access_key,
                   "Root secret access key of the default account")
      ->envname("IRSA_ADMIN_SECRET_ACCESS_KEY");
  serve
      ->add_option("--issuer-url-base", options->node.issuer_base,
                   "Base of hosted OIDC issuer URLs (default: the HTTPS listener)")
      ->envname("IRSA_ISSUER_URL_BASE");
  serve->add_option("--region", options->node.region, "Region in EKS cluster ARNs")
      ->envname("IRSA_REGION")
      ->capture_default_str();
  serve
      ->add_option("--key-rotation-seconds", options->node.key_rotation_seconds,
                   "Rotate cluster signing keys older than this (0: only on command)")
      ->envname("IRSA_KEY_ROTATION_SECONDS");
  serve
      ->add_option("--key-last-used-flush-seconds", options->node.key_last_used_flush_seconds,
                   "Write access keys' last use (GetAccessKeyLastUsed) to the store this often")
      ->envname("IRSA_KEY_LAST_USED_FLUSH_SECONDS")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  serve
      ->add_option("--oidc-ca-bundle", options->node.oidc_ca_bundle,
                   "Extra CA certificates (PEM) trusted for remote OIDC issuers")
      ->envname("IRSA_OIDC_CA_BUNDLE");
  serve
      ->add_option("--explain-denials", options->node.explain_denials,
                   "What an AccessDenied tells the caller: full (the exact statement and "
                   "condition), encoded (AWS's encoded authorization message, opened by "
                   "sts:DecodeAuthorizationMessage) or none")
      ->envname("IRSA_EXPLAIN_DENIALS")
      ->check(CLI::IsMember({"full", "encoded", "none"}))
      ->capture_default_str();
  serve
      ->add_flag("--kube-api-allow-http", options->node.kube_api_allow_http,
                 "Accept Kubernetes API bearer tokens on plain HTTP requests (default: TLS only)")
      ->envname("IRSA_KUBE_API_ALLOW_HTTP");
  serve
      ->add_option(
          "--kube-api-url", options->node.kube_api_url,
          "URL clients reach the HTTPS listener at when irsa sits behind a proxy: "
          "DescribeCluster's endpoint is <url>/k8s/<cluster> (default: the HTTPS listener)")
      ->envname("IRSA_KUBE_API_URL");
  serve
      ->add_option("--kube-api-ca-file", options->node.kube_api_ca_file,
                   "PEM file of the CA clients of --kube-api-url trust (DescribeCluster's "
                   "certificateAuthority; default: the local CA irsa generated)")
      ->envname("IRSA_KUBE_API_CA_FILE");
  serve->add_option("--threads", options->threads, "IO threads (default: cores)")
      ->envname("IRSA_THREADS");
  serve
      ->add_option("--worker-threads", options->worker_threads,
                   "Threads that run requests off the IO threads, so that a store call never "
                   "stalls other connections (0: run requests on the IO threads; default: 16 "
                   "with PostgreSQL, 0 with SQLite)")
      ->envname("IRSA_WORKER_THREADS")
      ->check(CLI::Range(0, 1024));
  serve
      ->add_option("--worker-queue", options->worker_queue,
                   "Requests that may wait for a worker; beyond that 503 ServiceUnavailable")
      ->envname("IRSA_WORKER_QUEUE")
      ->check(CLI::Range(size_t{1}, size_t{1000000}))
      ->capture_default_str();
  serve
      ->add_option("--max-body-bytes", options->max_body_bytes,
                   "Request body limit of every endpoint but S3")
      ->envname("IRSA_MAX_BODY_BYTES")
      ->capture_default_str();
  serve
      ->add_option("--max-connections", options->max_connections,
                   "Open connections at most; at the limit the longest-idle connection of "
                   "another client is closed to make room")
      ->envname("IRSA_MAX_CONNECTIONS")
      ->check(CLI::Range(size_t{1}, size_t{1000000}))
      ->capture_default_str();
  serve
      ->add_option("--max-connections-per-client", options->max_connections_per_client,
                   "Open connections per client IP address at most (0: no limit; behind a "
                   "proxy every client has the proxy's address)")
      ->envname("IRSA_MAX_CONNECTIONS_PER_CLIENT")
      ->capture_default_str();
  serve
      ->add_option("--idle-timeout-seconds", options->idle_timeout_seconds,
                   "Close a keep-alive connection idle this long")
      ->envname("IRSA_IDLE_TIMEOUT_SECONDS")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  serve
      ->add_option("--s3-dir", options->node.s3_dir,
                   "Directory of S3 object bytes (default: DATA/s3)")
      ->envname("IRSA_S3_DIR");
  serve
      ->add_option("--s3-max-body-bytes", options->node.s3_max_body_bytes,
                   "Object bytes per S3 upload body (PutObject, UploadPart; streamed, never held "
                   "in memory); larger uploads use multipart")
      ->envname("IRSA_S3_MAX_BODY_BYTES")
      ->capture_default_str();
  serve
      ->add_option("--s3-backend", options->node.s3_backend,
                   "Where S3 object bytes live: local (files under --s3-dir) or forward (an "
                   "S3-compatible store, --s3-forward-*)")
      ->envname("IRSA_S3_BACKEND")
      ->check(CLI::IsMember({"local", "forward"}))
      ->capture_default_str();
  serve
      ->add_option("--s3-forward-endpoint", options->node.s3_forward.endpoint,
                   "The S3-compatible store objects are forwarded to: http(s)://host[:port] "
                   "(path-style requests)")
      ->envname("IRSA_S3_FORWARD_ENDPOINT");
  serve
      ->add_option("--s3-forward-region", options->node.s3_forward.region,
                   "The region requests to the forward store are signed for")
      ->envname("IRSA_S3_FORWARD_REGION")
      ->capture_default_str();
  serve
      ->add_option("--s3-forward-ca-bundle", options->node.s3_forward.ca_bundle,
                   "PEM file of extra CAs trusted for an https forward store")
      ->envname("IRSA_S3_FORWARD_CA_BUNDLE");
  serve
      ->add_option("--s3-forward-bucket-prefix", options->node.s3_forward.bucket_prefix,
                   "Prepended to bucket names in the forward store")
      ->envname("IRSA_S3_FORWARD_BUCKET_PREFIX");
  serve
      ->add_option("--s3-forward-credentials-file", options->node.s3_forward.credentials_file,
                   "File with the forward store's aws_access_key_id and aws_secret_access_key "
                   "(AWS credentials file lines); default: the variables below")
      ->envname("IRSA_S3_FORWARD_CREDENTIALS_FILE");
  serve
      ->add_option("--s3-forward-access-key-id-env", options->node.s3_forward.access_key_id_env,
                   "Environment variable holding the forward store's access key id")
      ->capture_default_str();
  serve
      ->add_option("--s3-forward-secret-access-key-env",
                   options->node.s3_forward.secret_access_key_env,
                   "Environment variable holding the forward store's secret access key")
      ->capture_default_str();
  serve
      ->add_option("--s3-forward-session-token-env", options->node.s3_forward.session_token_env,
                   "Environment variable holding the forward store's session token, if any")
      ->capture_default_str();
  serve
      ->add_option("--s3-stream-threads", options->s3_stream_threads,
                   "Threads that stream S3 request and response bodies (one per transfer)")
      ->envname("IRSA_S3_STREAM_THREADS")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  serve
      ->add_option("--s3-stream-queue", options->s3_stream_queue,
                   "S3 transfers that may wait for a stream thread; beyond that 503 SlowDown")
      ->envname("IRSA_S3_STREAM_QUEUE")
      ->check(CLI::Range(size_t{1}, size_t{1000000}))
      ->capture_default_str();
  serve
      ->add_flag("--access-log,!--no-access-log", options->access_log,
                 "Per-request JSON access log on stderr (default: on)")
      ->envname("IRSA_ACCESS_LOG");
  serve->add_option("--log-level", options->log_level, "debug, info, warn or error")
      ->envname("IRSA_LOG_LEVEL")
      ->capture_default_str();
  serve
      ->add_flag("--enable-reset-endpoint", options->node.enable_reset,
                 "Enable POST /_irsa/reset (wipes all state; test suites only)")
      ->envname("IRSA_ENABLE_RESET_ENDPOINT");
  AddWebhookFlags(*serve, options->webhook, "webhook-");  // cli/webhook_cmd.h
  serve->callback([options] {
    int code = server::Serve(*options);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace irsa::cli
