// Object metadata: the system headers S3 stores with an object and user-defined metadata
// (x-amz-meta-*).
//
// User metadata (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html): names
// are HTTP header tokens, stored lower-case without the x-amz-meta- prefix; the sum of the UTF-8
// bytes of every name and value is at most 2 KB (MetadataTooLarge). Values are kept as sent.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace irsa::s3 {

inline constexpr size_t kMaxUserMetadataBytes = 2048;
inline constexpr std::string_view kUserMetadataPrefix = "x-amz-meta-";
// What S3 answers as Content-Type for an object stored without one.
inline constexpr std::string_view kDefaultContentType = "binary/octet-stream";

// Name (lower case, without prefix) -> value, sorted by name, names unique.
using UserMetadata = std::vector<std::pair<std::string, std::string>>;

struct ObjectMetadata {
  std::string content_type;  // empty: none given (answered as kDefaultContentType)
  std::string cache_control;
  std::string content_disposition;
  std::string content_encoding;  // without the aws-chunked transfer coding
  std::string content_language;
  std::string expires;  // as sent (S3 echoes the header)
  UserMetadata user;
  bool operator==(const ObjectMetadata&) const = default;
};

// Adds one x-amz-meta-<name> header (`name` without the prefix, any case). A repeated name joins
// the values with ',' as HTTP does. Keeps `user` sorted. InvalidArgument for an empty or
// non-token name.
Status AddUserMetadata(UserMetadata& user, std::string_view name, std::string_view value);

// Size limit (MetadataTooLarge) and well-formed names (InvalidArgument).
Status ValidateUserMetadata(const UserMetadata& user);

// The byte count S3 compares with kMaxUserMetadataBytes.
size_t UserMetadataSize(const UserMetadata& user);

}  // namespace irsa::s3
