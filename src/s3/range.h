// Byte ranges of GetObject/HeadObject (Range) and UploadPartCopy (x-amz-copy-source-range).
//
// Range follows RFC 7233 §2.1 with S3's choices: one byte-range-spec per request; a header S3
// does not understand (another unit, several ranges, bad syntax, first > last) is ignored and the
// whole object is returned (200); a syntactically valid range that selects nothing is InvalidRange
// (416): a first byte at or past the end, a zero-length suffix, or any range of an empty object.
// A last byte past the end is clamped; a suffix longer than the object selects all of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace irsa::s3 {

// An inclusive byte interval [first, last] of an object.
struct ByteRange {
  int64_t first = 0;
  int64_t last = 0;
  int64_t length() const { return last - first + 1; }
  bool operator==(const ByteRange&) const = default;
};

// A parsed byte-range-spec: "first-[last]" or "-suffix".
struct RangeSpec {
  std::optional<int64_t> first;  // unset: suffix form
  std::optional<int64_t> last;   // unset: to the end
  int64_t suffix_length = 0;     // suffix form only
  bool operator==(const RangeSpec&) const = default;
};

// nullopt when the header is to be ignored (see above). Numbers too large for int64 saturate.
std::optional<RangeSpec> ParseRangeHeader(std::string_view header);

// The bytes `spec` selects of an object of `size` bytes, or InvalidRange.
Result<ByteRange> ResolveRange(const RangeSpec& spec, int64_t size);

// "bytes <first>-<last>/<size>" (Content-Range of a 206) and "bytes */<size>" (of a 416).
std::string ContentRangeHeader(const ByteRange& range, int64_t size);
std::string UnsatisfiedContentRangeHeader(int64_t size);

// x-amz-copy-source-range: exactly "bytes=<first>-<last>" with first <= last (InvalidArgument
// otherwise), inside an object of `size` bytes (InvalidRange otherwise).
Result<ByteRange> ParseCopySourceRange(std::string_view header, int64_t size);

}  // namespace irsa::s3
