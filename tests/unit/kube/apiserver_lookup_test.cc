// ApiServerServiceAccountLookup against a fake HttpFetcher; kubeconfig and in-cluster config.
#include "kube/apiserver_lookup.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/encoding.h"
#include "base/http_fetcher.h"

namespace irsa::kube {
namespace {

using namespace std::chrono_literals;

class FakeFetcher final : public HttpFetcher {
 public:
  Result<FetchResponse> Get(const FetchRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests.push_back(request);
    if (fail) return errors::ServiceUnavailable("connect to " + request.url + " refused");
    return response;
  }
  std::string HeaderOf(size_t i, const std::string& name) const {
    for (const auto& [n, v] : requests.at(i).headers) {
      if (n == name) return v;
    }
    return "<absent>";
  }

  std::mutex mu_;
  std::vector<FetchRequest> requests;
  FetchResponse response;
  bool fail = false;
};

constexpr char kServiceAccount[] = R"({"kind":"ServiceAccount","apiVersion":"v1",
  "metadata":{"name":"s3-reader","namespace":"default","uid":"u-1",
    "annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::111122223333:role/s3-reader",
                   "eks.amazonaws.com/audience":"irsa","not-a-string":7}}})";

ApiServerConfig TokenConfig() {
  ApiServerConfig config;
  config.server = "https://10.0.0.1:6443/k8s/c1";
  config.bearer_token = "secret-token-value";
  return config;
}

TEST(ApiServerLookupTest, GetsTheServiceAccountWithTheBearerToken) {
  FakeFetcher fetcher;
  fetcher.response = {.status = 200, .headers = {}, .body = kServiceAccount};
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  ApiServerServiceAccountLookup lookup(fetcher, clock, TokenConfig(), {.timeout = 1500ms});
  auto sa = lookup.Get("default", "s3-reader");
  ASSERT_TRUE(sa.ok()) << sa.error().message();
  ASSERT_TRUE(sa->has_value());
  EXPECT_EQ((*sa)->ns, "default");
  EXPECT_EQ((*sa)->name, "s3-reader");
  EXPECT_EQ((*sa)->annotations,
            (std::map<std::string, std::string>{
                {"eks.amazonaws.com/audience", "irsa"},
                {"eks.amazonaws.com/role-arn", "arn:aws:iam::111122223333:role/s3-reader"}}));
  ASSERT_EQ(fetcher.requests.size(), 1u);
  EXPECT_EQ(fetcher.requests[0].url,
            "https://10.0.0.1:6443/k8s/c1/api/v1/namespaces/default/serviceaccounts/s3-reader");
  EXPECT_EQ(fetcher.requests[0].timeout, 1500ms);
  EXPECT_EQ(fetcher.HeaderOf(0, "Authorization"), "Bearer secret-token-value");
  EXPECT_EQ(fetcher.HeaderOf(0, "Accept"), "application/json");
}

TEST(ApiServerLookupTest, NotFoundIsNullopt) {
  FakeFetcher fetcher;
  fetcher.response = {.status = 404, .headers = {}, .body = R"({"kind":"Status","code":404})"};
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  ApiServerServiceAccountLookup lookup(fetcher, clock, TokenConfig());
  auto sa = lookup.Get("default", "missing");
  ASSERT_TRUE(sa.ok());
  EXPECT_FALSE(sa->has_value());
}

TEST(ApiServerLookupTest, InvalidNamesAreNotFoundWithoutARequest) {
  FakeFetcher fetcher;
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  ApiServerServiceAccountLookup lookup(fetcher, clock, TokenConfig());
  for (const auto& [ns, name] :
       std::vector<std::pair<std::string, std::string>>{{"default", "../../secrets/x"},
                                                        {"default", "a/b"},
                                                        {"default", "UPPER"},
                                                        {"default", ""},
                                                        {"ns.with.dots", "sa"},
                                                        {"", "sa"},
                                                        {"default", "a?b"},
                                                        {std::string(64, 'a'), "sa"}}) {
    auto sa = lookup.Get(ns, name);
    ASSERT_TRUE(sa.ok()) << ns << "/" << name;
    EXPECT_FALSE(sa->has_value()) << ns << "/" << name;
  }
  EXPECT_TRUE(fetcher.requests.empty());
}

