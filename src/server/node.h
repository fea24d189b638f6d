// The assembled irsa node: storage, keys, services, authentication, authorization, routing.
// `irsa serve` (server/serve.h) builds one and puts an HTTP server in front of it; offline
// subcommands use the same assembly against a data directory.
//
// Ownership: Node owns everything it creates; members are destroyed in reverse order.
// Thread-safety: after Open() and set_issuer_base(), the services are safe for concurrent use by
// the server's IO threads; the node must be fully configured before it serves.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "authz/authorizer.h"
#include "base/clock.h"
#include "base/http_fetcher.h"
#include "base/random.h"
#include "crypto/key_ring.h"
#include "eks/access_entries.h"
#include "eks/clusters_api.h"
#include "iam/access_advisor.h"
#include "iam/credentials.h"
#include "iam/policy_source.h"
#include "iam/service_context.h"
#include "kube/api.h"
#include "oidc/clusters.h"
#include "oidc/outbound_issuers.h"
#include "oidc/remote_issuer_keys.h"
#include "protocol/authn.h"
#include "protocol/router.h"
#include "s3/local_backend.h"
#include "s3/service.h"
#include "server/kube_clusters.h"
#include "server/kube_token_auth.h"
#include "server/s3_forward_setup.h"
#include "store/store.h"
#include "sts/session_token.h"
#include "sts/sts_service.h"
#include "sts/web_identity_token.h"

namespace irsa::server {

// The file in the data directory where `irsa serve --store URL` records its store URL (mode
// 0600), so that offline commands on the same data directory find the same store.
inline constexpr std::string_view kStoreUrlFile = "store_url";

struct NodeOptions {
  std::string data_dir = ".data";
  std::string store_url;            // "" = sqlite:<data_dir>/irsa.db
  int store_pool_size = 4;          // PostgreSQL connections per node
  std::vector<std::string> quotas;  // "Name=Value" IAM quota overrides (iam::ApplyQuotaSetting)
  std::string master_key_b64;       // "" = <master_key_file>
  std::string master_key_file;      // "" = <data_dir>/master.key
  std::string account_id = "111122223333";
  std::string admin_access_key_id;  // "" = generate once
  std::string admin_secret_access_key;
  bool enable_reset = false;
  std::string issuer_base;  // "" = set later with set_issuer_base (from the HTTPS listener)
  std::string region = "us-east-1";
  int64_t key_rotation_seconds = 0;      // 0 = rotate cluster signing keys only on command
  std::string audit_log;                 // "" = <data_dir>/audit.log
  std::string oidc_ca_bundle;            // extra trust anchors for remote OIDC issuers
  std::string explain_denials = "full";  // authz::ParseExplainDenials: full | encoded | none
  bool kube_api_allow_http = false;      // accept Kubernetes bearer tokens over plain HTTP
  // The URL clients reach irsa's HTTPS listener at when it sits behind a proxy (DescribeCluster's
  // endpoint is <url>/k8s/<cluster>); "" = the bound HTTPS listener.
  std::string kube_api_url;
  // PEM file of the CA those clients trust (DescribeCluster's certificateAuthority); "" = the
  // local CA irsa generated (DATA/tls/ca.pem), when it did.
  std::string kube_api_ca_file;
  // Serve S3 (irsa serve): opens the local object backend, which one process holds at a time;
  // offline commands on the same data directory leave it closed.
  bool serve_s3 = false;
  std::string s3_dir;                          // "" = <data_dir>/s3: the local object backend
  size_t s3_max_body_bytes = size_t{5} << 30;  // object bytes per S3 upload body (streamed)
  // Where object bytes live: "local" (files under s3_dir) or "forward" (an S3-compatible store,
  // s3_forward; server/s3_forward_setup.h).
  std::string s3_backend = "local";
  S3ForwardSettings s3_forward;
  size_t max_body_bytes = 0;  // body limit of the other routes; 0: the server's
  // How often this node writes access keys' last use to the store (iam/access_key_usage.h).
  int key_last_used_flush_seconds = 60;
};

// The listeners `irsa serve` bound, as the node needs them to describe itself.
struct BoundListener {
  std::string host;  // as bound: "127.0.0.1", "0.0.0.0", "::", a name
  uint16_t port = 0;
  bool tls = false;
};

class Node {
 public:
  // Opens storage and bootstraps the default account, its root access key, the AWS-managed
  // policies and the session key ring. Errors name what failed.
  static Result<std::unique_ptr<Node>> Open(const NodeOptions& options);
  ~Node();

