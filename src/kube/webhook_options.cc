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
  if (!options.sts_endpoint_url.empty() && options.sts_endpoint_url.rfind("https://", 0) != 0 &&
      options.sts_endpoint_url.rfind("http://", 0) != 0) {
    return Invalid("sts-endpoint-url", "must start with https:// or http://");
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
