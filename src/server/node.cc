#include "server/node.h"

#include <algorithm>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/log.h"
#include "base/strings.h"
#include "crypto/hash.h"
#include "http/fetcher.h"
#include "http/stream_client.h"
#include "iam/access_keys.h"
#include "iam/accounts.h"
#include "iam/aws_managed_policies.h"
#include "protocol/eks_rest.h"
#include "protocol/oidc_routes.h"
#include "protocol/s3_rest.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace irsa::server {
namespace {

// Seals the store's secret column with the master key.
class MasterKeySealer final : public store::SecretSealer {
 public:
  explicit MasterKeySealer(const crypto::MasterKey& key) : key_(key) {}
  std::string Seal(const std::string& plaintext) const override {
    Result<std::string> sealed = key_.Seal(plaintext, "irsa-store-secret");
    // The master key ring always has its key: sealing cannot fail.
    return sealed.ok() ? *sealed : std::string();
  }
  Result<std::string> Open(const std::string& sealed) const override {
    return key_.Open(sealed, "irsa-store-secret");
  }

 private:
  const crypto::MasterKey& key_;
};

// Seals encoded authorization messages with the master key: every node of the deployment opens
// them, nobody else.
class MasterKeyMessageSealer final : public authz::MessageSealer {
 public:
  explicit MasterKeyMessageSealer(const crypto::MasterKey& key) : key_(key) {}
  Result<std::string> Seal(std::string_view plaintext) const override {
    return key_.Seal(plaintext, "irsa-authorization-message");
  }
  Result<std::string> Open(std::string_view sealed) const override {
    return key_.Open(sealed, "irsa-authorization-message");
  }

 private:
  const crypto::MasterKey& key_;
};

Status MakePrivateDir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return errors::InvalidParameterValue("cannot create " + path + ": " + ec.message());
  ::chmod(path.c_str(), 0700);
  return OkStatus();
}

}  // namespace

Node::~Node() = default;