TEST(ApiServerLookupTest, ForbiddenIsAnErrorWithTheStatusMessageAndNoToken) {
  FakeFetcher fetcher;
  fetcher.response = {.status = 403,
                      .headers = {},
                      .body = R"({"kind":"Status","message":"serviceaccounts \"x\" is forbidden: )"
                              R"(User \"system:serviceaccount:irsa-system:w\" cannot get"})"};
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  ApiServerServiceAccountLookup lookup(fetcher, clock, TokenConfig());
  auto sa = lookup.Get("default", "x");
  ASSERT_FALSE(sa.ok());
  EXPECT_EQ(sa.error().code(), "ServiceUnavailable");
  EXPECT_NE(sa.error().message().find("HTTP 403"), std::string::npos);
  EXPECT_NE(sa.error().message().find("cannot get"), std::string::npos);
  EXPECT_EQ(sa.error().message().find("secret-token-value"), std::string::npos);
}

TEST(ApiServerLookupTest, UnauthorizedAndServerErrorsAreErrors) {
  FakeFetcher fetcher;
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  ApiServerServiceAccountLookup lookup(fetcher, clock, TokenConfig());
  fetcher.response = {.status = 401, .headers = {}, .body = "Unauthorized"};
  auto unauthorized = lookup.Get("default", "x");
  ASSERT_FALSE(unauthorized.ok());
  EXPECT_NE(unauthorized.error().message().find("token was not accepted"), std::string::npos);
  fetcher.response = {.status = 500, .headers = {}, .body = ""};
  EXPECT_FALSE(lookup.Get("default", "x").ok());
  fetcher.fail = true;
  auto transport = lookup.Get("default", "x");
  ASSERT_FALSE(transport.ok());
  EXPECT_NE(transport.error().message().find("refused"), std::string::npos);
}

TEST(ApiServerLookupTest, AnswerThatIsNotAServiceAccountIsAnError) {
  FakeFetcher fetcher;
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  ApiServerServiceAccountLookup lookup(fetcher, clock, TokenConfig());
  for (const char* body : {"<html>login</html>", R"({"kind":"Pod"})", "[]", "",
                           R"({"kind":"ServiceAccount","metadata":[1]})"}) {
    fetcher.response = {.status = 200, .headers = {}, .body = body};
    auto sa = lookup.Get("default", "x");
    if (std::string(body).find("metadata") != std::string::npos) {
      // A ServiceAccount with odd metadata: found, without annotations.
      ASSERT_TRUE(sa.ok());
      ASSERT_TRUE(sa->has_value());
      EXPECT_TRUE((*sa)->annotations.empty());
    } else {
      EXPECT_FALSE(sa.ok()) << body;
    }
  }
}

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/apiserver_lookup_test_" + name;
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

TEST(ApiServerLookupTest, TokenFileIsReloadedPeriodically) {
  const std::string path = TempPath("token");
  WriteText(path, "first-token\n");
  FakeFetcher fetcher;
  fetcher.response = {.status = 404, .headers = {}, .body = ""};
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  ApiServerConfig config;
  config.server = "https://kubernetes.default.svc:443";
  config.bearer_token_file = path;
  ApiServerServiceAccountLookup lookup(fetcher, clock, config, {.token_reload = 60s});
  ASSERT_TRUE(lookup.Get("default", "a").ok());
  WriteText(path, "second-token");
  clock.Advance(59s);
  ASSERT_TRUE(lookup.Get("default", "a").ok());
  clock.Advance(1s);
  ASSERT_TRUE(lookup.Get("default", "a").ok());
  std::remove(path.c_str());
  clock.Advance(60s);
  ASSERT_TRUE(lookup.Get("default", "a").ok());  // unreadable now: keeps the last token
  ASSERT_EQ(fetcher.requests.size(), 4u);
  EXPECT_EQ(fetcher.HeaderOf(0, "Authorization"), "Bearer first-token");
  EXPECT_EQ(fetcher.HeaderOf(1, "Authorization"), "Bearer first-token");
  EXPECT_EQ(fetcher.HeaderOf(2, "Authorization"), "Bearer second-token");
  EXPECT_EQ(fetcher.HeaderOf(3, "Authorization"), "Bearer second-token");
}

