#include "eks/kube_token.h"

#include <algorithm>
#include <optional>

#include "base/encoding.h"
#include "base/strings.h"

namespace irsa::eks {
namespace {

Error Invalid(std::string message) { return Error("InvalidKubeToken", 401, std::move(message)); }

bool IsRegionName(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// The parameters a presigned GetCallerIdentity URL may carry (aws-iam-authenticator's
// allow-list), in the spelling SigV4 requires.
constexpr std::string_view kAllowedParameters[] = {"Action",
                                                   "Version",
                                                   "X-Amz-Algorithm",
                                                   "X-Amz-Credential",
                                                   "X-Amz-Date",
                                                   "X-Amz-Expires",
                                                   "X-Amz-SignedHeaders",
                                                   "X-Amz-Signature",
                                                   "X-Amz-Security-Token"};

bool IsOwnHost(std::string_view host, const KubeTokenOptions& options) {
  for (const std::string& own : options.own_hosts) {
    if (own == host) return true;
    if (!own.empty() && own.front() == ':') {
      size_t colon = host.rfind(':');
      if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos &&
          host.substr(colon) == own) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

bool IsKubeToken(std::string_view token) { return token.starts_with(kKubeTokenPrefix); }

bool IsAwsStsHost(std::string_view host) {
  if (host.ends_with(":443")) host.remove_suffix(4);
  if (host == "sts.amazonaws.com") return true;
  for (std::string_view prefix : {std::string_view("sts."), std::string_view("sts-fips.")}) {
    if (!host.starts_with(prefix)) continue;
    std::string_view rest = host.substr(prefix.size());
    for (std::string_view suffix :
         {std::string_view(".amazonaws.com"), std::string_view(".amazonaws.com.cn")}) {
      if (rest.ends_with(suffix) && IsRegionName(rest.substr(0, rest.size() - suffix.size()))) {
        return prefix == "sts." || suffix == ".amazonaws.com";
      }
    }
  }
  return false;
}

Result<KubeTokenRequest> ParseKubeToken(std::string_view token, std::string_view cluster,
                                        const KubeTokenOptions& options) {
  if (token.size() > kMaxKubeTokenBytes) return Invalid("token is too large");
  if (!IsKubeToken(token)) return Invalid("token is missing the k8s-aws-v1. prefix");
  std::optional<std::string> decoded = Base64UrlDecode(token.substr(kKubeTokenPrefix.size()));
  if (!decoded) return Invalid("token is not base64url without padding");
  std::string_view url = *decoded;

  // scheme://authority/path?query
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return Invalid("the presigned URL is not absolute");
  const std::string scheme = AsciiLower(url.substr(0, scheme_end));
  if (scheme != "https" && scheme != "http") {
    return Invalid("unexpected scheme in the presigned URL");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  size_t authority_end = rest.find_first_of("/?#");
  const std::string raw_host(rest.substr(0, authority_end));
  const std::string host = AsciiLower(raw_host);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (host.empty() || host.find('@') != std::string::npos) {
    return Invalid("the presigned URL has no host or carries user info");
  }
  const bool own = IsOwnHost(host, options);
  if (!own && !(scheme == "https" && IsAwsStsHost(host))) {
    return Invalid("the presigned URL's host is neither an AWS STS endpoint nor irsa's own");
  }
  if (rest.find('#') != std::string_view::npos) return Invalid("the presigned URL has a fragment");
  size_t question = rest.find('?');
  std::string_view path = rest.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view() : rest.substr(question + 1);
  if (path != "/") return Invalid("unexpected path in the presigned URL");

  std::vector<std::pair<std::string, std::string>> params;
  for (std::string_view part : Split(query, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::optional<std::string> key = PercentDecode(part.substr(0, eq), false);
    std::optional<std::string> value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), false);
    if (!key || !value) return Invalid("the presigned URL has an invalid percent-encoding");
    if (std::find(std::begin(kAllowedParameters), std::end(kAllowedParameters), *key) ==
        std::end(kAllowedParameters)) {
      return Invalid("the presigned URL has a parameter outside the allow-list: " +
                     key->substr(0, 64));
    }
    for (const auto& [seen, unused] : params) {
      if (seen == *key) return Invalid("the presigned URL repeats the parameter " + *key);
    }
    params.emplace_back(std::move(*key), std::move(*value));
  }
  auto param = [&](std::string_view name) -> std::optional<std::string> {
    for (const auto& [key, value] : params) {
      if (key == name) return value;
    }
    return std::nullopt;
  };
  if (param("Action") != "GetCallerIdentity") {
    return Invalid("the presigned URL's Action is not GetCallerIdentity");
  }
  if (param("Version") != "2011-06-15") {
    return Invalid("the presigned URL's Version is not 2011-06-15");
  }
  std::optional<std::string> credential = param("X-Amz-Credential");
  std::vector<std::string_view> scope =
      credential ? Split(*credential, '/') : std::vector<std::string_view>();
  if (scope.size() != 5 || scope[3] != "sts") {
    return Invalid("the presigned URL's credential is not scoped to the service sts");
  }
  // A named string: Split's views must not outlive it (a range-for does not extend the life of a
  // temporary inside its range expression before C++23).
  const std::string signed_headers = param("X-Amz-SignedHeaders").value_or("");
  bool signs_cluster = false, signs_host = false;
  for (std::string_view name : Split(signed_headers, ';')) {
    signs_cluster |= name == kClusterIdHeader;
    signs_host |= name == "host";
  }
  if (!signs_cluster) return Invalid("the client did not sign the x-k8s-aws-id header");
  if (!signs_host) return Invalid("the client did not sign the host header");
  std::optional<std::string> expires = param("X-Amz-Expires");
  if (!expires || expires->empty() || expires->size() > 4 ||
      !std::all_of(expires->begin(), expires->end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoll(*expires) > kMaxKubeTokenLifetimeSeconds) {
    return Invalid("invalid X-Amz-Expires in the presigned URL (0 to 900 seconds)");
  }
  if (!param("X-Amz-Date")) return Invalid("X-Amz-Date must be present in the presigned URL");
  if (!param("X-Amz-Signature")) return Invalid("the presigned URL is not signed");

  KubeTokenRequest out;
  out.host = host;
  out.expires_seconds = std::stoll(*expires);
  HttpRequest& r = out.request;
  r.method = "GET";
  r.path = "/";
  r.query = std::string(query);
  r.target = "/?" + r.query;
  r.secure = scheme == "https";
  r.headers.emplace_back("host", raw_host);
  r.headers.emplace_back(std::string(kClusterIdHeader), std::string(cluster));
  return out;
}

}  // namespace irsa::eks
