// The mutating admission webhook: irsa's reimplementation of amazon-eks-pod-identity-webhook
// (../shared/reference/irsa-wire-spec.md §5; docs/webhook.md). With the default options the
// JSONPatch is byte-for-byte what the upstream Go webhook returns for the same pod and
// ServiceAccount (IRSA mode); the irsa extras are off by default.
//
// Not reproduced: container-credentials (EKS Pod Identity) mode, --watch-config-map,
// --compose-role-arn (needs EC2 IMDS), the informer grace period (replaced by a live lookup on a
// cache miss, see service_account_lookup.h).
//
// Thread-safety: MutatePod and HandleAdmissionReview are reentrant; they share only the
// ServiceAccountLookup, which must be thread-safe when called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "base/result.h"
#include "kube/service_account_info.h"

namespace irsa::kube {

struct WebhookOptions {
  // --- the upstream flags (same names, same defaults) ---
  std::string annotation_prefix = "eks.amazonaws.com";  // --annotation-prefix
  std::string token_audience = "sts.amazonaws.com";     // --token-audience
  std::string token_mount_path =
      "/var/run/secrets/eks.amazonaws.com/serviceaccount";  // --token-mount-path
  int64_t token_expiration = 86400;    // --token-expiration (seconds; values < 600 act as 600)
  std::string aws_default_region;      // --aws-default-region ("" = inject no region)
  bool sts_regional_endpoint = false;  // --sts-regional-endpoint

  // --- irsa extras: all off by default (kube/webhook_extras.h) ---
  // Non-empty: inject AWS_ENDPOINT_URL_STS / _IAM / _S3=<url> so SDKs that honour
  // service-specific endpoints send their calls to irsa (a ServiceAccount annotated
  // irsa.dev/inject-endpoints=false opts out; transparent pods never get them).
  std::string sts_endpoint_url;
  std::string iam_endpoint_url;
  std::string s3_endpoint_url;
  // Non-empty (an IP address): transparent mode is available; its pods get spec.hostAliases
  // mapping the AWS host names irsa implements (TransparentHostNames(transparent_regions)) to
  // this address, where irsa serves HTTPS on port 443.
  std::string transparent_address;
  // Transparent mode for every pod (else only for ServiceAccounts annotated
  // irsa.dev/transparent-endpoints=true; =false opts out when this is set).
  bool transparent_default = false;
  std::vector<std::string> transparent_regions = {"us-east-1"};
  // Non-empty: mount key `ca_bundle_key` of this ConfigMap (which must exist in the pod's
  // namespace, e.g. distributed by trust-manager) as <ca_bundle_mount_path>/ca-bundle.crt through
  // a volume named "irsa-ca-bundle", and inject AWS_CA_BUNDLE and NODE_EXTRA_CA_CERTS pointing at
  // that file (transparent pods: also SSL_CERT_FILE and REQUESTS_CA_BUNDLE).
  std::string ca_bundle_config_map;
  std::string ca_bundle_key = "ca.crt";
  std::string ca_bundle_mount_path = "/var/run/secrets/irsa/ca-bundle";
  // Inject AWS_ROLE_SESSION_NAME from the pod name via the downward API (fieldRef metadata.name),
  // so the audit log and assumed-role ARNs name the pod instead of "botocore-session-…".
  bool inject_role_session_name = false;
};

// Checks options for the CLI: non-empty prefix, absolute mount paths, http(s) endpoint URL,
// valid ConfigMap name/key. Returns InvalidParameterValue naming the option.
Status ValidateWebhookOptions(const WebhookOptions& options);

// Names and constants shared with the tests and docs.
inline constexpr std::string_view kTokenVolumeName = "aws-iam-token";
inline constexpr std::string_view kCaBundleVolumeName = "irsa-ca-bundle";
inline constexpr std::string_view kCaBundleFileName = "ca-bundle.crt";
inline constexpr int64_t kMinTokenExpiration = 600;
// Largest AdmissionReview body HandleAdmissionReview parses (kube-apiserver objects are ≤ 3 MiB;
// a review can carry object and oldObject).
inline constexpr size_t kMaxAdmissionReviewBytes = 8u << 20;
inline constexpr size_t kMaxAdmissionReviewDepth = 64;

struct MutationResult {
  // True when the ServiceAccount has a role: `patch` must be returned (it may leave every
  // container as it was, exactly like upstream, which still returns its containers array).
  bool mutate = false;
  // Upstream's "changed" flag: false when every container already had everything.
  bool changed = false;
  boost::json::array patch;  // RFC 6902 operations, upstream order
  // Human-readable account of what was injected or skipped and why, for logs and events.
  std::vector<std::string> reasons;
  // Problems worth surfacing to the pod's creator as AdmissionResponse.warnings (irsa-only;
  // empty whenever the upstream webhook would answer normally).
  std::vector<std::string> warnings;
};

// Computes the patch for `pod` (the decoded request.object) created in `request_namespace`.
// Looks up spec.serviceAccountName in that namespace. Errors (InvalidInput) only for a pod the
// upstream Go decoder would reject (a field of the wrong JSON type); a failed lookup is not an
// error: no mutation, with a reason and a warning.
Result<MutationResult> MutatePod(const WebhookOptions& options, const boost::json::object& pod,
                                 const std::string& request_namespace,
                                 ServiceAccountLookup& lookup);

// The whole /mutate exchange: parses an AdmissionReview (admission.k8s.io/v1 or v1beta1) and
// returns the AdmissionReview response JSON — apiVersion and kind echoed, response.uid =
// request.uid, allowed true, and for a mutated pod patchType "JSONPatch" plus patch = base64 of
// the patch array. Malformed input (bad JSON, too large, too deep, no request, a pod of the wrong
// shape) → allowed false with response.status.message (Go's AdmissionResponse.Result, JSON tag
// "status"). Objects other than Pods, and operations other than CREATE, are allowed unchanged.
// Never throws.
std::string HandleAdmissionReview(const WebhookOptions& options, std::string_view request_body,
                                  ServiceAccountLookup& lookup);

// As HandleAdmissionReview, also returning the reasons (for logging by the HTTP layer).
std::string HandleAdmissionReview(const WebhookOptions& options, std::string_view request_body,
                                  ServiceAccountLookup& lookup, std::vector<std::string>* reasons);

}  // namespace irsa::kube
