// Conditional reads and writes with S3's precedence.
#include <gtest/gtest.h>

#include "base/time_format.h"
#include "s3/conditional.h"

namespace irsa::s3 {
namespace {

const SystemTime kModified = FromUnixSeconds(1700000000);  // Tue, 14 Nov 2023 22:13:20 GMT
const std::string kBefore = FormatHttpDate(FromUnixSeconds(1700000000 - 60));
const std::string kAt = FormatHttpDate(kModified);
const std::string kAfter = FormatHttpDate(FromUnixSeconds(1700000000 + 60));
constexpr std::string_view kETag = "\"0123456789abcdef0123456789abcdef\"";

std::string Read(ReadConditions c, SystemTime modified = kModified) {
  Status s = EvaluateReadConditions(c, kETag, modified);
  return s.ok() ? "200" : std::to_string(s.error().http_status());
}

TEST(ReadConditions, None) { EXPECT_EQ(Read({}), "200"); }

TEST(ReadConditions, IfMatch) {
  EXPECT_EQ(Read({.if_match = std::string(kETag)}), "200");
  EXPECT_EQ(Read({.if_match = "0123456789abcdef0123456789abcdef"}), "200");  // unquoted
  EXPECT_EQ(Read({.if_match = "*"}), "200");
  EXPECT_EQ(Read({.if_match = "\"other\", " + std::string(kETag)}), "200");
  EXPECT_EQ(Read({.if_match = "\"other\""}), "412");
  EXPECT_EQ(Read({.if_match = "W/" + std::string(kETag)}), "412");  // weak never matches
  EXPECT_EQ(Read({.if_match = ""}), "412");
}

TEST(ReadConditions, IfNoneMatch) {
  EXPECT_EQ(Read({.if_none_match = std::string(kETag)}), "304");
  EXPECT_EQ(Read({.if_none_match = "*"}), "304");
  EXPECT_EQ(Read({.if_none_match = "\"other\""}), "200");
}

TEST(ReadConditions, Dates) {
  EXPECT_EQ(Read({.if_modified_since = kBefore}), "200");
  EXPECT_EQ(Read({.if_modified_since = kAt}), "304");
  EXPECT_EQ(Read({.if_modified_since = kAfter}), "304");
  EXPECT_EQ(Read({.if_unmodified_since = kBefore}), "412");
  EXPECT_EQ(Read({.if_unmodified_since = kAt}), "200");
  EXPECT_EQ(Read({.if_unmodified_since = kAfter}), "200");
  // Sub-second modification times compare at whole seconds.
  EXPECT_EQ(Read({.if_modified_since = kAt}, kModified + std::chrono::milliseconds(900)), "304");
  // ISO 8601 is accepted too; garbage is ignored.
  EXPECT_EQ(Read({.if_unmodified_since = "2023-11-14T22:12:20Z"}), "412");
  EXPECT_EQ(Read({.if_unmodified_since = "yesterday"}), "200");
  EXPECT_EQ(Read({.if_modified_since = "not a date"}), "200");
}

// The two combinations S3 documents explicitly.
TEST(ReadConditions, S3Precedence) {
  // If-Match true + If-Unmodified-Since false: 200.
  EXPECT_EQ(Read({.if_match = std::string(kETag), .if_unmodified_since = kBefore}), "200");
  // If-None-Match false + If-Modified-Since true: 304.
  EXPECT_EQ(Read({.if_none_match = std::string(kETag), .if_modified_since = kBefore}), "304");
  // If-None-Match true (no match) makes If-Modified-Since irrelevant.
  EXPECT_EQ(Read({.if_none_match = "\"other\"", .if_modified_since = kAfter}), "200");
  // 412 wins over 304.
  EXPECT_EQ(Read({.if_match = "\"other\"", .if_none_match = std::string(kETag)}), "412");
  EXPECT_EQ(Read({.if_modified_since = kAfter, .if_unmodified_since = kBefore}), "412");
}

TEST(ReadConditions, Errors) {
  Status nm = EvaluateReadConditions({.if_none_match = "*"}, kETag, kModified);
  EXPECT_EQ(nm.error().code(), "NotModified");
  Status pf = EvaluateReadConditions({.if_match = "\"x\""}, kETag, kModified);
  EXPECT_EQ(pf.error().code(), "PreconditionFailed");
}

TEST(CopySourceConditions, EveryFailureIs412) {
  auto copy = [](ReadConditions c) {
    Status s = EvaluateCopySourceConditions(c, kETag, kModified);
    return s.ok() ? "200" : s.error().code();
  };
  EXPECT_EQ(copy({.if_none_match = std::string(kETag)}), "PreconditionFailed");
  EXPECT_EQ(copy({.if_modified_since = kAfter}), "PreconditionFailed");
  EXPECT_EQ(copy({.if_match = "\"x\""}), "PreconditionFailed");
  EXPECT_EQ(copy({.if_match = std::string(kETag), .if_unmodified_since = kBefore}), "200");
  EXPECT_EQ(copy({.if_none_match = "\"x\"", .if_modified_since = kAfter}), "200");
}

TEST(WriteConditions, IfNoneMatchStarAndIfMatch) {
  auto write = [](WriteConditions c, std::optional<std::string> current) {
    Status s = EvaluateWriteConditions(c, current);
    return s.ok() ? "OK" : s.error().code();
  };
  std::string etag(kETag);
  EXPECT_EQ(write({}, std::nullopt), "OK");
  EXPECT_EQ(write({}, etag), "OK");
  EXPECT_EQ(write({.if_none_match = "*"}, std::nullopt), "OK");
  EXPECT_EQ(write({.if_none_match = "*"}, etag), "PreconditionFailed");
  EXPECT_EQ(write({.if_match = etag}, etag), "OK");
  EXPECT_EQ(write({.if_match = "\"x\""}, etag), "PreconditionFailed");
  EXPECT_EQ(write({.if_match = etag}, std::nullopt), "NoSuchKey");
  EXPECT_TRUE(ValidateWriteConditions({.if_none_match = " * "}).ok());
  EXPECT_EQ(ValidateWriteConditions({.if_none_match = etag}).error().code(), "NotImplemented");
}

}  // namespace
}  // namespace irsa::s3
