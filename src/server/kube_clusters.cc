#include "server/kube_clusters.h"

#include "base/ids.h"
#include "eks/access_policies.h"
#include "eks/kube_token.h"
#include "eks/principals.h"
#include "jwt/claims.h"
#include "jwt/mint.h"
#include "jwt/verify.h"

namespace irsa::server {
namespace {

kube::Authentication Refused(std::string why, std::string iam_arn = "") {
  kube::Authentication out;
  out.failure = std::move(why);
  out.iam_arn = std::move(iam_arn);
  return out;
}

std::vector<kube::PolicyRule> RulesOf(const eks::AccessPolicy& policy) {
  std::vector<kube::PolicyRule> rules;
  for (const eks::AccessPolicyRule& r : policy.rules) {
    kube::PolicyRule rule;
    rule.verbs = r.verbs;
    rule.api_groups = r.api_groups;
    rule.resources = r.resources;
    rule.non_resource_urls = r.non_resource_urls;
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace

kube::Subject KubeAdminSubject() {
  kube::Subject subject;
  subject.user.username = kKubeAdminSubject;
  subject.user.groups = {"system:masters", "system:authenticated"};
  const eks::AccessPolicy* admin = eks::FindAccessPolicy(std::string(eks::kAccessPolicyArnPrefix) +
                                                         "AmazonEKSClusterAdminPolicy");
  subject.grants.push_back(
      kube::Grant{"the bootstrap admin token (system:masters)", RulesOf(*admin), {}});
  return subject;
}

std::optional<kube::Grant> AccessPolicyGrant(const eks::AssociatedPolicy& associated,
                                             const std::string& principal_arn) {
  const eks::AccessPolicy* policy = eks::FindAccessPolicy(associated.policy_arn);
  if (policy == nullptr) return std::nullopt;
  kube::Grant grant;
  grant.rules = RulesOf(*policy);
  std::string scope = "cluster scope";
  if (associated.scope.type == "namespace") {
    grant.namespaces = associated.scope.namespaces;
    scope = "namespaces";
    for (const std::string& ns : grant.namespaces) scope += " " + ns;
  }
  grant.description =
      "EKS access policy " + policy->name + " (" + scope + ") of access entry " + principal_arn;
  return grant;
}

Result<std::optional<kube::ClusterInfo>> HostedClusters::FindCluster(const std::string& cluster) {
  Result<oidc::ClusterRecord> record = clusters_.Get(account_, cluster);
  if (!record.ok()) {
    if (record.error().code() == "ResourceNotFoundException") {
      return std::optional<kube::ClusterInfo>();
    }
    return record.error();
  }
  return std::optional<kube::ClusterInfo>(kube::ClusterInfo{record->name, record->account});
}

Result<kube::Authentication> HostedClusters::Authenticate(const kube::ClusterInfo& cluster,
                                                          std::string_view bearer_token,
                                                          bool secure_transport) {
  if (bearer_token.empty()) return Refused("no bearer token");
  if (!secure_transport && !options_.allow_plain_http) {
    return Refused("a bearer token sent over plain HTTP (use the HTTPS endpoint)");
  }
  Result<oidc::ClusterRecord> record = clusters_.Get(cluster.account, cluster.name);
  if (!record.ok()) {
    if (record.error().code() == "ResourceNotFoundException") return Refused("no such cluster");
    return record.error();
  }
  if (eks::IsKubeToken(bearer_token)) return AuthenticateEksToken(*record, bearer_token);
  return AuthenticateAdminToken(*record, bearer_token);
}

Result<kube::Authentication> HostedClusters::AuthenticateEksToken(
    const oidc::ClusterRecord& cluster, std::string_view token) {
  if (tokens_ == nullptr || entries_ == nullptr) {
    return Refused("EKS tokens are not enabled on this node");
  }
  Result<VerifiedKubeToken> verified = tokens_->Verify(token, cluster.name);
  if (!verified.ok()) {
    return Refused("EKS token refused: " + verified.error().code() + ": " +
                   verified.error().message());
  }
  const authz::Caller& caller = verified->caller;
  std::optional<eks::PrincipalIdentity> principal = eks::EntryPrincipalOf(caller);
  if (!principal) return Refused("EKS token names no principal");
  IRSA_TRY(std::optional<eks::AccessEntry> entry, entries_->ForPrincipal(cluster, *principal));
  if (!entry) {
    return Refused("no access entry for " + principal->arn + " on cluster " + cluster.name,
                   caller.arn);
  }
  kube::Subject subject;
  subject.iam_arn = caller.arn;
  subject.access_key_id = caller.access_key_id;
  kube::UserInfo& user = subject.user;
  user.username = eks::ExpandUsername(entry->username, caller.account, caller.session_name);
  user.uid = "aws-iam-authenticator:" + caller.account + ":" + caller.user_id;
  user.groups = entry->kubernetes_groups;
  user.groups.push_back("system:authenticated");
  user.extra["accessKeyId"] = {caller.access_key_id};
  user.extra["arn"] = {caller.arn};
  user.extra["canonicalArn"] = {principal->arn};
  user.extra["principalId"] = {caller.user_id};
  user.extra["sigs.k8s.io/aws-iam-authenticator/principalId"] = {caller.user_id};
  if (caller.type == authz::CallerType::kAssumedRole) {
    user.extra["sessionName"] = {caller.session_name};
  }
  for (const eks::AssociatedPolicy& policy : entry->policies) {
    if (std::optional<kube::Grant> grant = AccessPolicyGrant(policy, entry->principal_arn)) {
      subject.grants.push_back(std::move(*grant));
    }
  }
  kube::Authentication out;
  out.iam_arn = caller.arn;
  out.subject = std::move(subject);
  return out;
}

kube::Authentication HostedClusters::AuthenticateAdminToken(const oidc::ClusterRecord& record,
                                                            std::string_view bearer_token) {
  auto hosted = clusters_.IssuerById(record.id);
  if (!hosted.ok() || !*hosted) return Refused("the cluster has no issuer");
  Result<jwt::Jws> jws = jwt::ParseAndVerify(bearer_token, *(**hosted)->published);
  // Only the active key: a key rotation invalidates every admin token signed before it.
  if (!jws.ok() || jws->header.kid.value_or("") != (**hosted)->active_kid) {
    return Refused("not an EKS token nor an admin token signed by the cluster's active key");
  }
  Result<jwt::StandardClaims> claims = jwt::GetStandardClaims(jws->claims);
  if (!claims.ok() || claims->iss != record.issuer || claims->sub != kKubeAdminSubject ||
      !claims->aud || !claims->exp || *claims->exp <= clock_.NowUnixSeconds()) {
    return Refused("the admin token is expired or not for this cluster");
  }
  bool audience_ok = false;
  for (const auto& aud : *claims->aud) audience_ok |= aud == kKubeAdminAudience;
  if (!audience_ok) return Refused("the admin token is not for the Kubernetes API");
  kube::Authentication out;
  out.subject = KubeAdminSubject();
  return out;
}

Result<kube::MintedToken> HostedClusters::Mint(const kube::TokenRequestSpec& spec) {
  jwt::ServiceAccountTokenSpec token;
  token.namespace_name = spec.namespace_name;
  token.service_account_name = spec.service_account_name;
  token.service_account_uid = spec.service_account_uid;
  token.audiences = spec.audiences;
  token.issued_at = clock_.NowUnixSeconds();
  token.lifetime_seconds = spec.expiration_seconds;
  if (spec.bound_pod) {
    token.pod_name = spec.bound_pod->name;
    token.pod_uid = spec.bound_pod->uid;
  }
  IRSA_TRY(oidc::ClusterRecord record, clusters_.Get(account_, spec.cluster));
  IRSA_TRY(std::string jwt,
           clusters_.MintServiceAccountToken(record.account, record.name, std::move(token)));
  return kube::MintedToken{std::move(jwt),
                           FromUnixSeconds(clock_.NowUnixSeconds() + spec.expiration_seconds)};
}

Result<std::string> MintKubeAdminToken(oidc::ClusterRegistry& clusters, const Clock& clock,
                                       const std::string& account, const std::string& cluster,
                                       int64_t lifetime_seconds) {
  if (lifetime_seconds < 1 || lifetime_seconds > kMaxKubeAdminLifetime) {
    return errors::InvalidParameterValue(
        "the admin token lifetime must be 1 to " + std::to_string(kMaxKubeAdminLifetime) +
        " seconds (it is a bootstrap credential: use access entries for daily work)");
  }
  IRSA_TRY(oidc::ClusterRecord record, clusters.Get(account, cluster));
  IRSA_TRY(auto hosted, clusters.IssuerById(record.id));
  if (!hosted)
    return errors::ResourceNotFoundException("No cluster found for name: " + cluster + ".");
  const int64_t now = clock.NowUnixSeconds();
  boost::json::object claims{{"iss", record.issuer},
                             {"sub", kKubeAdminSubject},
                             {"aud", boost::json::array{kKubeAdminAudience}},
                             {"iat", now},
                             {"nbf", now},
                             {"exp", now + lifetime_seconds},
                             {"jti", NewUuid(SystemRandom::Instance())}};
  jwt::MintOptions options;
  options.kid = (*hosted)->active_kid;
  options.alg = crypto::ParseJwsAlg((*hosted)->active_algorithm);
  return jwt::MintJws(claims, *(*hosted)->active_key, options);
}

}  // namespace irsa::server