Result<std::unique_ptr<Node>> Node::Open(const NodeOptions& options) {
  std::unique_ptr<Node> app(new Node(options));
  NodeOptions& o = app->options_;
  IRSA_RETURN_IF_ERROR(MakePrivateDir(o.data_dir));

  if (!o.master_key_b64.empty()) {
    IRSA_TRY(crypto::MasterKey key, crypto::MasterKey::FromBase64(o.master_key_b64));
    app->master_key_.emplace(std::move(key));
  } else {
    std::string path = o.master_key_file.empty() ? o.data_dir + "/master.key" : o.master_key_file;
    IRSA_TRY(crypto::MasterKey key, crypto::MasterKey::LoadOrCreateFile(path));
    app->master_key_.emplace(std::move(key));
  }
  app->sealer_ = std::make_unique<MasterKeySealer>(*app->master_key_);

  std::string url = o.store_url.empty() ? "sqlite:" + o.data_dir + "/irsa.db" : o.store_url;
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    store::PostgresOptions pg;
    pg.conninfo = url;
    pg.pool_size = o.store_pool_size;
    pg.sealer = app->sealer_.get();
    IRSA_TRY(app->store_, store::OpenPostgresStore(pg));
  } else if (url.starts_with("sqlite:")) {
    store::SqliteOptions sqlite;
    sqlite.path = url.substr(7);
    sqlite.sealer = app->sealer_.get();
    IRSA_TRY(app->store_, store::OpenSqliteStore(sqlite));
  } else {
    return errors::InvalidParameterValue("--store must be sqlite:PATH or postgres://…, got " + url);
  }

  iam::Quotas quotas;
  for (const std::string& setting : o.quotas) {
    IRSA_RETURN_IF_ERROR(iam::ApplyQuotaSetting(quotas, setting));
  }
  app->access_recorder_ = std::make_unique<authz::AccessRecorder>();
  app->access_advisor_ = std::make_unique<iam::AccessAdvisor>(*app->access_recorder_);
  app->iam_ctx_.reset(new iam::ServiceContext{*app->store_, app->clock_, app->random_, quotas});
  app->iam_ctx_->access_advisor = app->access_advisor_.get();
  iam::AccessKeyUsage::Options usage_options;
  usage_options.flush_interval = std::chrono::seconds(std::max(1, o.key_last_used_flush_seconds));
  usage_options.background = true;
  app->key_usage_ = std::make_unique<iam::AccessKeyUsage>(*app->store_, app->clock_, usage_options);
  app->iam_ctx_->key_usage = app->key_usage_.get();
  IRSA_RETURN_IF_ERROR(app->Bootstrap());
  IRSA_TRY(auto ring, sts::LoadOrCreateSessionKeyRing(*app->store_, app->random_));
  app->sessions_ = std::make_unique<sts::SessionTokenCodec>(std::move(ring));

  app->key_resolver_ = std::make_unique<iam::AccessKeyResolver>(*app->iam_ctx_);
  app->policy_source_ = std::make_unique<iam::IamPolicySource>(*app->iam_ctx_);
  IRSA_TRY(authz::ExplainDenials explain, authz::ParseExplainDenials(o.explain_denials));
  app->message_sealer_ = std::make_unique<MasterKeyMessageSealer>(*app->master_key_);
  app->explainer_ = std::make_unique<authz::DenialExplainer>(explain, app->message_sealer_.get());
  IRSA_TRY(app->audit_,
           audit::FileAuditLog::Open(o.audit_log.empty() ? o.data_dir + "/audit.log" : o.audit_log,
                                     app->clock_));
  app->authorizer_ =
      std::make_unique<authz::Authorizer>(*app->policy_source_, app->clock_, app->explainer_.get(),
                                          app->audit_.get(), app->access_recorder_.get());
  app->authn_ = std::make_unique<protocol::Authenticator>(*app->key_resolver_, *app->sessions_,
                                                          app->clock_, app->key_usage_.get());
  oidc::ClusterOptions cluster_options;
  cluster_options.issuer_base = o.issuer_base;
  cluster_options.region = o.region;
  cluster_options.rotation_period_seconds = o.key_rotation_seconds;
  app->clusters_ = std::make_unique<oidc::ClusterRegistry>(*app->store_, app->clock_, app->random_,
                                                           cluster_options);
  http::FetcherOptions fetcher_options;
  fetcher_options.ca_bundle_file = o.oidc_ca_bundle;
  IRSA_TRY(app->fetcher_, http::Fetcher::Create(fetcher_options));
  app->remote_keys_ = std::make_unique<oidc::RemoteIssuerKeys>(*app->fetcher_, app->clock_);
  app->clusters_->SetRemoteIssuerKeys(app->remote_keys_.get());
  app->access_entries_ = std::make_unique<eks::AccessEntries>(
      *app->store_, app->clock_, app->random_, *app->clusters_, *app->iam_ctx_);
  app->eks_clusters_ =
      std::make_unique<eks::ClustersApi>(*app->clusters_, app->access_entries_.get());
  app->kube_tokens_ = std::make_unique<KubeTokenAuthenticator>(*app->authn_);
  app->hosted_clusters_ =
      std::make_unique<HostedClusters>(*app->clusters_, app->clock_, o.account_id,
                                       KubeAuthOptions{.allow_plain_http = o.kube_api_allow_http},
                                       app->access_entries_.get(), app->kube_tokens_.get());
  kube::KubeApiOptions kube_options;
  kube_options.audit = app->audit_.get();
  app->kube_ =
      std::make_unique<kube::KubeApi>(*app->store_, app->clock_, app->random_,
                                      *app->hosted_clusters_, *app->hosted_clusters_, kube_options);
  app->sts_ = std::make_unique<sts::StsService>(*app->iam_ctx_, *app->clusters_, *app->sessions_,
                                                *app->authorizer_, *app->audit_);
  app->outbound_issuers_ = std::make_unique<oidc::OutboundIssuers>(
      *app->store_, app->clock_, app->random_, app->clusters_->options().issuer_base);
  app->web_identity_tokens_ = std::make_unique<sts::WebIdentityTokens>(
      *app->iam_ctx_, *app->outbound_issuers_, *app->authorizer_, *app->audit_);
  protocol::QueryServices services;
  services.iam = app->iam_ctx_.get();
  services.authorizer = app->authorizer_.get();
  services.sts = app->sts_.get();
  services.outbound = app->outbound_issuers_.get();
  services.web_identity_tokens = app->web_identity_tokens_.get();
  protocol::RouterOptions router_options;
  router_options.max_body_bytes = o.max_body_bytes;
  if (o.enable_reset) {
    Node* self = app.get();
    router_options.reset = [self] { return self->Reset(); };
  }
  app->router_ =
      std::make_unique<protocol::Router>(*app->authn_, services, std::move(router_options));
  protocol::EksServices eks_services{app->eks_clusters_.get(), app->access_entries_.get(),
                                     o.region};
  protocol::Router::PrefixHandler eks =
      protocol::MakeEksHandler(*app->authn_, *app->authorizer_, eks_services);
  app->router_->AddPrefix("/clusters", eks);
  app->router_->AddPrefix("/access-policies", eks);
  app->router_->AddPrefix("/tags/", eks);
  if (o.serve_s3) IRSA_RETURN_IF_ERROR(app->OpenS3());
  app->router_->AddPrefix("/id/", protocol::MakeOidcIssuerHandler(*app->clusters_));
  app->router_->AddPrefix("/outbound/",
                          protocol::MakeOutboundIssuerHandler(*app->outbound_issuers_));
  kube::KubeApi* kube = app->kube_.get();
  app->router_->AddPrefix("/k8s/", [kube](HttpRequest& request) {
    // /k8s/<cluster>/<API path>: the Kubernetes API of a hosted cluster.
    std::string_view rest = std::string_view(request.path).substr(5);
    size_t slash = rest.find('/');
    std::string cluster(rest.substr(0, slash));
    request.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    return kube->Handle(cluster, request);
  });
  return app;
}

