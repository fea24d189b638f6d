#include "kube/webhook_extras.h"

#include <algorithm>
#include <optional>
#include <set>

#include <boost/json/array.hpp>

#include "kube/webhook_go.h"

namespace irsa::kube {
namespace json = boost::json;

std::vector<std::string> TransparentHostNames(const std::vector<std::string>& regions) {
  std::set<std::string> names = {"iam.amazonaws.com", "s3.amazonaws.com", "sts.amazonaws.com"};
  for (const std::string& region : regions) {
    if (region.empty()) continue;
    for (const char* service : {"eks", "s3", "sts"}) {
      names.insert(std::string(service) + "." + region + ".amazonaws.com");
    }
  }
  return {names.begin(), names.end()};
}

PodExtras ComputePodExtras(const WebhookOptions& options,
                           const std::map<std::string, std::string>& sa_annotations,
                           const std::string& ca_bundle_file, std::vector<std::string>& reasons) {
  const auto flag = [&](std::string_view key) -> std::optional<bool> {
    auto it = sa_annotations.find(std::string(key));
    if (it == sa_annotations.end()) return std::nullopt;
    std::optional<bool> value = ParseGoBool(it->second);
    if (!value) {
      reasons.push_back("ignored invalid ServiceAccount annotation " + it->first + "=\"" +
                        it->second + "\"");
    }
    return value;
  };
  PodExtras extras;
  const std::optional<bool> transparent = flag(kTransparentAnnotation);
  if (!options.transparent_address.empty()) {
    extras.transparent = transparent.value_or(options.transparent_default);
  } else if (transparent.value_or(false)) {
    reasons.push_back(
        "ServiceAccount asks for transparent endpoints, but the webhook has no "
        "transparent address; endpoint variables used instead");
  }
  const bool endpoints = !extras.transparent && flag(kInjectEndpointsAnnotation).value_or(true);
  if (endpoints) {
    if (!options.sts_endpoint_url.empty()) {
      extras.env.emplace_back("AWS_ENDPOINT_URL_STS", options.sts_endpoint_url);
    }
    if (!options.iam_endpoint_url.empty()) {
      extras.env.emplace_back("AWS_ENDPOINT_URL_IAM", options.iam_endpoint_url);
    }
    if (!options.s3_endpoint_url.empty()) {
      extras.env.emplace_back("AWS_ENDPOINT_URL_S3", options.s3_endpoint_url);
    }
  }
  if (!ca_bundle_file.empty()) {
    extras.env.emplace_back("AWS_CA_BUNDLE", ca_bundle_file);
    extras.env.emplace_back("NODE_EXTRA_CA_CERTS", ca_bundle_file);
    if (extras.transparent) {
      extras.env.emplace_back("SSL_CERT_FILE", ca_bundle_file);
      extras.env.emplace_back("REQUESTS_CA_BUNDLE", ca_bundle_file);
    }
  }
  return extras;
}

json::object HostAliasesPatch(const WebhookOptions& options, bool pod_has_host_aliases) {
  json::array hostnames;
  for (const std::string& name : TransparentHostNames(options.transparent_regions)) {
    hostnames.emplace_back(name);
  }
  json::object alias;
  alias.emplace("ip", options.transparent_address);
  alias.emplace("hostnames", std::move(hostnames));
  json::object op;
  op.emplace("op", "add");
  if (pod_has_host_aliases) {
    op.emplace("path", "/spec/hostAliases/-");
    op.emplace("value", std::move(alias));
  } else {
    op.emplace("path", "/spec/hostAliases");
    op.emplace("value", json::array{std::move(alias)});
  }
  return op;
}

}  // namespace irsa::kube
