// The irsa extras of the pod-identity webhook (docs/webhook.md, "irsa extras"): what a pod needs
// to reach irsa instead of AWS, decided once per pod from the WebhookOptions and the
// ServiceAccount's irsa.dev/ annotations.
//
//   * Endpoint mode (default whenever an endpoint URL is configured): AWS_ENDPOINT_URL_STS, _IAM
//     and _S3 name irsa. Honoured by SDKs that implement service-specific endpoints: botocore ≥
//     1.31 (boto3 ≥ 1.28), AWS CLI v1 ≥ 1.29 and v2 ≥ 2.13, the JavaScript SDK v3 since October
//     2023, the Go SDK v2 (late 2023); ignored by the Go SDK v1, the JavaScript SDK v2 and older
//     CLIs (Debian bookworm's AWS CLI v2 2.9), which need transparent mode.
//   * Transparent mode (opt-in: WebhookOptions::transparent_default, or the ServiceAccount
//     annotation irsa.dev/transparent-endpoints=true): no endpoint variables; instead
//     spec.hostAliases map the AWS host names irsa implements (TransparentHostNames) to irsa's
//     service address, whose HTTPS listener (port 443) presents a certificate naming them.
//   * CA bundle (when a ConfigMap is configured): AWS_CA_BUNDLE and NODE_EXTRA_CA_CERTS (the
//     JavaScript SDK v3 ignores AWS_CA_BUNDLE; Node adds NODE_EXTRA_CA_CERTS to its roots); in
//     transparent mode also SSL_CERT_FILE and REQUESTS_CA_BUNDLE, which *replace* the trust store
//     of OpenSSL/Go/requests, so the ConfigMap must then hold the public roots too.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "kube/webhook.h"

namespace irsa::kube {

// ServiceAccount annotations read by the extras (Go ParseBool values; invalid ones are ignored
// with a reason).
inline constexpr std::string_view kInjectEndpointsAnnotation = "irsa.dev/inject-endpoints";
inline constexpr std::string_view kTransparentAnnotation = "irsa.dev/transparent-endpoints";

// The AWS host names irsa answers for in transparent mode: the global STS, IAM and S3 names and,
// per region, sts.R, eks.R and s3.R (sorted, without duplicates). Virtual-hosted S3 bucket names
// (BUCKET.s3.amazonaws.com) cannot be listed: S3 clients need path-style addressing.
std::vector<std::string> TransparentHostNames(const std::vector<std::string>& regions);

struct PodExtras {
  bool transparent = false;
  // Environment variables to add to each container when absent, in injection order.
  std::vector<std::pair<std::string, std::string>> env;
};

// Decides the extras for one pod. `ca_bundle_file` is the CA path inside the container ("" when
// no ConfigMap is configured), already converted for Windows nodes. Reasons for ignored
// annotations are appended to `reasons`.
PodExtras ComputePodExtras(const WebhookOptions& options,
                           const std::map<std::string, std::string>& sa_annotations,
                           const std::string& ca_bundle_file, std::vector<std::string>& reasons);

// The JSONPatch operation adding irsa's host aliases: `add /spec/hostAliases` with a one-element
// array when the pod has none, else `add /spec/hostAliases/-`.
boost::json::object HostAliasesPatch(const WebhookOptions& options, bool pod_has_host_aliases);

}  // namespace irsa::kube
