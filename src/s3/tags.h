// Object and bucket tags
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html).
//
// A tag set holds at most 10 tags on an object and 50 on a bucket. Keys are 1-128 and values
// 0-256 Unicode characters of letters, digits, white space and + - = . _ : / @ (any script's
// letters and digits when the text is well-formed UTF-8); keys are case-sensitive and unique; the
// "aws:" prefix is reserved. Every violation is InvalidTag (400).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace irsa::s3 {

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};
using TagSet = std::vector<Tag>;

inline constexpr size_t kMaxObjectTags = 10;
inline constexpr size_t kMaxBucketTags = 50;
inline constexpr size_t kMaxTagKeyChars = 128;
inline constexpr size_t kMaxTagValueChars = 256;

enum class TagTarget { kObject, kBucket };

Status ValidateTagSet(const TagSet& tags, TagTarget target);

// Parses the x-amz-tagging header of PutObject / CreateMultipartUpload / CopyObject: URL query
// syntax "k1=v1&k2=v2" (percent-encoded UTF-8, '+' is a space), then ValidateTagSet(kObject).
// An empty header is an empty set. Malformed encoding or a repeated key: InvalidArgument.
Result<TagSet> ParseTaggingHeader(std::string_view header);

// The inverse of ParseTaggingHeader (RFC 3986 percent-encoding).
std::string FormatTaggingHeader(const TagSet& tags);

}  // namespace irsa::s3
