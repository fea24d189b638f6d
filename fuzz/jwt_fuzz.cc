// libFuzzer target: arbitrary bytes as a compact JWS, parsed and verified against a fixed key set
// (one EC P-256 and one RSA-2048 public key; fuzz/corpus/jwt/valid_* are signed by them), then
// every claim helper runs on whatever parsed. The same bytes are also tried as a JWK/JWKS
// document and as a sealed key-ring blob. Any crash, sanitizer report or leak is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/key_ring.h"
#include "jwt/claims.h"
#include "jwt/jwk_json.h"
#include "jwt/jws.h"
#include "jwt/verify.h"

namespace {

constexpr char kEcPublicPem[] = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEL2awqHod6uvgw7c7ecyj4IHQy+ZI
UeKN0MNoFR6RRY30X6OmylZqofSpSyOy4A4QQaNUJ4S9fGyMCE4Dg4WvNQ==
-----END PUBLIC KEY-----
)";

constexpr char kRsaPublicPem[] = R"(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4LynyLP013V4A/AnkGR0
/3piySEyuryHb1ddUlK1kQxrB2ymVxDaMguy+3r88W5xYzrYv2f3QHksAP1UHFbH
dlhyb11Nkno9RcGbMWw4iK45O2Z4qv7z85VVNdgr8zNRy4pV9hDLxWybq4J0mc/Y
lgEMpPnYG6o7gKpuZTu8/nydkavqgI17gr/YsWn8C/AxlcXf2ms0886Vnyu9icER
AfB0UIio17IAiTKascKw+GeaO4tru2nuOJzdR9x+xN6YMP+Wzk8ng1ZVyDXRLK9d
J3Ns7UW+kjiBtfDmvLdvRM5d88OPXXQ2kPgb0LA8mNA3Vo1bWJlW1DertShqqRZK
XQIDAQAB
-----END PUBLIC KEY-----
)";

const irsa::jwt::KeySet& Keys() {
  static irsa::jwt::KeySet* keys = [] {
    auto* set = new irsa::jwt::KeySet();
    for (const char* pem : {kEcPublicPem, kRsaPublicPem}) {
      auto key = irsa::crypto::PublicKey::FromPem(pem);
      if (!key.ok()) std::abort();
      std::string kid = key->key_id();
      if (!set->Add(std::move(kid), std::move(*key)).ok()) std::abort();
    }
    return set;
  }();
  return *keys;
}

const irsa::crypto::KeyRing& Ring() {
  static irsa::crypto::KeyRing* ring = [] {
    static irsa::SeededRandom random(1);
    auto* r = new irsa::crypto::KeyRing(random);
    r->Rotate();
    return r;
  }();
  return *ring;
}

void ExerciseClaims(const boost::json::object& claims) {
  (void)irsa::jwt::GetStandardClaims(claims);
  (void)irsa::jwt::GetKubernetesClaims(claims);
  (void)irsa::jwt::GetAudiences(claims);
  auto standard = irsa::jwt::GetStandardClaims(claims);
  if (standard.ok()) {
    (void)irsa::jwt::RequireClaims(*standard);
    (void)irsa::jwt::CheckTimes(*standard, 1732780000);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = irsa::jwt::ParseJws(input);
  if (parsed.ok()) {
    irsa::jwt::VerifyFailure failure;
    auto key = irsa::jwt::VerifyJws(*parsed, Keys(), {}, &failure);
    if (key.ok() != (failure == irsa::jwt::VerifyFailure::kNone)) std::abort();
    ExerciseClaims(parsed->claims);
  }
  if (size < 64 * 1024) {
    std::vector<std::string> warnings;
    (void)irsa::jwt::KeySetFromJwks(input, {}, &warnings);
    auto jwk = irsa::jwt::JwkFromText(input);
    if (jwk.ok()) (void)irsa::crypto::ImportJwk(*jwk);
    (void)Ring().Open(input);
  }
  return 0;
}
