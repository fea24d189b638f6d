#include "server/tls_setup.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

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

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<std::string> LocalTlsNames(const std::string& listen_host,
                                       const std::vector<std::string>& extra_names) {
  std::set<std::string> names = {"localhost", "127.0.0.1", "::1"};
  if (!listen_host.empty() && listen_host != "0.0.0.0" && listen_host != "::") {
    names.insert(listen_host);
  }
  for (const std::string& name : extra_names) {
    if (!name.empty()) names.insert(name);
  }
  return {names.begin(), names.end()};
}

Result<TlsFiles> EnsureLocalTls(const std::string& data_dir, const std::string& listen_host,
                                const std::vector<std::string>& extra_names) {
  const std::string dir = data_dir + "/tls";
  TlsFiles files{dir + "/server.pem", dir + "/server.key", dir + "/ca.pem"};
  const std::string ca_key_path = dir + "/ca.key";
  const std::string names_path = dir + "/server.names";
  const std::vector<std::string> names = LocalTlsNames(listen_host, extra_names);
  std::string names_text;
  for (const std::string& name : names) names_text += name + "\n";
  namespace fs = std::filesystem;
  const bool have_ca = fs::exists(files.ca_bundle) && fs::exists(ca_key_path);
  if (have_ca && fs::exists(files.certificate_chain) && fs::exists(files.private_key) &&
      ReadAll(names_path) == names_text) {
    return files;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return errors::InvalidParameterValue("cannot create " + dir + ": " + ec.message());

  const SystemTime now = SystemClock::Instance().Now() - std::chrono::hours(1);
  std::optional<crypto::Certificate> ca;
  std::optional<crypto::PrivateKey> ca_key;
  if (have_ca) {
    IRSA_TRY(std::vector<crypto::Certificate> chain,
             crypto::ReadCertificatePemFile(files.ca_bundle));
    if (chain.empty())
      return errors::InvalidParameterValue(files.ca_bundle + " has no certificate");
    ca.emplace(std::move(chain.front()));
    IRSA_TRY(crypto::PrivateKey key, crypto::ReadPrivateKeyPemFile(ca_key_path));
    ca_key.emplace(std::move(key));
  } else {
    IRSA_TRY(crypto::PrivateKey key, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
    crypto::CaOptions ca_options;
    ca_options.not_before = now;
    IRSA_TRY(crypto::Certificate cert, crypto::CreateCaCertificate(key, ca_options));
    ca.emplace(std::move(cert));
    ca_key.emplace(std::move(key));
  }
  IRSA_TRY(crypto::PrivateKey server_key, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  crypto::ServerCertOptions server_options;
  server_options.not_before = now;
  for (const std::string& name : names) {
    (IsIpLiteral(name) ? server_options.ip_addresses : server_options.dns_names).push_back(name);
  }
  IRSA_TRY(crypto::Certificate server,
           crypto::IssueServerCertificate(*ca, *ca_key, server_key.public_key(), server_options));
  if (!have_ca) {
    IRSA_RETURN_IF_ERROR(crypto::WritePrivateKeyPem(ca_key_path, *ca_key));
    IRSA_RETURN_IF_ERROR(crypto::WriteCertificatePem(files.ca_bundle, {*ca}));
  }
  IRSA_RETURN_IF_ERROR(crypto::WritePrivateKeyPem(files.private_key, server_key));
  IRSA_RETURN_IF_ERROR(crypto::WriteCertificatePem(files.certificate_chain, {server}));
  std::ofstream(names_path, std::ios::trunc) << names_text;
  log::Info(have_ca ? "issued a new server certificate (its names changed)"
                    : "generated a local CA and server certificate",
            {{"ca_bundle", files.ca_bundle}, {"names", std::to_string(names.size())}});
  return files;
}

}  // namespace irsa::server
