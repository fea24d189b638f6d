// S3Service object operations over SQLite and the local backend.
#include <gtest/gtest.h>

#include "base/encoding.h"
#include "s3/errors.h"
#include "unit/s3/s3_test_util.h"

namespace irsa::s3 {
namespace {

using testing::FailingSource;
using testing::ReadAll;
using testing::S3Env;

template <typename T>
std::string Code(const Result<T>& r) {
  return r.ok() ? "OK" : r.error().code();
}
std::string Code(const Status& s) { return s.ok() ? "OK" : s.error().code(); }

class Objects : public ::testing::Test {
 protected:
  void SetUp() override { env_.CreateBucket("bkt"); }
  S3Env env_;
};

TEST_F(Objects, PutGetHeadRoundTrip) {
  PutObjectRequest put;
  put.bucket = "bkt";
  put.key = "config.json";
  put.metadata.content_type = "application/json";
  put.metadata.cache_control = "no-cache";
  ASSERT_TRUE(AddUserMetadata(put.metadata.user, "Owner", "team-a").ok());
  put.tags = {{"env", "prod"}};
  std::string body = R"({"secret":"value"})";
  StringSource source(body);
  auto info = env_.s3().PutObject(put, source);
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->etag, ETagFromMd5(Md5(body)));
  EXPECT_EQ(info->size, static_cast<int64_t>(body.size()));
  EXPECT_EQ(info->owner, "111122223333");
  EXPECT_EQ(info->last_modified, env_.clock().Now());

  auto read = env_.s3().GetObject({.bucket = "bkt", .key = "config.json"});
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*ReadAll(*read->body), body);
  EXPECT_FALSE(read->range.has_value());
  EXPECT_EQ(read->info.etag, info->etag);
  EXPECT_EQ(read->info.metadata, put.metadata);
  EXPECT_EQ(read->info.tag_count, 1u);
  EXPECT_EQ(read->info.parts_count, 0);
  EXPECT_EQ(read->info.owner, "111122223333");

  auto head = env_.s3().HeadObject({.bucket = "bkt", .key = "config.json"});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->body, nullptr);
  EXPECT_EQ(head->info.size, info->size);
  EXPECT_EQ(env_.backend().pinned_files(), 1u);  // the open GET body
  read->body.reset();
  EXPECT_EQ(env_.backend().pinned_files(), 0u);
}

TEST_F(Objects, EmptyObject) {
  ASSERT_TRUE(env_.Put("bkt", "empty", "").ok());
  EXPECT_EQ(*env_.Get("bkt", "empty"), "");
  EXPECT_EQ(Code(env_.Get("bkt", "empty", "bytes=0-0")), "InvalidRange");
}

TEST_F(Objects, OverwriteReplacesAndFreesTheOldFile) {
  ASSERT_TRUE(env_.Put("bkt", "k", "first").ok());
  ASSERT_TRUE(env_.Put("bkt", "k", "second").ok());
  EXPECT_EQ(*env_.Get("bkt", "k"), "second");
  EXPECT_EQ(env_.DataFiles(), 1u);
}

TEST_F(Objects, MissingThings) {
  EXPECT_EQ(Code(env_.Get("bkt", "absent")), "NoSuchKey");
  EXPECT_EQ(Code(env_.Get("no-such-bucket", "k")), "NoSuchBucket");
  EXPECT_EQ(Code(env_.Put("no-such-bucket", "k", "v")), "NoSuchBucket");
  EXPECT_EQ(Code(env_.Put("bkt", std::string(1025, 'k'), "v")), "KeyTooLongError");
  EXPECT_EQ(Code(env_.Put("bkt", std::string("a\0b", 3), "v")), "InvalidArgument");
  EXPECT_EQ(env_.DataFiles(), 0u);
}

