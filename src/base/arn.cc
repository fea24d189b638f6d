#include "base/arn.h"

namespace irsa {

std::optional<Arn> Arn::Parse(std::string_view text) {
  if (!text.starts_with("arn:")) return std::nullopt;
  std::string_view rest = text.substr(4);
  std::string_view fields[4];
  for (auto& field : fields) {
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    field = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  return Arn{std::string(fields[0]), std::string(fields[1]), std::string(fields[2]),
             std::string(fields[3]), std::string(rest)};
}

std::string Arn::ToString() const {
  return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
}

std::string IamArn(std::string_view account, std::string_view resource) {
  std::string out = "arn:aws:iam::";
  out += account;
  out += ':';
  out += resource;
  return out;
}

bool IsAccountId(std::string_view text) {
  if (text.size() != 12) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace irsa
