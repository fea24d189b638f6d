#include "server/kube_clusters.h"

#include "base/ids.h"
#include "jwt/claims.h"
#include "jwt/mint.h"
#include "jwt/verify.h"

namespace irsa::server {

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

kube::AccessResult HostedClusters::Authorize(const kube::ClusterInfo& cluster,
                                             std::string_view bearer_token,
                                             const kube::RequestAttributes& attributes) {
  const kube::AccessResult unauthenticated{kube::AccessDecision::kUnauthenticated, ""};
  if (bearer_token.empty()) return unauthenticated;
  // A bearer token sent in clear text is as good as published.
  if (!attributes.secure_transport && !options_.allow_plain_http) return unauthenticated;
  Result<oidc::ClusterRecord> record = clusters_.Get(cluster.account, cluster.name);
  if (!record.ok()) return unauthenticated;
  auto hosted = clusters_.IssuerById(record->id);
  if (!hosted.ok() || !*hosted) return unauthenticated;
  Result<jwt::Jws> jws = jwt::ParseAndVerify(bearer_token, *(**hosted)->published);
  // Only the active key: a key rotation invalidates every admin token signed before it.
  if (!jws.ok() || jws->header.kid.value_or("") != (**hosted)->active_kid) return unauthenticated;
  Result<jwt::StandardClaims> claims = jwt::GetStandardClaims(jws->claims);
  if (!claims.ok() || claims->iss != record->issuer || claims->sub != kKubeAdminSubject ||
      !claims->aud || !claims->exp || *claims->exp <= clock_.NowUnixSeconds()) {
    return unauthenticated;
  }
  bool audience_ok = false;
  for (const auto& aud : *claims->aud) audience_ok |= aud == kKubeAdminAudience;
  if (!audience_ok) return unauthenticated;
  return kube::AccessResult{kube::AccessDecision::kAllow, kKubeAdminSubject};
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
