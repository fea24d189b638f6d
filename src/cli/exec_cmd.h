// `irsa exec --cluster C --namespace N --service-account S -- COMMAND ARGS...`: runs COMMAND as
// a pod with that ServiceAccount would run on a cluster irsa hosts (docs/walkthrough.md, README
// "Running a workload as a pod would").
//
//   * The environment is the one the mutating webhook (kube/webhook.h, MutatePod on a synthetic
//     pod with one container, default webhook options plus --aws-default-region and
//     --sts-regional-endpoint) injects for the ServiceAccount: AWS_ROLE_ARN,
//     AWS_WEB_IDENTITY_TOKEN_FILE, and the region / AWS_STS_REGIONAL_ENDPOINTS variables when they
//     apply; irsa adds AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_IAM (irsa's HTTP endpoint from
//     DATA/endpoints.json, or --endpoint-url) and AWS_ROLE_SESSION_NAME
//     (irsa-exec-<ns>-<sa>-<8 random hex digits>, fresh per run, unless --role-session-name).
//     Without --aws-default-region and an inherited region, the region is us-east-1 (a pod
//     finds its region on the node; a local process has no node). AWS_REGION,
//     AWS_DEFAULT_REGION and AWS_STS_REGIONAL_ENDPOINTS inherited by irsa count as the pod's own
//     env (the webhook then leaves them alone).
//   * --transparent (cli/exec_transparent.h): no endpoint variables; the command runs in a
//     private mount namespace whose /etc/hosts sends the AWS host names to irsa's HTTPS listener
//     on port 443, with a CA bundle of the system CAs plus irsa's in AWS_CA_BUNDLE,
//     SSL_CERT_FILE, REQUESTS_CA_BUNDLE and NODE_EXTRA_CA_CERTS.
//   * Inherited credential sources are removed so the SDK's default chain can only find the
//     web identity: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
//     AWS_SECURITY_TOKEN, AWS_PROFILE, AWS_DEFAULT_PROFILE, the container-credential and
//     web-identity variables; AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are set to
//     /dev/null and AWS_EC2_METADATA_DISABLED to true (a pod has no ~/.aws either).
//   * The token is what kubelet would project: a TokenRequest to the cluster's Kubernetes API
//     (audience from the SA's eks.amazonaws.com/audience annotation, else sts.amazonaws.com;
//     lifetime from the token-expiration annotation, else 86400, at least 600, at most 86400),
//     written to <private temp dir>/token (mode 0600, directory 0700), and rewritten atomically
//     (temp file + rename) when 80% of its lifetime has passed, while the command runs.
//   * A ServiceAccount without eks.amazonaws.com/role-arn: the command runs with nothing injected
//     (and credentials still removed); a note on stderr says so. A missing cluster or
//     ServiceAccount is an error and the command is not run.
//   * SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to irsa (kill) are forwarded to the command;
//     terminal-generated ones are not (the command, in the same process group, got them too).
//   * Exit status: the command's; 128+N when it died of signal N; 127/126 when it could not be
//     executed. The temp directory is removed before irsa exits.
#pragma once

#include <CLI/CLI.hpp>

namespace irsa::cli {

void AddExecCommand(CLI::App& app);

}  // namespace irsa::cli
