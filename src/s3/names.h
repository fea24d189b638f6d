// Naming rules for buckets and object keys.
//
// Bucket names follow AWS's rules for general purpose buckets
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): 3-63 characters
// of a-z 0-9 . -; starting and ending with a letter or digit; no two adjacent periods; not shaped
// like an IPv4 address; not starting with xn--, sthree- or amzn-s3-demo-; not ending with
// -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3. Failure: InvalidBucketName (400).
//
// Object keys are 1-1024 bytes of UTF-8 (KeyTooLongError past 1024). irsa also refuses code
// points XML 1.0 cannot carry (NUL and the other C0 controls except tab, LF and CR; U+FFFE/FFFF):
// such keys could never be listed back in an XML response, and PostgreSQL text cannot hold NUL.
// Failure: InvalidArgument (400).
#pragma once

#include <string_view>

#include "base/result.h"

namespace irsa::s3 {

inline constexpr size_t kMaxKeyBytes = 1024;

Status ValidateBucketName(std::string_view name);
Status ValidateObjectKey(std::string_view key);

}  // namespace irsa::s3
