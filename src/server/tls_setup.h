// TLS material for `irsa serve`: either the operator's certificate and key, or a local CA and an
// ECDSA P-256 server certificate generated into DATA/tls/ (the CA once; the server certificate
// again whenever the names it must carry change, still signed by the same CA).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace irsa::server {

struct TlsFiles {
  std::string certificate_chain;  // PEM path
  std::string private_key;        // PEM path
  std::string ca_bundle;          // PEM path clients should trust; empty for operator certs
};

// The subject alternative names of the generated server certificate: localhost, 127.0.0.1, ::1,
// `listen_host` (unless empty, a wildcard address or one of those) and `extra_names` (DNS names
// or IP literals: the --tls-san values and the AWS host names of transparent mode), sorted,
// without duplicates.
std::vector<std::string> LocalTlsNames(const std::string& listen_host,
                                       const std::vector<std::string>& extra_names);

// Generates (if missing) DATA/tls/{ca.pem,ca.key} and DATA/tls/{server.pem,server.key} naming
// LocalTlsNames(...) (recorded in DATA/tls/server.names; a different set reissues the server
// certificate with the existing CA, so clients keep trusting ca.pem).
Result<TlsFiles> EnsureLocalTls(const std::string& data_dir, const std::string& listen_host,
                                const std::vector<std::string>& extra_names = {});

}  // namespace irsa::server
