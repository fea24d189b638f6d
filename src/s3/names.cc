#include "s3/names.h"

#include <array>
#include <string>

#include "s3/errors.h"
#include "s3/text.h"

namespace irsa::s3 {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool LooksLikeIpv4(std::string_view name) {
  int parts = 0;
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t dot = name.find('.', pos);
    std::string_view part =
        name.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (part.empty() || part.size() > 3) return false;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
    }
    ++parts;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return parts == 4;
}

Error BadName(std::string_view name, std::string_view why) {
  std::string shown = XmlSafeText(name.substr(0, 80));
  return errors::InvalidBucketName("The specified bucket is not valid: '" + shown + "' " +
                                   std::string(why) + ".");
}

}  // namespace

Status ValidateBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) {
    return BadName(name, "must be between 3 and 63 characters long");
  }
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '.' && c != '-') {
      return BadName(name,
                     "may contain only lower-case letters, digits, periods (.) and hyphens (-)");
    }
  }
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) {
    return BadName(name, "must begin and end with a letter or digit");
  }
  if (name.find("..") != std::string_view::npos) {
    return BadName(name, "must not contain two adjacent periods");
  }
  if (LooksLikeIpv4(name)) return BadName(name, "must not be formatted as an IP address");
  static constexpr std::array<std::string_view, 3> kPrefixes = {"xn--", "sthree-", "amzn-s3-demo-"};
  for (std::string_view prefix : kPrefixes) {
    if (name.substr(0, prefix.size()) == prefix) {
      return BadName(name, "must not start with the reserved prefix '" + std::string(prefix) + "'");
    }
  }
  static constexpr std::array<std::string_view, 5> kSuffixes = {"-s3alias", "--ol-s3", ".mrap",
                                                                "--x-s3", "--table-s3"};
  for (std::string_view suffix : kSuffixes) {
    if (name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
      return BadName(name, "must not end with the reserved suffix '" + std::string(suffix) + "'");
    }
  }
  return OkStatus();
}

Status ValidateObjectKey(std::string_view key) {
  if (key.empty()) return errors::InvalidArgument("Object key must not be empty.");
  if (key.size() > kMaxKeyBytes) return errors::KeyTooLongError();
  if (!IsValidUtf8(key)) return errors::InvalidArgument("Object key is not valid UTF-8.");
  if (!IsXmlSafeText(key)) {
    return errors::InvalidArgument(
        "Object key contains a control character that XML cannot represent (NUL, U+0001-U+0008, "
        "U+000B, U+000C, U+000E-U+001F, U+FFFE or U+FFFF).");
  }
  return OkStatus();
}

}  // namespace irsa::s3