  protocol::Router& router() { return *router_; }
  store::Store& store() { return *store_; }
  const iam::ServiceContext& iam() const { return *iam_ctx_; }
  const NodeOptions& options() const { return options_; }
  oidc::ClusterRegistry& clusters() { return *clusters_; }
  oidc::OutboundIssuers& outbound_issuers() { return *outbound_issuers_; }
  // Sets the base URL of hosted issuers (https://host:port) once the listener is bound. Call
  // before serving requests; not thread-safe.
  void set_issuer_base(std::string base);
  // Once the listeners are bound: the Kubernetes API endpoint and CA that DescribeCluster shows
  // (NodeOptions::kube_api_url and kube_api_ca_file, else the HTTPS listener and `ca_bundle`, the
  // PEM file of the local CA; "" = none), and the hosts under which this node answers STS (the
  // hosts EKS tokens may be presigned for). Call before serving requests; not thread-safe.
  Status ConfigureEndpoints(const std::vector<BoundListener>& listeners,
                            const std::string& ca_bundle);
  // The root access key generated on this start, if one was (its secret is shown once).
  const std::optional<std::pair<std::string, std::string>>& generated_admin_key() const {
    return generated_admin_key_;
  }
  // The bootstrap credentials known to this process (flags or generated now), if any.
  std::optional<std::pair<std::string, std::string>> admin_credentials() const;

 private:
  explicit Node(NodeOptions options) : options_(std::move(options)) {}
  Status Bootstrap();
  Status OpenS3();
  Status Reset();

  NodeOptions options_;
  const Clock& clock_ = SystemClock::Instance();
  Random& random_ = SystemRandom::Instance();
  std::optional<crypto::MasterKey> master_key_;
  std::unique_ptr<store::SecretSealer> sealer_;
  std::unique_ptr<store::Store> store_;
  // The node's record of authorized calls and the service-last-accessed reports made from it
  // (before iam_ctx_ and authorizer_, which point to them).
  std::unique_ptr<authz::AccessRecorder> access_recorder_;
  std::unique_ptr<iam::AccessAdvisor> access_advisor_;
  std::unique_ptr<iam::ServiceContext> iam_ctx_;
  // Destroyed (and flushed) before the store, after everything that records into it.
  std::unique_ptr<iam::AccessKeyUsage> key_usage_;
  std::unique_ptr<iam::AccessKeyResolver> key_resolver_;
  std::unique_ptr<iam::IamPolicySource> policy_source_;
  std::unique_ptr<authz::MessageSealer> message_sealer_;
  std::unique_ptr<authz::DenialExplainer> explainer_;
  std::unique_ptr<authz::Authorizer> authorizer_;
  std::unique_ptr<sts::SessionTokenCodec> sessions_;
  std::unique_ptr<protocol::Authenticator> authn_;
  std::unique_ptr<HttpFetcher> fetcher_;
  std::unique_ptr<oidc::RemoteIssuerKeys> remote_keys_;
  std::unique_ptr<oidc::ClusterRegistry> clusters_;
  std::unique_ptr<eks::AccessEntries> access_entries_;
  std::unique_ptr<eks::ClustersApi> eks_clusters_;
  std::unique_ptr<KubeTokenAuthenticator> kube_tokens_;
  std::unique_ptr<HostedClusters> hosted_clusters_;
  std::unique_ptr<kube::KubeApi> kube_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<sts::StsService> sts_;
  std::unique_ptr<HttpStreamClient> s3_forward_client_;
  std::unique_ptr<s3::ObjectBackend> s3_backend_;
  std::unique_ptr<oidc::OutboundIssuers> outbound_issuers_;
  std::unique_ptr<sts::WebIdentityTokens> web_identity_tokens_;
  std::unique_ptr<s3::S3Service> s3_;
  std::unique_ptr<protocol::Router> router_;
  std::optional<std::pair<std::string, std::string>> generated_admin_key_;
};

}  // namespace irsa::server
