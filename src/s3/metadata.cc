#include "s3/metadata.h"

#include <algorithm>

#include "base/strings.h"
#include "s3/errors.h"
#include "s3/text.h"

namespace irsa::s3 {
namespace {

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return kSpecials.find(c) != std::string_view::npos;
}

bool IsToken(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), IsTokenChar);
}

}  // namespace

Status AddUserMetadata(UserMetadata& user, std::string_view name, std::string_view value) {
  if (!IsToken(name)) {
    return errors::InvalidArgument("Metadata header name 'x-amz-meta-" + XmlSafeText(name) +
                                   "' is not a valid HTTP header name.");
  }
  std::string lower = AsciiLower(name);
  auto it =
      std::lower_bound(user.begin(), user.end(), lower,
                       [](const auto& entry, const std::string& n) { return entry.first < n; });
  if (it != user.end() && it->first == lower) {
    it->second += ',';
    it->second += value;
  } else {
    user.emplace(it, std::move(lower), std::string(value));
  }
  return OkStatus();
}

size_t UserMetadataSize(const UserMetadata& user) {
  size_t total = 0;
  for (const auto& [name, value] : user) total += name.size() + value.size();
  return total;
}

Status ValidateUserMetadata(const UserMetadata& user) {
  for (size_t i = 0; i < user.size(); ++i) {
    if (!IsToken(user[i].first) || AsciiLower(user[i].first) != user[i].first) {
      return errors::InvalidArgument("Metadata header name 'x-amz-meta-" +
                                     XmlSafeText(user[i].first) +
                                     "' is not a valid lower-case HTTP header name.");
    }
    if (i > 0 && user[i - 1].first >= user[i].first) {
      return errors::InvalidArgument("Metadata header names must be unique.");
    }
  }
  size_t size = UserMetadataSize(user);
  if (size > kMaxUserMetadataBytes) {
    return errors::MetadataTooLarge(
        "Your metadata headers exceed the maximum allowed metadata size: " + std::to_string(size) +
        " bytes of names and values, at most " + std::to_string(kMaxUserMetadataBytes) + ".");
  }
  return OkStatus();
}

}  // namespace irsa::s3