TEST_F(Objects, DigestsAreVerifiedBeforeAnythingIsVisible) {
  ASSERT_TRUE(env_.Put("bkt", "k", "original").ok());
  auto put = [&](DeclaredDigests digests, std::string body) {
    PutObjectRequest r;
    r.bucket = "bkt";
    r.key = "k";
    r.digests = std::move(digests);
    StringSource source(body);
    return env_.s3().PutObject(r, source);
  };
  EXPECT_EQ(Code(put({.content_md5 = Md5("other")}, "new body")), "BadDigest");
  EXPECT_EQ(Code(put({.checksum_algorithm = ChecksumAlgorithm::kCrc32,
                      .checksum = ComputeChecksum(ChecksumAlgorithm::kCrc32, "other")},
                     "new body")),
            "BadDigest");
  EXPECT_EQ(
      Code(put({.checksum_algorithm = ChecksumAlgorithm::kSha256, .checksum = std::string(4, 'x')},
               "new body")),
      "InvalidRequest");
  EXPECT_EQ(*env_.Get("bkt", "k"), "original");
  EXPECT_EQ(env_.DataFiles(), 1u);  // nothing left behind

  auto ok = put({.content_md5 = Md5("new body"),
                 .checksum_algorithm = ChecksumAlgorithm::kCrc32c,
                 .checksum = ComputeChecksum(ChecksumAlgorithm::kCrc32c, "new body")},
                "new body");
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  ASSERT_TRUE(ok->checksum.has_value());
  EXPECT_EQ(ok->checksum->algorithm, ChecksumAlgorithm::kCrc32c);
  EXPECT_EQ(ok->checksum->value,
            Base64Encode(ComputeChecksum(ChecksumAlgorithm::kCrc32c, "new body")));
  // An algorithm without a value (a trailer checked by the decoder): computed and stored.
  auto computed = put({.checksum_algorithm = ChecksumAlgorithm::kSha1}, "third");
  ASSERT_TRUE(computed.ok());
  EXPECT_EQ(computed->checksum->value,
            Base64Encode(ComputeChecksum(ChecksumAlgorithm::kSha1, "third")));
  auto head = env_.s3().HeadObject({.bucket = "bkt", .key = "k"});
  EXPECT_EQ(head->info.checksum, computed->checksum);
}

TEST_F(Objects, LengthAndSourceErrorsLeaveTheOldObject) {
  ASSERT_TRUE(env_.Put("bkt", "k", "original").ok());
  PutObjectRequest r;
  r.bucket = "bkt";
  r.key = "k";
  r.content_length = 100;
  StringSource short_body("only ten b");
  EXPECT_EQ(Code(env_.s3().PutObject(r, short_body)), "IncompleteBody");
  r.content_length = 3;
  StringSource long_body("longer than three");
  EXPECT_EQ(Code(env_.s3().PutObject(r, long_body)), "IncompleteBody");
  r.content_length.reset();
  FailingSource broken(std::string(100000, 'x'), errors::SignatureDoesNotMatch());
  EXPECT_EQ(Code(env_.s3().PutObject(r, broken)), "SignatureDoesNotMatch");
  r.content_length = kMaxPutObjectSize + 1;
  StringSource huge("x");
  EXPECT_EQ(Code(env_.s3().PutObject(r, huge)), "EntityTooLarge");
  EXPECT_EQ(*env_.Get("bkt", "k"), "original");
  EXPECT_EQ(env_.DataFiles(), 1u);
  EXPECT_EQ(testing::CountFiles(env_.data_root() / "tmp"), 0u);
}

TEST_F(Objects, ConditionalWrites) {
  PutObjectRequest r;
  r.bucket = "bkt";
  r.key = "once";
  r.conditions.if_none_match = "*";
  StringSource a("a");
  auto first = env_.s3().PutObject(r, a);
  ASSERT_TRUE(first.ok());
  StringSource b("b");
  EXPECT_EQ(Code(env_.s3().PutObject(r, b)), "PreconditionFailed");
  r.conditions = {.if_match = first->etag};
  StringSource c("c");
  ASSERT_TRUE(env_.s3().PutObject(r, c).ok());
  StringSource d("d");
  EXPECT_EQ(Code(env_.s3().PutObject(r, d)), "PreconditionFailed");  // etag moved on
  r.key = "never";
  StringSource e("e");
  EXPECT_EQ(Code(env_.s3().PutObject(r, e)), "NoSuchKey");
  r.conditions = {.if_none_match = "\"etag\""};
  StringSource f("f");
  EXPECT_EQ(Code(env_.s3().PutObject(r, f)), "NotImplemented");
  EXPECT_EQ(*env_.Get("bkt", "once"), "c");
  EXPECT_EQ(env_.DataFiles(), 1u);
}