TEST(ApiServerLookupTest, MissingTokenFileIsAnError) {
  FakeFetcher fetcher;
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  ApiServerConfig config;
  config.server = "https://kubernetes.default.svc:443";
  config.bearer_token_file = TempPath("does-not-exist");
  ApiServerServiceAccountLookup lookup(fetcher, clock, config);
  EXPECT_FALSE(lookup.Get("default", "a").ok());
  EXPECT_TRUE(fetcher.requests.empty());
}

const char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

// As `irsa kubeconfig` writes it.
std::string IrsaKubeconfig() {
  return "apiVersion: v1\nkind: Config\nclusters:\n- name: c1\n  cluster:\n    server: "
         "https://localhost:8443/k8s/c1\n    certificate-authority-data: " +
         Base64Encode(kPem) +
         "\nusers:\n- name: irsa-admin@c1\n  user:\n    token: eyJhbGciOi.x.y\ncontexts:\n"
         "- name: c1\n  context:\n    cluster: c1\n    user: irsa-admin@c1\n"
         "    namespace: default\ncurrent-context: c1\n";
}

TEST(KubeconfigTest, IrsaKubeconfig) {
  auto config = ParseKubeconfig(IrsaKubeconfig(), "/home/u/.kube");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->server, "https://localhost:8443/k8s/c1");
  EXPECT_EQ(config->ca_pem, kPem);
  EXPECT_EQ(config->ca_file, "");
  EXPECT_EQ(config->bearer_token, "eyJhbGciOi.x.y");
  EXPECT_EQ(config->bearer_token_file, "");
}

// As kubectl config view --raw writes it: indented sequences, quotes, comments, {} and several
// contexts.
constexpr char kKubectlStyle[] = R"(# written by hand
apiVersion: v1
clusters:
  - cluster:
      certificate-authority: pki/ca.crt   # relative to the kubeconfig
      server: "https://api.example.com:6443/"
    name: prod
  - cluster:
      server: 'https://dev.example.com'
      insecure-skip-tls-verify: true
    name: dev
contexts:
  - context:
      cluster: prod
      user: webhook
    name: prod-ctx
  - context:
      cluster: dev
      user: webhook
    name: dev-ctx
current-context: "prod-ctx"
kind: Config
preferences: {}
users:
  - name: webhook
    user:
      tokenFile: /var/run/token
)";

TEST(KubeconfigTest, KubectlStyleYaml) {
  auto config = ParseKubeconfig(kKubectlStyle, "/etc/irsa");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->server, "https://api.example.com:6443");
  EXPECT_EQ(config->ca_file, "/etc/irsa/pki/ca.crt");
  EXPECT_EQ(config->ca_pem, "");
  EXPECT_EQ(config->bearer_token, "");
  EXPECT_EQ(config->bearer_token_file, "/var/run/token");
}

TEST(KubeconfigTest, ContextOverrideAndInsecureSkipIsRejected) {
  auto config = ParseKubeconfig(kKubectlStyle, "/etc/irsa", "dev-ctx");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find("insecure-skip-tls-verify"), std::string::npos);
  auto missing = ParseKubeconfig(kKubectlStyle, "/etc/irsa", "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("nope"), std::string::npos);
}

