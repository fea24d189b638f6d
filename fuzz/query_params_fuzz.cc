// Fuzzes the AWS Query parameter parser and its accessors: form body + query string.
// Input layout: the first line is the query string, the rest the body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/query_params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view query = newline == std::string_view::npos ? "" : input.substr(0, newline);
  std::string_view body = newline == std::string_view::npos ? input : input.substr(newline + 1);
  auto params = irsa::protocol::QueryParams::Parse(body, query);
  if (!params.ok()) return 0;
  (void)params->Get("Action");
  (void)params->Require("RoleName");
  (void)params->GetInt("MaxItems");
  (void)params->GetBool("SetAsDefault");
  (void)params->GetList("ClientIDList");
  (void)params->GetStructList("Tags");
  (void)params->GetMap("ContextEntries");
  return 0;
}
