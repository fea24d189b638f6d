// Fuzzes the SAML parse/verify path (saml/response.h, saml/metadata.h). The first input byte
// picks the document type (even: a SAML Response verified against a fixed IdP certificate, odd:
// IdP metadata); the rest is the XML. Every input must yield a verified response or an
// InvalidIdentityToken / IDPRejectedClaim (metadata: a record or InvalidInput), never a crash, a
// hang, an entity expansion or a file/network access. The seed corpus (fuzz/corpus/saml/) holds
// responses signed by this certificate's key (signed Assertion, signed Response) and the attacks:
// wrapping, duplicate IDs, a comment inside a signed value, billion laughs, XXE, deep nesting.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "base/encoding.h"
#include "saml/metadata.h"
#include "saml/response.h"

namespace {

// The certificate of the key that signed the corpus (tests/saml_idp: saml_test_idp keygen).
constexpr char kCertificate[] =
    "MIICnzCCAYegAwIBAgIBATANBgkqhkiG9w0BAQsFADATMREwDwYDVQQDDAhmdXp6LWlkcDAeFw0yNjEyMDYwMjIxNT"
    "VaFw0yNzEyMDYwMzIxNTVaMBMxETAPBgNVBAMMCGZ1enotaWRwMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKC"
    "AQEA1dIK6oBuvk/xG3LyztbPxEBl+BnLbahXDFZ7cPTOWcXjNnIp9R7+x/XEbWOGGujF67QiG1V5KgPJey4iRybVV+"
    "XGMjpxpE3FbxGU6nU9xV4R00vw0Gj8HhpVNaA+1SWjNxOSsckJvBAWFOOUBJQGgMPAnonY5GxmAdJgPgc8D4IOV453"
    "EkmLdcNjiliRCP9LRYV0OS2DmesLt/GgJEyEe2lGlXD6yevG+UBjXwstI1DqdUpRhhLISYsd/I8N303flyr25m4BpK"
    "rzMm8c32WaNpBERVdnDaNdcVcLtKIWhE4H0Zme8Bo3U6nrx+wivHIbTPl3ZcTwHjmSnx6pdSb7XwIDAQABMA0GCSqG"
    "SIb3DQEBCwUAA4IBAQBECXNpJWXCma+6Kd7Vu2n3kWH0XOKil7cBV2HbXvhFmgG1fCpjTC/5fI5iAbs4ZEK6TDm2Kc"
    "tugaYBAvhcX/MgiL7Ng8qsGCK+3Q/NBP6frbbp5BJUkQEIsOnycUlk5lGgj3/fFkvJ0AaMNRFBAp7J3Cqh1HihyyJ8"
    "Wdbf5cam0aOvRO67/EplGxgpnOGtjRZc2f3jmvsl6+XO5PrZq/UHAji8St5eatqaG7RDLxrrmMQxKRT2AizuOFdybu"
    "RnsQdOyKYn+jLT2VLlhS38Yve12oAPBfEZxglhlGnrMi8WYGA80npEfXlmBzLpjfTru9PHhVs/gXrtWXSY9nVyxhLQ";

const std::vector<std::string>& Certificates() {
  static const std::vector<std::string> certs = {*irsa::Base64Decode(kCertificate)};
  return certs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view xml(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    auto verified = irsa::saml::VerifySamlResponse(xml, Certificates());
    if (!verified.ok() && verified.error().code() != "InvalidIdentityToken" &&
        verified.error().code() != "IDPRejectedClaim") {
      std::abort();
    }
    // A verified response names a signed element.
    if (verified.ok() && !verified->response_signed && !verified->assertion_signed) std::abort();
  } else {
    auto metadata = irsa::saml::ParseIdpMetadata(xml);
    if (!metadata.ok() && metadata.error().code() != "InvalidInput") std::abort();
    if (metadata.ok() && metadata->signing_certificates.empty()) std::abort();
  }
  return 0;
}
