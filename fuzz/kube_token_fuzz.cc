// Fuzzes the EKS token parser (eks/kube_token.h): the whole input is the bearer token, checked for
// cluster "c1" with one own host, and — when it parses — the SigV4 parser on the request it
// rebuilds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "eks/kube_token.h"
#include "protocol/sigv4.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view token(reinterpret_cast<const char*>(data), size);
  irsa::eks::KubeTokenOptions options;
  options.own_hosts = {"irsa.example:8443", ":8080"};
  (void)irsa::eks::IsAwsStsHost(token);
  auto parsed = irsa::eks::ParseKubeToken(token, "c1", options);
  if (!parsed.ok()) return 0;
  auto sigv4 = irsa::protocol::ParseSigV4(parsed->request);
  (void)sigv4;
  return 0;
}
