#include "iam/service_context.h"

#include "base/encoding.h"

namespace irsa::iam {

std::string EncodeMarker(const std::string& last_key) { return Base64UrlEncode("m1:" + last_key); }

Result<std::string> DecodeMarker(const std::string& marker) {
  if (marker.empty()) return std::string();
  auto decoded = Base64UrlDecode(marker);
  if (!decoded || !decoded->starts_with("m1:")) {
    return errors::InvalidInput("Invalid Marker: the marker was not returned by this service.");
  }
  return decoded->substr(3);
}

}  // namespace irsa::iam