Status Node::OpenS3() {
  if (options_.s3_backend == "forward") {
    IRSA_TRY(protocol::S3ForwardOptions forward, ResolveS3Forward(options_.s3_forward));
    IRSA_TRY(auto client,
             http::StreamClient::Create({.ca_bundle_file = options_.s3_forward.ca_bundle}));
    s3_forward_client_ = std::move(client);
    IRSA_TRY(s3_backend_, protocol::S3ForwardBackend::Create(*store_, *s3_forward_client_, clock_,
                                                             std::move(forward)));
  } else if (options_.s3_backend == "local") {
    s3::LocalBackendOptions backend_options;
    backend_options.root = options_.s3_dir.empty() ? options_.data_dir + "/s3" : options_.s3_dir;
    IRSA_TRY(s3_backend_,
             s3::LocalBackend::Open(*store_, clock_, random_, std::move(backend_options)));
  } else {
    return errors::InvalidParameterValue("--s3-backend must be local or forward");
  }
  s3::S3ServiceConfig config;
  config.region = options_.region;
  // The same on every node of the deployment: continuation tokens work across nodes.
  config.listing_token_key = crypto::HmacSha256(master_key_->ToBase64(), "irsa-s3-listing-token");
  s3_ = std::make_unique<s3::S3Service>(*store_, *s3_backend_, clock_, std::move(config));
  router_->SetS3Handler(protocol::MakeS3Handler(
      *authn_, *authorizer_, *s3_,
      protocol::S3HandlerOptions{.max_body_bytes = options_.s3_max_body_bytes}));
  return OkStatus();
}

Status Node::Bootstrap() {
  const iam::ServiceContext& ctx = *iam_ctx_;
  IRSA_RETURN_IF_ERROR(iam::EnsureAccount(ctx, options_.account_id));
  IRSA_RETURN_IF_ERROR(iam::SeedAwsManagedPolicies(ctx));
  if (!options_.admin_access_key_id.empty()) {
    iam::AccessKeyRecord key;
    key.id = options_.admin_access_key_id;
    key.secret = options_.admin_secret_access_key;
    key.created = clock_.Now();
    return iam::ImportAccessKey(ctx, options_.account_id, key);
  }
  IRSA_TRY(auto keys, iam::ListAccessKeys(ctx, options_.account_id, ""));
  if (!keys.empty()) return OkStatus();
  IRSA_TRY(iam::AccessKeyRecord key, iam::CreateAccessKey(ctx, options_.account_id, ""));
  generated_admin_key_ = std::make_pair(key.id, key.secret);
  return OkStatus();
}

