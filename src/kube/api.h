// The Kubernetes API subset irsa serves for the clusters it hosts: what service-account
// management with an unmodified kubectl needs (docs/kubernetes-api.md).
//
// Served, relative to the cluster's API root (the HTTP layer mounts it at
// KubeApiOptions::mount_prefix + "<cluster>" and strips that prefix before calling Handle):
//   GET  /version, /api, /api/v1, /apis, /openapi/v3, /openapi/v3/api, /openapi/v3/api/v1
//   /api/v1/namespaces[/<name>]                          get list create update patch delete
//   /api/v1/serviceaccounts                              list (all namespaces)
//   /api/v1/namespaces/<ns>/serviceaccounts[/<name>]     get list create update patch delete
//                                                        deletecollection
//   POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token     TokenRequest
//   GET  /api/v1/[namespaces/<ns>/]events, .../secrets   always empty lists (for describe)
//   GET  /apis/authentication.k8s.io[/v1], /apis/authorization.k8s.io[/v1]     discovery
//   POST /apis/authentication.k8s.io/v1/selfsubjectreviews       kubectl auth whoami
//   POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews  kubectl auth can-i
// Every request but GET /version is authenticated by the ClusterDirectory (401 otherwise) and
// authorized as RBAC would with the subject's grants (403 with RBAC's message otherwise).
// Objects are stored as Store rows (kube/k8s_repository.h). Answers are JSON; failures are v1
// Status objects with Kubernetes reasons and messages.
//
// Thread-safety: Handle may be called from many threads at once; the collaborators passed to the
// constructor must be thread-safe and outlive the KubeApi.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "audit/audit_log.h"
#include "base/clock.h"
#include "base/http_types.h"
#include "base/random.h"
#include "base/result.h"
#include "kube/k8s_objects.h"
#include "kube/k8s_rbac.h"
#include "store/store.h"

namespace irsa::kube {

// What a TokenRequest asks the cluster's issuer to sign (claims of wire spec §5.5).
struct BoundPod {
  std::string name;
  std::string uid;  // may be empty
};
struct TokenRequestSpec {
  std::string cluster;
  std::string namespace_name;
  std::string service_account_name;
  std::string service_account_uid;
  std::vector<std::string> audiences;  // never empty (defaults applied)
  int64_t expiration_seconds = 3600;   // already validated (>= 600) and capped
  std::optional<BoundPod> bound_pod;
};
struct MintedToken {
  std::string token;      // compact JWS
  SystemTime expiration;  // the token's exp
};
// Signs service-account tokens with the cluster's key. Errors are passed to the client
// (non-Kubernetes errors become InternalError).
class TokenMinter {
 public:
  virtual ~TokenMinter() = default;
  virtual Result<MintedToken> Mint(const TokenRequestSpec& spec) = 0;
};

struct ClusterInfo {
  std::string name;
  std::string account;  // owning account id: the Store rows' account
};

// The result of authenticating a request's bearer token.
struct Authentication {
  std::optional<Subject> subject;  // nullopt: unauthenticated (401 Unauthorized)
  // Why not, for the audit log: "no token", "expired", "no access entry for …". Never contains
  // a token, signature or secret.
  std::string failure;
  std::string iam_arn;  // the IAM principal a token proved, even when it has no access entry
};

// The clusters irsa hosts and who may call their APIs.
class ClusterDirectory {
 public:
  virtual ~ClusterDirectory() = default;
  // nullopt: no such cluster (the API answers 404).
  virtual Result<std::optional<ClusterInfo>> FindCluster(const std::string& cluster) = 0;
  // Who presents `bearer_token` ("" when the request has none) to `cluster`. What the subject may
  // do is in its grants (kube/k8s_rbac.h); KubeApi decides every request with them. Errors are
  // failures to decide (store unavailable: 500), not refusals.
  virtual Result<Authentication> Authenticate(const ClusterInfo& cluster,
                                              std::string_view bearer_token,
                                              bool secure_transport) = 0;
};

struct KubeApiOptions {
  // The cluster's API root on the server is mount_prefix + cluster (OpenAPI v3 index links are
  // absolute paths, so the API must know where it is mounted).
  std::string mount_prefix = "/k8s/";
  // Audiences of a TokenRequest that names none (the API server's own audience).
  std::vector<std::string> default_audiences = {"https://kubernetes.default.svc"};
  // TokenRequest expirationSeconds above this are capped to it.
  int64_t max_token_expiration_seconds = 86400;
  // Receives one event per Kubernetes write and TokenRequest (with the IAM principal behind it)
  // and per refused request (401/403). May be null; must outlive the KubeApi.
  audit::AuditLog* audit = nullptr;
};

class KubeApi {
 public:
  KubeApi(store::Store& store, const Clock& clock, Random& random, TokenMinter& minter,
          ClusterDirectory& clusters, KubeApiOptions options = {});

