#include "crypto/x509.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "base/encoding.h"
#include "crypto/hash.h"

namespace irsa::crypto {
namespace {

constexpr int64_t kNow = 1764300000;  // 2025-11-28

struct Pki {
  PrivateKey ca_key;
  Certificate ca;
  PrivateKey server_key;
  Certificate server;
};

Pki MakePki() {
  SeededRandom random(42);
  PrivateKey ca_key = *PrivateKey::Generate(KeyType::kEcP256);
  CaOptions ca_options;
  ca_options.not_before = FromUnixSeconds(kNow - 60);
  auto ca = CreateCaCertificate(ca_key, ca_options, random);
  EXPECT_TRUE(ca.ok()) << ca.error().message();
  PrivateKey server_key = *PrivateKey::Generate(KeyType::kEcP256);
  ServerCertOptions options;
  options.dns_names = {"localhost", "irsa.example.com"};
  options.ip_addresses = {"127.0.0.1", "::1"};
  options.not_before = FromUnixSeconds(kNow - 60);
  auto server = IssueServerCertificate(*ca, ca_key, server_key.public_key(), options, random);
  EXPECT_TRUE(server.ok()) << server.error().message();
  return Pki{ca_key, *ca, server_key, *server};
}

TEST(X509, CaAndServerVerify) {
  Pki pki = MakePki();
  EXPECT_EQ(pki.ca.SubjectName(), "CN=irsa local CA");
  EXPECT_EQ(pki.server.SubjectName(), "CN=localhost");
  // Signature checks with OpenSSL directly.
  auto ca_pub = pki.ca.public_key();
  ASSERT_TRUE(ca_pub.ok());
  EXPECT_EQ(X509_verify(pki.ca.get(), ca_pub->get()), 1);
  EXPECT_EQ(X509_verify(pki.server.get(), ca_pub->get()), 1);
  EXPECT_EQ(X509_check_ca(pki.ca.get()), 1);
  EXPECT_EQ(X509_check_ca(pki.server.get()), 0);
  EXPECT_EQ(pki.server.public_key()->key_id(), pki.server_key.key_id());
  // Chain verification through a store, at a time inside both validity periods.
  EXPECT_TRUE(VerifyCertificate(pki.server, pki.ca, FromUnixSeconds(kNow)).ok());
  // ~1 year for the server, ~10 years for the CA.
  EXPECT_FALSE(VerifyCertificate(pki.server, pki.ca, FromUnixSeconds(kNow + 366 * 86400)).ok());
  EXPECT_TRUE(VerifyCertificate(pki.ca, pki.ca, FromUnixSeconds(kNow + 3000 * 86400)).ok());
  EXPECT_FALSE(VerifyCertificate(pki.server, pki.ca, FromUnixSeconds(kNow - 3600)).ok());
  // A different CA does not verify it.
  Pki other = MakePki();
  auto r = VerifyCertificate(pki.server, other.ca, FromUnixSeconds(kNow));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("certificate does not verify"), std::string::npos);
}

TEST(X509, ServerCertificateNamesAndUsage) {
  Pki pki = MakePki();
  X509* cert = pki.server.get();
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert, "irsa.example.com", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert, "evil.example.com", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "::1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "10.0.0.1", 0), 0);
  EXPECT_EQ(X509_check_purpose(cert, X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_TRUE(X509_get_extended_key_usage(cert) & XKU_SSL_SERVER);
}

TEST(X509, IssueValidation) {
  Pki pki = MakePki();
  ServerCertOptions options;
  options.not_before = FromUnixSeconds(kNow);
  EXPECT_FALSE(
      IssueServerCertificate(pki.ca, pki.ca_key, pki.server_key.public_key(), options).ok())
      << "no SANs";
  options.ip_addresses = {"300.1.1.1"};
  EXPECT_FALSE(
      IssueServerCertificate(pki.ca, pki.ca_key, pki.server_key.public_key(), options).ok());
  options.ip_addresses = {};
  options.dns_names = {"bad,name"};
  EXPECT_FALSE(
      IssueServerCertificate(pki.ca, pki.ca_key, pki.server_key.public_key(), options).ok());
  options.dns_names = {"ok"};
  EXPECT_FALSE(
      IssueServerCertificate(pki.ca, pki.server_key, pki.server_key.public_key(), options).ok())
      << "CA key does not match CA cert";
}

TEST(X509, PemDerAndThumbprint) {
  Pki pki = MakePki();
  std::string pem = pki.ca.ToPem() + pki.server.ToPem();
  auto chain = Certificate::ChainFromPem(pem);
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[1].ToDer(), pki.server.ToDer());
  auto first = Certificate::FromPem(pem);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->ToDer(), pki.ca.ToDer());
  auto from_der = Certificate::FromDer(pki.server.ToDer());
  ASSERT_TRUE(from_der.ok());
  std::string thumb = pki.server.Sha1Thumbprint();
  EXPECT_EQ(thumb.size(), 40u);
  EXPECT_EQ(thumb, HexEncode(Sha1(pki.server.ToDer())));
  for (char c : thumb) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  EXPECT_FALSE(Certificate::FromPem("garbage").ok());
  EXPECT_FALSE(Certificate::ChainFromPem("").ok());
  EXPECT_FALSE(Certificate::FromDer("\x30\x00").ok());
}

TEST(X509, FilesAndPermissions) {
  Pki pki = MakePki();
  std::string base = ::testing::TempDir() + "/irsa_x509_test_" + std::to_string(::getpid());
  std::string cert_path = base + ".crt";
  std::string key_path = base + ".key";
  ASSERT_TRUE(WriteCertificatePem(cert_path, {pki.server, pki.ca}).ok());
  ASSERT_TRUE(WritePrivateKeyPem(key_path, pki.server_key).ok());
  struct stat st;
  ASSERT_EQ(::stat(key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto chain = ReadCertificatePemFile(cert_path);
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0].Sha1Thumbprint(), pki.server.Sha1Thumbprint());
  auto key = ReadPrivateKeyPemFile(key_path);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->key_id(), pki.server_key.key_id());
  EXPECT_EQ(X509_check_private_key((*chain)[0].get(), key->get()), 1);
  auto missing = ReadPrivateKeyPemFile(base + ".missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find(".missing"), std::string::npos);
  std::remove(cert_path.c_str());
  std::remove(key_path.c_str());
}

}  // namespace
}  // namespace irsa::crypto
