// `irsa exec --transparent`: the command reaches irsa under the real AWS host names, as a pod in
// the webhook's transparent mode does (kube/webhook_extras.h), so SDKs that ignore
// AWS_ENDPOINT_URL_* (the Go SDK v1, the JavaScript SDK v2, AWS CLI v2 < 2.13) work unchanged.
//
// How: the command runs in a private mount namespace in which
//   * /etc/hosts is a copy of the host's plus one line mapping TransparentHostNames(regions)
//     (sts/iam/s3 global, sts/eks/s3 per region) to the address of irsa's HTTPS listener, which
//     must be on port 443 (e.g. `irsa serve --listen-tls 127.0.0.1:443`) and present the
//     generated certificate (it names those hosts for irsa's --region);
//   * /etc/nsswitch.conf, when it exists, is a copy whose `hosts:` line is `files dns`, so a
//     resolver daemon (systemd-resolved, nscd) cannot answer from the host's /etc/hosts first;
// and AWS_CA_BUNDLE, SSL_CERT_FILE, REQUESTS_CA_BUNDLE and NODE_EXTRA_CA_CERTS name a bundle of
// the system CAs plus irsa's CA. Nothing outside the command's namespace changes.
//
// The namespace is entered in the forked child before exec: unshare(CLONE_NEWNS) as root, else
// (no CAP_SYS_ADMIN) unshare(CLONE_NEWUSER | CLONE_NEWNS) mapping the caller's uid and gid to
// themselves, so the command keeps its identity. A kernel without unprivileged user namespaces
// refuses the latter; the command is then not run.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace irsa::cli {

struct TransparentFiles {
  std::string hosts;      // replaces /etc/hosts
  std::string nsswitch;   // replaces /etc/nsswitch.conf ("" when the host has none)
  std::string ca_bundle;  // system CAs + irsa's CA
  std::string address;    // irsa's HTTPS address the host names map to
};

// Writes the files into `dir` (a private directory). `https_url` is irsa's HTTPS endpoint
// (DATA/endpoints.json "https"); it must name an IP address and port 443, else
// InvalidParameterValue says how to start irsa. `irsa_ca` is the PEM file of irsa's CA.
Result<TransparentFiles> PrepareTransparent(const std::string& dir, const std::string& https_url,
                                            const std::string& irsa_ca,
                                            const std::vector<std::string>& regions);

// In the forked child, before exec: enters the private mount namespace and bind-mounts the
// files. Uses only system calls on preformatted data (the parent may have threads). Returns
// nullptr on success, else a static description of the failed step (errno holds the cause).
const char* EnterTransparentNamespace(const TransparentFiles& files, const std::string& uid_map,
                                      const std::string& gid_map);

// "<uid> <uid> 1" and "<gid> <gid> 1" for the current process (formatted before fork).
std::string IdentityMap(unsigned id);

}  // namespace irsa::cli
