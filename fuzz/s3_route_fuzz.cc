// Fuzzes how an S3 request is recognised and routed: the Host (virtual-hosted bucket), the
// SigV4 scope sniffing, the address, the operation identified from method, path and query, the
// access request built from it, and S3's canonical URI.
// Input layout: line 1 method, line 2 Host, line 3 path, line 4 query, line 5 Authorization,
// then "name: value" header lines.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/s3_access.h"
#include "protocol/sigv4_canonical.h"

namespace {

std::string_view NextLine(std::string_view& input) {
  size_t newline = input.find('\n');
  std::string_view line = input.substr(0, newline);
  input = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace irsa::protocol;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  irsa::HttpRequest http;
  http.method = std::string(NextLine(input));
  http.headers.emplace_back("host", std::string(NextLine(input)));
  http.path = std::string(NextLine(input));
  http.query = std::string(NextLine(input));
  http.target = http.path + (http.query.empty() ? "" : "?" + http.query);
  http.headers.emplace_back("authorization", std::string(NextLine(input)));
  while (!input.empty()) {
    std::string_view line = NextLine(input);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    http.headers.emplace_back(std::string(line.substr(0, colon)),
                              std::string(line.substr(colon + 1)));
  }
  (void)IsS3Request(http);
  S3Address address = S3AddressOf(http);
  (void)irsa::protocol::sigv4::S3CanonicalUri(http.path);
  auto query = QueryParams::Parse("", http.query);
  if (!query.ok()) return 0;
  auto op = IdentifyS3Operation(http, address, *query);
  if (!op.ok()) return 0;
  irsa::s3::TagSet tags = {{"k", "v"}};
  SigV4Request signature;
  S3AccessInput access_input{http,       *query, address.bucket, address.key, "111122223333",
                             &signature, &tags,  &tags,          "us-east-1"};
  (void)BuildS3Access(**op, access_input);
  return 0;
}