TEST(KubeconfigTest, JsonKubeconfig) {
  auto config = ParseKubeconfig(
      R"({"clusters":[{"name":"a","cluster":{"server":"https://h:1"}}],
          "users":[{"name":"u","user":{"token":"t"}}],
          "contexts":[{"name":"x","context":{"cluster":"a","user":"u"}}],
          "current-context":"x"})",
      "/");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->server, "https://h:1");
  EXPECT_EQ(config->bearer_token, "t");
  EXPECT_EQ(config->ca_pem + config->ca_file, "");  // system trust store
}

TEST(KubeconfigTest, UnsupportedCredentialsAreExplained) {
  std::string client_cert = IrsaKubeconfig();
  client_cert.replace(client_cert.find("token: eyJhbGciOi.x.y"), 21,
                      "client-certificate-data: AAAA");
  auto config = ParseKubeconfig(client_cert, "/");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find("client certificates"), std::string::npos);
}

TEST(KubeconfigTest, MalformedInputIsAnErrorNotACrash) {
  for (std::string text : {
           std::string(""),
           std::string("just a string"),
           std::string("current-context: c1\n"),
           std::string("a:\n\tb: c\n"),
           std::string("a: |\n  block\n"),
           std::string("a: &anchor x\n"),
           std::string("a: \"unterminated\n"),
           std::string("a: [1, 2\n"),
           std::string("- a\n- b\n"),
           std::string("a:\n  - b\n  c: d\n"),
           std::string("a: b\n    c: d\n"),
           std::string("{\"current-context\": 1}"),
           std::string(200, '-') + "\n" + std::string(200, ' ') + "x: y",
       }) {
    auto config = ParseKubeconfig(text, "/");
    EXPECT_FALSE(config.ok()) << text;
  }
  // Deep nesting is bounded.
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += std::string(static_cast<size_t>(i), ' ') + "a:\n";
  EXPECT_FALSE(ParseKubeconfig(deep, "/").ok());
  std::string deep_seq;
  for (int i = 0; i < 300; ++i) deep_seq += std::string(static_cast<size_t>(2 * i), ' ') + "- ";
  deep_seq += "x\n";
  EXPECT_FALSE(ParseKubeconfig(deep_seq, "/").ok());
  // Random bytes built from YAML's punctuation.
  std::mt19937 rng(42);
  const std::string alphabet = " \n-:'\"#{}[]|>&*!\\\tabc";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const size_t len = rng() % 200;
    for (size_t i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
    (void)ParseKubeconfig(text, "/");
  }
}

TEST(InClusterConfigTest, FromServiceEnvironment) {
  auto config = InClusterConfig("10.96.0.1", "443");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->bearer_token_file, kInClusterTokenFile);
  EXPECT_EQ(config->ca_file, kInClusterCaFile);
  auto v6 = InClusterConfig("fd00::1", "6443");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->server, "https://[fd00::1]:6443");
  EXPECT_FALSE(InClusterConfig("", "443").ok());
  EXPECT_FALSE(InClusterConfig("10.96.0.1", "").ok());
}

TEST(Dns1123Test, LabelsAndSubdomains) {
  EXPECT_TRUE(IsDns1123Label("kube-system"));
  EXPECT_TRUE(IsDns1123Label("a"));
  EXPECT_FALSE(IsDns1123Label("-a"));
  EXPECT_FALSE(IsDns1123Label("a-"));
  EXPECT_FALSE(IsDns1123Label("a.b"));
  EXPECT_FALSE(IsDns1123Label(std::string(64, 'a')));
  EXPECT_TRUE(IsDns1123Subdomain("s3-reader.v2"));
  EXPECT_FALSE(IsDns1123Subdomain("a..b"));
  EXPECT_FALSE(IsDns1123Subdomain(".a"));
  EXPECT_FALSE(IsDns1123Subdomain("a_b"));
  EXPECT_FALSE(IsDns1123Subdomain(std::string(254, 'a')));
}

}  // namespace
}  // namespace irsa::kube
