#include "policy/context.h"

#include <algorithm>

#include "base/arn.h"
#include "base/strings.h"
#include "base/time_format.h"

namespace irsa::policy {
namespace {

// Compares `stored` (lower case) with `key` folded, without allocating.
int CompareFolded(std::string_view stored, std::string_view key) {
  size_t n = std::min(stored.size(), key.size());
  for (size_t i = 0; i < n; ++i) {
    auto a = static_cast<unsigned char>(stored[i]);
    auto b = static_cast<unsigned char>(key[i]);
    if (b >= 'A' && b <= 'Z') b = static_cast<unsigned char>(b + ('a' - 'A'));
    if (a != b) return a < b ? -1 : 1;
  }
  if (stored.size() == key.size()) return 0;
  return stored.size() < key.size() ? -1 : 1;
}

std::string AccountOfArn(std::string_view arn) {
  auto parsed = Arn::Parse(arn);
  return parsed ? parsed->account : std::string();
}

}  // namespace

std::string_view PrincipalTypeName(PrincipalType type) {
  switch (type) {
    case PrincipalType::kAnonymous:
      return "Anonymous";
    case PrincipalType::kAccount:
      return "Account";
    case PrincipalType::kUser:
      return "User";
    case PrincipalType::kAssumedRole:
      return "AssumedRole";
    case PrincipalType::kFederatedUser:
      return "FederatedUser";
    case PrincipalType::kWebIdentity:
      return "WebIdentityUser";
    case PrincipalType::kService:
      return "Service";
  }
  return "Anonymous";
}

RequestPrincipal RequestPrincipal::Anonymous() { return RequestPrincipal{}; }

RequestPrincipal RequestPrincipal::Root(std::string account) {
  RequestPrincipal p;
  p.type = PrincipalType::kAccount;
  p.arn = IamArn(account, "root");
  p.account = std::move(account);
  return p;
}

RequestPrincipal RequestPrincipal::User(std::string user_arn, std::string unique_id) {
  RequestPrincipal p;
  p.type = PrincipalType::kUser;
  p.account = AccountOfArn(user_arn);
  p.arn = std::move(user_arn);
  p.unique_id = std::move(unique_id);
  return p;
}

RequestPrincipal RequestPrincipal::AssumedRole(std::string session_arn, std::string role_arn,
                                               std::string role_unique_id) {
  RequestPrincipal p;
  p.type = PrincipalType::kAssumedRole;
  p.account = AccountOfArn(session_arn);
  p.arn = std::move(session_arn);
  p.role_arn = std::move(role_arn);
  p.unique_id = std::move(role_unique_id);
  return p;
}

RequestPrincipal RequestPrincipal::FederatedUser(std::string arn, std::string source_user_arn) {
  RequestPrincipal p;
  p.type = PrincipalType::kFederatedUser;
  p.account = AccountOfArn(arn);
  p.arn = std::move(arn);
  p.source_user_arn = std::move(source_user_arn);
  return p;
}

RequestPrincipal RequestPrincipal::WebIdentity(std::string provider) {
  RequestPrincipal p;
  p.type = PrincipalType::kWebIdentity;
  p.arn = std::move(provider);
  return p;
}

RequestPrincipal RequestPrincipal::Service(std::string service_name) {
  RequestPrincipal p;
  p.type = PrincipalType::kService;
  p.arn = std::move(service_name);
  return p;
}

ContextEntry& RequestContext::Upsert(std::string_view key) {
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), key,
      [](const ContextEntry& e, std::string_view k) { return CompareFolded(e.key, k) < 0; });
  if (it != entries_.end() && CompareFolded(it->key, key) == 0) return *it;
  ContextEntry entry;
  entry.key = AsciiLower(key);
  return *entries_.insert(it, std::move(entry));
}

void RequestContext::Set(std::string_view key, std::string value) {
  ContextEntry& entry = Upsert(key);
  entry.values.clear();
  entry.values.push_back(std::move(value));
  entry.multi_valued = false;
}

void RequestContext::SetMulti(std::string_view key, std::vector<std::string> values) {
  ContextEntry& entry = Upsert(key);
  entry.values = std::move(values);
  entry.multi_valued = true;
}

void RequestContext::Add(std::string_view key, std::string value) {
  ContextEntry& entry = Upsert(key);
  entry.values.push_back(std::move(value));
  if (entry.values.size() > 1) entry.multi_valued = true;
}

void RequestContext::Remove(std::string_view key) {
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), key,
      [](const ContextEntry& e, std::string_view k) { return CompareFolded(e.key, k) < 0; });
  if (it != entries_.end() && CompareFolded(it->key, key) == 0) entries_.erase(it);
}

const ContextEntry* RequestContext::Find(std::string_view key) const {
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), key,
      [](const ContextEntry& e, std::string_view k) { return CompareFolded(e.key, k) < 0; });
  if (it != entries_.end() && CompareFolded(it->key, key) == 0) return &*it;
  return nullptr;
}

RequestBuilder& RequestBuilder::Action(std::string action) {
  request_.action = std::move(action);
  return *this;
}

