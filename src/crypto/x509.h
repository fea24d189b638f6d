// X.509 for irsa's own TLS: a local CA (EC P-256, self-signed, CA:TRUE, ~10 years) and server
// certificates signed by it (SANs for DNS names and IP addresses, serverAuth EKU, ~1 year), PEM
// files, and SHA-1 thumbprints (the value IAM OIDC providers list).
//
// Certificate is a cheap-to-copy immutable handle (shared X509); safe to share across threads.
// Failures are InvalidInput (bad caller input: malformed PEM, bad IP literal, empty SAN list) or
// InternalFailure (OpenSSL / file system). Private keys never appear in messages.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "crypto/keys.h"

namespace irsa::crypto {

class Certificate {
 public:
  // The first certificate in a PEM text.
  static Result<Certificate> FromPem(std::string_view pem);
  // All certificates in a PEM text (a chain or bundle); fails if there are none.
  static Result<std::vector<Certificate>> ChainFromPem(std::string_view pem);
  static Result<Certificate> FromDer(std::string_view der);
  // Takes ownership.
  static Certificate FromX509(X509Ptr cert);

  std::string ToPem() const;
  std::string ToDer() const;
  // Lower-case hex SHA-1 of the DER encoding (40 chars).
  std::string Sha1Thumbprint() const;
  // One-line RFC 2253 subject, e.g. "CN=irsa local CA".
  std::string SubjectName() const;
  Result<PublicKey> public_key() const;
  X509* get() const { return cert_.get(); }

 private:
  std::shared_ptr<X509> cert_;
};

struct CaOptions {
  std::string common_name = "irsa local CA";
  SystemTime not_before;  // usually clock.Now() minus a little skew
  int validity_days = 3650;
};

struct ServerCertOptions {
  std::string common_name = "localhost";
  std::vector<std::string> dns_names;     // e.g. {"localhost", "irsa.example.com"}
  std::vector<std::string> ip_addresses;  // e.g. {"127.0.0.1", "::1"}
  SystemTime not_before;
  int validity_days = 365;
};

// Self-signed CA certificate for `ca_key` (CA:TRUE critical, keyCertSign|cRLSign, SKI).
Result<Certificate> CreateCaCertificate(const PrivateKey& ca_key, const CaOptions& options,
                                        Random& random = SystemRandom::Instance());
// Server certificate for `server_key`, issued by (`ca_cert`, `ca_key`): CA:FALSE,
// digitalSignature, serverAuth, SAN from the options (at least one name or address), AKI/SKI.
Result<Certificate> IssueServerCertificate(const Certificate& ca_cert, const PrivateKey& ca_key,
                                           const PublicKey& server_key,
                                           const ServerCertOptions& options,
                                           Random& random = SystemRandom::Instance());

// Verifies `cert` chains to `trusted_ca` at time `at` (OpenSSL X509_verify_cert); for tests and
// `irsa doctor`-style diagnostics. InvalidInput with OpenSSL's reason on failure.
Status VerifyCertificate(const Certificate& cert, const Certificate& trusted_ca, SystemTime at);

// PEM files: certificates 0644, private keys 0600 (written atomically).
Status WriteCertificatePem(const std::string& path, const std::vector<Certificate>& chain);
Status WritePrivateKeyPem(const std::string& path, const PrivateKey& key);
Result<std::vector<Certificate>> ReadCertificatePemFile(const std::string& path);
Result<PrivateKey> ReadPrivateKeyPemFile(const std::string& path);

}  // namespace irsa::crypto
