// Fuzzes SigV4 parsing and verification: the input is an Authorization header value, then a
// newline, then a query string (presigned form), then a newline and the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "protocol/sigv4.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t first = input.find('\n');
  std::string_view authorization = input.substr(0, first);
  std::string_view rest = first == std::string_view::npos ? "" : input.substr(first + 1);
  size_t second = rest.find('\n');
  std::string_view query = rest.substr(0, second);
  std::string_view body = second == std::string_view::npos ? "" : rest.substr(second + 1);

  irsa::HttpRequest request;
  request.method = "POST";
  request.path = "/";
  request.query = std::string(query);
  request.target = query.empty() ? "/" : "/?" + std::string(query);
  request.body = std::string(body);
  request.headers.emplace_back("host", "127.0.0.1:8080");
  request.headers.emplace_back("x-amz-date", "20261128T120000Z");
  if (!authorization.empty())
    request.headers.emplace_back("authorization", std::string(authorization));
  static irsa::FakeClock clock = irsa::FakeClock::AtUnixSeconds(1795867200);
  auto parsed = irsa::protocol::ParseSigV4(request);
  if (!parsed.ok()) return 0;
  (void)irsa::protocol::VerifySigV4(*parsed, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", request,
                                    clock);
  return 0;
}