RequestBuilder& RequestBuilder::Resource(std::string resource) {
  request_.resource = std::move(resource);
  return *this;
}

RequestBuilder& RequestBuilder::Principal(RequestPrincipal principal,
                                          std::string_view session_name) {
  RequestContext& ctx = request_.context;
  ctx.Set("aws:PrincipalType", std::string(PrincipalTypeName(principal.type)));
  switch (principal.type) {
    case PrincipalType::kAnonymous:
      ctx.Set("aws:userid", "anonymous");
      break;
    case PrincipalType::kAccount:
      ctx.Set("aws:PrincipalArn", principal.arn);
      ctx.Set("aws:PrincipalAccount", principal.account);
      ctx.Set("aws:userid", principal.account);
      break;
    case PrincipalType::kUser: {
      ctx.Set("aws:PrincipalArn", principal.arn);
      ctx.Set("aws:PrincipalAccount", principal.account);
      if (!principal.unique_id.empty()) ctx.Set("aws:userid", principal.unique_id);
      std::string_view arn = principal.arn;
      if (size_t slash = arn.rfind('/'); slash != std::string_view::npos) {
        ctx.Set("aws:username", std::string(arn.substr(slash + 1)));
      }
      break;
    }
    case PrincipalType::kAssumedRole: {
      ctx.Set("aws:PrincipalArn", principal.role_arn.empty() ? principal.arn : principal.role_arn);
      ctx.Set("aws:PrincipalAccount", principal.account);
      std::string_view session = session_name;
      std::string_view arn = principal.arn;
      if (session.empty()) {
        if (size_t slash = arn.rfind('/'); slash != std::string_view::npos) {
          session = arn.substr(slash + 1);
        }
      }
      if (!principal.unique_id.empty()) {
        ctx.Set("aws:userid", principal.unique_id + ":" + std::string(session));
      }
      break;
    }
    case PrincipalType::kFederatedUser: {
      ctx.Set("aws:PrincipalArn", principal.arn);
      ctx.Set("aws:PrincipalAccount", principal.account);
      std::string_view arn = principal.arn;
      if (size_t slash = arn.rfind('/'); slash != std::string_view::npos) {
        ctx.Set("aws:userid", principal.account + ":" + std::string(arn.substr(slash + 1)));
      }
      break;
    }
    case PrincipalType::kWebIdentity:
    case PrincipalType::kService:
      break;
  }
  request_.principal = std::move(principal);
  return *this;
}

RequestBuilder& RequestBuilder::CurrentTime(SystemTime now) {
  request_.context.Set("aws:CurrentTime", FormatIso8601(now));
  request_.context.Set("aws:EpochTime", std::to_string(ToUnixSeconds(now)));
  return *this;
}

RequestBuilder& RequestBuilder::SourceIp(std::string ip) {
  return Set("aws:SourceIp", std::move(ip));
}

RequestBuilder& RequestBuilder::SecureTransport(bool secure) {
  return Set("aws:SecureTransport", secure ? "true" : "false");
}

RequestBuilder& RequestBuilder::PrincipalTag(std::string_view tag_key, std::string value) {
  return Set("aws:PrincipalTag/" + std::string(tag_key), std::move(value));
}

RequestBuilder& RequestBuilder::RequestTag(std::string_view tag_key, std::string value) {
  Set("aws:RequestTag/" + std::string(tag_key), std::move(value));
  const ContextEntry* keys = request_.context.Find("aws:TagKeys");
  std::vector<std::string> list = keys ? keys->values : std::vector<std::string>{};
  list.emplace_back(tag_key);
  return SetMulti("aws:TagKeys", std::move(list));
}

RequestBuilder& RequestBuilder::ResourceTag(std::string_view tag_key, std::string value) {
  return Set("aws:ResourceTag/" + std::string(tag_key), std::move(value));
}

RequestBuilder& RequestBuilder::TokenIssueTime(SystemTime issued) {
  return Set("aws:TokenIssueTime", FormatIso8601(issued));
}

RequestBuilder& RequestBuilder::FederatedProvider(std::string provider) {
  return Set("aws:FederatedProvider", std::move(provider));
}

RequestBuilder& RequestBuilder::WebIdentityClaim(std::string_view issuer, std::string_view claim,
                                                 std::string value) {
  if (issuer.starts_with("https://")) issuer.remove_prefix(8);
  while (issuer.ends_with('/')) issuer.remove_suffix(1);
  return Set(std::string(issuer) + ":" + std::string(claim), std::move(value));
}

RequestBuilder& RequestBuilder::RoleSessionName(std::string name) {
  return Set("sts:RoleSessionName", std::move(name));
}

RequestBuilder& RequestBuilder::Set(std::string_view key, std::string value) {
  request_.context.Set(key, std::move(value));
  return *this;
}

RequestBuilder& RequestBuilder::SetMulti(std::string_view key, std::vector<std::string> values) {
  request_.context.SetMulti(key, std::move(values));
  return *this;
}

RequestBuilder& RequestBuilder::Add(std::string_view key, std::string value) {
  request_.context.Add(key, std::move(value));
  return *this;
}

}  // namespace irsa::policy
