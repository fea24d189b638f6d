#include <arpa/inet.h>

#include <string>
#include <string_view>

#include "base/error.h"
#include "kube/webhook.h"

namespace irsa::kube {
namespace {

// DNS-1123 subdomain: lower-case alphanumerics, '-' and '.', alphanumeric at both ends, ≤ 253.
bool IsDns1123Subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

// ConfigMap key: [-._a-zA-Z0-9]+, ≤ 253, not "." or "..".
bool IsConfigMapKey(std::string_view s) {
  if (s.empty() || s.size() > 253 || s == "." || s == "..") return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool IsIpAddress(const std::string& text) {
  unsigned char buffer[sizeof(struct in6_addr)];
  return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

Error Invalid(std::string_view option, std::string_view why) {
  return errors::InvalidParameterValue("webhook option " + std::string(option) + ": " +
                                       std::string(why));
}

}  // namespace

Status ValidateWebhookOptions(const WebhookOptions& options) {
  if (options.annotation_prefix.empty()) return Invalid("annotation-prefix", "must not be empty");
  if (options.token_mount_path.empty() || options.token_mount_path[0] != '/') {
    return Invalid("token-mount-path", "must be an absolute path");
  }
  for (const auto& [name, url] : {std::pair<std::string_view, const std::string&>{
                                      "sts-endpoint-url", options.sts_endpoint_url},
                                  {"iam-endpoint-url", options.iam_endpoint_url},
                                  {"s3-endpoint-url", options.s3_endpoint_url}}) {
    if (!url.empty() && url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
      return Invalid(name, "must start with https:// or http://");
    }
  }
  if (!options.transparent_address.empty() && !IsIpAddress(options.transparent_address)) {
    return Invalid("transparent-address", "must be an IPv4 or IPv6 address (hostAliases take IPs)");
  }
  for (const std::string& region : options.transparent_regions) {
    if (!IsDns1123Subdomain(region) || region.find('.') != std::string::npos) {
      return Invalid("transparent-regions", "must be region names such as us-east-1");
    }
  }
  if (options.transparent_default && options.transparent_address.empty()) {
    return Invalid("transparent", "needs a transparent address");
  }
  if (!options.ca_bundle_config_map.empty()) {
    if (!IsDns1123Subdomain(options.ca_bundle_config_map)) {
      return Invalid("ca-bundle-config-map", "must be a valid ConfigMap name");
    }
    if (!IsConfigMapKey(options.ca_bundle_key)) {
      return Invalid("ca-bundle-key", "must be a valid ConfigMap key");
    }
    if (options.ca_bundle_mount_path.empty() || options.ca_bundle_mount_path[0] != '/') {
      return Invalid("ca-bundle-mount-path", "must be an absolute path");
    }
    if (options.ca_bundle_mount_path == options.token_mount_path) {
      return Invalid("ca-bundle-mount-path", "must differ from token-mount-path");
    }
  }
  return OkStatus();
}

}  // namespace irsa::kube
