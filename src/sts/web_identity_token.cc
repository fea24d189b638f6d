#include "sts/web_identity_token.h"

#include <boost/json.hpp>

#include "base/ids.h"
#include "base/strings.h"
#include "crypto/signature.h"
#include "iam/roles.h"
#include "iam/users.h"
#include "jwt/mint.h"

namespace irsa::sts {
namespace json = boost::json;
namespace {

constexpr const char* kNamespace = "https://sts.amazonaws.com/";

Error FederationDisabled() {
  return Error("OutboundWebIdentityFederationDisabledException", 403,
               "Outbound web identity federation is not enabled for this account: enable it "
               "with iam:EnableOutboundWebIdentityFederation.");
}

Error DurationEscalation(int64_t requested, int64_t remaining) {
  return Error("SessionDurationEscalationException", 403,
               "The requested token duration of " + std::to_string(requested) +
                   " seconds would extend the session beyond its expiration (" +
                   std::to_string(remaining) + " seconds remain).");
}

Error PayloadTooLarge(size_t size) {
  return Error("JWTPayloadSizeExceededException", 400,
               "The token payload of " + std::to_string(size) + " bytes exceeds the maximum of " +
                   std::to_string(kMaxWebIdentityTokenPayloadBytes) +
                   " bytes. Pass fewer or shorter tags.");
}

// `over` replaces same-keyed (case-insensitively) entries of `base`.
void Overlay(std::vector<std::pair<std::string, std::string>>& base,
             const std::vector<authz::SessionTag>& over) {
  for (const auto& tag : over) {
    bool replaced = false;
    for (auto& [key, value] : base) {
      if (EqualsIgnoreCase(key, tag.key)) {
        key = tag.key;
        value = tag.value;
        replaced = true;
        break;
      }
    }
    if (!replaced) base.emplace_back(tag.key, tag.value);
  }
}

}  // namespace

std::string WebIdentityTokenSubject(const authz::Caller& caller) {
  if (caller.type == authz::CallerType::kAssumedRole && !caller.role_arn.empty()) {
    return caller.role_arn;
  }
  return caller.arn;
}

json::object WebIdentityTokenClaims(const authz::Caller& caller,
                                    const WebIdentityClaimsSpec& spec) {
  json::object claims;
  claims["iss"] = spec.issuer;
  if (spec.audiences.size() == 1) {
    claims["aud"] = spec.audiences.front();
  } else {
    json::array aud;
    for (const auto& a : spec.audiences) aud.emplace_back(a);
    claims["aud"] = std::move(aud);
  }
  const std::string subject = WebIdentityTokenSubject(caller);
  claims["sub"] = subject;
  claims["iat"] = spec.issued_at;
  claims["nbf"] = spec.issued_at;
  claims["exp"] = spec.issued_at + spec.lifetime_seconds;
  claims["jti"] = spec.jti;
  json::object aws;
  aws["aws_account"] = caller.account;
  if (!spec.region.empty()) aws["source_region"] = spec.region;
  aws["principal_id"] = subject;
  if (!spec.principal_tags.empty()) {
    json::object tags;
    for (const auto& [key, value] : spec.principal_tags) tags[key] = value;
    aws["principal_tags"] = std::move(tags);
  }
  if (!spec.request_tags.empty()) {
    json::object tags;
    for (const auto& tag : spec.request_tags) tags[tag.key] = tag.value;
    aws["request_tags"] = std::move(tags);
  }
  claims[kNamespace] = std::move(aws);
  return claims;
}

WebIdentityTokens::WebIdentityTokens(const iam::ServiceContext& iam, oidc::OutboundIssuers& issuers,
                                     const authz::Authorizer& authorizer, audit::AuditLog& audit)
    : iam_(iam), issuers_(issuers), authorizer_(authorizer), audit_(audit) {}

Result<IssuedWebIdentityToken> WebIdentityTokens::Issue(const authz::Caller& caller,
                                                        const authz::RequestFacts& facts,
                                                        const WebIdentityTokenRequest& request) {
  audit::AuditEvent event;
  event.request_id = request.request_id;
  event.event = "GetWebIdentityToken";
  event.principal = caller.arn;
  event.role = caller.role_arn;
  event.session = caller.session_name;
  event.source_ip = facts.source_ip;
  event.access_key_id = caller.access_key_id;
  for (const auto& audience : request.audiences) {
    event.audience += (event.audience.empty() ? "" : ",") + audience;
  }
  Result<IssuedWebIdentityToken> result = Mint(caller, facts, request);
  event.allowed = result.ok();
  if (result.ok()) {
    event.subject = WebIdentityTokenSubject(caller);
    event.reason = "token signed with " + request.signing_algorithm;
  } else {
    event.error = result.error().code();
    event.reason = result.error().message();
  }
  audit_.Write(event);
  return result;
}

Result<std::vector<std::pair<std::string, std::string>>> WebIdentityTokens::PrincipalTags(
    const authz::Caller& caller) {
  std::vector<std::pair<std::string, std::string>> tags;
  if (caller.type == authz::CallerType::kUser && !caller.user_name.empty()) {
    Result<iam::UserRecord> user = iam::GetUser(iam_, caller.account, caller.user_name);
    if (user.ok()) {
      for (const auto& tag : user->tags) tags.emplace_back(tag.key, tag.value);
    } else if (user.error().code() != "NoSuchEntity") {
      return user.error();
    }
  } else if (caller.type == authz::CallerType::kAssumedRole && !caller.role_name.empty()) {
    Result<iam::RoleRecord> role = iam::GetRole(iam_, caller.account, caller.role_name);
    if (role.ok()) {
      for (const auto& tag : role->tags) tags.emplace_back(tag.key, tag.value);
    } else if (role.error().code() != "NoSuchEntity") {
      return role.error();
    }
  }
  Overlay(tags, caller.session_tags);
  return tags;
}

Result<IssuedWebIdentityToken> WebIdentityTokens::Mint(const authz::Caller& caller,
                                                       const authz::RequestFacts& facts,
                                                       const WebIdentityTokenRequest& request) {
  if (!request.tags.empty()) {
    authz::AccessRequest tagging;
    tagging.action = "sts:TagGetWebIdentityToken";
    tagging.resource = "*";
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& tag : request.tags) pairs.emplace_back(tag.key, tag.value);
    tagging.AddRequestTags(pairs);
    IRSA_RETURN_IF_ERROR(authorizer_.Authorize(caller, tagging, facts));
  }
  IRSA_TRY(auto issuer, issuers_.ForAccount(caller.account));
  if (!issuer || !(*issuer)->federation.enabled) return FederationDisabled();
  auto active = (*issuer)->active.find(request.signing_algorithm);
  if (active == (*issuer)->active.end()) {
    return errors::ServiceFailure("the account issuer has no active " + request.signing_algorithm +
                                  " signing key");
  }
  const int64_t now = iam_.clock.NowUnixSeconds();
  const int64_t lifetime = request.duration_seconds.value_or(kWebIdentityTokenDefaultSeconds);
  const bool session = caller.type == authz::CallerType::kAssumedRole ||
                       caller.type == authz::CallerType::kFederatedUser ||
                       caller.session_token_credentials;
  if (session && caller.expiration != SystemTime{}) {
    const int64_t remaining =
        std::chrono::duration_cast<std::chrono::seconds>(caller.expiration.time_since_epoch())
            .count() -
        now;
    if (lifetime > remaining) return DurationEscalation(lifetime, remaining);
  }
  WebIdentityClaimsSpec spec;
  spec.issuer = (*issuer)->federation.issuer;
  spec.audiences = request.audiences;
  spec.issued_at = now;
  spec.lifetime_seconds = lifetime;
  spec.jti = NewUuid(iam_.random);
  spec.region = request.region;
  IRSA_TRY(spec.principal_tags, PrincipalTags(caller));
  spec.request_tags = request.tags;
  json::object claims = WebIdentityTokenClaims(caller, spec);
  const size_t payload = json::serialize(claims).size();
  if (payload > kMaxWebIdentityTokenPayloadBytes) return PayloadTooLarge(payload);
  jwt::MintOptions mint;
  mint.kid = active->second.kid;
  mint.alg = crypto::ParseJwsAlg(active->second.algorithm);
  mint.typ = "JWT";
  IRSA_TRY(std::string token, jwt::MintJws(claims, *active->second.key, mint));
  return IssuedWebIdentityToken{std::move(token), FromUnixSeconds(now + lifetime)};
}

}  // namespace irsa::sts
