#include "server/tls_setup.h"

#include <filesystem>

#include "base/clock.h"
#include "base/log.h"
#include "crypto/keys.h"
#include "crypto/x509.h"

namespace irsa::server {
namespace {
bool IsIpLiteral(const std::string& host) {
  return !host.empty() && (host.find(':') != std::string::npos ||
                           host.find_first_not_of("0123456789.") == std::string::npos);
}
}  // namespace

Result<TlsFiles> EnsureLocalTls(const std::string& data_dir, const std::string& extra_host) {
  const std::string dir = data_dir + "/tls";
  TlsFiles files{dir + "/server.pem", dir + "/server.key", dir + "/ca.pem"};
  if (std::filesystem::exists(files.certificate_chain) &&
      std::filesystem::exists(files.private_key) && std::filesystem::exists(files.ca_bundle)) {
    return files;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return errors::InvalidParameterValue("cannot create " + dir + ": " + ec.message());

  const SystemTime now = SystemClock::Instance().Now() - std::chrono::hours(1);
  IRSA_TRY(crypto::PrivateKey ca_key, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  crypto::CaOptions ca_options;
  ca_options.not_before = now;
  IRSA_TRY(crypto::Certificate ca, crypto::CreateCaCertificate(ca_key, ca_options));
  IRSA_TRY(crypto::PrivateKey server_key, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  crypto::ServerCertOptions server_options;
  server_options.not_before = now;
  server_options.dns_names = {"localhost"};
  server_options.ip_addresses = {"127.0.0.1", "::1"};
  if (!extra_host.empty() && extra_host != "0.0.0.0" && extra_host != "::" &&
      extra_host != "localhost" && extra_host != "127.0.0.1" && extra_host != "::1") {
    (IsIpLiteral(extra_host) ? server_options.ip_addresses : server_options.dns_names)
        .push_back(extra_host);
  }
  IRSA_TRY(crypto::Certificate server,
           crypto::IssueServerCertificate(ca, ca_key, server_key.public_key(), server_options));
  IRSA_RETURN_IF_ERROR(crypto::WritePrivateKeyPem(dir + "/ca.key", ca_key));
  IRSA_RETURN_IF_ERROR(crypto::WritePrivateKeyPem(files.private_key, server_key));
  IRSA_RETURN_IF_ERROR(crypto::WriteCertificatePem(files.certificate_chain, {server}));
  IRSA_RETURN_IF_ERROR(crypto::WriteCertificatePem(files.ca_bundle, {ca}));
  log::Info("generated a local CA and server certificate", {{"ca_bundle", files.ca_bundle}});
  return files;
}

}  // namespace irsa::server
