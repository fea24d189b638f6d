// The whole in-process cost of one AssumeRoleWithWebIdentity request, as the HTTP server hands it
// to the router: form parsing, JWT verification, trust-policy evaluation, credential minting,
// session-token sealing, XML rendering and the audit line. The network and the HTTP parser are
// not included (bench/load/assume_role_web_identity.sh measures those end to end).
//
// Tokens cycle through a pool of distinct, valid tokens so that nothing can be served from a
// cache keyed by the token.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/encoding.h"
#include "iam/oidc_providers.h"
#include "iam/roles.h"
#include "jwt/mint.h"
#include "server/node.h"

namespace irsa::cli {
namespace {

constexpr int kTokens = 512;

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<server::Node> app;
  std::string role_arn;
  std::vector<std::string> bodies;  // one form body per token

  explicit Fixture(const std::string& algorithm) {
    dir = std::filesystem::temp_directory_path() /
          ("irsa-sts-bench-" + std::to_string(::getpid()) + "-" + algorithm);
    std::filesystem::remove_all(dir);
    server::NodeOptions options;
    options.data_dir = dir.string();
    options.issuer_base = "https://localhost:8443";
    auto opened = server::Node::Open(options);
    if (!opened.ok()) Fail("server::Node::Open", opened.error().message());
    app = std::move(*opened);
    const std::string account = options.account_id;

    auto cluster = app->clusters().Create(account, "bench", algorithm);
    if (!cluster.ok()) Fail("cluster", cluster.error().message());
    iam::CreateOidcProviderInput provider;
    provider.url = cluster->issuer;
    provider.client_ids = {"sts.amazonaws.com"};
    auto created = iam::CreateOpenIDConnectProvider(app->iam(), account, provider);
    if (!created.ok()) Fail("provider", created.error().message());

    const std::string issuer_host_path = cluster->issuer.substr(std::string("https://").size());
    iam::CreateRoleInput role;
    role.name = "bench";
    role.assume_role_policy =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::)" +
        account + ":oidc-provider/" + issuer_host_path +
        R"("},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{")" +
        issuer_host_path + R"(:aud":"sts.amazonaws.com"},"StringLike":{")" + issuer_host_path +
        R"(:sub":"system:serviceaccount:bench:*"}}}]})";
    auto role_created = iam::CreateRole(app->iam(), account, role);
    if (!role_created.ok()) Fail("role", role_created.error().message());
    role_arn = role_created->role.arn;

    for (int i = 0; i < kTokens; ++i) {
      jwt::ServiceAccountTokenSpec spec;
      spec.namespace_name = "bench";
      spec.service_account_name = "app";
      spec.service_account_uid = "0f8d4c55-8a39-4c8f-9f0b-3a5d8e0e7c21";
      spec.audiences = {"sts.amazonaws.com"};
      spec.issued_at = SystemClock::Instance().NowUnixSeconds();
      spec.lifetime_seconds = 3600;
      auto token = app->clusters().MintServiceAccountToken(account, "bench", spec);
      if (!token.ok()) Fail("token", token.error().message());
      bodies.push_back(
          "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" + PercentEncode(role_arn) +
          "&RoleSessionName=bench-" + std::to_string(i) + "&WebIdentityToken=" + *token);
    }
  }
  ~Fixture() {
    app.reset();
    std::filesystem::remove_all(dir);
  }

  [[noreturn]] static void Fail(const char* step, const std::string& message) {
    std::fprintf(stderr, "sts_bench setup (%s): %s\n", step, message.c_str());
    std::abort();
  }
};

// Built once per algorithm (Google Benchmark calls a benchmark function several times);
// destroyed by main() before exit.
std::map<std::string, std::unique_ptr<Fixture>>& Fixtures() {
  static auto* fixtures = new std::map<std::string, std::unique_ptr<Fixture>>;
  return *fixtures;
}

void BM_AssumeRoleWithWebIdentity(benchmark::State& state, const char* algorithm) {
  std::unique_ptr<Fixture>& fixture = Fixtures()[algorithm];
  if (!fixture) fixture = std::make_unique<Fixture>(algorithm);
  size_t i = 0;
  for (auto _ : state) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/";
    request.path = "/";
    request.headers = {{"host", "127.0.0.1:8080"},
                       {"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
    request.body = fixture->bodies[i++ % fixture->bodies.size()];
    request.remote_address = "127.0.0.1";
    request.request_id = "5f1b9c1e-2f4d-4a7e-9d0c-8b2a6e4f3c11";
    HttpResponse response = fixture->app->router().Handle(request);
    if (response.status != 200) {
      state.SkipWithError(
          ("status " + std::to_string(response.status) + ": " + response.body).c_str());
      break;
    }
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK_CAPTURE(BM_AssumeRoleWithWebIdentity, RS256, "RS256")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AssumeRoleWithWebIdentity, ES256, "ES256")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace irsa::cli

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  irsa::cli::Fixtures().clear();
  return 0;
}