TEST_F(Objects, RangesAndConditionalReads) {
  ASSERT_TRUE(env_.Put("bkt", "digits", "0123456789").ok());
  EXPECT_EQ(*env_.Get("bkt", "digits", "bytes=2-5"), "2345");
  EXPECT_EQ(*env_.Get("bkt", "digits", "bytes=-3"), "789");
  EXPECT_EQ(*env_.Get("bkt", "digits", "bytes=8-100"), "89");
  EXPECT_EQ(*env_.Get("bkt", "digits", "bytes=5-2"), "0123456789");  // ignored
  EXPECT_EQ(Code(env_.Get("bkt", "digits", "bytes=10-")), "InvalidRange");
  auto ranged = env_.s3().HeadObject(
      {.bucket = "bkt", .key = "digits", .range = ParseRangeHeader("bytes=1-1")});
  ASSERT_TRUE(ranged.ok());
  EXPECT_EQ(ranged->range, (ByteRange{1, 1}));
  std::string etag = ranged->info.etag;
  EXPECT_EQ(Code(env_.s3().GetObject(
                {.bucket = "bkt", .key = "digits", .conditions = {.if_none_match = etag}})),
            "NotModified");
  EXPECT_EQ(Code(env_.s3().GetObject(
                {.bucket = "bkt", .key = "digits", .conditions = {.if_match = "\"x\""}})),
            "PreconditionFailed");
  EXPECT_EQ(Code(env_.s3().GetObject({.bucket = "bkt",
                                      .key = "digits",
                                      .range = ParseRangeHeader("bytes=0-1"),
                                      .part_number = 1})),
            "InvalidRequest");
  auto part = env_.s3().GetObject({.bucket = "bkt", .key = "digits", .part_number = 1});
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(*ReadAll(*part->body), "0123456789");
  EXPECT_EQ(Code(env_.s3().GetObject({.bucket = "bkt", .key = "digits", .part_number = 2})),
            "InvalidPartNumber");
  EXPECT_EQ(Code(env_.s3().GetObject({.bucket = "bkt", .key = "digits", .part_number = 0})),
            "InvalidArgument");
}

TEST_F(Objects, ReaderKeepsItsVersionWhileOverwrittenAndDeleted) {
  std::string old_body(200000, 'o');
  ASSERT_TRUE(env_.Put("bkt", "k", old_body).ok());
  auto read = env_.s3().GetObject({.bucket = "bkt", .key = "k"});
  ASSERT_TRUE(read.ok());
  char first[10];
  ASSERT_EQ(*read->body->Read(first, sizeof(first)), 10u);
  ASSERT_TRUE(env_.Put("bkt", "k", "new").ok());
  ASSERT_TRUE(env_.s3().DeleteObject("bkt", "k").ok());
  EXPECT_EQ(env_.DataFiles(), 1u);  // the old file lives while pinned
  auto rest = ReadAll(*read->body);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(std::string(first, 10) + *rest, old_body);
  read->body.reset();
  EXPECT_EQ(env_.DataFiles(), 0u);
  EXPECT_EQ(env_.backend().pinned_files(), 0u);
}

TEST_F(Objects, DeleteAndDeleteObjects) {
  EXPECT_TRUE(env_.s3().DeleteObject("bkt", "absent").ok());
  ASSERT_TRUE(env_.Put("bkt", "a", "1").ok());
  ASSERT_TRUE(env_.Put("bkt", "b", "2").ok());
  auto results = env_.s3().DeleteObjects("bkt", {"a", "absent", std::string(2000, 'x'), "b"});
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 4u);
  EXPECT_FALSE((*results)[0].error.has_value());
  EXPECT_FALSE((*results)[1].error.has_value());
  ASSERT_TRUE((*results)[2].error.has_value());
  EXPECT_EQ((*results)[2].error->code(), "KeyTooLongError");
  EXPECT_FALSE((*results)[3].error.has_value());
  EXPECT_EQ(Code(env_.Get("bkt", "a")), "NoSuchKey");
  EXPECT_EQ(env_.DataFiles(), 0u);
  EXPECT_EQ(Code(env_.s3().DeleteObjects("bkt", {})), "MalformedXML");
  EXPECT_EQ(Code(env_.s3().DeleteObjects("bkt", std::vector<std::string>(1001, "k"))),
            "MalformedXML");
  EXPECT_EQ(Code(env_.s3().DeleteObjects("absent-bucket", {"k"})), "NoSuchBucket");
}

