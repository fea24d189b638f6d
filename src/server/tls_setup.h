// TLS material for `irsa serve`: either the operator's certificate and key, or a local CA and an
// ECDSA P-256 server certificate generated into DATA/tls/ on first start (reused afterwards).
#pragma once

#include <string>

#include "base/result.h"

namespace irsa::server {

struct TlsFiles {
  std::string certificate_chain;  // PEM path
  std::string private_key;        // PEM path
  std::string ca_bundle;          // PEM path clients should trust; empty for operator certs
};

// Generates (if missing) DATA/tls/{ca.pem,ca.key,server.pem,server.key}. The server certificate
// names localhost, 127.0.0.1, ::1 and `extra_host` (if it is not empty or a wildcard address).
Result<TlsFiles> EnsureLocalTls(const std::string& data_dir, const std::string& extra_host);

}  // namespace irsa::server
