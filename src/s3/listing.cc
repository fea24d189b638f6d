#include "s3/listing.h"

#include <cassert>

#include "base/encoding.h"
#include "base/strings.h"
#include "crypto/hash.h"
#include "s3/errors.h"

namespace irsa::s3 {
namespace {

constexpr size_t kTagBytes = 16;
constexpr size_t kMaxTokenChars = 4096;

Error BadToken() { return errors::InvalidArgument("The continuation token provided is incorrect"); }

}  // namespace

ListingTokenCodec::ListingTokenCodec(std::string key) : key_(std::move(key)) {
  assert(key_.size() >= 16);
}

std::string ListingTokenCodec::Tag(std::string_view scope, std::string_view last) const {
  std::string message = "irsa-s3-list-v1";
  message += '\0';
  message += std::to_string(scope.size());
  message += ':';
  message += scope;
  message += last;
  return crypto::HmacSha256(key_, message).substr(0, kTagBytes);
}

std::string ListingTokenCodec::Encode(std::string_view scope, std::string_view last) const {
  return Base64UrlEncode(last) + "." + Base64UrlEncode(Tag(scope, last));
}

Result<std::string> ListingTokenCodec::Decode(std::string_view scope,
                                              std::string_view token) const {
  if (token.size() > kMaxTokenChars) return BadToken();
  size_t dot = token.find('.');
  if (dot == std::string_view::npos) return BadToken();
  std::optional<std::string> last = Base64UrlDecode(token.substr(0, dot));
  std::optional<std::string> tag = Base64UrlDecode(token.substr(dot + 1));
  if (!last || !tag || tag->size() != kTagBytes) return BadToken();
  if (!ConstantTimeEquals(*tag, Tag(scope, *last))) return BadToken();
  return std::move(*last);
}

}  // namespace irsa::s3
