// SigV4 verification of a typical signed GetCallerIdentity request (signing key cached), and
// Query-protocol form parsing of a CreateRole body.
#include <benchmark/benchmark.h>

#include "base/clock.h"
#include "base/encoding.h"
#include "protocol/query_params.h"
#include "protocol/sigv4.h"
#include "protocol/sigv4_signer.h"

namespace irsa::protocol {
namespace {

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

HttpRequest SignedGetCallerIdentity(SystemTime now) {
  SigV4SigningInput input;
  input.method = "POST";
  input.host = "127.0.0.1:8080";
  input.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  input.body = "Action=GetCallerIdentity&Version=2011-06-15";
  SigV4SigningParams params;
  params.credentials = {"AKIAIOSFODNN7EXAMPLE", kSecret, ""};
  params.service = "sts";
  params.time = now;
  return SignSigV4Header(input, params);
}

void BM_ParseAndVerify(benchmark::State& state) {
  FakeClock clock = FakeClock::AtUnixSeconds(1795867200);
  HttpRequest request = SignedGetCallerIdentity(clock.Now());
  for (auto _ : state) {
    auto parsed = ParseSigV4(request);
    Status status = VerifySigV4(*parsed, kSecret, request, clock);
    if (!status.ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(status);
  }
}
BENCHMARK(BM_ParseAndVerify);

void BM_ParseCreateRoleForm(benchmark::State& state) {
  const std::string trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":"system:serviceaccount:default:my-service-account"}}}]})";
  const std::string body =
      "Action=CreateRole&Version=2010-05-08&RoleName=my-role&Description=d"
      "&Tags.member.1.Key=team&Tags.member.1.Value=a"
      "&AssumeRolePolicyDocument=" +
      PercentEncode(trust);
  for (auto _ : state) {
    auto params = QueryParams::Parse(body, "");
    benchmark::DoNotOptimize(params->Get("AssumeRolePolicyDocument"));
    benchmark::DoNotOptimize(params->GetStructList("Tags"));
  }
}
BENCHMARK(BM_ParseCreateRoleForm);

}  // namespace
}  // namespace irsa::protocol

BENCHMARK_MAIN();
