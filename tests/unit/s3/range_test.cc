// Range and x-amz-copy-source-range (RFC 7233 with S3's choices).
#include <gtest/gtest.h>

#include <limits>

#include "s3/range.h"

namespace irsa::s3 {
namespace {

ByteRange Resolve(std::string_view header, int64_t size) {
  std::optional<RangeSpec> spec = ParseRangeHeader(header);
  EXPECT_TRUE(spec.has_value()) << header;
  Result<ByteRange> r = ResolveRange(*spec, size);
  EXPECT_TRUE(r.ok()) << header << " " << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : ByteRange{-1, -1};
}

std::string ResolveError(std::string_view header, int64_t size) {
  std::optional<RangeSpec> spec = ParseRangeHeader(header);
  if (!spec) return "ignored";
  Result<ByteRange> r = ResolveRange(*spec, size);
  return r.ok() ? "ok" : r.error().code() + ":" + std::to_string(r.error().http_status());
}

TEST(Range, SatisfiableForms) {
  EXPECT_EQ(Resolve("bytes=0-0", 10), (ByteRange{0, 0}));
  EXPECT_EQ(Resolve("bytes=0-9", 10), (ByteRange{0, 9}));
  EXPECT_EQ(Resolve("bytes=2-5", 10), (ByteRange{2, 5}));
  EXPECT_EQ(Resolve("bytes=5-", 10), (ByteRange{5, 9}));
  EXPECT_EQ(Resolve("bytes=9-", 10), (ByteRange{9, 9}));
  EXPECT_EQ(Resolve("bytes=-3", 10), (ByteRange{7, 9}));
  EXPECT_EQ(Resolve("bytes=-1", 10), (ByteRange{9, 9}));
  EXPECT_EQ(Resolve("Bytes = 1-2 ", 10), (ByteRange{1, 2}));
  EXPECT_EQ(Resolve("bytes=2-2", 10).length(), 1);
}

TEST(Range, ClampsPastTheEnd) {
  EXPECT_EQ(Resolve("bytes=5-100", 10), (ByteRange{5, 9}));
  EXPECT_EQ(Resolve("bytes=-100", 10), (ByteRange{0, 9}));
  EXPECT_EQ(Resolve("bytes=0-99999999999999999999999", 10), (ByteRange{0, 9}));
  EXPECT_EQ(Resolve("bytes=-99999999999999999999999", 10), (ByteRange{0, 9}));
}

TEST(Range, UnsatisfiableIs416) {
  EXPECT_EQ(ResolveError("bytes=10-", 10), "InvalidRange:416");
  EXPECT_EQ(ResolveError("bytes=10-20", 10), "InvalidRange:416");
  EXPECT_EQ(ResolveError("bytes=-0", 10), "InvalidRange:416");
  EXPECT_EQ(ResolveError("bytes=0-0", 0), "InvalidRange:416");
  EXPECT_EQ(ResolveError("bytes=-5", 0), "InvalidRange:416");
  EXPECT_EQ(ResolveError("bytes=99999999999999999999999-", 10), "InvalidRange:416");
}

TEST(Range, MalformedIsIgnored) {
  for (const char* header :
       {"", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=1-a", "bytes=5-2", "items=0-1",
        "bytes=0-1,3-4", "bytes=0-1,", "bytes=+1-2", "bytes=1--2", "bytes=1-2-3", "bytes 0-1",
        "bytes=0x1-2", "bytes=-1-2", "bytes= -", "bytes=1 -2"}) {
    EXPECT_EQ(ResolveError(header, 10), "ignored") << header;
  }
}

TEST(Range, ContentRange) {
  EXPECT_EQ(ContentRangeHeader(ByteRange{0, 9}, 10), "bytes 0-9/10");
  EXPECT_EQ(UnsatisfiedContentRangeHeader(10), "bytes */10");
}

TEST(CopySourceRange, StrictForm) {
  EXPECT_EQ(*ParseCopySourceRange("bytes=0-9", 10), (ByteRange{0, 9}));
  EXPECT_EQ(*ParseCopySourceRange("bytes=3-3", 10), (ByteRange{3, 3}));
  for (const char* bad : {"bytes=0-", "bytes=-3", "bytes=5-2", "0-1", "bytes=a-b", ""}) {
    EXPECT_EQ(ParseCopySourceRange(bad, 10).error().code(), "InvalidArgument") << bad;
  }
  EXPECT_EQ(ParseCopySourceRange("bytes=0-10", 10).error().code(), "InvalidRange");
  EXPECT_EQ(ParseCopySourceRange("bytes=0-0", 0).error().code(), "InvalidRange");
}

}  // namespace
}  // namespace irsa::s3
