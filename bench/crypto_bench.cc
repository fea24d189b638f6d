// Benchmarks for the crypto and jwt hot paths: SigV4 HMACs, hashing, session-token sealing,
// issuer signatures, and AssumeRoleWithWebIdentity token verification.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "base/random.h"
#include "crypto/hash.h"
#include "crypto/key_ring.h"
#include "crypto/signature.h"
#include "jwt/mint.h"
#include "jwt/verify.h"

namespace {

using irsa::crypto::JwsAlg;
using irsa::crypto::KeyType;
using irsa::crypto::PrivateKey;

const PrivateKey& Key(KeyType type) {
  static PrivateKey* ec = new PrivateKey(*PrivateKey::Generate(KeyType::kEcP256));
  static PrivateKey* rsa = new PrivateKey(*PrivateKey::Generate(KeyType::kRsa));
  return type == KeyType::kRsa ? *rsa : *ec;
}

void BM_HmacSha256(benchmark::State& state) {
  std::string key(32, 'k');
  std::string data(static_cast<size_t>(state.range(0)), 'd');
  for (auto _ : state) {
    benchmark::DoNotOptimize(irsa::crypto::HmacSha256(key, data));
  }
  state.SetItemsProcessed(state.iterations());
}
// 8: date step, 12: region, 3: service, 12: "aws4_request", ~250: string to sign.
BENCHMARK(BM_HmacSha256)->Arg(8)->Arg(64)->Arg(256);

void BM_HmacSha256Array(benchmark::State& state) {
  std::string key(32, 'k');
  std::string data(64, 'd');
  for (auto _ : state) {
    benchmark::DoNotOptimize(irsa::crypto::HmacSha256Array(key, data));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HmacSha256Array);

// The full SigV4 signing-key derivation plus the final signature: five HMACs.
void BM_SigV4Chain(benchmark::State& state) {
  std::string string_to_sign =
      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/sts/aws4_request\n"
      "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59";
  for (auto _ : state) {
    std::string k =
        irsa::crypto::HmacSha256("AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830");
    k = irsa::crypto::HmacSha256(k, "us-east-1");
    k = irsa::crypto::HmacSha256(k, "sts");
    k = irsa::crypto::HmacSha256(k, "aws4_request");
    benchmark::DoNotOptimize(irsa::crypto::HmacSha256(k, string_to_sign));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SigV4Chain);

void BM_Sha256_1KB(benchmark::State& state) {
  std::string data(1024, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(irsa::crypto::Sha256(data));
  state.SetBytesProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_Sha256_1KB);

irsa::crypto::KeyRing& Ring() {
  static irsa::crypto::KeyRing* ring = [] {
    auto* r = new irsa::crypto::KeyRing(irsa::SystemRandom::Instance());
    r->Rotate();
    return r;
  }();
  return *ring;
}

void BM_SessionSeal400(benchmark::State& state) {
  std::string record(400, 'r');
  for (auto _ : state) benchmark::DoNotOptimize(Ring().Seal(record, "session"));
}
BENCHMARK(BM_SessionSeal400);

void BM_SessionOpen400(benchmark::State& state) {
  std::string sealed = *Ring().Seal(std::string(400, 'r'), "session");
  for (auto _ : state) benchmark::DoNotOptimize(Ring().Open(sealed, "session"));
}
BENCHMARK(BM_SessionOpen400);

void BM_Sign(benchmark::State& state, KeyType type, JwsAlg alg) {
  const PrivateKey& key = Key(type);
  for (auto _ : state) benchmark::DoNotOptimize(irsa::crypto::Sign(key, alg, "header.payload"));
}
BENCHMARK_CAPTURE(BM_Sign, ES256, KeyType::kEcP256, JwsAlg::kES256);
BENCHMARK_CAPTURE(BM_Sign, RS256, KeyType::kRsa, JwsAlg::kRS256);

void BM_Verify(benchmark::State& state, KeyType type, JwsAlg alg) {
  const PrivateKey& key = Key(type);
  std::string sig = *irsa::crypto::Sign(key, alg, "header.payload");
  for (auto _ : state) {
    if (!irsa::crypto::Verify(key.public_key(), alg, "header.payload", sig)) std::abort();
  }
}
BENCHMARK_CAPTURE(BM_Verify, ES256, KeyType::kEcP256, JwsAlg::kES256);
BENCHMARK_CAPTURE(BM_Verify, RS256, KeyType::kRsa, JwsAlg::kRS256);

std::string KubernetesToken(const PrivateKey& key) {
  irsa::jwt::ServiceAccountTokenSpec spec;
  spec.issuer = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
  spec.namespace_name = "default";
  spec.service_account_name = "my-service-account";
  spec.service_account_uid = "2f9e8d55-4c4b-4e0e-9f4b-3a3d2a2b1c0d";
  spec.pod_name = "my-pod-7d9f8b6c5d-abcde";
  spec.pod_uid = "8a7b6c5d-4e3f-2a1b-0c9d-8e7f6a5b4c3d";
  spec.audiences = {"sts.amazonaws.com"};
  spec.issued_at = 1732780000;
  spec.lifetime_seconds = 86400;
  return *irsa::jwt::MintJws(*irsa::jwt::ServiceAccountClaims(spec), key);
}

void BM_JwtParseVerify(benchmark::State& state, KeyType type) {
  const PrivateKey& key = Key(type);
  irsa::jwt::KeySet set;
  if (!set.Add(key.key_id(), key.public_key()).ok()) std::abort();
  std::string token = KubernetesToken(key);
  state.SetLabel(std::to_string(token.size()) + " chars");
  for (auto _ : state) {
    auto jws = irsa::jwt::ParseAndVerify(token, set);
    if (!jws.ok()) std::abort();
    benchmark::DoNotOptimize(jws);
  }
}
BENCHMARK_CAPTURE(BM_JwtParseVerify, ES256, KeyType::kEcP256);
BENCHMARK_CAPTURE(BM_JwtParseVerify, RS256, KeyType::kRsa);

void BM_JwtParseOnly(benchmark::State& state) {
  std::string token = KubernetesToken(Key(KeyType::kEcP256));
  for (auto _ : state) benchmark::DoNotOptimize(irsa::jwt::ParseJws(token));
}
BENCHMARK(BM_JwtParseOnly);

void BM_MintServiceAccountToken(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(KubernetesToken(Key(KeyType::kEcP256)));
}
BENCHMARK(BM_MintServiceAccountToken);

}  // namespace

BENCHMARK_MAIN();
