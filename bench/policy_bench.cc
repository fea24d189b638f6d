// Policy engine micro-benchmarks: a role with 10 attached policies x 10 statements (with
// conditions), typical allowed/denied requests, and the web-identity trust fast path.
// A replaced global operator new counts heap allocations; each benchmark reports
// "allocs/decision" (expected 0).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include "policy/decision.h"
#include "policy/policy.h"

// GCC pairs the inlined malloc/free of the replacement operators with new/delete expressions
// and warns; the pairing is correct by construction here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace irsa::policy {
namespace {

constexpr const char* kServices[] = {"ecr", "ec2",  "dynamodb", "sqs", "sns",
                                     "kms", "logs", "lambda",   "ssm", "secretsmanager"};

// Policy p, statement s: a mix of exact and glob actions, ARN globs, and conditions.
std::string RolePolicy(int p) {
  std::string service = kServices[p];
  std::string text = R"({"Version":"2012-10-17","Statement":[)";
  for (int s = 0; s < 10; ++s) {
    if (s > 0) text += ",";
    std::string sid = "P" + std::to_string(p) + "S" + std::to_string(s);
    std::string effect = s == 9 ? "Deny" : "Allow";
    std::string action = s % 3 == 0   ? service + ":Get*"
                         : s % 3 == 1 ? service + ":PutItem" + std::to_string(s)
                                      : service + ":*Object" + std::to_string(s);
    std::string resource =
        "arn:aws:" + service + ":us-east-1:111122223333:res" + std::to_string(s) + "/*";
    std::string condition =
        s % 2 == 0
            ? R"({"StringEquals":{"aws:PrincipalTag/team":["platform","data"]},"Bool":{"aws:SecureTransport":"true"}})"
            : R"({"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}})";
    if (effect == "Deny") {
      condition = R"({"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}})";
      resource = "*";
    }
    text += R"({"Sid":")" + sid + R"(","Effect":")" + effect + R"(","Action":[")" + action +
            R"("],"Resource":[")" + resource + R"("],"Condition":)" + condition + "}";
  }
  return text + "]}";
}

PolicySet RoleSet() {
  PolicySet set;
  for (int p = 0; p < 10; ++p) {
    auto compiled = CompilePolicy(RolePolicy(p), PolicyKind::kIdentity);
    if (!compiled) {
      std::fprintf(stderr, "%s\n", compiled.error().message().c_str());
      std::abort();
    }
    set.identity.push_back(*compiled);
  }
  return set;
}

Request RoleRequest(std::string action, std::string resource) {
  return RequestBuilder()
      .Action(std::move(action))
      .Resource(std::move(resource))
      .Principal(RequestPrincipal::AssumedRole("arn:aws:sts::111122223333:assumed-role/app/pod",
                                               "arn:aws:iam::111122223333:role/eks/app",
                                               "AROAEXAMPLEEXAMPLE"))
      .CurrentTime(FromUnixSeconds(1798000000))
      .SourceIp("10.20.30.40")
      .SecureTransport(true)
      .PrincipalTag("team", "data")
      .Set("aws:RequestedRegion", "us-east-1")
      .Build();
}

void RunDecisions(benchmark::State& state, const PolicySet& set, const Request& request,
                  Decision expected) {
  if (Decide(set, request).decision != expected) {
    state.SkipWithError("unexpected decision");
    return;
  }
  uint64_t before = g_allocations.load();
  for (auto _ : state) {
    DecisionResult result = Decide(set, request);
    benchmark::DoNotOptimize(result);
  }
  uint64_t allocations = g_allocations.load() - before;
  state.counters["allocs/decision"] =
      static_cast<double>(allocations) / static_cast<double>(state.iterations());
}

void BM_RoleAllowedGlobAction(benchmark::State& state) {
  PolicySet set = RoleSet();
  Request request =
      RoleRequest("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:res0/table");
  RunDecisions(state, set, request, Decision::kAllowed);
}
BENCHMARK(BM_RoleAllowedGlobAction);

void BM_RoleAllowedExactAction(benchmark::State& state) {
  PolicySet set = RoleSet();
  Request request = RoleRequest("sqs:PutItem1", "arn:aws:sqs:us-east-1:111122223333:res1/q");
  RunDecisions(state, set, request, Decision::kAllowed);
}
BENCHMARK(BM_RoleAllowedExactAction);

void BM_RoleImplicitDenyUnknownService(benchmark::State& state) {
  PolicySet set = RoleSet();
  Request request = RoleRequest("iam:CreateUser", "arn:aws:iam::111122223333:user/x");
  RunDecisions(state, set, request, Decision::kImplicitDeny);
}
BENCHMARK(BM_RoleImplicitDenyUnknownService);

void BM_RoleImplicitDenyResourceMismatch(benchmark::State& state) {
  PolicySet set = RoleSet();
  Request request =
      RoleRequest("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:other/table");
  RunDecisions(state, set, request, Decision::kImplicitDeny);
}
BENCHMARK(BM_RoleImplicitDenyResourceMismatch);

void BM_RoleExplicitDeny(benchmark::State& state) {
  PolicySet set = RoleSet();
  Request request = RoleRequest("kms:GetKeyPolicy", "arn:aws:kms:us-east-1:111122223333:res0/k");
  request.context.Set("aws:RequestedRegion", "ap-south-1");
  RunDecisions(state, set, request, Decision::kExplicitDeny);
}
BENCHMARK(BM_RoleExplicitDeny);

void BM_WebIdentityTrust(benchmark::State& state) {
  auto trust = CompilePolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"},
    "Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{
      "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com",
      "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:default:app"}}}]})",
                             PolicyKind::kTrust);
  if (!trust) std::abort();
  PolicySet set;
  set.resource = *trust;
  Request request =
      RequestBuilder()
          .Action("sts:AssumeRoleWithWebIdentity")
          .Resource("arn:aws:iam::111122223333:role/eks/app")
          .Principal(RequestPrincipal::WebIdentity(
              "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"))
          .WebIdentityClaim("https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "aud",
                            "sts.amazonaws.com")
          .WebIdentityClaim("https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "sub",
                            "system:serviceaccount:default:app")
          .CurrentTime(FromUnixSeconds(1798000000))
          .Build();
  RunDecisions(state, set, request, Decision::kAllowed);
}
BENCHMARK(BM_WebIdentityTrust);

void BM_RoleDecisionWithTrace(benchmark::State& state) {
  PolicySet set = RoleSet();
  Request request =
      RoleRequest("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:other/table");
  for (auto _ : state) {
    DecisionTrace trace;
    DecisionResult result = Decide(set, request, &trace);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_RoleDecisionWithTrace);

void BM_CompileRolePolicy(benchmark::State& state) {
  std::string text = RolePolicy(0);
  for (auto _ : state) {
    auto compiled = CompilePolicy(text, PolicyKind::kIdentity);
    benchmark::DoNotOptimize(compiled);
  }
}
BENCHMARK(BM_CompileRolePolicy);

}  // namespace
}  // namespace irsa::policy

BENCHMARK_MAIN();
