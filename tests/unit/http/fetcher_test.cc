#include "http/fetcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/log.h"
#include "base/metrics.h"
#include "base/random.h"
#include "http/server.h"

namespace irsa::http {
namespace {

using ::testing::HasSubstr;

// Writes a throwaway self-signed ECDSA P-256 certificate with the given subjectAltName and its
// key as PEM files in `dir`.
void WriteSelfSignedCert(const std::filesystem::path& dir, const std::string& san,
                         std::string& cert_path, std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("irsa test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair<int, std::string>{NID_subject_alt_name, san},
                            {NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    ASSERT_NE(ext, nullptr);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  cert_path = (dir / "cert.pem").string();
  key_path = (dir / "key.pem").string();
  FILE* f = std::fopen(cert_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(key_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
}

class FetcherTest : public ::testing::Test {
 protected:
  FetcherTest() : random_(9) {
    log::SetSink([](std::string_view) {});
    char tmpl[] = "/tmp/irsa_http_test_XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  ~FetcherTest() override {
    if (server_) server_->Stop(std::chrono::milliseconds(0));
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    log::SetSink(nullptr);
  }

  static HttpResponse Handler(HttpRequest& r) {
    HttpResponse resp;
    resp.headers.emplace_back("Content-Type", "application/json");
    if (r.path == "/redirect") {
      resp.status = 302;
      resp.headers.emplace_back("Location", "/elsewhere");
      return resp;
    }
    if (r.path == "/big") {
      resp.body = std::string(5000, 'x');
      return resp;
    }
    if (r.path == "/missing") {
      resp.status = 404;
      return resp;
    }
    resp.body = std::string("{\"secure\":") + (r.secure ? "true" : "false") + ",\"agent\":\"" +
                std::string(r.Header("user-agent")) + "\",\"x\":\"" +
                std::string(r.Header("x-test")) + "\",\"query\":\"" + r.query + "\"}";
    return resp;
  }

  void StartServer(bool tls, const std::string& san = "IP:127.0.0.1,DNS:localhost") {
    ServerOptions o;
    o.listeners.push_back({.host = "127.0.0.1", .port = 0, .tls = tls});
    if (tls) {
      WriteSelfSignedCert(dir_, san, cert_, key_);
      o.tls = {.certificate_chain_file = cert_, .private_key_file = key_};
    }
    o.io_threads = 1;
    o.registry = &registry_;
    o.random = &random_;
    server_ = std::make_unique<Server>(o, Handler);
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.error().message();
    port_ = server_->BoundEndpoints()[0].port;
  }

  std::string Url(std::string_view scheme, std::string_view host, std::string_view path) const {
    return std::string(scheme) + "://" + std::string(host) + ":" + std::to_string(port_) +
           std::string(path);
  }

  std::filesystem::path dir_;
  std::string cert_, key_;
  metrics::Registry registry_;
  SeededRandom random_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(FetcherTest, PlainHttpGet) {
  StartServer(false);
  auto f = Fetcher::Create();
  ASSERT_TRUE(f.ok()) << f.error().message();
  auto r = (*f)->Get({.url = Url("http", "127.0.0.1", "/keys?a=1"), .headers = {{"X-Test", "v"}}});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"secure\":false,\"agent\":\"irsa\",\"x\":\"v\",\"query\":\"a=1\"}");
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_EQ(r->Header("server"), "irsa");
  EXPECT_EQ(r->Header("x-amzn-requestid").size(), 36u);
}

TEST_F(FetcherTest, HttpStatusesAreResponsesNotErrors) {
  StartServer(false);
  auto f = Fetcher::Create();
  ASSERT_TRUE(f.ok());
  auto missing = (*f)->Get({.url = Url("http", "127.0.0.1", "/missing")});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  auto redirect = (*f)->Get({.url = Url("http", "127.0.0.1", "/redirect")});
  ASSERT_TRUE(redirect.ok());
  EXPECT_EQ(redirect->status, 302) << "redirects are reported, not followed";
  EXPECT_EQ(redirect->Header("location"), "/elsewhere");
}

TEST_F(FetcherTest, TlsGetWithCaBundle) {
  StartServer(true);
  auto f = Fetcher::Create({.ca_bundle_file = cert_});
  ASSERT_TRUE(f.ok()) << f.error().message();
  for (const char* host : {"127.0.0.1", "localhost"}) {
    auto r = (*f)->Get({.url = Url("https", host, "/jwks")});
    ASSERT_TRUE(r.ok()) << host << ": " << r.error().message();
    EXPECT_EQ(r->status, 200);
    EXPECT_THAT(r->body, HasSubstr("\"secure\":true"));
    EXPECT_EQ(r->Header("x-amzn-requestid").size(), 36u);
  }
}

TEST_F(FetcherTest, TlsVerificationFailsWithoutCaBundle) {
  StartServer(true);
  auto f = Fetcher::Create();
  ASSERT_TRUE(f.ok()) << f.error().message();
  const std::string url = Url("https", "127.0.0.1", "/jwks");
  auto r = (*f)->Get({.url = url + "?secret=1"});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr(url));
  EXPECT_THAT(r.error().message(), HasSubstr("TLS handshake"));
  EXPECT_THAT(r.error().message(), HasSubstr("certificate verification failed"));
  EXPECT_THAT(r.error().message(), ::testing::Not(HasSubstr("secret")));
  EXPECT_EQ(r.error().code(), "ServiceUnavailable");
}

TEST_F(FetcherTest, TlsHostNameMismatchFails) {
  StartServer(true, "DNS:other.example");
  auto f = Fetcher::Create({.ca_bundle_file = cert_, .use_system_ca = false});
  ASSERT_TRUE(f.ok());
  auto r = (*f)->Get({.url = Url("https", "127.0.0.1", "/")});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("certificate verification failed"));
  EXPECT_THAT(r.error().message(), HasSubstr("mismatch"));
}

TEST_F(FetcherTest, ConnectionRefusedNamesUrl) {
  // Find a port nobody listens on: bind, read the port, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  port_ = ntohs(addr.sin_port);
  auto f = Fetcher::Create();
  ASSERT_TRUE(f.ok());
  const std::string url = Url("http", "127.0.0.1", "/keys");
  auto r = (*f)->Get({.url = url});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr(url));
  EXPECT_THAT(r.error().message(), HasSubstr("connect failed"));
  EXPECT_THAT(r.error().message(), HasSubstr("refused"));
}

TEST_F(FetcherTest, TimeoutWhenServerNeverAnswers) {
  // A listening socket that never accepts: connect succeeds (backlog), no response comes.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  auto f = Fetcher::Create();
  ASSERT_TRUE(f.ok());
  auto start = std::chrono::steady_clock::now();
  auto r = (*f)->Get(
      {.url = Url("http", "127.0.0.1", "/slow"), .timeout = std::chrono::milliseconds(150)});
  auto took = std::chrono::steady_clock::now() - start;
  ::close(fd);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("timed out after 150 ms"));
  EXPECT_THAT(r.error().message(), HasSubstr("/slow"));
  EXPECT_LT(took, std::chrono::milliseconds(900));
}

TEST_F(FetcherTest, BodyLargerThanLimitFails) {
  StartServer(false);
  auto f = Fetcher::Create();
  ASSERT_TRUE(f.ok());
  auto r = (*f)->Get({.url = Url("http", "127.0.0.1", "/big"), .max_body_bytes = 1000});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("larger than 1000 bytes"));
  auto ok = (*f)->Get({.url = Url("http", "127.0.0.1", "/big"), .max_body_bytes = 5000});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->body.size(), 5000u);
}