TEST_F(Objects, CopyWithDirectives) {
  PutObjectRequest put;
  put.bucket = "bkt";
  put.key = "src";
  put.metadata.content_type = "text/plain";
  put.tags = {{"a", "1"}};
  put.digests.checksum_algorithm = ChecksumAlgorithm::kCrc32;
  StringSource body("copy me");
  ASSERT_TRUE(env_.s3().PutObject(put, body).ok());
  env_.CreateBucket("dst");

  CopyObjectRequest copy;
  copy.source_bucket = "bkt";
  copy.source_key = "src";
  copy.bucket = "dst";
  copy.key = "copied";
  auto same = env_.s3().CopyObject(copy);
  ASSERT_TRUE(same.ok()) << same.error().message();
  EXPECT_EQ(same->etag, ETagFromMd5(Md5("copy me")));
  auto head = env_.s3().HeadObject({.bucket = "dst", .key = "copied"});
  EXPECT_EQ(head->info.metadata.content_type, "text/plain");
  EXPECT_EQ(head->info.tag_count, 1u);
  ASSERT_TRUE(head->info.checksum.has_value());  // the source's algorithm carries over
  EXPECT_EQ(head->info.checksum->algorithm, ChecksumAlgorithm::kCrc32);
  EXPECT_EQ(*env_.Get("dst", "copied"), "copy me");

  copy.metadata_directive = Directive::kReplace;
  copy.metadata.content_type = "application/x-new";
  copy.tagging_directive = Directive::kReplace;
  copy.tags = {};
  ASSERT_TRUE(env_.s3().CopyObject(copy).ok());
  head = env_.s3().HeadObject({.bucket = "dst", .key = "copied"});
  EXPECT_EQ(head->info.metadata.content_type, "application/x-new");
  EXPECT_EQ(head->info.tag_count, 0u);

  // Onto itself: only with a change.
  CopyObjectRequest self;
  self.source_bucket = self.bucket = "bkt";
  self.source_key = self.key = "src";
  EXPECT_EQ(Code(env_.s3().CopyObject(self)), "InvalidRequest");
  self.metadata_directive = Directive::kReplace;
  self.metadata.content_type = "text/changed";
  ASSERT_TRUE(env_.s3().CopyObject(self).ok());
  EXPECT_EQ(*env_.Get("bkt", "src"), "copy me");
  EXPECT_EQ(env_.s3().HeadObject({.bucket = "bkt", .key = "src"})->info.metadata.content_type,
            "text/changed");

  copy.source_conditions.if_match = "\"nope\"";
  EXPECT_EQ(Code(env_.s3().CopyObject(copy)), "PreconditionFailed");
  copy.source_conditions = {};
  copy.source_key = "absent";
  EXPECT_EQ(Code(env_.s3().CopyObject(copy)), "NoSuchKey");
  copy.source_bucket = "absent-bucket";
  EXPECT_EQ(Code(env_.s3().CopyObject(copy)), "NoSuchBucket");
  EXPECT_EQ(env_.DataFiles(), 2u);
  EXPECT_EQ(env_.backend().pinned_files(), 0u);
}

TEST_F(Objects, ObjectTagging) {
  ASSERT_TRUE(env_.Put("bkt", "k", "v").ok());
  EXPECT_TRUE(env_.s3().GetObjectTagging("bkt", "k")->empty());
  TagSet tags = {{"classification", "secret"}};
  ASSERT_TRUE(env_.s3().PutObjectTagging("bkt", "k", tags).ok());
  EXPECT_EQ(*env_.s3().GetObjectTagging("bkt", "k"), tags);
  EXPECT_EQ(Code(env_.s3().PutObjectTagging("bkt", "k", TagSet(11, Tag{"k", "v"}))), "InvalidTag");
  ASSERT_TRUE(env_.s3().DeleteObjectTagging("bkt", "k").ok());
  EXPECT_TRUE(env_.s3().GetObjectTagging("bkt", "k")->empty());
  EXPECT_EQ(*env_.Get("bkt", "k"), "v");  // tagging never touches the body
  EXPECT_EQ(Code(env_.s3().GetObjectTagging("bkt", "absent")), "NoSuchKey");
  EXPECT_EQ(Code(env_.s3().PutObjectTagging("bkt", "absent", tags)), "NoSuchKey");
}

