#include <gtest/gtest.h>

#include "jwt/claims.h"
#include "jwt/verify.h"

// Interoperability: tokens signed outside irsa (openssl dgst -sign, ECDSA DER converted to r||s by
// a separate script) verify with irsa; the same tokens seed fuzz/corpus/jwt/.
namespace irsa::jwt {
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

constexpr char kEs256Token[] =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6InU1dkkzaG1SZHRLLUlMYzl0SWR5TUdSRFdDX0dvdXVsZGI0dFdMNnFXdEUifQ"
    ".eyJhdWQiOlsic3RzLmFtYXpvbmF3cy5jb20iXSwiZXhwIjoxNzMyODY2NDAwLCJpYXQiOjE3MzI3ODAwMDAsImlzc"
    "yI6Imh0dHBzOi8vb2lkYy5leGFtcGxlLmNvbS9pZC9BQkMiLCJqdGkiOiI1YjFjMmM2ZS0zZDBmLTRjOGUtOWE1OS0"
    "xZjBjMmE4ZjRmMTEiLCJrdWJlcm5ldGVzLmlvIjp7Im5hbWVzcGFjZSI6ImRlZmF1bHQiLCJwb2QiOnsibmFtZSI6I"
    "m15LXBvZCIsInVpZCI6InBvZC11aWQifSwic2VydmljZWFjY291bnQiOnsibmFtZSI6Im15LXNhIiwidWlkIjoic2E"
    "tdWlkIn19LCJuYmYiOjE3MzI3ODAwMDAsInN1YiI6InN5c3RlbTpzZXJ2aWNlYWNjb3VudDpkZWZhdWx0Om15LXNhI"
    "n0.Lzj1QauZ_PM7AGQcFUDGyZK2LyIVxUHxBUUjFeIkTu_m96OBTzXcXAt49HBlhlUsjTQ0oVHUXb56zy8-3kVU0A";
constexpr char kRs256Token[] =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6Ii1ZUkNGanNCRDFfNTJkTzBIZGxhcWFsek5TRjlMOFphWmJmUmQ4VjFnaXMifQ"
    ".eyJhdWQiOlsic3RzLmFtYXpvbmF3cy5jb20iXSwiZXhwIjoxNzMyODY2NDAwLCJpYXQiOjE3MzI3ODAwMDAsImlzc"
    "yI6Imh0dHBzOi8vb2lkYy5leGFtcGxlLmNvbS9pZC9BQkMiLCJqdGkiOiI1YjFjMmM2ZS0zZDBmLTRjOGUtOWE1OS0"
    "xZjBjMmE4ZjRmMTEiLCJrdWJlcm5ldGVzLmlvIjp7Im5hbWVzcGFjZSI6ImRlZmF1bHQiLCJwb2QiOnsibmFtZSI6I"
    "m15LXBvZCIsInVpZCI6InBvZC11aWQifSwic2VydmljZWFjY291bnQiOnsibmFtZSI6Im15LXNhIiwidWlkIjoic2E"
    "tdWlkIn19LCJuYmYiOjE3MzI3ODAwMDAsInN1YiI6InN5c3RlbTpzZXJ2aWNlYWNjb3VudDpkZWZhdWx0Om15LXNhI"
    "n0.X4gn0hv_1UB9619ovkoRX8gjFfyRE4Z-AsWmR4Cn4FsqfvJx24V6tGTXW60ne4ccAsSDpqxIVs30RroAg94ModN"
    "R_iSVYQUifWvdLwawQFSQh1a45ps71Jlrmv18Vkx_aIUpt7sHIxqBc4YLj4lQvCJYIlAI70_epQ9E4b36F8Q3odRrf"
    "-DwUioN_k1N_ynkrtk7RwDQj4xRUhpe2iComTBWaUwahgU4FrByKdzAVAoAHC95Uvb4ZSA8_6Y9s0_R1zrapBH17e3"
    "SydIZxM07Es1yWac4X5ImP5V97l4u5Q3blG7k6r5rt56zs1FqO3_t3sFE3POw82V2sayNbe0q5g";

KeySet Keys() {
  KeySet set;
  for (const char* pem : {kEcPublicPem, kRsaPublicPem}) {
    auto key = crypto::PublicKey::FromPem(pem);
    EXPECT_TRUE(key.ok());
    std::string kid = key->key_id();
    EXPECT_TRUE(set.Add(kid, *key).ok());
  }
  return set;
}

TEST(Interop, ExternallySignedTokensVerify) {
  KeySet set = Keys();
  EXPECT_NE(set.Find("u5vI3hmRdtK-ILc9tIdyMGRDWC_Gouuldb4tWL6qWtE"), nullptr);
  EXPECT_NE(set.Find("-YRCFjsBD1_52dO0HdlaqalzNSF9L8ZaZbfRd8V1gis"), nullptr);
  for (const char* token : {kEs256Token, kRs256Token}) {
    auto jws = ParseAndVerify(token, set);
    ASSERT_TRUE(jws.ok()) << jws.error().message();
    auto claims = GetStandardClaims(jws->claims);
    ASSERT_TRUE(claims.ok());
    EXPECT_TRUE(RequireClaims(*claims).ok());
    EXPECT_EQ(*claims->sub, "system:serviceaccount:default:my-sa");
    EXPECT_EQ(*claims->aud, std::vector<std::string>{"sts.amazonaws.com"});
    auto k8s = GetKubernetesClaims(jws->claims);
    ASSERT_TRUE(k8s.ok());
    EXPECT_EQ((*k8s)->pod_name, "my-pod");
  }
}

}  // namespace
}  // namespace irsa::jwt