TEST_F(FetcherTest, DnsFailureNamesHost) {
  auto f = Fetcher::Create();
  ASSERT_TRUE(f.ok());
  auto r = (*f)->Get(
      {.url = "http://no-such-host.invalid/x", .timeout = std::chrono::milliseconds(2000)});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("http://no-such-host.invalid:80/x"));
  EXPECT_THAT(r.error().message(), HasSubstr("no-such-host.invalid"));
}

TEST_F(FetcherTest, InvalidUrlsAreRejected) {
  auto f = Fetcher::Create();
  ASSERT_TRUE(f.ok());
  for (const char* url : {"ftp://example.com/x", "not a url", "http:///nohost",
                          "https://user:pw@example.com/", "http://example.com:0/"}) {
    auto r = (*f)->Get({.url = url});
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code(), "InvalidParameterValue") << url;
    EXPECT_THAT(r.error().message(), ::testing::Not(HasSubstr("pw"))) << url;
  }
  auto bad_header = (*f)->Get({.url = "http://127.0.0.1:1/", .headers = {{"X", "a\r\nB: c"}}});
  ASSERT_FALSE(bad_header.ok());
  EXPECT_EQ(bad_header.error().code(), "InvalidParameterValue");
}

TEST_F(FetcherTest, MissingCaBundleFailsCreate) {
  auto f = Fetcher::Create({.ca_bundle_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(f.ok());
  EXPECT_THAT(f.error().message(), HasSubstr("/nonexistent/ca.pem"));
}

TEST_F(FetcherTest, TlsServerRejectsPlainTextAndKeepsServing) {
  StartServer(true);
  auto f = Fetcher::Create({.ca_bundle_file = cert_});
  ASSERT_TRUE(f.ok());
  auto plain =
      (*f)->Get({.url = Url("http", "127.0.0.1", "/"), .timeout = std::chrono::milliseconds(2000)});
  EXPECT_FALSE(plain.ok());
  auto r = (*f)->Get({.url = Url("https", "127.0.0.1", "/")});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(registry_.CounterFamily("irsa_http_errors_total", "", {"reason"})
                .WithLabels({"tls_handshake"})
                .Value(),
            1u);
}

}  // namespace
}  // namespace irsa::http