  // Serves one request. `request.path` is relative to the cluster's API root ("/api/v1/...");
  // `request.query` is the raw query string. Never throws.
  HttpResponse Handle(const std::string& cluster, const HttpRequest& request);

  struct Call;  // internal: one request being served (kube/api_call.h)

 private:
  HttpResponse Route(Call& call);
  Status EnsureBootstrapped(const ClusterInfo& cluster);

  // Resource handlers (api_objects.cc, api_writes.cc, api_token.cc).
  Result<HttpResponse> GetObject(Call& call, ObjectKind kind, const std::string& ns,
                                 const std::string& name);
  Result<HttpResponse> ListObjects(Call& call, ObjectKind kind,
                                   const std::optional<std::string>& ns);
  Result<HttpResponse> EmptyList(Call& call, std::string_view kind);
  Result<HttpResponse> CreateObject(Call& call, ObjectKind kind, const std::string& ns);
  Result<HttpResponse> UpdateObject(Call& call, ObjectKind kind, const std::string& ns,
                                    const std::string& name);
  Result<HttpResponse> PatchObject(Call& call, ObjectKind kind, const std::string& ns,
                                   const std::string& name);
  Result<HttpResponse> DeleteObject(Call& call, ObjectKind kind, const std::string& ns,
                                    const std::string& name);
  Result<HttpResponse> DeleteCollection(Call& call, const std::string& ns);
  Result<HttpResponse> CreateToken(Call& call, const std::string& ns, const std::string& name);
  // SelfSubjectReview and SelfSubjectAccessReview (api_reviews.cc).
  Result<HttpResponse> SelfSubjectReview(Call& call);
  Result<HttpResponse> SelfSubjectAccessReview(Call& call);
  // authentication.k8s.io and authorization.k8s.io discovery and reviews (api_reviews.cc).
  HttpResponse RouteApis(Call& call, const std::vector<std::string>& seg);
  // The audit event of a served request, if it is one the audit log records.
  void Audit(const Call& call, const HttpResponse& response) const;

  // Stores a new object (stamping uid, resourceVersion, creationTimestamp); the Namespace
  // variant also creates the namespace's "default" service account.
  Result<boost::json::object> InsertNew(Call& call, ObjectKind kind, boost::json::object object,
                                        bool dry_run);
  // Loads the stored object, lets `mutate` compute its new content, checks it (schema, name,
  // optimistic concurrency on metadata.resourceVersion), keeps the server-owned metadata and
  // stores it with a new resourceVersion (unless nothing changed, or dry_run).
  Result<boost::json::object> ApplyUpdate(
      Call& call, ObjectKind kind, const std::string& ns, const std::string& name,
      const std::function<Result<boost::json::object>(const boost::json::object&)>& mutate);
  Result<HttpResponse> ServerSideApply(Call& call, ObjectKind kind, const std::string& ns,
                                       const std::string& name);
  // Runs fn in a write transaction, or a read transaction when dry_run (fn must then not write).
  Status Transact(bool dry_run, const std::function<Status(store::StoreTx&)>& fn);

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  TokenMinter& minter_;
  ClusterDirectory& clusters_;
  KubeApiOptions options_;
};

}  // namespace irsa::kube