TEST_F(Objects, ListObjectsV2) {
  for (const char* key :
       {"a.txt", "photos/2006/January/sample.jpg", "photos/2006/February/sample2.jpg",
        "photos/x.jpg", "videos/a.mp4", "\xE6\x97\xA5\xE6\x9C\xAC.txt"}) {
    ASSERT_TRUE(env_.Put("bkt", key, key).ok());
  }
  auto top = env_.s3().ListObjectsV2({.bucket = "bkt", .delimiter = "/"});
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->objects.size(), 2u);
  EXPECT_EQ(top->objects[0].key, "a.txt");
  EXPECT_EQ(top->objects[0].size, 5);
  EXPECT_EQ(top->objects[0].etag, ETagFromMd5(Md5("a.txt")));
  EXPECT_EQ(top->objects[1].key, "\xE6\x97\xA5\xE6\x9C\xAC.txt");  // bytewise: after ASCII
  EXPECT_EQ(top->common_prefixes, (std::vector<std::string>{"photos/", "videos/"}));
  EXPECT_EQ(top->key_count, 4);
  EXPECT_FALSE(top->truncated);
  EXPECT_EQ(top->owner, "111122223333");

  // Paging with continuation tokens visits everything once.
  std::vector<std::string> seen;
  std::optional<std::string> token;
  int pages = 0;
  do {
    auto page =
        env_.s3().ListObjectsV2({.bucket = "bkt", .max_keys = 2, .continuation_token = token});
    ASSERT_TRUE(page.ok()) << page.error().message();
    for (const ObjectSummary& o : page->objects) seen.push_back(o.key);
    EXPECT_EQ(page->key_count, static_cast<int>(page->objects.size()));
    token =
        page->truncated ? std::optional<std::string>(page->next_continuation_token) : std::nullopt;
    ++pages;
  } while (token);
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(pages, 3);

  auto after = env_.s3().ListObjectsV2({.bucket = "bkt", .start_after = "photos/x.jpg"});
  ASSERT_EQ(after->objects.size(), 2u);
  EXPECT_EQ(after->objects[0].key, "videos/a.mp4");
  auto prefixed = env_.s3().ListObjectsV2({.bucket = "bkt", .prefix = "photos/2006/"});
  EXPECT_EQ(prefixed->objects.size(), 2u);
  auto none = env_.s3().ListObjectsV2({.bucket = "bkt", .max_keys = 0});
  EXPECT_TRUE(none->objects.empty());
  EXPECT_FALSE(none->truncated);

  EXPECT_EQ(Code(env_.s3().ListObjectsV2({.bucket = "bkt", .continuation_token = "forged"})),
            "InvalidArgument");
  auto page = env_.s3().ListObjectsV2({.bucket = "bkt", .max_keys = 1});
  env_.CreateBucket("other");
  EXPECT_EQ(Code(env_.s3().ListObjectsV2(
                {.bucket = "other", .continuation_token = page->next_continuation_token})),
            "InvalidArgument");
  EXPECT_EQ(Code(env_.s3().ListObjectsV2({.bucket = "bkt", .prefix = "\xFF"})), "InvalidArgument");
  EXPECT_EQ(Code(env_.s3().ListObjectsV2({.bucket = "absent"})), "NoSuchBucket");
}

TEST_F(Objects, ListObjectsV1NextMarkerOnlyWithDelimiter) {
  for (const char* key : {"a", "b/1", "b/2", "c"}) ASSERT_TRUE(env_.Put("bkt", key, "x").ok());
  auto plain = env_.s3().ListObjects({.bucket = "bkt", .max_keys = 2});
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->truncated);
  EXPECT_TRUE(plain->next_marker.empty());
  auto next = env_.s3().ListObjects({.bucket = "bkt", .marker = plain->objects.back().key});
  EXPECT_EQ(next->objects.size(), 2u);
  auto grouped = env_.s3().ListObjects({.bucket = "bkt", .delimiter = "/", .max_keys = 2});
  EXPECT_TRUE(grouped->truncated);
  EXPECT_EQ(grouped->next_marker, "b/");
  auto rest =
      env_.s3().ListObjects({.bucket = "bkt", .delimiter = "/", .marker = grouped->next_marker});
  ASSERT_EQ(rest->objects.size(), 1u);
  EXPECT_EQ(rest->objects[0].key, "c");
  EXPECT_TRUE(rest->common_prefixes.empty());
  EXPECT_FALSE(rest->truncated);
}

TEST(ListParameters, Parsing) {
  EXPECT_EQ(*ParseMaxKeys("0"), 0);
  EXPECT_EQ(*ParseMaxKeys("1000"), 1000);
  EXPECT_EQ(*ParseMaxKeys("5000"), 1000);
  EXPECT_EQ(*ParseMaxKeys("2147483647"), 1000);
  for (const char* bad : {"", "-1", "abc", "2147483648", "99999999999", "1.5"}) {
    EXPECT_EQ(ParseMaxKeys(bad).error().code(), "InvalidArgument") << bad;
  }
  EXPECT_EQ(*ParseEncodingType("url"), EncodingType::kUrl);
  EXPECT_EQ(ParseEncodingType("URL").error().code(), "InvalidArgument");
}

}  // namespace
}  // namespace irsa::s3