std::optional<std::pair<std::string, std::string>> Node::admin_credentials() const {
  if (!options_.admin_access_key_id.empty()) {
    return std::make_pair(options_.admin_access_key_id, options_.admin_secret_access_key);
  }
  return generated_admin_key_;
}

Status Node::ConfigureEndpoints(const std::vector<BoundListener>& listeners,
                                const std::string& ca_bundle) {
  std::vector<std::string> sts_hosts;
  std::string https_url;
  for (const BoundListener& l : listeners) {
    const std::string port = std::to_string(l.port);
    const bool wildcard = l.host == "0.0.0.0" || l.host == "::" || l.host.empty();
    const bool loopback = l.host == "127.0.0.1" || l.host == "::1" || l.host == "localhost";
    if (wildcard) {
      sts_hosts.push_back(":" + port);
    } else if (loopback) {
      for (const char* alias : {"127.0.0.1", "localhost", "[::1]"}) {
        sts_hosts.push_back(std::string(alias) + ":" + port);
      }
    } else {
      sts_hosts.push_back(
          AsciiLower(l.host.find(':') != std::string::npos ? "[" + l.host + "]" : l.host) + ":" +
          port);
    }
    if (l.tls && https_url.empty()) {
      const std::string host = wildcard || loopback                    ? "localhost"
                               : l.host.find(':') != std::string::npos ? "[" + l.host + "]"
                                                                       : l.host;
      https_url = "https://" + host + ":" + port;
    }
  }
  eks::KubeEndpoint endpoint;
  endpoint.base_url = options_.kube_api_url.empty() ? https_url : options_.kube_api_url;
  while (endpoint.base_url.ends_with("/")) endpoint.base_url.pop_back();
  const std::string ca_file =
      options_.kube_api_ca_file.empty() ? ca_bundle : options_.kube_api_ca_file;
  if (!ca_file.empty()) {
    std::ifstream in(ca_file);
    std::stringstream pem;
    pem << in.rdbuf();
    if (!in || pem.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return errors::InvalidParameterValue("cannot read a PEM certificate from " + ca_file);
    }
    endpoint.ca_pem = pem.str();
  }
  // A proxy's or an issuer's public name may also be where clients send STS requests.
  for (const std::string& url : {options_.kube_api_url, options_.issuer_base}) {
    size_t scheme = url.find("://");
    if (scheme == std::string::npos) continue;
    std::string host = AsciiLower(url.substr(scheme + 3, url.find('/', scheme + 3) - scheme - 3));
    if (host.empty()) continue;
    const size_t colon = host.rfind(':');
    const size_t bracket = host.rfind(']');
    const bool has_port =
        colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
    if (has_port) {
      sts_hosts.push_back(host);
    } else {
      sts_hosts.push_back(host);  // the URL's default port: the Host header omits it
      sts_hosts.push_back(host + (url.starts_with("https") ? ":443" : ":80"));
    }
  }
  eks_clusters_->SetKubeEndpoint(std::move(endpoint));
  kube_tokens_->SetOwnHosts(std::move(sts_hosts));
  return OkStatus();
}

void Node::set_issuer_base(std::string base) {
  options_.issuer_base = base;
  clusters_->SetIssuerBase(std::move(base));
}

Status Node::Reset() {
  key_usage_->Forget();
  IRSA_RETURN_IF_ERROR(store_->Reset());
  access_recorder_->Clear();
  access_advisor_->Clear();
  IRSA_RETURN_IF_ERROR(Bootstrap());
  IRSA_TRY(auto ring, sts::LoadOrCreateSessionKeyRing(*store_, random_));
  sessions_->SetRing(std::move(ring));
  return OkStatus();
}

}  // namespace irsa::server
