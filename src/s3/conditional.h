// Conditional requests (RFC 7232 with S3's precedence,
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax).
//
// Reads (GetObject, HeadObject), in this order:
//   1. If-Match present: no match -> 412 PreconditionFailed; a match makes If-Unmodified-Since
//      irrelevant. Otherwise If-Unmodified-Since: modified after the date -> 412.
//   2. If-None-Match present: a match -> 304 NotModified; no match makes If-Modified-Since
//      irrelevant. Otherwise If-Modified-Since: not modified after the date -> 304.
// Copy sources (x-amz-copy-source-if-*) use the same precedence but every failure is 412.
// Writes (PutObject, CompleteMultipartUpload): If-None-Match: * fails with 412 when the key
// exists; If-Match fails with 412 on another ETag and 404 NoSuchKey when the key does not exist.
//
// ETag lists are comma-separated; each ETag may be quoted or not ("*" matches any object); weak
// validators (W/"...") never match (strong comparison). Dates are HTTP dates (RFC 7231) or ISO
// 8601; an unparsable date makes its header ignored, as HTTP requires. Times compare at whole
// seconds, the precision of Last-Modified.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"

namespace irsa::s3 {

struct ReadConditions {
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;
  std::optional<std::string> if_modified_since;
  std::optional<std::string> if_unmodified_since;
  bool empty() const {
    return !if_match && !if_none_match && !if_modified_since && !if_unmodified_since;
  }
};

struct WriteConditions {
  std::optional<std::string> if_match;       // an ETag (list), or "*"
  std::optional<std::string> if_none_match;  // only "*" is supported
  bool empty() const { return !if_match && !if_none_match; }
};

// Whether `etag` (quoted or not) is named by the header value `list`.
bool ETagListMatches(std::string_view list, std::string_view etag);

// OK to proceed, NotModified (304) or PreconditionFailed (412).
Status EvaluateReadConditions(const ReadConditions& conditions, std::string_view etag,
                              SystemTime last_modified);
// OK or PreconditionFailed (412).
Status EvaluateCopySourceConditions(const ReadConditions& conditions, std::string_view etag,
                                    SystemTime last_modified);

// Shape check, before any storage is touched: If-None-Match other than "*" is NotImplemented.
Status ValidateWriteConditions(const WriteConditions& conditions);
// `current_etag`: the ETag of the object the write would replace, nullopt when there is none.
// OK, PreconditionFailed (412) or NoSuchKey (404).
Status EvaluateWriteConditions(const WriteConditions& conditions,
                               const std::optional<std::string>& current_etag);

}  // namespace irsa::s3
