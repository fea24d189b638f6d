// oidc::RemoteIssuerKeys over the real network: irsa's own HTTPS server on 127.0.0.1 serves an
// OIDC discovery document and JWKS, fetched with the real http::Fetcher (throwaway CA).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/random.h"
#include "crypto/jwk.h"
#include "crypto/keys.h"
#include "crypto/x509.h"
#include "http/fetcher.h"
#include "http/server.h"
#include "jwt/jwk_json.h"
#include "jwt/mint.h"
#include "jwt/verify.h"
#include "oidc/remote_issuer_keys.h"

namespace irsa::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The issuer's published documents; swapped by the test while the server runs.
struct IssuerDocs {
  std::mutex mu;
  std::string discovery;
  std::string jwks;
  int requests = 0;
};

std::vector<std::string> Kids(const jwt::KeySet& set) {
  std::vector<std::string> out;
  for (const auto& k : set.keys()) out.push_back(k.kid);
  return out;
}

std::string JwksOf(const std::vector<const crypto::PrivateKey*>& keys) {
  std::vector<crypto::Jwk> jwks;
  for (const crypto::PrivateKey* k : keys) jwks.push_back(*crypto::ExportJwk(k->public_key()));
  return jwt::JwksToJson(jwks);
}

TEST(RemoteIssuerOverHttps, FetchRotateAndSurviveOutage) {
  log::SetSink([](std::string_view) {});
  char tmpl[] = "/tmp/irsa_remote_issuer_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::filesystem::path dir = tmpl;

  // Throwaway CA and a server certificate for 127.0.0.1.
  SeededRandom random(42);
  SystemTime now = SystemClock::Instance().Now();
  auto ca_key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  auto server_key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(ca_key.ok() && server_key.ok());
  auto ca = crypto::CreateCaCertificate(
      *ca_key, {.common_name = "remote issuer test CA", .not_before = now - std::chrono::hours(1)},
      random);
  ASSERT_TRUE(ca.ok()) << ca.error().message();
  auto leaf = crypto::IssueServerCertificate(*ca, *ca_key, server_key->public_key(),
                                             {.common_name = "127.0.0.1",
                                              .dns_names = {"localhost"},
                                              .ip_addresses = {"127.0.0.1"},
                                              .not_before = now - std::chrono::hours(1)},
                                             random);
  ASSERT_TRUE(leaf.ok()) << leaf.error().message();
  const std::string ca_file = (dir / "ca.pem").string();
  const std::string cert_file = (dir / "server.pem").string();
  const std::string key_file = (dir / "server.key").string();
  ASSERT_TRUE(crypto::WriteCertificatePem(ca_file, {*ca}).ok());
  ASSERT_TRUE(crypto::WriteCertificatePem(cert_file, {*leaf, *ca}).ok());
  ASSERT_TRUE(crypto::WritePrivateKeyPem(key_file, *server_key).ok());

  IssuerDocs docs;
  ServerOptions options;
  options.listeners.push_back({.host = "127.0.0.1", .port = 0, .tls = true});
  options.tls = {.certificate_chain_file = cert_file, .private_key_file = key_file};
  options.io_threads = 1;
  metrics::Registry server_registry;
  options.registry = &server_registry;
  options.random = &random;
  options.access_log = false;
  auto server = std::make_unique<Server>(options, [&](HttpRequest& r) {
    HttpResponse resp;
    std::lock_guard lock(docs.mu);
    ++docs.requests;
    resp.headers.emplace_back("Content-Type", "application/json");
    if (r.path == "/.well-known/openid-configuration") {
      resp.body = docs.discovery;
    } else if (r.path == "/openid/v1/jwks") {
      resp.headers.emplace_back("Cache-Control", "public, max-age=120");
      resp.body = docs.jwks;
    } else {
      resp.status = 404;
    }
    return resp;
  });
  Status started = server->Start();
  ASSERT_TRUE(started.ok()) << started.error().message();
  const std::string issuer =
      "https://127.0.0.1:" + std::to_string(server->BoundEndpoints()[0].port);

  auto key1 = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  auto key2 = crypto::PrivateKey::Generate(crypto::KeyType::kRsa);
  ASSERT_TRUE(key1.ok() && key2.ok());
  {
    std::lock_guard lock(docs.mu);
    docs.discovery = R"({"issuer":")" + issuer + R"(","jwks_uri":")" + issuer +
                     R"(/openid/v1/jwks","response_types_supported":["id_token"]})";
    docs.jwks = JwksOf({&*key1});
  }

  auto fetcher = Fetcher::Create({.ca_bundle_file = ca_file, .use_system_ca = false});
  ASSERT_TRUE(fetcher.ok()) << fetcher.error().message();
  FakeClock clock = FakeClock::AtUnixSeconds(1'800'000'000);  // cache ages only
  metrics::Registry registry;
  oidc::RemoteIssuerKeys remote(**fetcher, clock, {.registry = &registry});

  // 1. First use: discovery + JWKS over HTTPS.
  auto keys = remote.Keys(issuer, key1->key_id());
  ASSERT_TRUE(keys.ok()) << keys.error().message();
  EXPECT_THAT(Kids(**keys), ElementsAre(key1->key_id()));
  auto token1 = jwt::MintJws(boost::json::object{{"sub", "one"}}, *key1);
  ASSERT_TRUE(token1.ok());
  EXPECT_TRUE(jwt::ParseAndVerify(*token1, **keys).ok());
  std::vector<oidc::RemoteIssuerState> state = remote.CacheState();
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state[0].jwks_uri, issuer + "/openid/v1/jwks");
  EXPECT_EQ(*state[0].expires_at - *state[0].fetched_at, std::chrono::seconds(120));
  {
    std::lock_guard lock(docs.mu);
    EXPECT_EQ(docs.requests, 2);
  }

  // 2. Rotation: the issuer publishes a new key; a token with its kid triggers one refetch.
  {
    std::lock_guard lock(docs.mu);
    docs.jwks = JwksOf({&*key2, &*key1});
  }
  clock.Advance(std::chrono::seconds(30));
  keys = remote.Keys(issuer, key2->key_id());
  ASSERT_TRUE(keys.ok()) << keys.error().message();
  EXPECT_THAT(Kids(**keys), ElementsAre(key2->key_id(), key1->key_id()));
  auto token2 = jwt::MintJws(boost::json::object{{"sub", "two"}}, *key2);
  ASSERT_TRUE(token2.ok());
  EXPECT_TRUE(jwt::ParseAndVerify(*token2, **keys).ok());

  // 3. Outage: the server is gone and the cache is stale; the cached keys keep being served.
  server->Stop(std::chrono::milliseconds(0));
  server.reset();
  clock.Advance(std::chrono::hours(2));
  keys = remote.Keys(issuer, key2->key_id());
  ASSERT_TRUE(keys.ok()) << keys.error().message();
  EXPECT_TRUE(jwt::ParseAndVerify(*token2, **keys).ok());
  state = remote.CacheState();
  ASSERT_EQ(state.size(), 1u);
  EXPECT_FALSE(state[0].fresh);
  EXPECT_EQ(state[0].last_error_code, "IDPCommunicationError");
  EXPECT_THAT(state[0].last_error, HasSubstr(issuer + "/.well-known/openid-configuration"));

  // An issuer never fetched, on the same dead address: nothing cached, a transient error.
  auto missing = remote.Keys(issuer + "/other", "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "IDPCommunicationError");
  EXPECT_THAT(missing.error().message(),
              HasSubstr("Couldn't retrieve verification key from your identity provider"));

  std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("irsa_oidc_jwks_fetches_total{result=\"ok\"} 2"));
  EXPECT_THAT(text, HasSubstr("irsa_oidc_jwks_fetches_total{result=\"transport_error\"} 2"));

  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  log::SetSink(nullptr);
}

}  // namespace
}  // namespace irsa::http
